// Reads and deletes for the administrator's tools rather than the flows: the audit in pages for
// `mypass audit export` and the syslog sink, deletion by age for retention (retention/), and
// deletion of one person's rows for `mypass user purge`, and code key rotation for `mypass keys`
// (what each key still seals, re-encryption under the newest). Plain statements, the same in both
// dialects.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CodeKeyring } from './code-keyring.js';
import type { AuditTable, Database } from './database-schema.js';
import { sealLegacyDestination } from './sql-repositories.js';
import { StoreError, type AuditEntry, type Json } from './store.js';

export interface AuditPageQuery {
  /** Inclusive lower bound on `at`. */
  since?: Date;
  /** Exclusive upper bound on `at`. */
  until?: Date;
  /** Resume after this id (ids sort by time, then order of writing). */
  afterId?: string;
  /** Only records of this event. */
  event?: string;
  limit: number;
}

/** Who one person is in the store: the directory object id and the lookup hashes of their names. */
export interface PersonKeys {
  /** Null when the directory no longer knows the person: only the names are then searched. */
  userId: string | null;
  /** Keyring.lookupHash('identifier', normalized name) of each name they may have typed. */
  identifierHashes: string[];
}

export interface PersonDeletion {
  flows: number;
  challenges: number;
  outbox: number;
  counters: number;
  audit: number;
}

/** What one code key still protects in the store (`sealedKeyUsage`). */
export interface KeyUsage {
  keyId: string;
  /** Confirmed enrollments whose destination the key sealed. */
  enrollmentsConfirmed: number;
  /** Enrollments not confirmed yet (retention removes them if they never are). */
  enrollmentsPending: number;
  /** Queued or sending outbox messages whose payload the key sealed (sent ones hold none). */
  outbox: number;
  /** Challenges neither consumed nor expired whose code HMAC the key made. */
  liveChallenges: number;
  /** Flows (live or kept for retention) whose methods and context the key sealed. */
  flows: number;
}

/** A key nothing in the store needs. */
export const unusedKey = (keyId: string): KeyUsage => ({
  keyId,
  enrollmentsConfirmed: 0,
  enrollmentsPending: 0,
  outbox: 0,
  liveChallenges: 0,
  flows: 0,
});

/** Rows a key seals (live codes aside: those it only signs, and they expire by themselves). */
export const sealedRowCount = (u: KeyUsage): number =>
  u.enrollmentsConfirmed + u.enrollmentsPending + u.outbox + u.flows;

/** Sealed values no key id can be read from. */
export const malformedCount = (usage: SealedKeyUsage): number =>
  usage.malformed.enrollments + usage.malformed.outbox + usage.malformed.flows;

export interface SealedKeyUsage {
  /** One entry per key id found in the store, sorted by key id. */
  keys: KeyUsage[];
  /** Sealed values not of the form `v1.<keyId>.…` at all: no key reads them. */
  malformed: { enrollments: number; outbox: number; flows: number };
  /**
   * Rows an older version wrote with a full destination in clear: flows whose methods or context
   * are plain JSON, outbox rows whose destination column is not masked. `reseal` seals them.
   */
  unsealed: { flows: number; outbox: number };
}

export interface ResealCounts {
  /** Re-encrypted with the current key (with `dryRun`: would be). */
  resealed: number;
  /** Sealed with a key the keyring does not hold (or damaged): left exactly as they were. */
  unreadable: number;
  /** Changed or deleted by someone else between the read and the write: left to them. */
  changedMeanwhile: number;
}

export interface ResealResult {
  enrollments: ResealCounts;
  outbox: ResealCounts;
  /** Flows: their methods and context together (both written or neither). */
  flows: ResealCounts;
  /**
   * Of those resealed, rows an older version wrote in clear: their old text can stay in the
   * database's free pages (and in backups) until it is vacuumed.
   */
  sealedFromClear: number;
}

