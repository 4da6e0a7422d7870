// Reads and deletes for the administrator's tools rather than the flows: the audit in pages for
// `mypass audit export` and the syslog sink, deletion by age for retention (retention/), and
// deletion of one person's rows for `mypass user purge`. Plain statements, the same in both dialects.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditTable, Database } from './database-schema.js';
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
  });
}
