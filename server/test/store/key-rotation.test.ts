// Code key rotation in the store (SQLite and PostgreSQL): which key sealed what
// (maintenance.sealedKeyUsage) and re-encryption under the current key
// (maintenance.resealEnrollments) that never loses, overwrites or exposes a destination.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type KyselyPlugin, type UnknownRow } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodeKeyring } from '../../src/store/code-keyring.js';
import { hashFlowToken } from '../../src/store/flow-token-hash.js';
import type { Database as Schema } from '../../src/store/database-schema.js';
import { maintenanceRepository } from '../../src/store/maintenance-repository.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { keyA, keyB, keyC, sealRows } from './sealed-rows.js';
import { describeEachStore, postgresUrl, testClock, type StoreTarget } from './store-harness.js';

const MINUTE = 60_000;
const zero = { resealed: 0, unreadable: 0, changedMeanwhile: 0 };

async function expectDestinations(store: Store, destinations: Map<string, string[]>): Promise<void> {
  for (const [userId, expected] of destinations) {
    const records = await store.enrollments.listForUser(userId);
    expect(records.map((r) => r.destination)).toEqual(expected);
  }
}

/** Rows of `table` whose sealed column names `keyId`, exactly as stored. */
async function rowsSealedWith(target: StoreTarget, table: 'enrollments' | 'outbox', keyId: string) {
  const column = table === 'enrollments' ? 'destination' : 'payload';
  const rows = await target.rawRows(table);
  return rows.filter((r) => String(r[column]).startsWith(`v1.${keyId}.`));
}

describeEachStore('code key rotation', (target) => {
  const clock = testClock();
  let stores: { a: Store; ba: Store };
  let rows: Awaited<ReturnType<typeof sealRows>>;

  it('counts per key id what each key sealed or signed, in pages', async () => {
    stores = {
      a: await target.open({ keys: [keyA], clock }),
      ba: await target.open({ keys: [keyB, keyA], clock }),
    };
    rows = await sealRows(stores.a, 'a', 2, clock.now());
    const expected = {
      keys: [
        {
          keyId: 'kA',
          enrollmentsConfirmed: 4,
          enrollmentsPending: 2,
          outbox: 2,
          liveChallenges: 1,
          flows: 1,
        },
      ],
      malformed: { enrollments: 0, outbox: 0, flows: 0 },
      unsealed: { flows: 0, outbox: 0 },
    };
    // Pages of 2 cross several page boundaries (6 enrollments, 2 queued messages).
    expect(await stores.ba.maintenance.sealedKeyUsage({ now: clock.now(), pageSize: 2 })).toEqual(expected);
    expect(await stores.ba.maintenance.sealedKeyUsage({ now: clock.now() })).toEqual(expected);
  });

  it('re-encrypts every enrollment, queued payload and flow under the current key, once', async () => {
    const result = await stores.ba.maintenance.resealEnrollments(stores.ba.keyring, { pageSize: 2 });
    expect(result).toEqual({
      enrollments: { resealed: 6, unreadable: 0, changedMeanwhile: 0 },
      outbox: { resealed: 2, unreadable: 0, changedMeanwhile: 0 },
      flows: { resealed: 1, unreadable: 0, changedMeanwhile: 0 },
      sealedFromClear: 0,
    });
    expect(await stores.ba.maintenance.resealEnrollments(stores.ba.keyring)).toEqual({
      enrollments: zero,
      outbox: zero,
      flows: zero,
      sealedFromClear: 0,
    });
    const usage = await stores.ba.maintenance.sealedKeyUsage({ now: clock.now() });
    expect(usage.keys).toEqual([
      // The live code stays signed with kA until it expires; HMACs are not re-signed.
      { keyId: 'kA', enrollmentsConfirmed: 0, enrollmentsPending: 0, outbox: 0, liveChallenges: 1, flows: 0 },
      { keyId: 'kB', enrollmentsConfirmed: 4, enrollmentsPending: 2, outbox: 2, liveChallenges: 0, flows: 1 },
    ]);
    const enrollments = await target.rawRows('enrollments');
    expect(enrollments.every((r) => String(r.destination).startsWith('v1.kB.'))).toBe(true);
    const flows = await target.rawRows('flows');
    expect(
      flows.every((r) => String(r.methods).startsWith('v1.kB.') && String(r.context).startsWith('v1.kB.')),
    ).toBe(true);
    const stored = JSON.stringify([enrollments, await target.rawRows('outbox'), flows]);
    for (const list of rows.destinations.values()) for (const d of list) expect(stored).not.toContain(d);
    expect(stored).not.toContain(rows.flowDestination);
    for (const text of rows.queued.values()) expect(stored).not.toContain(text);
    // A sent message's payload stays blank.
    expect((await target.rawRows('outbox')).find((r) => r.id === rows.sentId)?.payload).toBe('');
  });

  it('leaves every enrollment and message readable with the new key alone', async () => {
    const b = await target.open({ keys: [keyB], clock });
    await expectDestinations(b, rows.destinations);
    for (const [id, text] of rows.queued) expect((await b.outbox.get(id))?.payload?.text).toBe(text);
    expect((await b.flows.get(rows.flowId))?.methods.map((m) => m.destination)).toEqual([
      rows.flowDestination,
    ]);
    const later = new Date(clock.now().getTime() + 11 * MINUTE);
    expect((await b.maintenance.sealedKeyUsage({ now: later })).keys.map((k) => k.keyId)).toEqual(['kB']);
  });
});

