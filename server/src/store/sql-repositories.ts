// The repositories over Kysely, identical for SQLite and PostgreSQL except where noted. Every
// change that must hold under concurrency is one conditional statement (UPDATE … WHERE … RETURNING,
// INSERT … ON CONFLICT … RETURNING) or a compare-and-set, so it holds across API nodes too.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { CodeKeyring } from './code-keyring.js';
import type { AuditTable, ChallengesTable, Database, FlowsTable, OutboxTable } from './database-schema.js';
import type {
  AuditRepository,
  ChallengeRecord,
  ChallengeRepository,
  Clock,
  CounterRepository,
  FlowContext,
  FlowMethod,
  FlowPurpose,
  FlowRecord,
  FlowRepository,
  FlowState,
  HitResult,
  Json,
  OutboxChannel,
  OutboxMessage,
  OutboxPayload,
  OutboxRepository,
  OutboxStatus,
  Repositories,
  VerifiedMethod,
  DeliveryStatus,
  AuditEntry,
} from './store.js';
import { StoreError } from './store.js';
import { maskDestination } from './destination-mask.js';
import { enrollmentRepository, passwordAttemptRepository } from './enrollment-repositories.js';
import { hashFlowToken } from './flow-token-hash.js';
import { precompiled, type PrecompiledQuery } from './precompiled-query.js';

export type Dialect = 'sqlite' | 'postgres';

export interface RepositoryContext {
  db: Kysely<Database>;
  dialect: Dialect;
  keyring: CodeKeyring;
  clock: Clock;
}

const ms = (d: Date): number => d.getTime();
const date = (n: number | string): Date => new Date(Number(n));
const dateOrNull = (n: number | string | null): Date | null => (n === null ? null : date(n));

/**
 * A flow's methods and context name full phone numbers and e-mail addresses, so they are sealed at
 * rest like enrolled destinations and outbox payloads (AES-256-GCM with the code keyring).
 */
const sealJson = (keyring: CodeKeyring, value: unknown): string => keyring.encrypt(JSON.stringify(value));

/** The JSON, or undefined when it is sealed with a key that is no longer configured (or damaged). */
function openJson<T>(keyring: CodeKeyring, stored: string): T | undefined {
  // Rows written before flows were sealed hold the JSON itself (`mypass keys reseal` seals them).
  if (stored.startsWith('[') || stored.startsWith('{')) return JSON.parse(stored) as T;
  const clear = keyring.decrypt(stored);
  return clear === undefined ? undefined : (JSON.parse(clear) as T);
}

/** The flow, or undefined when its sealed columns cannot be opened with the configured keys. */
function readFlowRecord(row: Selectable<FlowsTable>, keyring: CodeKeyring): FlowRecord | undefined {
  const methods = openJson<FlowMethod[]>(keyring, row.methods);
  const context = openJson<FlowContext>(keyring, row.context);
  if (methods === undefined || context === undefined) return undefined;
  const verified = JSON.parse(row.methods_verified) as { methodId: string; verifiedAt: number }[];
  return {
    id: row.id,
    tokenHash: row.token_hash,
    purpose: row.purpose as FlowPurpose,
    userId: row.user_id,
    decoy: Number(row.decoy) === 1,
    identifierHash: row.identifier_hash,
    policyName: row.policy_name,
    methods,
    methodsVerified: verified.map((v) => ({ methodId: v.methodId, verifiedAt: date(v.verifiedAt) })),
    attemptsUsed: Number(row.attempts_used),
    createdAt: date(row.created_at),
    verifiedAt: dateOrNull(row.verified_at),
    expiresAt: date(row.expires_at),
    state: row.state as FlowState,
    locale: row.locale,
    clientAddress: row.client_address,
    context,
  };
}

const verifiedJson = (list: readonly VerifiedMethod[]): string =>
  JSON.stringify(list.map((v) => ({ methodId: v.methodId, verifiedAt: ms(v.verifiedAt) })));

const selectFlow = precompiled((db: Kysely<Database>, v: { id: string }) =>
  db.selectFrom('flows').selectAll().where('id', '=', v.id),
);

