// `mypass keys status` and `mypass keys reseal`: what each code key (store.codeKeys,
// MYPASS_CODE_KEYS) still protects in the store, and re-encryption of everything sealed with an
// older key under the current one, so a rotated-out key can be dropped without making anyone's
// enrolled methods unreadable. Only key ids are ever printed, never a secret or a destination.
import type { MyPassConfig } from '../config/schema.js';
import {
  malformedCount,
  sealedRowCount,
  unusedKey,
  type KeyUsage,
  type ResealCounts,
  type SealedKeyUsage,
} from '../store/maintenance-repository.js';
import type { Store } from '../store/store.js';
import { loadConfigWithFlag, openCommandStore, storeFailed, subcommands } from './admin-context.js';
import type { CliCommand, CliIo } from './cli-io.js';

const STATUS_USAGE = `usage: mypass keys status [--config FILE] [--json]

Lists the configured code keys (store.codeKeys / MYPASS_CODE_KEYS) by id, newest first, and per key
id found in the store: the enrolled methods (confirmed and pending), queued outbox messages and
flows it sealed and the live codes (at most 10 minutes old) it signed. Each is marked current, configured or
NOT CONFIGURED (unreadable). The verdict says which older keys can be dropped now and which need
\`mypass keys reseal\` first. Key secrets are never printed.

  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
      --json          one JSON object instead of the table
  -h, --help          this text

Exit code: 0 every row is readable, 1 the store failed, 2 configuration or usage error, 3 some rows
are sealed or signed with a key id that is not configured (they cannot be read until it is again).
`;

const RESEAL_USAGE = `usage: mypass keys reseal [--config FILE] [--dry-run]

Re-encrypts every enrolled destination, queued outbox message and flow (the methods it offers and
whom it notifies) that is not sealed with the current (first) code key under that key, in pages,
and seals what an older version wrote in clear (flows, outbox destinations; it says when the old
text needs a VACUUM to leave the database file). A row another node changes meanwhile is left as
that node wrote it (counted, run again); rows sealed with a key that is not configured are left
untouched and counted as unreadable. Safe while \`mypass serve\` runs. Run it only once every node
seals with the new key (see \`mypass keys --help\`).

  -c, --config FILE   configuration file; default $MYPASS_CONFIG, else environment only
      --dry-run       count what would be re-encrypted; write nothing
  -h, --help          this text

Exit code: 0 done, 1 the store failed, 2 configuration or usage error, 3 unreadable rows remain.
`;

const USAGE = `usage: mypass keys status [--config FILE] [--json]
       mypass keys reseal [--config FILE] [--dry-run]

Rotating the code keys, one step on every node before the next:
  1. add the new key after the current one in store.codeKeys and restart (every node reads it);
  2. move it first and restart (every node now seals and signs with it);
  3. run \`mypass keys reseal\` once;
  4. drop the old key once \`mypass keys status\` says it can go, and restart.
A node that seals with a key another node does not hold yet makes codes and flows unreadable there.
\`mypass keys <status|reseal> --help\` describes each.
`;

type KeyState = 'current' | 'configured' | 'not_configured';

interface KeyRow extends KeyUsage {
  state: KeyState;
}

export interface KeysStatusReport {
  /** Newest first; the first seals and signs. */
  configuredKeys: string[];
  currentKeyId: string;
  keys: KeyRow[];
  /** Sealed values without a readable key id at all (damaged). */
  malformed: SealedKeyUsage['malformed'];
  /** Rows an older version wrote with destinations in clear (`reseal` seals them). */
  unsealed: SealedKeyUsage['unsealed'];
  /** Older configured keys nothing depends on any more. */
  droppable: string[];
  /** Older configured keys that still seal enrollments, queued messages or flows. */
  needsReseal: string[];
  /** Older configured keys that only sign live codes: droppable within 10 minutes. */
  waitForLiveCodes: string[];
  /** Some rows cannot be read with the configured keys (exit code 3). */
  unreadable: boolean;
}

export function keysStatusReport(configuredKeys: string[], usage: SealedKeyUsage): KeysStatusReport {
  const currentKeyId = configuredKeys[0] ?? '';
  const found = new Map(usage.keys.map((u) => [u.keyId, u]));
  const keys: KeyRow[] = [
    ...configuredKeys.map((keyId) => ({
      ...(found.get(keyId) ?? unusedKey(keyId)),
      state: (keyId === currentKeyId ? 'current' : 'configured') as KeyState,
    })),
    ...usage.keys
      .filter((u) => !configuredKeys.includes(u.keyId))
      .map((u) => ({ ...u, state: 'not_configured' as KeyState })),
  ];
  const older = keys.filter((k) => k.state === 'configured');
  return {
    configuredKeys,
    currentKeyId,
    keys,
    malformed: usage.malformed,
    unsealed: usage.unsealed,
    droppable: older.filter((k) => sealedRowCount(k) === 0 && k.liveChallenges === 0).map((k) => k.keyId),
    needsReseal: older.filter((k) => sealedRowCount(k) > 0).map((k) => k.keyId),
    waitForLiveCodes: older
      .filter((k) => sealedRowCount(k) === 0 && k.liveChallenges > 0)
      .map((k) => k.keyId),
    unreadable: keys.some((k) => k.state === 'not_configured') || malformedCount(usage) > 0,
  };
}

const STATE_LABEL: Record<KeyState, string> = {
  current: 'current',
  configured: 'configured',
  not_configured: 'NOT CONFIGURED (unreadable)',
};

const list = (ids: string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));