describeEachStore('code key rotation: a key no longer configured', (target) => {
  it('counts rows sealed with an unknown key as unreadable and leaves them byte for byte', async () => {
    const clock = testClock();
    const c = await target.open({ keys: [keyC], clock });
    const a = await target.open({ keys: [keyA], clock });
    await sealRows(c, 'c', 2, clock.now());
    const fromA = await sealRows(a, 'a', 1, clock.now());
    const before = {
      enrollments: await rowsSealedWith(target, 'enrollments', 'kC'),
      outbox: await rowsSealedWith(target, 'outbox', 'kC'),
    };
    expect(before.enrollments).toHaveLength(6);
    expect(before.outbox).toHaveLength(2);

    const ba = await target.open({ keys: [keyB, keyA], clock });
    expect(await ba.maintenance.resealEnrollments(ba.keyring, { pageSize: 4 })).toEqual({
      enrollments: { resealed: 3, unreadable: 6, changedMeanwhile: 0 },
      outbox: { resealed: 2, unreadable: 2, changedMeanwhile: 0 },
      flows: { resealed: 1, unreadable: 1, changedMeanwhile: 0 },
      sealedFromClear: 0,
    });
    expect(await rowsSealedWith(target, 'enrollments', 'kC')).toEqual(before.enrollments);
    expect(await rowsSealedWith(target, 'outbox', 'kC')).toEqual(before.outbox);
    expect((await ba.maintenance.sealedKeyUsage({ now: clock.now() })).keys).toEqual([
      { keyId: 'kA', enrollmentsConfirmed: 0, enrollmentsPending: 0, outbox: 0, liveChallenges: 1, flows: 0 },
      { keyId: 'kB', enrollmentsConfirmed: 2, enrollmentsPending: 1, outbox: 2, liveChallenges: 0, flows: 1 },
      { keyId: 'kC', enrollmentsConfirmed: 4, enrollmentsPending: 2, outbox: 2, liveChallenges: 1, flows: 1 },
    ]);
    await expectDestinations(ba, fromA.destinations);
    // A flow sealed with a key no longer configured is gone for the flows, like an expired one
    // (flow_not_found, not a 503 retried until it expires); a transition on it is a stable error.
    expect(await ba.flows.get('flow-c')).toBeUndefined();
    const token = 'flow-token-sealed-with-kC-0123456789';
    await c.flows.create({
      id: 'flow-c-token',
      tokenHash: hashFlowToken(token),
      purpose: 'reset',
      userId: 'user-c-0',
      decoy: false,
      identifierHash: 'idh-c',
      policyName: 'default',
      methods: [],
      expiresAt: new Date(clock.now().getTime() + 15 * MINUTE),
      locale: 'en',
      clientAddress: null,
    });
    expect(await c.flows.getWithToken('flow-c-token', token, clock.now())).toMatchObject({
      id: 'flow-c-token',
    });
    expect(await ba.flows.getWithToken('flow-c-token', token, clock.now())).toBeUndefined();
    expect(await ba.flows.get('flow-a')).toMatchObject({ id: 'flow-a' });
    await expect(ba.flows.transition('flow-c', ['verifying'], { state: 'cancelled' })).rejects.toMatchObject({
      name: 'StoreError',
      code: 'store_unavailable',
    });
  });
});