const insertFlow = precompiled((db: Kysely<Database>, v: Insertable<FlowsTable>) =>
  db
    .insertInto('flows')
    .values({
      id: v.id,
      token_hash: v.token_hash,
      purpose: v.purpose,
      user_id: v.user_id,
      decoy: v.decoy,
      identifier_hash: v.identifier_hash,
      policy_name: v.policy_name,
      methods: v.methods,
      methods_verified: v.methods_verified,
      created_at: v.created_at,
      verified_at: v.verified_at,
      expires_at: v.expires_at,
      state: v.state,
      locale: v.locale,
      client_address: v.client_address,
      context: v.context,
    })
    .returningAll(),
);

function flowRepository({ db, clock, keyring }: RepositoryContext): FlowRepository {
  // A flow sealed with a key that was dropped is gone for the flows, like an expired one (flow_not_found,
  // not a 503 retried until it expires); `mypass keys status` and doctor report such rows.
  const readable = (row: Selectable<FlowsTable>) => readFlowRecord(row, keyring);
  const toFlow = (row: Selectable<FlowsTable>): FlowRecord => {
    const flow = readable(row);
    if (!flow)
      throw new StoreError('store_unavailable', 'a flow is sealed with a code key that is not configured');
    return flow;
  };
  const get = async (id: string) => {
    const row = await selectFlow.takeFirst(db, { id });
    return row ? readable(row) : undefined;
  };
  return {
    async create(flow) {
      const methods = JSON.stringify(flow.methods);
      const context = JSON.stringify(flow.context ?? {});
      const row = await insertFlow.takeFirstOrThrow(db, {
        id: flow.id,
        token_hash: flow.tokenHash,
        purpose: flow.purpose,
        user_id: flow.userId,
        decoy: flow.decoy ? 1 : 0,
        identifier_hash: flow.identifierHash,
        policy_name: flow.policyName,
        methods: keyring.encrypt(methods),
        methods_verified: '[]',
        created_at: ms(clock.now()),
        verified_at: null,
        expires_at: ms(flow.expiresAt),
        state: flow.state ?? 'verifying',
        locale: flow.locale,
        client_address: flow.clientAddress,
        context: keyring.encrypt(context),
      });
      // What was just sealed need not be opened again: the record takes the JSON it sealed.
      return toFlow({ ...row, methods, context });
    },
    get,
    async getWithToken(id, token, now = clock.now()) {
      const row = await selectFlow.takeFirst(db, { id });
      const presented = Buffer.from(hashFlowToken(token), 'hex');
      // Hash and compare even when the id is unknown, so both cases cost the same.
      const stored = Buffer.from(row?.token_hash ?? '0'.repeat(64), 'hex');
      const match = stored.length === presented.length && timingSafeEqual(stored, presented);
      if (!row || !match || Number(row.expires_at) <= ms(now)) return undefined;
      return readable(row);
    },
    async recordFailedAttempt(flowId, max) {
      // One statement: the WHERE makes the N+1st of N parallel wrong codes a no-op, and the CASE
      // reads the pre-update value in both dialects.
      const row = await db
        .updateTable('flows')
        .set({
          attempts_used: sql<number>`attempts_used + 1`,
          state: sql<string>`case when attempts_used + 1 >= ${max} then 'attempts_exhausted' else state end`,
        })
        .where('id', '=', flowId)
        .where('attempts_used', '<', max)
        .returning(['attempts_used', 'state'])
        .executeTakeFirst();
      if (!row) return { counted: false, exhausted: true };
      const used = Number(row.attempts_used);
      return {
        counted: true,
        attemptsUsed: used,
        attemptsLeft: Math.max(0, max - used),
        exhausted: used >= max,
      };
    },
    async transition(id, from, changes) {
      if (from.length === 0) return undefined;
      const set: Updateable<FlowsTable> = {};
      if (changes.state !== undefined) set.state = changes.state;
      if (changes.verifiedAt !== undefined)
        set.verified_at = changes.verifiedAt === null ? null : ms(changes.verifiedAt);
      if (changes.expiresAt !== undefined) set.expires_at = ms(changes.expiresAt);
      if (changes.methodsVerified !== undefined) set.methods_verified = verifiedJson(changes.methodsVerified);
      if (changes.context !== undefined) set.context = sealJson(keyring, changes.context);
      if (Object.keys(set).length === 0) {
        const row = await db
          .selectFrom('flows')
          .selectAll()
          .where('id', '=', id)
          .where('state', 'in', [...from])
          .executeTakeFirst();
        return row ? toFlow(row) : undefined;
      }
      const row = await db
        .updateTable('flows')
        .set(set)
        .where('id', '=', id)
        .where('state', 'in', [...from])
        .returningAll()
        .executeTakeFirst();
      return row ? toFlow(row) : undefined;
    },
    async addVerifiedMethod(flowId, methodId, required, now = clock.now()) {
      // Compare-and-set on the stored JSON text: two verifications racing on one flow both land,
      // one after the other, without row locks (works the same on both dialects and across nodes).
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await db
          .selectFrom('flows')
          .selectAll()
          .where('id', '=', flowId)
          .where('state', 'in', ['verifying', 'verified'])
          .executeTakeFirst();
        if (!current) return undefined;
        const flow = toFlow(current);
        const list = flow.methodsVerified.some((v) => v.methodId === methodId)
          ? flow.methodsVerified
          : [...flow.methodsVerified, { methodId, verifiedAt: now }];
        const done = list.length >= required;
        const row = await db
          .updateTable('flows')
          .set({
            methods_verified: verifiedJson(list),
            state: done ? 'verified' : 'verifying',
            verified_at: done ? ms(now) : null,
          })
          .where('id', '=', flowId)
          .where('methods_verified', '=', current.methods_verified)
          .where('state', '=', current.state)
          .returningAll()
          .executeTakeFirst();
        if (row) return toFlow(row);
      }
      throw new Error('addVerifiedMethod: too much contention');
    },
  };
}

