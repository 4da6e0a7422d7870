// `mypass user purge`'s core against the real store (SQLite and PostgreSQL): one person's flows,
// challenges, outbox messages, counters and audit go; another person's stay; a record of the purge stays.
import { normalizeIdentifier } from '@mypass/flows';
import { describe, expect, it } from 'vitest';
import { personCounterPrefixes, purgePerson } from '../../src/retention/person-purge.js';
import type { Store } from '../../src/store/store.js';
import { keyA, keyB } from '../store/sealed-rows.js';
import { describeEachStore, testClock } from '../store/store-harness.js';

const adele = 'a0000000-0000-4000-8000-000000000001';
const lee = 'a0000000-0000-4000-8000-000000000003';

async function flowFor(store: Store, id: string, userId: string | null, name: string) {
  const identifierHash = store.keyring.lookupHash('identifier', normalizeIdentifier(name));
  await store.flows.create({
    id,
    tokenHash: `hash-${id}`,
    purpose: 'reset',
    userId,
    decoy: userId === null,
    identifierHash,
    policyName: 'default',
    methods: [{ id: 'sms:1', kind: 'sms', hint: '•••78', destination: '+4520123478' }],
    expiresAt: new Date(Date.now() + 900_000),
    locale: 'en',
    clientAddress: '192.0.2.1',
  });
  await store.challenges.create({
    id: `c-${id}`,
    flowId: id,
    methodId: 'sms:1',
    destinationHash: 'dh',
    code: '123456',
    expiresAt: new Date(Date.now() + 600_000),
  });
  await store.outbox.enqueue({
    channel: 'sms',
    destination: '+4520123478',
    payload: { text: 'code', template: 'code', locale: 'en' },
    flowId: id,
  });
  await store.audit.record({ event: 'started', flowId: id, userId, identifierHash });
  await store.counters.hit(`start:name:${identifierHash}`, 900, 5);
  if (userId) {
    await store.counters.hit(`start:subject:${userId}`, 900, 5);
    await store.counters.hit(`resend:${userId}:dh_with_%_and__`, 60, 1);
  }
  return identifierHash;
}

