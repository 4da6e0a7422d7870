import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashFlowToken } from '../../src/store/flow-token-hash.js';
import { openStore } from '../../src/store/open-store.js';
import type { FlowMethod, NewFlow, Store } from '../../src/store/store.js';
import { describeEachStore, testClock, testKeys } from './store-harness.js';

const methods: FlowMethod[] = [
  {
    id: 'sms:1',
    kind: 'sms',
    hint: '+45 •• •• •• 78',
    destination: '+4520123478',
    source: 'entra:phoneMethods',
  },
  {
    id: 'email:1',
    kind: 'email',
    hint: 'a•••@g•••.com',
    destination: 'anna@gmail.com',
    source: 'entra:emailMethods',
  },
];

function newFlow(overrides: Partial<NewFlow> = {}): NewFlow & { token: string } {
  const token = randomBytes(24).toString('base64url');
  return {
    id: `f_${randomUUID()}`,
    token,
    tokenHash: hashFlowToken(token),
    purpose: 'reset',
    userId: '6e7b768e-07e2-4810-8459-485f84f8f204',
    decoy: false,
    identifierHash: 'id-hash',
    policyName: 'default',
    methods,
    expiresAt: new Date('2026-11-28T09:15:00.000Z'),
    locale: 'en',
    clientAddress: '192.0.2.10',
    ...overrides,
  };
}

const payload = { text: 'Your MyPass code is 731904.', code: '731904', template: 'code', locale: 'en' };