export interface MaintenanceRepository {
  /** Audit rows in ascending order (oldest first), one page. */
  auditPage(query: AuditPageQuery): Promise<AuditEntry[]>;
  /** Deletes audit rows written before `before`; the number removed. */
  deleteAuditBefore(before: Date): Promise<number>;
  /** Deletes flows that expired before `before` (their challenges go with them). */
  deleteFlowsExpiredBefore(before: Date): Promise<number>;
  /** Deletes sent or failed outbox messages created before `before` (queued ones stay). */
  deleteFinishedOutboxBefore(before: Date): Promise<number>;
  /**
   * Deletes one person's flows (by user id or a name they typed), their challenges and outbox
   * messages, the counters keyed on them, and — unless `keepAudit` — their audit rows.
   * `counterKeyPrefixes` are the counter keys (or key prefixes) that name the person.
   */
  deletePerson(
    person: PersonKeys,
    options: { counterKeyPrefixes: string[]; keepAudit: boolean },
  ): Promise<PersonDeletion>;
  /**
   * Per key id: the enrollments, queued outbox payloads and live challenges that still need it
   * (`mypass keys status`). Reads in pages by id, so memory stays flat however many rows there are.
   */
  sealedKeyUsage(options?: { now?: Date; pageSize?: number }): Promise<SealedKeyUsage>;
  /**
   * Re-encrypts every enrollment destination, queued outbox payload and flow (methods and
   * context) not sealed with `keyring.currentKeyId`, and seals what an older version wrote in clear
   * (flows' JSON; an outbox row's destination moves into its payload, the column gets the mask).
   * Page by page; each write is a compare-and-set on the old values, so a row another node changed
   * meanwhile is never overwritten (`mypass keys reseal`).
   */
  resealEnrollments(
    keyring: CodeKeyring,
    options?: { dryRun?: boolean; pageSize?: number },
  ): Promise<ResealResult>;
}

const toAudit = (row: Selectable<AuditTable>): AuditEntry => ({
  id: row.id,
  at: new Date(Number(row.at)),
  event: row.event,
  flowId: row.flow_id,
  userId: row.user_id,
  identifierHash: row.identifier_hash,
  clientAddress: row.client_address,
  detail: JSON.parse(row.detail) as { [key: string]: Json },
});

const count = (result: { numDeletedRows: bigint }): number => Number(result.numDeletedRows);

// `v1.` + a key id (at most 32 characters) + `.`: enough of a sealed value to name its key, so
// the usage count never reads whole ciphertexts.
const SEAL_HEAD_LENGTH = 36;
const sealedKeyId = (head: string): string | undefined => /^v1\.([A-Za-z0-9_-]{1,32})\./.exec(head)?.[1];
/** A flow column an older version wrote: the JSON itself. */
const isClearJson = (head: string): boolean => head.startsWith('[') || head.startsWith('{');

/** Calls `visit` with successive pages of `read(afterId)` (rows ordered by id) until one is short. */
async function forEachPage<Row extends { id: string }>(
  pageSize: number,
  read: (afterId: string | undefined, limit: number) => Promise<Row[]>,
  visit: (rows: Row[]) => Promise<void> | void,
): Promise<void> {
  let afterId: string | undefined;
  for (;;) {
    const rows = await read(afterId, pageSize);
    await visit(rows);
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return;
    afterId = last.id;
  }
}

/** Every method fails with a StoreError (a stable code), never a driver's error with SQL in it. */
function guarded(repository: MaintenanceRepository): MaintenanceRepository {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(repository)) {
    out[name] = (...args: unknown[]) =>
      (fn as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) =>
        Promise.reject(
          error instanceof StoreError
            ? error
            : new StoreError('store_unavailable', 'the store did not complete the operation', {
                cause: error,
              }),
        ),
      );
  }
  return out as unknown as MaintenanceRepository;
}