describeEachStore('user purge', (target) => {
  it("removes one person's rows, keeps everyone else's and a record of the purge", async () => {
    const store = await target.open({ clock: testClock() });
    const adeleHash = await flowFor(store, 'f_adele1', adele, 'adele.vance@contoso.example');
    // A decoy flow started by typing Adele's employee id: no user id, found by the name's hash.
    const employeeHash = await flowFor(store, 'f_adele2', null, 'E1001');
    const leeHash = await flowFor(store, 'f_lee', lee, 'lee.gu@contoso.example');

    for (const [id, userId] of [
      ['en1', adele],
      ['en2', adele],
      ['en3', lee],
    ] as const) {
      await store.enrollments.create({
        id,
        userId,
        kind: 'email',
        destination: `${id}@example.com`,
        hint: 'e•••@e•••.com',
        flowId: userId === adele ? 'f_adele1' : 'f_lee',
        challengeId: `c-${id}`,
      });
    }
    await store.passwordAttempts.reserve(adele, 3, 86_400);
    await store.passwordAttempts.reserve(lee, 3, 86_400);
    const report = await purgePerson(
      { store },
      { userId: adele, names: ['Adele.Vance@contoso.example', 'E1001'] },
      { keepAudit: false, now: new Date('2026-11-28T10:00:00Z') },
    );
    expect(report).toEqual({
      flows: 2,
      challenges: 2,
      outbox: 2,
      counters: 4,
      audit: 2,
      enrollments: 2,
      passwordAttempts: 1,
      keptAudit: false,
    });
    expect(await store.enrollments.listForUser(adele)).toEqual([]);
    expect((await store.enrollments.listForUser(lee)).map((e) => e.id)).toEqual(['en3']);
    expect(await store.passwordAttempts.count(adele, 86_400)).toBe(0);
    expect(await store.passwordAttempts.count(lee, 86_400)).toBe(1);
    expect(await store.flows.get('f_adele1')).toBeUndefined();
    expect(await store.flows.get('f_adele2')).toBeUndefined();
    expect(await store.flows.get('f_lee')).toBeDefined();
    expect(await store.challenges.get('c-f_lee')).toBeDefined();
    expect((await store.outbox.list()).map((m) => m.flowId)).toEqual(['f_lee']);
    expect(await store.counters.peek(`start:name:${adeleHash}`, 900)).toBe(0);
    expect(await store.counters.peek(`start:name:${employeeHash}`, 900)).toBe(0);
    expect(await store.counters.peek(`start:subject:${adele}`, 900)).toBe(0);
    expect(await store.counters.peek(`start:name:${leeHash}`, 900)).toBe(1);
    expect(await store.counters.peek(`start:subject:${lee}`, 900)).toBe(1);

    const audit = await store.audit.list({ limit: 100 });
    expect(audit.filter((a) => a.userId === adele).map((a) => a.event)).toEqual(['user_purged']);
    const purged = audit.find((a) => a.event === 'user_purged');
    expect(purged?.detail).toMatchObject({ flows: 2, enrollments: 2, keptAudit: false });
    // The purge record names the object id only: no user principal name, no name hash.
    expect(JSON.stringify(purged)).not.toMatch(/adele\.vance|E1001/i);
    expect(purged?.identifierHash).toBeNull();
    expect(audit.some((a) => a.flowId === 'f_lee')).toBe(true);
  });

  it('keeps the audit records under --keep-audit and purges by name when the directory has no user', async () => {
    const store = await target.open({ clock: testClock() });
    await flowFor(store, 'f_gone1', null, 'gone@contoso.example');
    const report = await purgePerson(
      { store },
      { userId: null, names: ['gone@contoso.example'] },
      { keepAudit: true, now: new Date('2026-11-28T10:00:00Z') },
    );
    expect(report).toMatchObject({ flows: 1, audit: 0, enrollments: 0, keptAudit: true });
    expect(await store.flows.get('f_gone1')).toBeUndefined();
    expect((await store.audit.list({ flowId: 'f_gone1' })).map((a) => a.event)).toEqual(['started']);
  });
});

describeEachStore('user purge after a key rotation', (target) => {
  it('finds the flows and counters a name was keyed by under the older key', async () => {
    const clock = testClock();
    const before = await target.open({ keys: [keyA], clock });
    const oldHash = await flowFor(before, 'f_rotated', null, 'rotated@contoso.example');
    const after = await target.open({ keys: [keyB, keyA], clock });
    expect(after.keyring.lookupHash('identifier', normalizeIdentifier('rotated@contoso.example'))).not.toBe(
      oldHash,
    );
    const name = normalizeIdentifier('rotated@contoso.example');
    expect(after.keyring.lookupHashes('identifier', name)).toEqual([
      after.keyring.lookupHash('identifier', name),
      oldHash,
    ]);
    const report = await purgePerson(
      { store: after },
      { userId: null, names: ['rotated@contoso.example'] },
      { keepAudit: false, now: new Date('2026-11-28T10:00:00Z') },
    );
    expect(report).toMatchObject({ flows: 1, counters: 1 });
    expect(await after.flows.get('f_rotated')).toBeUndefined();
    expect(await after.counters.peek(`start:name:${oldHash}`, 900)).toBe(0);
  });
});

describe('counter keys of a person', () => {
  it('names the subject counters by user id and the name counters by each hash, in key order', () => {
    // Key order is the order counters.hitEach locks rows in, so a purge and a guess never deadlock.
    expect(personCounterPrefixes('u1', ['h1'])).toEqual([
      'codes:subject:u1',
      'fail:name:h1',
      'fail:subject:u1',
      'resend:u1:',
      'start:name:h1',
      'start:subject:u1',
    ]);
    expect(personCounterPrefixes(null, [])).toEqual([]);
  });
});