function toChallenge(row: Selectable<ChallengesTable>): ChallengeRecord {
  return {
    id: row.id,
    flowId: row.flow_id,
    methodId: row.method_id,
    destinationHash: row.destination_hash,
    codeHmac: row.code_hmac,
    keyId: row.key_id,
    expiresAt: date(row.expires_at),
    consumedAt: dateOrNull(row.consumed_at),
    deliveryStatus: row.delivery_status as DeliveryStatus,
    createdAt: date(row.created_at),
  };
}

const insertChallenge = precompiled((db: Kysely<Database>, v: Insertable<ChallengesTable>) =>
  db
    .insertInto('challenges')
    .values({
      id: v.id,
      flow_id: v.flow_id,
      method_id: v.method_id,
      destination_hash: v.destination_hash,
      code_hmac: v.code_hmac,
      key_id: v.key_id,
      expires_at: v.expires_at,
      consumed_at: v.consumed_at,
      delivery_status: v.delivery_status,
      created_at: v.created_at,
    })
    .returningAll(),
);

/** Single use: only one request ever turns consumed_at from null. */
const consumeChallenge = precompiled((db: Kysely<Database>, v: { id: string; now: number }) =>
  db
    .updateTable('challenges')
    .set({ consumed_at: v.now })
    .where('id', '=', v.id)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', v.now)
    .returning('id'),
);

function challengeRepository({ db, keyring, clock }: RepositoryContext): ChallengeRepository {
  const consume = async (challengeId: string, now: Date) => {
    const row = await consumeChallenge.takeFirst(db, { id: challengeId, now: ms(now) });
    return row !== undefined;
  };
  return {
    async create(challenge) {
      const mac = keyring.codeHmac(challenge.code, challenge.flowId, challenge.methodId);
      const row = await insertChallenge.takeFirstOrThrow(db, {
        id: challenge.id,
        flow_id: challenge.flowId,
        method_id: challenge.methodId,
        destination_hash: challenge.destinationHash,
        code_hmac: mac.hmac,
        key_id: mac.keyId,
        expires_at: ms(challenge.expiresAt),
        consumed_at: null,
        delivery_status: challenge.deliveryStatus ?? 'queued',
        created_at: ms(clock.now()),
      });
      return toChallenge(row);
    },
    async get(id) {
      const row = await db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },
    async listForFlow(flowId) {
      const rows = await db
        .selectFrom('challenges')
        .selectAll()
        .where('flow_id', '=', flowId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toChallenge);
    },
    async verifyAndConsume(flowId, challengeId, code, now = clock.now()) {
      const row = await db
        .selectFrom('challenges')
        .selectAll()
        .where('id', '=', challengeId)
        .where('flow_id', '=', flowId)
        .executeTakeFirst();
      // The HMAC is computed whatever happens next, so no branch is measurably cheaper.
      const matches = keyring.verifyCode(code, flowId, row?.method_id ?? '', {
        keyId: row?.key_id ?? keyring.currentKeyId,
        hmac: row?.code_hmac ?? '',
      });
      if (!row) return { ok: false, reason: 'not_found' };
      if (row.consumed_at !== null) return { ok: false, reason: 'consumed' };
      if (Number(row.expires_at) <= ms(now)) return { ok: false, reason: 'expired' };
      if (!matches) return { ok: false, reason: 'mismatch' };
      if (!(await consume(challengeId, now))) {
        // Lost a race with another request presenting the same code, or expired in between.
        const after = await db
          .selectFrom('challenges')
          .select('consumed_at')
          .where('id', '=', challengeId)
          .executeTakeFirst();
        return { ok: false, reason: after?.consumed_at !== null ? 'consumed' : 'expired' };
      }
      return { ok: true, challenge: toChallenge({ ...row, consumed_at: ms(now) }) };
    },
    consume: (challengeId, now = clock.now()) => consume(challengeId, now),
    async setDeliveryStatus(challengeId, status) {
      await db
        .updateTable('challenges')
        .set({ delivery_status: status })
        .where('id', '=', challengeId)
        .execute();
    },
  };
}

