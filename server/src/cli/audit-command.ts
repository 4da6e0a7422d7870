// `mypass audit export --since <RFC3339|duration> [--until …] [--format jsonl|cef] [--config FILE]`
import { exportAudit } from '../audit/audit-export.js';
import type { AuditFormat } from '../audit/audit-format.js';
import { parseTimeBound } from '../audit/time-bound.js';
import {
  configFile,
  loadCommandConfig,
  openCommandStore,
  parseCommandArgs,
  storeFailed,
  subcommands,
} from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';

const USAGE = `usage: mypass audit export --since TIME [--until TIME] [--format jsonl|cef] [--config FILE]

Writes the audit records from the store to standard output, oldest first: one JSON object per line
(jsonl, the default) or ArcSight Common Event Format (cef). Records hold ids, reasons and method ids,
never a code, password, flow token or full destination.

  --since TIME        RFC 3339 date-time (2026-11-01T00:00:00Z, or a date) or a duration back from
                      now (90m, 24h, 7d, 2w); required
  --until TIME        the same forms; records before it (default: now)
  --format FORMAT     jsonl (default) or cef
  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
  -h, --help          this text

Exit code: 0 exported, 1 the store failed, 2 configuration or usage error.
`;

export async function auditExport(args: string[], io: CliIo, now = new Date()): Promise<number> {
  const values = parseCommandArgs('audit export', USAGE, args, io, {
    since: 'string',
    until: 'string',
    format: 'string',
  });
  if (typeof values === 'number') return values;
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const [sinceText, untilText] = [text('since'), text('until')];
  const format = text('format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'cef') {
    io.stderr(`mypass audit export: --format must be jsonl or cef (invalid_format)\n`);
    return 2;
  }
  if (sinceText === undefined) {
    io.stderr(`mypass audit export: --since is required\n\n${USAGE}`);
    return 2;
  }
  const since = parseTimeBound(sinceText, now);
  const until = untilText === undefined ? undefined : parseTimeBound(untilText, now);
  if (!since.ok || (until !== undefined && !until.ok)) {
    io.stderr(
      `mypass audit export: ${!since.ok ? '--since' : '--until'} is neither an RFC 3339 time nor a duration such as 24h (invalid_time)\n`,
    );
    return 2;
  }
  const config = await loadCommandConfig('audit export', configFile(values, io), io);
  if (!config) return 2;
  const store = await openCommandStore('audit export', config, io);
  if (!store) return 1;
  try {
    await exportAudit(
      store.maintenance,
      { since: since.at, ...(until?.ok ? { until: until.at } : {}), format: format as AuditFormat },
      io.stdout,
    );
    return 0;
  } catch (error) {
    return storeFailed('audit export', error, io);
  } finally {
    await store.close();
  }
}

export const auditCommand: CliCommand = {
  summary: 'export the audit records (JSON lines or CEF) for a SIEM',
  usage: USAGE,
  run: subcommands('audit', USAGE, { export: auditExport }),
};