/** Every string value of every row, to search for things that must never be stored. */
function allText(rows: Record<string, unknown>[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n');
}

describeEachStore('store', (target) => {
  const clock = testClock();
  let store: Store;
  beforeAll(async () => {
    store = await target.open({ clock });
  });

  describe('lifecycle', () => {
    it('migrates idempotently and answers ping', async () => {
      await store.migrate();
      await store.migrate();
      expect(await store.ping()).toBe(true);
      expect(store.dialect).toBe(target.name);
    });

    it('answers ping false, without throwing, once closed', async () => {
      const other = await target.open();
      await other.close();
      expect(await other.ping()).toBe(false);
    });
  });

  describe('flows', () => {
    it('round-trips a flow, storing only the hash of its token', async () => {
      const input = newFlow({ context: { userPrincipalName: 'anna@contoso.example', methodsRequired: 2 } });
      const created = await store.flows.create(input);
      expect(created).toMatchObject({
        id: input.id,
        purpose: 'reset',
        userId: input.userId,
        decoy: false,
        methods,
        methodsVerified: [],
        attemptsUsed: 0,
        state: 'verifying',
        verifiedAt: null,
        createdAt: clock.now(),
        context: { userPrincipalName: 'anna@contoso.example', methodsRequired: 2 },
      });
      expect(await store.flows.get(input.id)).toEqual(created);
      const raw = await target.rawRows('flows');
      expect(allText(raw)).not.toContain(input.token);
      expect(allText(raw)).toContain(hashFlowToken(input.token));
    });

    it('seals the methods and the context at rest: no number, address or name in clear', async () => {
      const input = newFlow({
        context: { notify: [{ kind: 'email', destination: 'anna.home@example.net' }] },
      });
      await store.flows.create(input);
      const changed = await store.flows.transition(input.id, ['verifying'], {
        context: { userPrincipalName: 'anna@contoso.example' },
      });
      expect(changed?.context).toEqual({ userPrincipalName: 'anna@contoso.example' });
      const row = (await target.rawRows('flows')).find((r) => r.id === input.id) ?? {};
      expect(String(row.methods)).toMatch(/^v1\.k1\./);
      expect(String(row.context)).toMatch(/^v1\.k1\./);
      const text = allText([row]);
      for (const clear of [
        '+4520123478',
        'anna@gmail.com',
        'anna@contoso.example',
        'anna.home@example.net',
      ]) {
        expect(text).not.toContain(clear);
      }
      expect((await store.flows.get(input.id))?.methods).toEqual(methods);
    });

    it('reads a flow written before flows were sealed, and seals its context when it changes', async () => {
      const input = newFlow({ context: { step: 'one' } });
      await store.flows.create(input);
      await target.rawUpdate('flows', input.id, {
        methods: JSON.stringify(methods),
        context: JSON.stringify({ step: 'one' }),
      });
      expect(await store.flows.getWithToken(input.id, input.token)).toMatchObject({
        methods,
        context: { step: 'one' },
      });
      await store.flows.transition(input.id, ['verifying'], { context: { step: 'two' } });
      const row = (await target.rawRows('flows')).find((r) => r.id === input.id) ?? {};
      expect(String(row.context)).toMatch(/^v1\.k1\./);
      expect((await store.flows.get(input.id))?.context).toEqual({ step: 'two' });
    });

    it('finds a flow with its token only: a wrong token, an unknown id and an expired flow all look alike', async () => {
      const input = newFlow({ expiresAt: new Date(clock.now().getTime() + 60_000) });
      await store.flows.create(input);
      expect((await store.flows.getWithToken(input.id, input.token))?.id).toBe(input.id);
      expect(await store.flows.getWithToken(input.id, `${input.token}x`)).toBeUndefined();
      expect(await store.flows.getWithToken('f_unknown', input.token)).toBeUndefined();
      expect(
        await store.flows.getWithToken(input.id, input.token, new Date(clock.now().getTime() + 60_000)),
      ).toBeUndefined();
    });

    it('accepts the same long values on both dialects', async () => {
      const long = 'x'.repeat(500);
      const input = newFlow({ locale: long, policyName: long, clientAddress: long });
      expect(await store.flows.create(input)).toMatchObject({
        locale: long,
        policyName: long,
        clientAddress: long,
      });
      expect((await store.counters.hit(long, 60, 1)).count).toBe(1);
    });

    it('refuses a duplicate flow id with a stable code', async () => {
      const input = newFlow();
      await store.flows.create(input);
      await expect(store.flows.create(input)).rejects.toMatchObject({
        name: 'StoreError',
        code: 'store_conflict',
      });
    });

    it('stores a decoy flow with no user', async () => {
      const input = newFlow({ userId: null, decoy: true });
      const created = await store.flows.create(input);
      expect(created.decoy).toBe(true);
      expect(created.userId).toBeNull();
    });

    it('counts exactly 5 of 50 wrong codes fired in parallel, then the flow is exhausted', async () => {
      const input = newFlow();
      await store.flows.create(input);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.flows.recordFailedAttempt(input.id, 5)),
      );
      const counted = results.filter((r) => r.counted);
      expect(counted).toHaveLength(5);
      expect(counted.map((r) => (r.counted ? r.attemptsUsed : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(counted.filter((r) => r.exhausted)).toHaveLength(1);
      const flow = await store.flows.get(input.id);
      expect(flow?.attemptsUsed).toBe(5);
      expect(flow?.state).toBe('attempts_exhausted');
    });

    it('counts exactly 5 of 50 wrong codes fired in parallel through two nodes', async () => {
      const second = await target.open({ clock });
      const input = newFlow();
      await store.flows.create(input);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? store : second).flows.recordFailedAttempt(input.id, 5),
        ),
      );
      expect(results.filter((r) => r.counted)).toHaveLength(5);
      expect((await store.flows.get(input.id))?.attemptsUsed).toBe(5);
    });

    it('reports the attempts left after each wrong code', async () => {
      const input = newFlow();
      await store.flows.create(input);
      expect(await store.flows.recordFailedAttempt(input.id, 3)).toEqual({
        counted: true,
        attemptsUsed: 1,
        attemptsLeft: 2,
        exhausted: false,
      });
      await store.flows.recordFailedAttempt(input.id, 3);
      expect(await store.flows.recordFailedAttempt(input.id, 3)).toEqual({
        counted: true,
        attemptsUsed: 3,
        attemptsLeft: 0,
        exhausted: true,
      });
      expect(await store.flows.recordFailedAttempt(input.id, 3)).toEqual({ counted: false, exhausted: true });
      expect(await store.flows.recordFailedAttempt('f_unknown', 3)).toEqual({
        counted: false,
        exhausted: true,
      });
    });

    it('transitions only from the given states', async () => {
      const input = newFlow();
      await store.flows.create(input);
      expect(await store.flows.transition(input.id, ['verified'], { state: 'completed' })).toBeUndefined();
      const cancelled = await store.flows.transition(input.id, ['verifying', 'verified'], {
        state: 'cancelled',
        context: { reason: 'user' },
      });
      expect(cancelled?.state).toBe('cancelled');
      expect(cancelled?.context).toEqual({ reason: 'user' });
      expect(
        await store.flows.transition(input.id, ['verifying', 'verified'], { state: 'cancelled' }),
      ).toBeUndefined();
    });

    it('becomes verified only when the required number of distinct methods is verified, even in parallel', async () => {
      const input = newFlow();
      await store.flows.create(input);
      const once = await store.flows.addVerifiedMethod(input.id, 'sms:1', 2, clock.now());
      expect(once?.state).toBe('verifying');
      const again = await store.flows.addVerifiedMethod(input.id, 'sms:1', 2, clock.now());
      expect(again?.methodsVerified).toHaveLength(1);

      const other = newFlow();
      await store.flows.create(other);
      const second = await target.open({ clock });
      await Promise.all([
        store.flows.addVerifiedMethod(other.id, 'sms:1', 2, clock.now()),
        second.flows.addVerifiedMethod(other.id, 'email:1', 2, clock.now()),
      ]);
      const done = await store.flows.get(other.id);
      expect(done?.methodsVerified.map((m) => m.methodId).sort()).toEqual(['email:1', 'sms:1']);
      expect(done?.state).toBe('verified');
      expect(done?.verifiedAt).toEqual(clock.now());
    });
  });

  describe('challenges', () => {
    async function flowWithChallenge(code = '123456', expiresInSeconds = 600) {
      const flow = newFlow();
      await store.flows.create(flow);
      const challenge = await store.challenges.create({
        id: `c_${randomUUID()}`,
        flowId: flow.id,
        methodId: 'sms:1',
        destinationHash: store.keyring.lookupHash('destination', '+4520123478'),
        code,
        expiresAt: new Date(clock.now().getTime() + expiresInSeconds * 1000),
      });
      return { flow, challenge };
    }

    it('stores the code only as an HMAC with its key id', async () => {
      const { challenge } = await flowWithChallenge('904117');
      expect(challenge.keyId).toBe('k1');
      expect(challenge.codeHmac).toMatch(/^[0-9a-f]{64}$/);
      expect(challenge.deliveryStatus).toBe('queued');
      const raw = allText(await target.rawRows('challenges'));
      expect(raw).toContain(challenge.codeHmac);
      expect(raw).not.toContain('904117');
    });

    it('accepts the right code once, and only once, even when it races itself', async () => {
      const { flow, challenge } = await flowWithChallenge('555123');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.challenges.verifyAndConsume(flow.id, challenge.id, '555123')),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'consumed')).toHaveLength(9);
      expect((await store.challenges.get(challenge.id))?.consumedAt).toEqual(clock.now());
    });

    it('tells a wrong code, an expired challenge and another flow apart', async () => {
      const { flow, challenge } = await flowWithChallenge('111111', 60);
      expect(await store.challenges.verifyAndConsume(flow.id, challenge.id, '111112')).toEqual({
        ok: false,
        reason: 'mismatch',
      });
      const { flow: other } = await flowWithChallenge('111111');
      // The code is bound to its flow: the same id and code through another flow is unknown.
      expect(await store.challenges.verifyAndConsume(other.id, challenge.id, '111111')).toEqual({
        ok: false,
        reason: 'not_found',
      });
      const later = new Date(clock.now().getTime() + 61_000);
      expect(await store.challenges.verifyAndConsume(flow.id, challenge.id, '111111', later)).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await store.challenges.consume(challenge.id, later)).toBe(false);
    });

    it('binds the code HMAC to the flow and the method', () => {
      const a = store.keyring.codeHmac('123456', 'f_a', 'sms:1');
      expect(store.keyring.verifyCode('123456', 'f_a', 'sms:1', a)).toBe(true);
      expect(store.keyring.verifyCode('123456', 'f_b', 'sms:1', a)).toBe(false);
      expect(store.keyring.verifyCode('123456', 'f_a', 'email:1', a)).toBe(false);
      expect(store.keyring.codeHmac('123456', 'f_a', 'email:1').hmac).not.toBe(a.hmac);
    });

    it('verifies codes made with an older key after rotation, and not once that key is dropped', async () => {
      const { flow, challenge } = await flowWithChallenge('246810');
      const k2 = { id: 'k2', secret: 'test-secret-k2-zyxwvutsrqponmlkjihgfedcba' };
      const rotated = await target.open({ keys: [k2, ...testKeys], clock });
      expect(rotated.keyring.currentKeyId).toBe('k2');
      const dropped = await target.open({ keys: [k2], clock });
      expect(await dropped.challenges.verifyAndConsume(flow.id, challenge.id, '246810')).toEqual({
        ok: false,
        reason: 'mismatch',
      });
      expect((await rotated.challenges.verifyAndConsume(flow.id, challenge.id, '246810')).ok).toBe(true);
      const fresh = await rotated.challenges.create({
        id: `c_${randomUUID()}`,
        flowId: flow.id,
        methodId: 'email:1',
        destinationHash: 'x',
        code: '000000',
        expiresAt: new Date(clock.now().getTime() + 600_000),
      });
      expect(fresh.keyId).toBe('k2');
    });

    it('records the delivery status and lists a flow challenges in order', async () => {
      const { flow, challenge } = await flowWithChallenge();
      await store.challenges.setDeliveryStatus(challenge.id, 'failed');
      clock.advance(1);
      const next = await store.challenges.create({
        id: `c_${randomUUID()}`,
        flowId: flow.id,
        methodId: 'email:1',
        destinationHash: 'x',
        code: '123123',
        expiresAt: new Date(clock.now().getTime() + 600_000),
      });
      await store.challenges.setDeliveryStatus(next.id, 'sent');
      const list = await store.challenges.listForFlow(flow.id);
      expect(list.map((c) => [c.id, c.deliveryStatus])).toEqual([
        [challenge.id, 'failed'],
        [next.id, 'sent'],
      ]);
    });
  });

  describe('counters', () => {
    it('allows up to the limit in a fixed window, then says how long to wait', async () => {
      const key = `name:${randomUUID()}`;
      const at = new Date('2026-11-28T10:00:00.000Z');
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.counters.hit(key, 900, 3, at));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4]);
      expect(results[3]?.retryAfter).toBe(900);
      expect(await store.counters.peek(key, 900, at)).toBe(4);
      const nextWindow = new Date(at.getTime() + 900_000);
      expect(await store.counters.hit(key, 900, 3, nextWindow)).toEqual({
        allowed: true,
        count: 1,
        retryAfter: 0,
      });
    });

    it('counts 100 parallel hits from two nodes exactly, allowing exactly the limit', async () => {
      const second = await target.open({ clock });
      const key = `addr:${randomUUID()}`;
      const at = new Date('2026-11-28T10:00:05.000Z');
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? store : second).counters.hit(key, 60, 30, at)),
      );
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(30);
      expect(results.find((r) => !r.allowed)?.retryAfter).toBe(55);
    });

    it('hits several keys in one statement, each with its own window and limit, answering in order', async () => {
      const id = randomUUID();
      const at = new Date('2026-11-28T10:00:05.000Z');
      const first = { key: `z:${id}`, windowSeconds: 60, limit: 2 };
      const hits = [first, { key: `a:${id}`, windowSeconds: 900, limit: 1 }];
      expect(await store.counters.hitEach(hits, at)).toEqual([
        { allowed: true, count: 1, retryAfter: 0 },
        { allowed: true, count: 1, retryAfter: 0 },
      ]);
      // The second key is over its limit; the first is still counted (both are, always).
      expect(await store.counters.hitEach(hits, at)).toEqual([
        { allowed: true, count: 2, retryAfter: 0 },
        { allowed: false, count: 2, retryAfter: 895 },
      ]);
      expect(await store.counters.hitEach(hits, at, { weight: -1 })).toEqual([
        { allowed: true, count: 1, retryAfter: 0 },
        { allowed: true, count: 1, retryAfter: 0 },
      ]);
      expect(await store.counters.peek(`z:${id}`, 60, at)).toBe(1);
      expect(await store.counters.peek(`a:${id}`, 900, at)).toBe(1);
      await expect(store.counters.hitEach([first, first], at)).rejects.toMatchObject({
        code: 'store_unavailable',
      });
    });

    it('counts parallel multi-key hits from two nodes exactly, in any key order', async () => {
      const second = await target.open({ clock });
      const id = randomUUID();
      const at = new Date('2026-11-28T10:00:05.000Z');
      const a = { key: `a:${id}`, windowSeconds: 60, limit: 30 };
      const b = { key: `b:${id}`, windowSeconds: 60, limit: 30 };
      // Half the callers name the keys in the other order: still no deadlock, every hit counted once.
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 === 0 ? store : second).counters.hitEach(i % 4 < 2 ? [a, b] : [b, a], at),
        ),
      );
      const countsOf = (key: string) =>
        results
          .map((r, i) => (i % 4 < 2 ? r : [...r].reverse()))
          .map((r) => r[key === a.key ? 0 : 1]?.count ?? 0)
          .sort((x, y) => x - y);
      expect(countsOf(a.key)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(countsOf(b.key)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(await store.counters.peek(a.key, 60, at)).toBe(60);
    });
    it('blends the previous window in sliding mode', async () => {
      const key = `dest:${randomUUID()}`;
      const start = new Date('2026-11-28T11:00:00.000Z');
      for (let i = 0; i < 10; i++) await store.counters.hit(key, 3600, 10, start, { sliding: true });
      // A quarter into the next window, three quarters of the previous 10 still count.
      const quarter = new Date(start.getTime() + 3600_000 + 900_000);
      const refused = await store.counters.hit(key, 3600, 8, quarter, { sliding: true });
      expect(refused.allowed).toBe(false);
      expect(refused.count).toBe(9);
      // 7.5 + 1 > 8. The retry's own hit makes this window's count 2, so the previous share must
      // fade to 6: 0.4 of the window from its start, 0.15 (540 s) from now.
      expect(refused.retryAfter).toBe(540);
      const atRetry = new Date(quarter.getTime() + 540_000);
      expect((await store.counters.hit(key, 3600, 8, atRetry, { sliding: true })).allowed).toBe(true);
      // Three quarters in: a quarter of the previous 10, and this window's 2.
      const later = new Date(start.getTime() + 3600_000 + 2700_000);
      expect(await store.counters.peek(key, 3600, later, { sliding: true })).toBe(5);
    });

    it('rounds a sliding Retry-After up, so a retry at exactly that time is allowed', async () => {
      const key = `round:${randomUUID()}`;
      const start = new Date('2026-11-28T12:00:00.000Z');
      for (let i = 0; i < 6; i++) await store.counters.hit(key, 900, 5, start, { sliding: true });
      // 140.286 s to the window's end, then 3/7 of the next window: 526.0003 s (it once said 526).
      const now = new Date(start.getTime() + 759_714);
      const refused = await store.counters.hit(key, 900, 5, now, { sliding: true });
      expect(refused).toMatchObject({ allowed: false, retryAfter: 527 });
      const retry = new Date(now.getTime() + 527_000);
      expect((await store.counters.hit(key, 900, 5, retry, { sliding: true })).allowed).toBe(true);
    });

    it('blends each key’s previous window in a sliding multi-key hit, with one wait that holds', async () => {
      const a = { key: `a:${randomUUID()}`, windowSeconds: 900, limit: 5 };
      const b = { key: `b:${randomUUID()}`, windowSeconds: 3600, limit: 100 };
      const edge = new Date('2026-11-28T11:59:59.000Z');
      for (let i = 0; i < 5; i++) {
        const [hitA] = await store.counters.hitEach([a, b], edge, { sliding: true });
        expect(hitA?.allowed).toBe(true);
      }
      // Two seconds later a new window began for both; a fixed window would let five more through.
      const after = new Date(edge.getTime() + 2_000);
      const [refused, other] = await store.counters.hitEach([a, b], after, { sliding: true });
      expect(refused).toMatchObject({ allowed: false, count: 6 });
      expect(other).toMatchObject({ allowed: true, count: 6 });
      const retry = new Date(after.getTime() + (refused?.retryAfter ?? 0) * 1000);
      expect((await store.counters.hitEach([a, b], retry, { sliding: true }))[0]?.allowed).toBe(true);
      // Without `sliding`, the same keys count in fixed windows.
      const fixed = { ...a, key: `f:${randomUUID()}` };
      for (let i = 0; i < 5; i++) await store.counters.hitEach([fixed], edge);
      expect((await store.counters.hitEach([fixed], after))[0]?.allowed).toBe(true);
    });

    it('prunes windows that have ended', async () => {
      const key = `prune:${randomUUID()}`;
      await store.counters.hit(key, 60, 5, new Date('2020-01-01T00:00:00.000Z'));
      expect(await store.counters.prune(new Date('2020-01-01T00:05:00.000Z'))).toBeGreaterThanOrEqual(1);
      expect(await store.counters.peek(key, 60, new Date('2020-01-01T00:00:10.000Z'))).toBe(0);
    });
  });

  describe('outbox', () => {
    it('counts messages by status without reading them', async () => {
      const before = { queued: await store.outbox.count('queued'), sent: await store.outbox.count('sent') };
      const first = await store.outbox.enqueue({ channel: 'sms', destination: '+4520123470', payload });
      const second = await store.outbox.enqueue({ channel: 'sms', destination: '+4520123471', payload });
      await store.outbox.markSent(first.id);
      expect(await store.outbox.count('queued')).toBe(before.queued + 1);
      expect(await store.outbox.count('sent')).toBe(before.sent + 1);
      // Nothing left queued for the worker tests below.
      await store.outbox.markSent(second.id);
      expect(await store.outbox.count('queued')).toBe(before.queued);
    });

    it('keeps the payload encrypted at rest and blanks it, and masks the destination, once sent', async () => {
      const message = await store.outbox.enqueue({
        channel: 'sms',
        destination: '+4520123478',
        payload,
        challengeId: 'c_enc',
        expiresAt: new Date(clock.now().getTime() + 600_000),
      });
      expect(message).toMatchObject({ payload, status: 'queued', destination: '+4520123478' });
      expect(await store.outbox.get(message.id)).toMatchObject({ payload, destination: '+4520123478' });
      // The full destination travels sealed with the code: the column holds only its mask.
      const pending = await target.rawRows('outbox');
      expect(allText(pending)).not.toContain('731904');
      expect(allText(pending)).not.toContain('+4520123478');
      expect(pending.find((r) => r.id === message.id)?.destination).toBe('+••••••••78');

      await store.outbox.markSent(message.id);
      const sent = await store.outbox.get(message.id);
      expect(sent).toMatchObject({ status: 'sent', payload: null, destination: '+••••••••78' });
      expect(allText(await target.rawRows('outbox'))).not.toContain('+4520123478');
    });

    it('sends a message queued before destinations were sealed, and masks its destination once sent', async () => {
      const message = await store.outbox.enqueue({ channel: 'sms', destination: '+4520123479', payload });
      // As an older version wrote it: the destination in clear, a payload without it.
      await target.rawUpdate('outbox', message.id, {
        destination: '+4520123479',
        payload: store.keyring.encrypt(JSON.stringify(payload)),
      });
      expect(await store.outbox.get(message.id)).toMatchObject({ payload, destination: '+4520123479' });
      await store.outbox.markSent(message.id);
      expect((await target.rawRows('outbox')).find((r) => r.id === message.id)).toMatchObject({
        destination: '+••••••••79',
        payload: '',
        status: 'sent',
      });
    });

    it('keeps a failed message an older version queued for inspection, its destination sealed too', async () => {
      const message = await store.outbox.enqueue({ channel: 'sms', destination: '+4520123477', payload });
      await target.rawUpdate('outbox', message.id, {
        destination: '+4520123477',
        payload: store.keyring.encrypt(JSON.stringify(payload)),
      });
      await store.outbox.markFailed(message.id, 'gateway_rejected');
      const row = (await target.rawRows('outbox')).find((r) => r.id === message.id) ?? {};
      expect(row.destination).toBe('+••••••••77');
      expect(JSON.stringify(row)).not.toContain('4520123477');
      expect(await store.outbox.get(message.id)).toMatchObject({
        status: 'failed',
        destination: '+4520123477',
        payload,
      });
    });

    it('leases due messages once, and hands them out again when the lease runs out (a crashed worker)', async () => {
      const local = testClock('2026-11-28T12:00:00.000Z');
      const node = await target.open({ clock: local });
      // Drain whatever earlier tests left due, so this test sees only its own message.
      await node.outbox.claimDue(1000, 60);
      const message = await node.outbox.enqueue({ channel: 'email', destination: 'anna@gmail.com', payload });
      const first = await node.outbox.claimDue(10, 60);
      expect(first.map((m) => m.id)).toEqual([message.id]);
      expect(first[0]).toMatchObject({ status: 'sending', attempts: 1 });
      expect(await node.outbox.claimDue(10, 60)).toEqual([]);
      local.advance(61);
      const again = await node.outbox.claimDue(10, 60);
      expect(again.map((m) => [m.id, m.attempts])).toEqual([[message.id, 2]]);

      await node.outbox.markRetry(message.id, new Date(local.now().getTime() + 5_000), 'gateway_unavailable');
      expect(await node.outbox.get(message.id)).toMatchObject({
        status: 'queued',
        lastErrorCode: 'gateway_unavailable',
      });
      expect(await node.outbox.claimDue(10, 60)).toEqual([]);
      local.advance(5);
      expect((await node.outbox.claimDue(10, 60)).map((m) => m.id)).toEqual([message.id]);
      await node.outbox.markFailed(message.id, 'gateway_rejected');
      const failed = await node.outbox.get(message.id);
      // A failed message stays, still sealed, for inspection.
      expect(failed).toMatchObject({ status: 'failed', payload, lastErrorCode: 'gateway_rejected' });
      expect(await node.outbox.list({ status: 'failed' })).toContainEqual(failed);
    });

    it('never hands one message to two nodes claiming at once', async () => {
      const local = testClock('2026-11-28T13:00:00.000Z');
      const a = await target.open({ clock: local });
      const b = await target.open({ clock: local });
      await a.outbox.claimDue(1000, 60);
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) {
        ids.add((await a.outbox.enqueue({ channel: 'sms', destination: `+45201234${10 + i}`, payload })).id);
      }
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).outbox.claimDue(7, 60)),
      );
      const claimed = claims.flat().map((m) => m.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.every((id) => ids.has(id))).toBe(true);
      expect(claimed).toHaveLength(40);
    });
  });

  describe('transactions and audit', () => {
    it('commits a challenge and its outbox message together, or neither', async () => {
      const flow = newFlow();
      await store.flows.create(flow);
      const challengeId = `c_${randomUUID()}`;
      await expect(
        store.transaction(async (tx) => {
          await tx.challenges.create({
            id: challengeId,
            flowId: flow.id,
            methodId: 'sms:1',
            destinationHash: 'x',
            code: '123456',
            expiresAt: new Date(clock.now().getTime() + 600_000),
          });
          await tx.outbox.enqueue({ channel: 'sms', destination: '+4520123478', payload, challengeId });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.challenges.get(challengeId)).toBeUndefined();
      expect(await store.outbox.list({ challengeId })).toEqual([]);

      await store.transaction(async (tx) => {
        await tx.challenges.create({
          id: challengeId,
          flowId: flow.id,
          methodId: 'sms:1',
          destinationHash: 'x',
          code: '123456',
          expiresAt: new Date(clock.now().getTime() + 600_000),
        });
        await tx.outbox.enqueue({ channel: 'sms', destination: '+4520123478', payload, challengeId });
      });
      expect(await store.challenges.get(challengeId)).toBeDefined();
      expect(await store.outbox.list({ challengeId })).toHaveLength(1);
    });

    it('records audit entries and lists them newest first', async () => {
      const flowId = `f_${randomUUID()}`;
      await store.audit.record({
        event: 'flow_started',
        flowId,
        identifierHash: 'h',
        clientAddress: '192.0.2.1',
      });
      clock.advance(1);
      await store.audit.record({ event: 'code_queued', flowId, detail: { method: 'sms:1', decoy: false } });
      await store.audit.record({ event: 'code_sent', flowId, userId: 'u1', detail: { method: 'sms:1' } });
      const list = await store.audit.list({ flowId });
      expect(list.map((e) => e.event)).toEqual(['code_sent', 'code_queued', 'flow_started']);
      expect(list[1]?.detail).toEqual({ method: 'sms:1', decoy: false });
      expect(await store.audit.list({ flowId, event: 'flow_started' })).toHaveLength(1);
    });
  });
});