describeEachStore('code key rotation: flows from before sealing', (target) => {
  it('counts flows holding their JSON in clear, and reseal seals them', async () => {
    const clock = testClock();
    const a = await target.open({ keys: [keyA], clock });
    const rows = await sealRows(a, 'l', 1, clock.now());
    const flow = await a.flows.get(rows.flowId);
    // As an older version wrote it.
    await target.rawUpdate('flows', rows.flowId, {
      methods: JSON.stringify(flow?.methods),
      context: JSON.stringify(flow?.context),
    });
    const usage = await a.maintenance.sealedKeyUsage({ now: clock.now() });
    expect(usage.unsealed).toEqual({ flows: 1, outbox: 0 });
    expect(usage.keys.map((k) => [k.keyId, k.flows])).toEqual([['kA', 0]]);

    const resealed = await a.maintenance.resealEnrollments(a.keyring);
    expect(resealed.flows).toEqual({ resealed: 1, unreadable: 0, changedMeanwhile: 0 });
    expect(resealed.sealedFromClear).toBe(1);
    const after = (await target.rawRows('flows')).find((r) => r.id === rows.flowId) ?? {};
    expect(String(after.methods)).toMatch(/^v1\.kA\./);
    expect(String(after.context)).toMatch(/^v1\.kA\./);
    expect(JSON.stringify(after)).not.toContain(rows.flowDestination);
    expect(await a.flows.get(rows.flowId)).toEqual(flow);
    expect((await a.maintenance.sealedKeyUsage({ now: clock.now() })).unsealed).toEqual({
      flows: 0,
      outbox: 0,
    });
  });
});

describeEachStore('code key rotation: a flow two nodes wrote', (target) => {
  it('counts a flow for each key it needs, and as unsealed when only its context is clear', async () => {
    const clock = testClock();
    const a = await target.open({ keys: [keyA, keyB], clock });
    const b = await target.open({ keys: [keyB, keyA], clock });
    const rows = await sealRows(b, 'k', 1, clock.now());
    // A node still sealing with kA (mid-rotation) rewrites the context of a flow a kB node started.
    await a.flows.transition(rows.flowId, ['verifying'], { context: { step: 'two' } });
    const mixed = await b.maintenance.sealedKeyUsage({ now: clock.now() });
    expect(mixed.keys.map((k) => [k.keyId, k.flows])).toEqual([
      ['kA', 1],
      ['kB', 1],
    ]);
    // An older version's node rewrites it: the context in clear.
    await target.rawUpdate('flows', rows.flowId, { context: JSON.stringify({ step: 'three' }) });
    const clear = await b.maintenance.sealedKeyUsage({ now: clock.now() });
    expect(clear.unsealed.flows).toBe(1);
    expect(clear.keys.map((k) => [k.keyId, k.flows])).toEqual([['kB', 1]]);
  });
});

