// `mypass retention run [--config FILE]`: one purge now, for installations that run it from cron
// (retention.intervalMinutes: 0) or want to see what the schedule would remove.
import { runRetention } from '../retention/retention.js';
import { loadConfigFromArgs, openCommandStore, storeFailed, subcommands } from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';

const USAGE = `usage: mypass retention run [--config FILE]

Deletes what has outlived the retention periods of the configuration (retention section): expired
flows with their codes' HMACs and finished outbox messages, ended rate-limit windows, enrollments
never confirmed, and old audit records. \`mypass serve\` does the same every retention.intervalMinutes.

  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
  -h, --help          this text

Exit code: 0 purged, 1 the store failed, 2 configuration or usage error.
`;

export async function retentionRun(args: string[], io: CliIo, now = new Date()): Promise<number> {
  const config = await loadConfigFromArgs('retention run', USAGE, args, io);
  if (typeof config === 'number') return config;
  const store = await openCommandStore('retention run', config, io);
  if (!store) return 1;
  try {
    const r = await runRetention(store, config.retention, now, store.enrollments, {
      deleteIdleBefore: (before) => store.passwordAttempts.deleteIdleBefore(before),
      windowSeconds: config.limits.passwordChecks.windowSeconds,
    });
    io.stdout(
      `Removed: ${r.flows} flows, ${r.outbox} outbox messages, ${r.counters} counter windows, ${r.enrollments} unconfirmed enrollments, ${r.passwordAttempts} password-check windows, ${r.audit} audit records.\n`,
    );
    return 0;
  } catch (error) {
    return storeFailed('retention run', error, io);
  } finally {
    await store.close();
  }
}

export const retentionCommand: CliCommand = {
  summary: 'purge what has outlived the retention periods now',
  usage: USAGE,
  run: subcommands('retention', USAGE, { run: retentionRun }),
};