const counterHit = precompiled(
  (db: Kysely<Database>, v: { key: string; start: number; end: number; weight: number }) =>
    db
      .insertInto('counters')
      .values({ key: v.key, window_start: v.start, window_end: v.end, count: v.weight })
      .onConflict((oc) =>
        oc
          .columns(['key', 'window_start'])
          .doUpdateSet({ count: sql<number>`counters.count + excluded.count` }),
      )
      .returning('count'),
);

type CounterRow = { key: string; start: number; end: number; weight: number };

/** hitEach's statement for `rows` keys (compiled once per row count and dialect). */
const counterHitsByRows = new Map<
  number,
  PrecompiledQuery<Database, Record<string, unknown>, { key: string; count: number }>
>();
function counterHits(rows: number) {
  let query = counterHitsByRows.get(rows);
  if (!query) {
    query = precompiled((db: Kysely<Database>, v: Record<string, unknown>) =>
      db
        .insertInto('counters')
        .values(
          Array.from({ length: rows }, (_, i) => ({
            key: v[`key${i}`] as string,
            window_start: v[`start${i}`] as number,
            window_end: v[`end${i}`] as number,
            count: v[`weight${i}`] as number,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['key', 'window_start'])
            .doUpdateSet({ count: sql<number>`counters.count + excluded.count` }),
        )
        .returning(['key', 'count']),
    );
    counterHitsByRows.set(rows, query);
  }
  return query;
}

const counterAt = precompiled((db: Kysely<Database>, v: { key: string; start: number }) =>
  db.selectFrom('counters').select('count').where('key', '=', v.key).where('window_start', '=', v.start),
);

/** The previous windows of `rows` keys in one read (sliding hitEach), compiled once per row count. */
const countersAtByRows = new Map<
  number,
  PrecompiledQuery<Database, Record<string, unknown>, { key: string; count: number }>
>();
function countersAt(rows: number) {
  let query = countersAtByRows.get(rows);
  if (!query) {
    query = precompiled((db: Kysely<Database>, v: Record<string, unknown>) =>
      db
        .selectFrom('counters')
        .select(['key', 'count'])
        .where((eb) =>
          eb.or(
            Array.from({ length: rows }, (_, i) =>
              eb.and([
                eb('key', '=', v[`key${i}`] as string),
                eb('window_start', '=', v[`start${i}`] as number),
              ]),
            ),
          ),
        ),
    );
    countersAtByRows.set(rows, query);
  }
  return query;
}

type CounterWindow = { size: number; start: number; end: number };

/**
 * Whether `current` hits in window `w` are within `limit`, and how long to wait if not. With the
 * previous window's count, a sliding-window estimate: that window counts for the part of it still
 * in view, so no burst across a window's edge gets twice the limit through.
 */
function decideHit(
  current: number,
  limit: number,
  w: CounterWindow,
  nowMs: number,
  previous?: number,
): HitResult {
  const untilWindowEnd = Math.max(1, Math.ceil((w.end - nowMs) / 1000));
  if (previous === undefined) {
    const allowed = current <= limit;
    return { allowed, count: current, retryAfter: allowed ? 0 : untilWindowEnd };
  }
  const elapsed = (nowMs - w.start) / w.size;
  const estimate = previous * (1 - elapsed) + current;
  const allowed = estimate <= limit;
  if (allowed) return { allowed, count: Math.ceil(estimate), retryAfter: 0 };
  // The wait after which one more hit is allowed (hits past the limit are counted, so the retry's
  // own hit counts too). When the current window leaves no room for it, wait for that window to
  // roll into the past and fade enough; otherwise until the previous window's share has.
  let waitMs: number;
  if (current >= limit) {
    waitMs = w.end - nowMs + w.size * (1 - (limit - 1) / current);
  } else {
    const fadeTo = 1 - (limit - current - 1) / previous;
    waitMs = (fadeTo - elapsed) * w.size;
  }
  return {
    allowed,
    count: Math.ceil(estimate),
    // Up, never down: a retry a fraction of a millisecond early is refused, and refusals count.
    retryAfter: Math.max(1, Math.ceil(Math.ceil(waitMs - 1e-6) / 1000)),
  };
}

function counterRepository({ db, clock }: RepositoryContext): CounterRepository {
  const windowOf = (now: Date, windowSeconds: number): CounterWindow => {
    const size = Math.max(1, Math.floor(windowSeconds)) * 1000;
    const start = Math.floor(ms(now) / size) * size;
    return { size, start, end: start + size };
  };
  const countAt = async (key: string, start: number): Promise<number> => {
    const row = await counterAt.takeFirst(db, { key, start });
    return row ? Number(row.count) : 0;
  };
  return {
    async hit(key, windowSeconds, limit, now = clock.now(), options = {}) {
      const w = windowOf(now, windowSeconds);
      const weight = options.weight ?? 1;
      // The one atomic statement: concurrent hits on any node each get their own count back.
      const row = await counterHit.takeFirstOrThrow(db, { key, start: w.start, end: w.end, weight });
      const previous = options.sliding ? await countAt(key, w.start - w.size) : undefined;
      return decideHit(Number(row.count), limit, w, ms(now), previous);
    },
    async hitEach(hits, now = clock.now(), options = {}) {
      const weight = options.weight ?? 1;
      const windows = hits.map((h) => windowOf(now, h.windowSeconds));
      const rows: CounterRow[] = hits.map((h, i) => {
        const w = windows[i] as CounterWindow;
        return { key: h.key, start: w.start, end: w.end, weight };
      });
      // One row per key: PostgreSQL refuses to update a row twice in one statement.
      if (new Set(rows.map((r) => r.key)).size !== rows.length) throw new Error('hitEach: repeated key');
      if (rows.length === 0) return [];
      // Rows in key order, so concurrent statements lock shared keys in one order (no deadlock).
      const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const values: Record<string, unknown> = {};
      sorted.forEach((r, i) => {
        values[`key${i}`] = r.key;
        values[`start${i}`] = r.start;
        values[`end${i}`] = r.end;
        values[`weight${i}`] = r.weight;
      });
      const result = await counterHits(sorted.length).execute(db, values);
      const counts = new Map(result.rows.map((row) => [row.key, Number(row.count)]));
      let previous: Map<string, number> | undefined;
      if (options.sliding) {
        // The previous windows of every key in one read; a key without one counts 0 there.
        const before: Record<string, unknown> = {};
        rows.forEach((r, i) => {
          before[`key${i}`] = r.key;
          before[`start${i}`] = r.start - (windows[i] as CounterWindow).size;
        });
        const found = await countersAt(rows.length).execute(db, before);
        previous = new Map(found.rows.map((row) => [row.key, Number(row.count)]));
      }
      return hits.map((h, i) => {
        const current = counts.get(h.key);
        if (current === undefined) throw new Error('hitEach: a key was not counted');
        return decideHit(
          current,
          h.limit,
          windows[i] as CounterWindow,
          ms(now),
          previous && (previous.get(h.key) ?? 0),
        );
      });
    },
    async peek(key, windowSeconds, now = clock.now(), options = {}) {
      const w = windowOf(now, windowSeconds);
      const current = await countAt(key, w.start);
      if (!options.sliding) return current;
      const previous = await countAt(key, w.start - w.size);
      return Math.ceil(previous * (1 - (ms(now) - w.start) / w.size) + current);
    },
    async prune(before) {
      const result = await db.deleteFrom('counters').where('window_end', '<', ms(before)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

const insertOutbox = precompiled((db: Kysely<Database>, v: Insertable<OutboxTable>) =>
  db
    .insertInto('outbox')
    .values({
      id: v.id,
      channel: v.channel,
      destination: v.destination,
      payload: v.payload,
      status: v.status,
      next_attempt_at: v.next_attempt_at,
      last_error_code: v.last_error_code,
      challenge_id: v.challenge_id,
      flow_id: v.flow_id,
      expires_at: v.expires_at,
      created_at: v.created_at,
      sent_at: v.sent_at,
    })
    .returningAll(),
);

/** What the outbox seals: the payload and, since the destination column holds only a mask, where to. */
type SealedOutboxPayload = OutboxPayload & { to?: string };

/** Masked destinations always hold a bullet; a full number or address never does. */
export const isMaskedDestination = (destination: string): boolean => destination.includes('•');

/**
 * A row an older version queued holds its full destination in the column and a payload without it:
 * the destination moves into the sealed payload (when that can be read) and the column gets the mask.
 */
export function sealLegacyDestination(
  keyring: CodeKeyring,
  row: { channel: string; destination: string; payload: string },
): { destination: string; payload: string; payloadReadable: boolean } {
  const destination = maskDestination(row.channel as OutboxChannel, row.destination);
  if (row.payload === '') return { destination, payload: '', payloadReadable: true };
  const clear = keyring.decrypt(row.payload);
  if (clear === undefined) return { destination, payload: row.payload, payloadReadable: false };
  const sealed = { ...(JSON.parse(clear) as SealedOutboxPayload), to: row.destination };
  return { destination, payload: keyring.encrypt(JSON.stringify(sealed)), payloadReadable: true };
}

function outboxRepository({ db, dialect, keyring, clock }: RepositoryContext): OutboxRepository {
  const toMessage = (row: Selectable<OutboxTable>): OutboxMessage => {
    let payload: OutboxPayload | null = null;
    let destination = row.destination;
    if (row.payload !== '') {
      const clear = keyring.decrypt(row.payload);
      // A payload sealed with a key that has since been dropped cannot be sent; the worker fails it.
      if (clear !== undefined) {
        const { to, ...rest } = JSON.parse(clear) as SealedOutboxPayload;
        payload = rest;
        // Rows queued before destinations moved into the payload hold it in the column.
        if (to !== undefined) destination = to;
      }
    }
    return {
      id: row.id,
      channel: row.channel as OutboxChannel,
      destination,
      payload,
      status: row.status as OutboxStatus,
      attempts: Number(row.attempts),
      nextAttemptAt: date(row.next_attempt_at),
      lastErrorCode: row.last_error_code,
      challengeId: row.challenge_id,
      flowId: row.flow_id,
      expiresAt: dateOrNull(row.expires_at),
      createdAt: date(row.created_at),
    };
  };
  const sealLegacy = async (id: string, row: { channel: string; destination: string; payload: string }) => {
    const { destination, payload } = sealLegacyDestination(keyring, row);
    await db.updateTable('outbox').set({ destination, payload }).where('id', '=', id).execute();
  };
  return {
    async enqueue(message) {
      const now = ms(clock.now());
      const row = await insertOutbox.takeFirstOrThrow(db, {
        id: message.id ?? randomUUID(),
        channel: message.channel,
        // The full destination travels in the sealed payload; the column only ever holds its mask.
        destination: maskDestination(message.channel, message.destination),
        // The code is in here until it is sent: sealed with AES-256-GCM, never in clear text.
        payload: keyring.encrypt(
          JSON.stringify({ ...message.payload, to: message.destination } satisfies SealedOutboxPayload),
        ),
        status: 'queued',
        next_attempt_at: now,
        last_error_code: null,
        challenge_id: message.challengeId ?? null,
        flow_id: message.flowId ?? null,
        expires_at: message.expiresAt ? ms(message.expiresAt) : null,
        created_at: now,
        sent_at: null,
      });
      return toMessage(row);
    },
    async get(id) {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toMessage(row) : undefined;
    },
    async claimDue(limit, leaseSeconds, now = clock.now()) {
      const t = ms(now);
      const due = db
        .selectFrom('outbox')
        .select('id')
        .where('status', 'in', ['queued', 'sending'])
        .where('next_attempt_at', '<=', t)
        .orderBy('next_attempt_at')
        .limit(limit);
      // PostgreSQL: rows another node is claiming right now are skipped, not waited for. SQLite has
      // one writer at a time, so the conditional UPDATE alone is enough.
      const candidates = dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
      const rows = await db
        .updateTable('outbox')
        .set({
          status: 'sending',
          attempts: sql<number>`attempts + 1`,
          next_attempt_at: t + leaseSeconds * 1000,
        })
        .where('id', 'in', candidates)
        .where('status', 'in', ['queued', 'sending'])
        .where('next_attempt_at', '<=', t)
        .returningAll()
        .execute();
      return rows.map(toMessage).sort((a, b) => ms(a.createdAt) - ms(b.createdAt));
    },
    async markSent(id, now = clock.now()) {
      // Once sent, the store no longer needs the code or the full destination: the payload that
      // held both is blanked (the destination column already holds only the mask).
      const row = await db
        .updateTable('outbox')
        .set({ status: 'sent', payload: '', sent_at: ms(now), last_error_code: null })
        .where('id', '=', id)
        .returning(['channel', 'destination', 'payload'])
        .executeTakeFirst();
      if (row && !isMaskedDestination(row.destination)) await sealLegacy(id, row);
    },
    async markRetry(id, nextAttemptAt, errorCode) {
      await db
        .updateTable('outbox')
        .set({ status: 'queued', next_attempt_at: ms(nextAttemptAt), last_error_code: errorCode })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .execute();
    },
    async markFailed(id, errorCode) {
      const row = await db
        .updateTable('outbox')
        .set({ status: 'failed', last_error_code: errorCode })
        .where('id', '=', id)
        .returning(['channel', 'destination', 'payload'])
        .executeTakeFirst();
      // Kept for inspection, so kept sealed: an older version's row gets its destination sealed too.
      if (row && !isMaskedDestination(row.destination)) await sealLegacy(id, row);
    },
    async count(status) {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', status)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async list(filter = {}) {
      let query = db.selectFrom('outbox').selectAll();
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.challengeId) query = query.where('challenge_id', '=', filter.challengeId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map(toMessage);
    },
  };
}

function toAudit(row: Selectable<AuditTable>): AuditEntry {
  return {
    id: row.id,
    at: date(row.at),
    event: row.event,
    flowId: row.flow_id,
    userId: row.user_id,
    identifierHash: row.identifier_hash,
    clientAddress: row.client_address,
    detail: JSON.parse(row.detail) as { [key: string]: Json },
  };
}

let auditSequence = 0;

/** Sorts by time, then by order within this process (ties across nodes fall back to random). */
function auditId(at: number): string {
  auditSequence = (auditSequence + 1) % 0x1000000;
  return `${at.toString(16).padStart(12, '0')}${auditSequence.toString(16).padStart(6, '0')}${randomUUID().slice(0, 8)}`;
}

const insertAudit = precompiled((db: Kysely<Database>, v: AuditTable) =>
  db.insertInto('audit').values({
    id: v.id,
    at: v.at,
    event: v.event,
    flow_id: v.flow_id,
    user_id: v.user_id,
    identifier_hash: v.identifier_hash,
    client_address: v.client_address,
    detail: v.detail,
  }),
);

function auditRepository({ db, clock }: RepositoryContext): AuditRepository {
  return {
    async record(entry) {
      const at = ms(entry.at ?? clock.now());
      const detail = JSON.stringify(entry.detail ?? {});
      const stored: AuditEntry = {
        id: auditId(at),
        at: date(at),
        event: entry.event,
        flowId: entry.flowId ?? null,
        userId: entry.userId ?? null,
        identifierHash: entry.identifierHash ?? null,
        clientAddress: entry.clientAddress ?? null,
        // A copy, as a read would give: the caller's object stays its own.
        detail: JSON.parse(detail) as { [key: string]: Json },
      };
      await insertAudit.execute(db, {
        id: stored.id,
        at,
        event: stored.event,
        flow_id: stored.flowId,
        user_id: stored.userId,
        identifier_hash: stored.identifierHash,
        client_address: stored.clientAddress,
        detail,
      });
      return stored;
    },
    async list(filter = {}) {
      let query = db.selectFrom('audit').selectAll();
      if (filter.flowId) query = query.where('flow_id', '=', filter.flowId);
      if (filter.event) query = query.where('event', '=', filter.event);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 1000)
        .execute();
      return rows.map(toAudit);
    },
  };
}

export function createRepositories(context: RepositoryContext): Repositories {
  return {
    flows: flowRepository(context),
    challenges: challengeRepository(context),
    counters: counterRepository(context),
    outbox: outboxRepository(context),
    audit: auditRepository(context),
    enrollments: enrollmentRepository(context),
    passwordAttempts: passwordAttemptRepository(context),
  };
}
