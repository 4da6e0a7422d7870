// Enrollments and password-attempt records over Kysely, the same statements on SQLite and PostgreSQL
// (issue 5). Confirmation is one conditional UPDATE; the attempt window is a compare-and-set on one
// row per user, so both hold under concurrent requests and across API nodes.
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { EnrollmentsTable } from './database-schema.js';
import type { RepositoryContext } from './sql-repositories.js';
import type {
  EnrollmentRecord,
  EnrollmentRepository,
  MethodKind,
  PasswordAttemptRepository,
  PasswordAttemptReservation,
} from './store.js';

const ms = (d: Date): number => d.getTime();
const dateOrNull = (n: number | string | null): Date | null => (n === null ? null : new Date(Number(n)));

export function enrollmentRepository({
  db,
  dialect,
  keyring,
  clock,
}: RepositoryContext): EnrollmentRepository {
  const toRecord = (row: Selectable<EnrollmentsTable>): EnrollmentRecord => ({
    id: row.id,
    userId: row.user_id,
    kind: row.kind as MethodKind,
    destination: keyring.decrypt(row.destination) ?? null,
    hint: row.hint,
    flowId: row.flow_id,
    challengeId: row.challenge_id,
    createdAt: new Date(Number(row.created_at)),
    confirmedAt: dateOrNull(row.confirmed_at),
    usableFrom: dateOrNull(row.usable_from),
  });
  return {
    async create(enrollment) {
      const row = await db
        .insertInto('enrollments')
        .values({
          id: enrollment.id,
          user_id: enrollment.userId,
          kind: enrollment.kind,
          // Sealed: the number or address must be deliverable later, so it cannot be a one-way hash.
          destination: keyring.encrypt(enrollment.destination),
          hint: enrollment.hint,
          flow_id: enrollment.flowId,
          challenge_id: enrollment.challengeId,
          created_at: ms(clock.now()),
          confirmed_at: null,
          usable_from: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },
    async confirm(id, usableFrom, now = clock.now()) {
      const row = await db
        .updateTable('enrollments')
        .set({ confirmed_at: ms(now), usable_from: ms(usableFrom) })
        .where('id', '=', id)
        .where('confirmed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },
    async confirmWithin(id, usableFrom, maxConfirmed, now = clock.now()) {
      const attempt = async (executor: typeof db) => {
        const pending = await executor
          .selectFrom('enrollments')
          .select('user_id')
          .where('id', '=', id)
          .where('confirmed_at', 'is', null)
          .executeTakeFirst();
        if (!pending) return { ok: false as const, reason: 'not_pending' as const };
        if (dialect === 'postgres') {
          // READ COMMITTED would let two confirmations each count the other's row as still pending;
          // the per-user lock makes the second count after the first commits (on any node).
          await sql`select pg_advisory_xact_lock(hashtextextended(${'mypass-enroll:' + pending.user_id}, 0))`.execute(
            executor,
          );
        }
        const confirmedCount = executor
          .selectFrom('enrollments as other')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('other.user_id', '=', pending.user_id)
          .where('other.confirmed_at', 'is not', null);
        const row = await executor
          .updateTable('enrollments')
          .set({ confirmed_at: ms(now), usable_from: ms(usableFrom) })
          .where('id', '=', id)
          .where('confirmed_at', 'is', null)
          .where(confirmedCount, '<', maxConfirmed)
          .returningAll()
          .executeTakeFirst();
        if (row) return { ok: true as const, enrollment: toRecord(row) };
        const still = await executor
          .selectFrom('enrollments')
          .select('id')
          .where('id', '=', id)
          .where('confirmed_at', 'is', null)
          .executeTakeFirst();
        return { ok: false as const, reason: still ? ('max_methods' as const) : ('not_pending' as const) };
      };
      if (db.isTransaction || dialect !== 'postgres') return attempt(db);
      return db.transaction().execute((trx) => attempt(trx));
    },
    async listForUser(userId, options = {}) {
      let query = db.selectFrom('enrollments').selectAll().where('user_id', '=', userId);
      if (options.confirmedOnly) query = query.where('confirmed_at', 'is not', null);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toRecord);
    },
    async listForFlow(flowId) {
      const rows = await db
        .selectFrom('enrollments')
        .selectAll()
        .where('flow_id', '=', flowId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    async deletePendingForFlow(flowId) {
      const result = await db
        .deleteFrom('enrollments')
        .where('flow_id', '=', flowId)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteEnrollmentsForUser(userId) {
      const result = await db.deleteFrom('enrollments').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteUnconfirmedBefore(before) {
      const result = await db
        .deleteFrom('enrollments')
        .where('confirmed_at', 'is', null)
        .where('created_at', '<', ms(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

interface Attempt {
  id: string;
  at: number;
}

function parseAttempts(text: string): Attempt[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value)
      ? value.filter(
          (a): a is Attempt =>
            typeof a === 'object' &&
            a !== null &&
            typeof (a as Attempt).id === 'string' &&
            typeof (a as Attempt).at === 'number',
        )
      : [];
  } catch {
    // A damaged row counts as empty would let guesses through; as full it fails closed.
    return Array.from({ length: 1000 }, (_, i) => ({ id: `damaged-${i}`, at: Number.MAX_SAFE_INTEGER }));
  }
}

export function passwordAttemptRepository({ db, clock }: RepositoryContext): PasswordAttemptRepository {
  /** Applies `change` to the subject's row with compare-and-set until it lands (bounded). */
  async function update<T>(
    subject: string,
    now: Date,
    change: (attempts: Attempt[]) => { next: Attempt[] | null; result: T },
  ): Promise<T> {
    await db
      .insertInto('password_attempts')
      .values({ subject, attempts: '[]', updated_at: ms(now) })
      .onConflict((oc) => oc.column('subject').doNothing())
      .execute();
    for (let round = 0; round < 50; round++) {
      const row = await db
        .selectFrom('password_attempts')
        .select('attempts')
        .where('subject', '=', subject)
        .executeTakeFirst();
      const current = row?.attempts ?? '[]';
      const { next, result } = change(parseAttempts(current));
      if (next === null) return result;
      const written = await db
        .updateTable('password_attempts')
        .set({ attempts: JSON.stringify(next), updated_at: ms(now) })
        .where('subject', '=', subject)
        .where('attempts', '=', current)
        .returning('subject')
        .executeTakeFirst();
      if (written) return result;
    }
    throw new Error('password attempts: too much contention');
  }

  return {
    reserve(subject, max, windowSeconds, now = clock.now()) {
      const windowStart = ms(now) - windowSeconds * 1000;
      return update<PasswordAttemptReservation>(subject, now, (attempts) => {
        const live = attempts.filter((a) => a.at > windowStart);
        if (live.length >= max) {
          const oldest = Math.min(...live.map((a) => a.at));
          const retryAfter = Math.max(1, Math.ceil((oldest + windowSeconds * 1000 - ms(now)) / 1000));
          return { next: null, result: { allowed: false, retryAfter } };
        }
        const attemptId = randomUUID();
        return {
          next: [...live, { id: attemptId, at: ms(now) }],
          result: { allowed: true, attemptId },
        };
      });
    },
    async release(subject, attemptId) {
      await update(subject, clock.now(), (attempts) =>
        attempts.some((a) => a.id === attemptId)
          ? { next: attempts.filter((a) => a.id !== attemptId), result: undefined }
          : { next: null, result: undefined },
      );
    },
    async count(subject, windowSeconds, now = clock.now()) {
      const row = await db
        .selectFrom('password_attempts')
        .select('attempts')
        .where('subject', '=', subject)
        .executeTakeFirst();
      const windowStart = ms(now) - windowSeconds * 1000;
      return parseAttempts(row?.attempts ?? '[]').filter((a) => a.at > windowStart).length;
    },
    async deleteIdleBefore(before) {
      const result = await db
        .deleteFrom('password_attempts')
        .where('updated_at', '<', ms(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteForUser(subject) {
      const result = await db
        .deleteFrom('password_attempts')
        .where('subject', '=', subject)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