describe('openStore', () => {
  it('opens an in-memory SQLite store', async () => {
    const store = await openStore('sqlite::memory:', { keys: testKeys });
    await store.migrate();
    expect(await store.ping()).toBe(true);
    await store.close();
  });

  it('opens only an existing SQLite file when asked, and then creates nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mypass-existing-')), 'none.db');
    await expect(openStore(`sqlite:${path}`, { keys: testKeys, existingOnly: true })).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    expect(existsSync(path)).toBe(false);
    const created = await openStore(`sqlite:${path}`, { keys: testKeys });
    await created.close();
    const reopened = await openStore(`sqlite:${path}`, { keys: testKeys, existingOnly: true });
    await reopened.close();
  });

  it('refuses an unknown URL scheme with a stable code', async () => {
    await expect(openStore('mysql://localhost/db', { keys: testKeys })).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });

  it('reports a SQLite file it cannot open, and an unreachable PostgreSQL, as store_unavailable', async () => {
    await expect(
      openStore('sqlite:/nonexistent-dir/sub/mypass.db', { keys: testKeys }),
    ).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    const unreachable = 'postgres://mypass:secret-password@127.0.0.1:1/mypass';
    const error: unknown = await openStore(unreachable, { keys: testKeys, schema: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'store_unavailable' });
    // The message names the database, never its password.
    expect(String((error as Error).message)).not.toContain('secret-password');
    const lazy = await openStore(unreachable, { keys: testKeys });
    expect(await lazy.ping()).toBe(false);
    await expect(lazy.flows.get('f_x')).rejects.toMatchObject({
      name: 'StoreError',
      code: 'store_unavailable',
    });
    await lazy.close();
  });

  it('refuses a keyring without keys', async () => {
    await expect(openStore('sqlite::memory:', { keys: [] })).rejects.toMatchObject({
      code: 'keyring_invalid',
    });
  });
});