export function formatKeysStatus(report: KeysStatusReport): string {
  const lines = [
    `Configured keys, newest first: ${report.configuredKeys
      .map((id) => (id === report.currentKeyId ? `${id} (current)` : id))
      .join(', ')}`,
    '',
  ];
  const header = ['key id', 'state', 'confirmed', 'pending', 'outbox', 'flows', 'live codes'];
  const rows = report.keys.map((k) => [
    k.keyId,
    STATE_LABEL[k.state],
    String(k.enrollmentsConfirmed),
    String(k.enrollmentsPending),
    String(k.outbox),
    String(k.flows),
    String(k.liveChallenges),
  ]);
  const { enrollments, outbox, flows } = report.malformed;
  if (enrollments + outbox + flows > 0) {
    rows.push(['(damaged)', 'unreadable', String(enrollments), '-', String(outbox), String(flows), '-']);
  }
  const { unsealed } = report;
  if (unsealed.flows + unsealed.outbox > 0) {
    rows.push(['(none)', 'not sealed yet', '-', '-', String(unsealed.outbox), String(unsealed.flows), '-']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (r: string[]) =>
    r
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  lines.push(format(header), ...rows.map(format), '');

  const verdict =
    report.configuredKeys.length === 1 && report.needsReseal.length === 0
      ? 'Verdict: only the current key is configured; there is no older key to drop.'
      : `Verdict: can be dropped now: ${list(report.droppable)}; needs \`mypass keys reseal\` first: ${list(
          report.needsReseal,
        )}; still signs live codes (wait up to 10 minutes): ${list(report.waitForLiveCodes)}.`;
  lines.push(verdict);
  if (unsealed.flows + unsealed.outbox > 0) {
    lines.push(
      `${unsealed.flows} flows and ${unsealed.outbox} outbox messages an older version wrote hold destinations in clear: \`mypass keys reseal\` seals them.`,
    );
  }
  if (report.unreadable) {
    const missing = report.keys.filter((k) => k.state === 'not_configured').map((k) => k.keyId);
    lines.push(
      `UNREADABLE: rows are sealed or signed with ${
        missing.length > 0 ? `key ids that are not configured (${missing.join(', ')})` : 'no readable key id'
      }; those enrolled methods are not offered, and those flows cannot go on, until the key is configured again.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The configuration, the open store and the subcommand's flag, or the exit code after saying why not. */
async function prepare(
  command: string,
  usage: string,
  args: string[],
  flag: 'json' | 'dry-run',
  io: CliIo,
): Promise<{ config: MyPassConfig; store: Store; flag: boolean } | number> {
  const loaded = await loadConfigWithFlag(command, usage, args, io, flag);
  if (typeof loaded === 'number') return loaded;
  const store = await openCommandStore(command, loaded.config, io);
  if (!store) return 1;
  return { ...loaded, store };
}

export async function keysStatus(args: string[], io: CliIo, now = new Date()): Promise<number> {
  const ready = await prepare('keys status', STATUS_USAGE, args, 'json', io);
  if (typeof ready === 'number') return ready;
  const { config, store, flag: json } = ready;
  try {
    const usage = await store.maintenance.sealedKeyUsage({ now });
    const report = keysStatusReport(
      config.store.codeKeys.map((k) => k.id),
      usage,
    );
    io.stdout(json ? `${JSON.stringify(report)}\n` : formatKeysStatus(report));
    return report.unreadable ? 3 : 0;
  } catch (error) {
    return storeFailed('keys status', error, io);
  } finally {
    await store.close();
  }
}

const counted = (c: ResealCounts, pick: keyof ResealCounts, what: string): string => `${c[pick]} ${what}`;

export async function keysReseal(args: string[], io: CliIo): Promise<number> {
  const ready = await prepare('keys reseal', RESEAL_USAGE, args, 'dry-run', io);
  if (typeof ready === 'number') return ready;
  const { store, flag: dryRun } = ready;
  try {
    const r = await store.maintenance.resealEnrollments(store.keyring, { dryRun });
    const both = (pick: keyof ResealCounts) =>
      `${counted(r.enrollments, pick, 'enrolled methods')}, ${counted(r.outbox, pick, 'outbox messages')}, ${counted(r.flows, pick, 'flows')}`;
    const total = (pick: keyof ResealCounts) => r.enrollments[pick] + r.outbox[pick] + r.flows[pick];
    const lines = [
      `${dryRun ? 'Would re-encrypt' : 'Re-encrypted'} with key ${store.keyring.currentKeyId}: ${both('resealed')}.`,
      `Unreadable (sealed with a key that is not configured), left unchanged: ${both('unreadable')}.`,
    ];
    if (total('changedMeanwhile') > 0) {
      lines.push(
        `Changed by another node meanwhile, left as it wrote them: ${both('changedMeanwhile')}; run again.`,
      );
    }
    if (r.sealedFromClear > 0 && !dryRun) {
      lines.push(
        `${r.sealedFromClear} of them an older version had written in clear: their old text can stay in the database's free pages until it is vacuumed (SQLite: \`VACUUM\` with \`mypass serve\` stopped; PostgreSQL: \`VACUUM FULL flows, outbox\`), and in backups until they age out.`,
      );
    }
    if (dryRun) lines.push('Dry run: nothing was written.');
    else lines.push('`mypass keys status` says which older keys can now be dropped.');
    io.stdout(`${lines.join('\n')}\n`);
    return total('unreadable') > 0 ? 3 : 0;
  } catch (error) {
    return storeFailed('keys reseal', error, io);
  } finally {
    await store.close();
  }
}

export const keysCommand: CliCommand = {
  summary: 'which code keys the store still needs; re-encrypt under the newest',
  usage: USAGE,
  run: subcommands('keys', USAGE, { status: keysStatus, reseal: keysReseal }),
};
