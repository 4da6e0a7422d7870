// `mypass user purge`: removes what MyPass holds about one person (GDPR art. 17), and says what it
// keeps. Removed: their enrollments, their password-attempt record, every flow started for them or by a name of theirs (with its
// challenges and outbox messages), the rate-limit and failure-budget counters keyed on them, and
// their audit records. Kept: one `user_purged` audit record naming the directory object id, when,
// and how many rows went — the controller must be able to show the erasure was done (art. 5(2),
// accountability) and the object id alone names nobody outside the tenant. With `keepAudit` (a
// legal hold or an open investigation: art. 17(3)(e)) the audit records stay until the audit
// retention period removes them.
import { normalizeIdentifier } from '@mypass/flows/method-hints';
import type { PersonDeletion } from '../store/maintenance-repository.js';
import type { Store } from '../store/store.js';

export interface PurgeTarget {
  /** Directory object id; null when the directory no longer has the person. */
  userId: string | null;
  /** Every name they may have typed: UPN, mail, other mail addresses, employee id. */
  names: string[];
}

export interface PurgeReport extends PersonDeletion {
  enrollments: number;
  passwordAttempts: number;
  keptAudit: boolean;
}

/**
 * The counter keys (or prefixes) that name a person, as the flows service writes them
 * (flows-service.ts: start:, fail:, codes:, resend:).
 */
export function personCounterPrefixes(userId: string | null, identifierHashes: readonly string[]): string[] {
  const out: string[] = [];
  if (userId !== null) {
    out.push(
      `start:subject:${userId}`,
      `fail:subject:${userId}`,
      `codes:subject:${userId}`,
      `resend:${userId}:`,
    );
  }
  for (const hash of identifierHashes) out.push(`start:name:${hash}`, `fail:name:${hash}`);
  // In key order, the order counters.hitEach locks rows in: a purge deleting fail:subject before
  // fail:name while a guess holds fail:name and waits for fail:subject deadlocked on PostgreSQL.
  return out.sort();
}

export async function purgePerson(
  deps: { store: Pick<Store, 'maintenance' | 'keyring' | 'audit' | 'enrollments' | 'passwordAttempts'> },
  target: PurgeTarget,
  options: { keepAudit: boolean; now: Date },
): Promise<PurgeReport> {
  const { store } = deps;
  const identifierHashes = [
    ...new Set(
      target.names
        .map((n) => n.trim())
        .filter((n) => n !== '')
        // Under every configured key: flows and counters keyed before a key rotation are theirs too.
        .flatMap((n) => store.keyring.lookupHashes('identifier', normalizeIdentifier(n))),
    ),
  ];
  const enrollments =
    target.userId !== null ? await store.enrollments.deleteEnrollmentsForUser(target.userId) : 0;
  const passwordAttempts =
    target.userId !== null ? await store.passwordAttempts.deleteForUser(target.userId) : 0;
  const deleted = await store.maintenance.deletePerson(
    { userId: target.userId, identifierHashes },
    {
      counterKeyPrefixes: personCounterPrefixes(target.userId, identifierHashes),
      keepAudit: options.keepAudit,
    },
  );
  const report: PurgeReport = { ...deleted, enrollments, passwordAttempts, keptAudit: options.keepAudit };
  await store.audit.record({
    event: 'user_purged',
    userId: target.userId,
    at: options.now,
    detail: {
      flows: report.flows,
      challenges: report.challenges,
      outbox: report.outbox,
      counters: report.counters,
      enrollments: report.enrollments,
      passwordAttempts: report.passwordAttempts,
      audit: report.audit,
      keptAudit: report.keptAudit,
    },
  });
  return report;
}
