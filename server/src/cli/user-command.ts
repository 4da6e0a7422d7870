// `mypass user purge <upn|objectId> [--keep-audit] [--config FILE]`: removes what MyPass holds
// about one person (retention/person-purge.ts says what goes and what stays, and why).
import { parseArgs } from 'node:util';
import { createEntraConnection } from '../directory/entra-connection.js';
import { isGuid } from '../directory/odata-filter.js';
import { purgePerson, type PurgeTarget } from '../retention/person-purge.js';
import type { MyPassConfig } from '../config/schema.js';
import { loadCommandConfig, openCommandStore, storeFailed, subcommands } from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';

const USAGE = `usage: mypass user purge <userPrincipalName|objectId> [--keep-audit] [--config FILE]

Removes what MyPass holds about one person: their enrollments, every flow started for them or by one
of their names (with its codes' HMACs and outbox messages), the rate-limit counters keyed on them,
and their audit records. It keeps one "user_purged" audit record (object id, time, counts) so the
erasure can be shown to have happened. Entra ID itself is not changed.

The directory is asked for the person's other names (mail, other mail addresses, employee id); a
person Entra no longer knows is purged by the object id or name given.

  --keep-audit        keep their audit records (legal hold, open investigation); the audit
                      retention period removes them later
  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
  -h, --help          this text

Exit code: 0 purged, 1 the store failed, 2 configuration or usage error.
`;

/** Who the argument names, with every name the directory knows for them. */
async function resolveTarget(config: MyPassConfig, who: string, io: CliIo): Promise<PurgeTarget> {
  const given: PurgeTarget = isGuid(who)
    ? { userId: who.toLowerCase(), names: [] }
    : { userId: null, names: [who] };
  const connection = await createEntraConnection(config.directory);
  if (!connection.ok) {
    io.stderr(
      `mypass user purge: the directory cannot be asked (${connection.code}); purging by "${who}" only\n`,
    );
    return given;
  }
  try {
    const found = await connection.value.run(async (deadline) => {
      const user = (await connection.value
        .api(`/users/${encodeURIComponent(who)}`, deadline)
        .select(['id', 'userPrincipalName', 'mail', 'otherMails', 'employeeId'])
        .get()) as {
        id: string;
        userPrincipalName?: string | null;
        mail?: string | null;
        otherMails?: string[] | null;
        employeeId?: string | null;
      };
      return { ok: true as const, value: user };
    });
    if (!found.ok) {
      if (found.code !== 'not_found')
        io.stderr(
          `mypass user purge: the directory did not answer (${found.code}); purging by "${who}" only\n`,
        );
      return given;
    }
    const u = found.value;
    const names = [u.userPrincipalName, u.mail, ...(u.otherMails ?? []), u.employeeId, ...given.names].filter(
      (n): n is string => typeof n === 'string' && n !== '',
    );
    return { userId: u.id.toLowerCase(), names };
  } finally {
    await connection.value.close();
  }
}

export async function userPurge(args: string[], io: CliIo, options: { now?: Date } = {}): Promise<number> {
  let values: { 'keep-audit'?: boolean; config?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        'keep-audit': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    io.stderr(`mypass user purge: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const who = positionals[0]?.trim();
  if (positionals.length !== 1 || !who || who.includes('/') || who.length > 256) {
    io.stderr(
      `mypass user purge: name exactly one person (a user principal name or an object id)\n\n${USAGE}`,
    );
    return 2;
  }
  const config = await loadCommandConfig('user purge', values.config ?? io.env['MYPASS_CONFIG'], io);
  if (!config) return 2;
  const target = await resolveTarget(config, who, io);
  const store = await openCommandStore('user purge', config, io);
  if (!store) return 1;
  try {
    const report = await purgePerson({ store }, target, {
      keepAudit: values['keep-audit'] === true,
      now: options.now ?? new Date(),
    });
    io.stdout(
      [
        `Purged ${target.userId ?? who}:`,
        `  enrollments      ${report.enrollments}`,
        `  password checks  ${report.passwordAttempts}`,
        `  flows            ${report.flows} (challenges ${report.challenges}, outbox messages ${report.outbox})`,
        `  counters         ${report.counters}`,
        `  audit records    ${report.keptAudit ? 'kept (--keep-audit)' : report.audit}`,
        'Kept: one "user_purged" audit record (object id, time, the counts above).',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    return storeFailed('user purge', error, io);
  } finally {
    await store.close();
  }
}

export const userCommand: CliCommand = {
  summary: 'remove what MyPass holds about one person (user purge)',
  usage: USAGE,
  run: subcommands('user', USAGE, { purge: userPurge }),
};