describeEachStore('code key rotation: outbox rows from before sealing', (target) => {
  it('moves the destination of outbox rows an older version queued into the sealed payload', async () => {
    const clock = testClock();
    const a = await target.open({ keys: [keyA], clock });
    const payload = { text: 'Your code is 864209', code: '864209', template: 'code', locale: 'en' };
    const queued = await a.outbox.enqueue({ channel: 'sms', destination: '+4520777001', payload });
    const failed = await a.outbox.enqueue({
      channel: 'email',
      destination: 'old.failed@example.org',
      payload,
    });
    await a.outbox.markFailed(failed.id, 'gateway_rejected');
    // As an older version left them: the destination in clear, a payload without it.
    const oldPayload = a.keyring.encrypt(JSON.stringify(payload));
    await target.rawUpdate('outbox', queued.id, { destination: '+4520777001', payload: oldPayload });
    await target.rawUpdate('outbox', failed.id, {
      destination: 'old.failed@example.org',
      payload: oldPayload,
    });
    expect((await a.maintenance.sealedKeyUsage({ now: clock.now() })).unsealed).toEqual({
      flows: 0,
      outbox: 2,
    });

    const dry = await a.maintenance.resealEnrollments(a.keyring, { dryRun: true });
    expect(dry.outbox).toEqual({ resealed: 2, unreadable: 0, changedMeanwhile: 0 });
    const resealed = await a.maintenance.resealEnrollments(a.keyring);
    expect(resealed.outbox).toEqual({ resealed: 2, unreadable: 0, changedMeanwhile: 0 });
    expect(resealed.sealedFromClear).toBe(2);
    const stored = await target.rawRows('outbox');
    expect(stored.map((r) => r.destination).sort()).toEqual(['+••••••••01', 'o•••@e•••.org']);
    expect(JSON.stringify(stored)).not.toMatch(/4520777001|old\.failed@example\.org/);
    expect(await a.outbox.get(queued.id)).toMatchObject({ destination: '+4520777001', payload });
    expect(await a.outbox.get(failed.id)).toMatchObject({
      destination: 'old.failed@example.org',
      status: 'failed',
    });
    expect((await a.maintenance.sealedKeyUsage({ now: clock.now() })).unsealed).toEqual({
      flows: 0,
      outbox: 0,
    });
  });
});

describeEachStore('code key rotation: dry run', (target) => {
  it('counts what it would re-encrypt and writes nothing', async () => {
    const clock = testClock();
    const a = await target.open({ keys: [keyA], clock });
    await sealRows(a, 'd', 2, clock.now());
    const before = [
      await target.rawRows('enrollments'),
      await target.rawRows('outbox'),
      await target.rawRows('flows'),
    ];
    const ba = await target.open({ keys: [keyB, keyA], clock });
    expect(await ba.maintenance.resealEnrollments(ba.keyring, { dryRun: true, pageSize: 2 })).toEqual({
      enrollments: { resealed: 6, unreadable: 0, changedMeanwhile: 0 },
      outbox: { resealed: 2, unreadable: 0, changedMeanwhile: 0 },
      flows: { resealed: 1, unreadable: 0, changedMeanwhile: 0 },
      sealedFromClear: 0,
    });
    expect([
      await target.rawRows('enrollments'),
      await target.rawRows('outbox'),
      await target.rawRows('flows'),
    ]).toEqual(before);
  });
});

/**
 * A Kysely plugin that runs `hook` after a query's rows have been read and before the repository
 * sees them: the moment between the reseal's read of a page and its writes.
 */
function afterRead(hook: (rows: UnknownRow[]) => Promise<void>): KyselyPlugin {
  return {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      await hook(args.result.rows);
      return args.result;
    },
  };
}

interface SideBySide {
  /** A node serving on the database through the real store. */
  node: Store;
  /** The maintenance repository's connection, with `hook` between its reads and writes. */
  resealer(hook: (rows: UnknownRow[]) => Promise<void>): Kysely<Schema>;
  /** Plain statements on a connection of their own (the resealer's is held while `hook` runs). */
  raw: Kysely<Schema>;
  close(): Promise<void>;
}