export function maintenanceRepository(db: Kysely<Database>): MaintenanceRepository {
  return guarded({
    async auditPage(query) {
      let q = db.selectFrom('audit').selectAll();
      if (query.since) q = q.where('at', '>=', query.since.getTime());
      if (query.until) q = q.where('at', '<', query.until.getTime());
      if (query.afterId !== undefined) q = q.where('id', '>', query.afterId);
      if (query.event !== undefined) q = q.where('event', '=', query.event);
      const rows = await q.orderBy('id', 'asc').limit(query.limit).execute();
      return rows.map(toAudit);
    },

    async deleteAuditBefore(before) {
      return count(await db.deleteFrom('audit').where('at', '<', before.getTime()).executeTakeFirst());
    },

    async deleteFlowsExpiredBefore(before) {
      // Challenges reference flows ON DELETE CASCADE; deleting them first keeps SQLite without
      // foreign_keys (an older file) from leaving orphans.
      const old = db.selectFrom('flows').select('id').where('expires_at', '<', before.getTime());
      await db.deleteFrom('challenges').where('flow_id', 'in', old).execute();
      return count(
        await db.deleteFrom('flows').where('expires_at', '<', before.getTime()).executeTakeFirst(),
      );
    },

    async deleteFinishedOutboxBefore(before) {
      return count(
        await db
          .deleteFrom('outbox')
          .where('status', 'in', ['sent', 'failed'])
          .where('created_at', '<', before.getTime())
          .executeTakeFirst(),
      );
    },

    async deletePerson(person, options) {
      return db.transaction().execute(async (trx) => {
        const hashes = person.identifierHashes.length > 0 ? person.identifierHashes : ['(none)'];
        // A value no row holds stands in for a missing user id (`= NULL` would need IS NULL).
        const userId = person.userId ?? '(none)';
        const flowIds = (
          await trx
            .selectFrom('flows')
            .select('id')
            .where((eb) => eb.or([eb('user_id', '=', userId), eb('identifier_hash', 'in', hashes)]))
            .execute()
        ).map((r) => r.id);
        let challenges = 0;
        let outbox = 0;
        let flows = 0;
        // In slices: both dialects cap the number of bound parameters.
        for (let i = 0; i < flowIds.length; i += 500) {
          const slice = flowIds.slice(i, i + 500);
          challenges += count(
            await trx.deleteFrom('challenges').where('flow_id', 'in', slice).executeTakeFirst(),
          );
          outbox += count(await trx.deleteFrom('outbox').where('flow_id', 'in', slice).executeTakeFirst());
          flows += count(await trx.deleteFrom('flows').where('id', 'in', slice).executeTakeFirst());
        }
        let counters = 0;
        for (const prefix of options.counterKeyPrefixes) {
          // substr() compares literally (LIKE would treat `_` and `%` in a hash as wildcards).
          counters += count(
            await trx
              .deleteFrom('counters')
              .where(sql<string>`substr(${sql.ref('key')}, 1, ${prefix.length})`, '=', prefix)
              .executeTakeFirst(),
          );
        }
        let audit = 0;
        if (!options.keepAudit) {
          audit = count(
            await trx
              .deleteFrom('audit')
              .where((eb) => eb.or([eb('user_id', '=', userId), eb('identifier_hash', 'in', hashes)]))
              .executeTakeFirst(),
          );
        }
        return { flows, challenges, outbox, counters, audit };
      });
    },

    async sealedKeyUsage(options = {}) {
      const now = options.now ?? new Date();
      const pageSize = options.pageSize ?? 2000;
      const byKey = new Map<string, KeyUsage>();
      const usage = (keyId: string): KeyUsage => {
        let entry = byKey.get(keyId);
        if (!entry) {
          entry = unusedKey(keyId);
          byKey.set(keyId, entry);
        }
        return entry;
      };
      const malformed = { enrollments: 0, outbox: 0, flows: 0 };
      const unsealed = { flows: 0, outbox: 0 };
      const head = (column: 'destination' | 'payload' | 'methods') =>
        sql<string>`substr(${sql.ref(column)}, 1, ${SEAL_HEAD_LENGTH})`.as('head');
      const contextHead = sql<string>`substr(context, 1, ${SEAL_HEAD_LENGTH})`.as('context_head');

      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db.selectFrom('enrollments').select(['id', 'confirmed_at', head('destination')]);
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        (rows) => {
          for (const row of rows) {
            const keyId = sealedKeyId(row.head);
            if (keyId === undefined) malformed.enrollments++;
            else if (row.confirmed_at === null) usage(keyId).enrollmentsPending++;
            else usage(keyId).enrollmentsConfirmed++;
          }
        },
      );
      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db
            .selectFrom('outbox')
            .select(['id', head('payload')])
            .where('status', 'in', ['queued', 'sending'])
            .where('payload', '<>', '');
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        (rows) => {
          for (const row of rows) {
            const keyId = sealedKeyId(row.head);
            if (keyId === undefined) malformed.outbox++;
            else usage(keyId).outbox++;
          }
        },
      );
      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db.selectFrom('flows').select(['id', head('methods'), contextHead]);
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        (rows) => {
          for (const row of rows) {
            // The two can differ: a node with another first key may have rewritten the context. A flow
            // counts for every key it needs, and as unsealed or damaged if either part is.
            const heads = [row.head, row.context_head];
            const keyIds = new Set(heads.map(sealedKeyId).filter((k): k is string => k !== undefined));
            for (const keyId of keyIds) usage(keyId).flows++;
            if (heads.some(isClearJson)) unsealed.flows++;
            if (heads.some((h) => sealedKeyId(h) === undefined && !isClearJson(h))) malformed.flows++;
          }
        },
      );
      const clearOutbox = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .where('destination', 'not like', '%•%')
        .executeTakeFirst();
      unsealed.outbox = Number(clearOutbox?.n ?? 0);
      const live = await db
        .selectFrom('challenges')
        .select((eb) => ['key_id', eb.fn.countAll<number | string | bigint>().as('n')])
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now.getTime())
        .groupBy('key_id')
        .execute();
      for (const row of live) usage(row.key_id).liveChallenges += Number(row.n);

      const keys = [...byKey.values()].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
      return { keys, malformed, unsealed };
    },

    async resealEnrollments(keyring, options = {}) {
      const pageSize = options.pageSize ?? 500;
      const current = `v1.${keyring.currentKeyId}.`;
      const notCurrent = (column: 'destination' | 'payload' | 'methods' | 'context') =>
        sql<boolean>`substr(${sql.ref(column)}, 1, ${current.length}) <> ${current}`;
      const counts = (): ResealCounts => ({ resealed: 0, unreadable: 0, changedMeanwhile: 0 });
      const result: ResealResult = {
        enrollments: counts(),
        outbox: counts(),
        flows: counts(),
        sealedFromClear: 0,
      };

      /**
       * Counts one row: unreadable (undefined), or resealed — with `dryRun` without writing, else
       * only if `write`'s compare-and-set found the row unchanged.
       */
      const settle = async (
        tally: ResealCounts,
        readable: { fromClear: boolean } | undefined,
        write: () => Promise<boolean>,
      ): Promise<void> => {
        if (readable === undefined) tally.unreadable++;
        else if (options.dryRun || (await write())) {
          tally.resealed++;
          if (readable.fromClear) result.sealedFromClear++;
        } else tally.changedMeanwhile++;
      };
      const updatedOne = (written: { numUpdatedRows: bigint }) => Number(written.numUpdatedRows) === 1;

      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db.selectFrom('enrollments').select(['id', 'destination']).where(notCurrent('destination'));
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        async (rows) => {
          for (const row of rows) {
            const clear = keyring.decrypt(row.destination);
            await settle(
              result.enrollments,
              clear === undefined ? undefined : { fromClear: false },
              async () =>
                updatedOne(
                  await db
                    .updateTable('enrollments')
                    .set({ destination: keyring.encrypt(clear ?? '') })
                    .where('id', '=', row.id)
                    .where('destination', '=', row.destination)
                    .executeTakeFirst(),
                ),
            );
          }
        },
      );
      // Rows an older version queued, whatever their status: the full destination moves into the
      // sealed payload and the column gets the mask (a blank payload: just the mask).
      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db
            .selectFrom('outbox')
            .select(['id', 'channel', 'destination', 'payload'])
            .where('destination', 'not like', '%•%');
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        async (rows) => {
          for (const row of rows) {
            const sealed = sealLegacyDestination(keyring, row);
            await settle(result.outbox, sealed.payloadReadable ? { fromClear: true } : undefined, async () =>
              updatedOne(
                await db
                  .updateTable('outbox')
                  .set({ destination: sealed.destination, payload: sealed.payload })
                  .where('id', '=', row.id)
                  .where('destination', '=', row.destination)
                  .where('payload', '=', row.payload)
                  .executeTakeFirst(),
              ),
            );
          }
        },
      );
      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db
            .selectFrom('outbox')
            .select(['id', 'payload'])
            .where('status', 'in', ['queued', 'sending'])
            .where('payload', '<>', '')
            .where('destination', 'like', '%•%')
            .where(notCurrent('payload'));
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        async (rows) => {
          for (const row of rows) {
            const clear = keyring.decrypt(row.payload);
            // Sent meanwhile: the payload is '' now and must stay so (the compare-and-set sees it).
            await settle(result.outbox, clear === undefined ? undefined : { fromClear: false }, async () =>
              updatedOne(
                await db
                  .updateTable('outbox')
                  .set({ payload: keyring.encrypt(clear ?? '') })
                  .where('id', '=', row.id)
                  .where('payload', '=', row.payload)
                  .executeTakeFirst(),
              ),
            );
          }
        },
      );
      await forEachPage(
        pageSize,
        (afterId, limit) => {
          let q = db
            .selectFrom('flows')
            .select(['id', 'methods', 'context'])
            .where((eb) => eb.or([notCurrent('methods'), notCurrent('context')]));
          if (afterId !== undefined) q = q.where('id', '>', afterId);
          return q.orderBy('id').limit(limit).execute();
        },
        async (rows) => {
          for (const row of rows) {
            // A flow from before sealing holds its JSON in clear: sealed as it is.
            const open = (stored: string) => (isClearJson(stored) ? stored : keyring.decrypt(stored));
            const methods = open(row.methods);
            const context = open(row.context);
            const readable =
              methods === undefined || context === undefined
                ? undefined
                : { fromClear: isClearJson(row.methods) || isClearJson(row.context) };
            await settle(result.flows, readable, async () =>
              updatedOne(
                await db
                  .updateTable('flows')
                  .set({ methods: keyring.encrypt(methods ?? ''), context: keyring.encrypt(context ?? '') })
                  .where('id', '=', row.id)
                  .where('methods', '=', row.methods)
                  .where('context', '=', row.context)
                  .executeTakeFirst(),
              ),
            );
          }
        },
      );
      return result;
    },
  });
}