async function sideBySide(dialect: 'sqlite' | 'postgres'): Promise<SideBySide> {
  const dbs: Kysely<Schema>[] = [];
  const track = (db: Kysely<Schema>): Kysely<Schema> => {
    dbs.push(db);
    return db;
  };
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mypass-reseal-'));
    const file = join(dir, 'mypass.db');
    const node = await openStore(`sqlite:${file}`, { keys: [keyA] });
    await node.migrate();
    const connect = (plugins: KyselyPlugin[]) =>
      track(new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(file) }), plugins }));
    return {
      node,
      raw: connect([]),
      resealer: (hook) => connect([afterRead(hook)]),
      async close() {
        await Promise.all(dbs.map((db) => db.destroy()));
        await node.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `mypass_reseal_${randomBytes(6).toString('hex')}`;
  const node = await openStore(postgresUrl, { keys: [keyA], schema, poolSize: 2 });
  await node.migrate();
  const connect = (plugins: KyselyPlugin[]) => {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1, options: `-c search_path=${schema}` });
    return track(new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins }));
  };
  return {
    node,
    raw: connect([]),
    resealer: (hook) => connect([afterRead(hook)]),
    async close() {
      await Promise.all(dbs.map((db) => db.destroy()));
      await node.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)(
  'code key rotation: another node writes meanwhile (%s)',
  (dialect) => {
    let setup: SideBySide | undefined;
    afterAll(async () => {
      await setup?.close();
    });

    it('never overwrites a row changed or deleted between the read and the write', async () => {
      setup = await sideBySide(dialect);
      const { node, raw } = setup;
      const rows = await sealRows(node, 'm', 2);
      const keyringBA = createCodeKeyring([keyB, keyA]);
      const changedId = 'enr-m-0-0';
      const concurrentValue = keyringBA.encrypt('+4520000000');
      const sentMeanwhile = [...rows.queued.keys()][0] ?? '';
      let enrollmentPageSeen = false;
      let outboxPageSeen = false;
      let flowPageSeen = false;
      const db = setup.resealer(async (read) => {
        if (!enrollmentPageSeen && read.some((r) => r.id === changedId && 'destination' in r)) {
          enrollmentPageSeen = true;
          // Another node re-seals one row, and a person (three enrollments) is purged.
          await raw
            .updateTable('enrollments')
            .set({ destination: concurrentValue })
            .where('id', '=', changedId)
            .execute();
          await node.enrollments.deleteEnrollmentsForUser('user-m-1');
        }
        if (!outboxPageSeen && read.some((r) => r.id === sentMeanwhile && 'payload' in r)) {
          outboxPageSeen = true;
          // The outbox worker sends one message: its payload is blanked.
          await node.outbox.markSent(sentMeanwhile);
        }
        if (!flowPageSeen && read.some((r) => r.id === rows.flowId && 'context' in r)) {
          flowPageSeen = true;
          // The flow goes on meanwhile: its context is written (sealed with kA, the node's key).
          await node.flows.transition(rows.flowId, ['verifying'], { context: { step: 'moved-on' } });
        }
      });

      const result = await maintenanceRepository(db).resealEnrollments(keyringBA);
      expect(enrollmentPageSeen && outboxPageSeen && flowPageSeen).toBe(true);
      expect(result).toEqual({
        enrollments: { resealed: 2, unreadable: 0, changedMeanwhile: 4 },
        outbox: { resealed: 1, unreadable: 0, changedMeanwhile: 1 },
        flows: { resealed: 0, unreadable: 0, changedMeanwhile: 1 },
        sealedFromClear: 0,
      });
      // The node's write stands: the context it sealed, and the methods as they were.
      const flow = await node.flows.get(rows.flowId);
      expect(flow?.context).toEqual({ step: 'moved-on' });
      expect(flow?.methods.map((m) => m.destination)).toEqual([rows.flowDestination]);
      const after = await raw.selectFrom('enrollments').select(['id', 'destination']).orderBy('id').execute();
      expect(after.map((r) => r.id)).toEqual(['enr-m-0-0', 'enr-m-0-1', 'enr-m-0-2']);
      expect(after[0]?.destination).toBe(concurrentValue);
      const withB = createCodeKeyring([keyB]);
      expect(after.slice(1).map((r) => withB.decrypt(r.destination))).toEqual(
        (rows.destinations.get('user-m-0') ?? []).slice(1),
      );
      const sent = await raw
        .selectFrom('outbox')
        .select(['payload', 'status'])
        .where('id', '=', sentMeanwhile)
        .executeTakeFirstOrThrow();
      expect(sent).toEqual({ payload: '', status: 'sent' });
    });
  },
);
