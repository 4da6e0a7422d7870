import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';
import type {
  Delivery,
  EmailMessage,
  EmailProvider,
  SendResult,
  SmsMessage,
  SmsProvider,
} from '../../src/delivery/delivery.js';
import { backoffMs } from '../../src/delivery/outbox-worker.js';
import { hashFlowToken } from '../../src/store/flow-token-hash.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testClock, testKeys, type TestClock } from '../store/store-harness.js';

const unavailable: SendResult = {
  ok: false,
  code: 'gateway_unavailable',
  transient: true,
  upstreamCode: 'http_503',
};
const rejected: SendResult = {
  ok: false,
  code: 'gateway_rejected',
  transient: false,
  upstreamCode: 'http_400',
};

/** A provider that answers from a script (then succeeds) and records what it was asked to send. */
function scripted<T extends SmsMessage | EmailMessage>(name: string, script: SendResult[] = []) {
  const sent: T[] = [];
  return {
    sent,
    script,
    provider: {
      name,
      send(message: T): Promise<SendResult> {
        sent.push(message);
        return Promise.resolve(script.shift() ?? { ok: true, providerMessageId: `${name}-${sent.length}` });
      },
    },
  };
}

interface Harness {
  store: Store;
  clock: TestClock;
  logs: string[];
  delivery: Delivery;
  flowId: string;
  challenge(methodId: string, code: string, expiresInSeconds?: number): Promise<string>;
}

const openDeliveries: Delivery[] = [];
const openStores: Store[] = [];

async function setUp(
  options: { sms?: SmsProvider; email?: EmailProvider; config?: Record<string, unknown>; url?: string } = {},
): Promise<Harness> {
  const clock = testClock();
  const store = await openStore(options.url ?? 'sqlite::memory:', { keys: testKeys, clock });
  await store.migrate();
  openStores.push(store);
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  const config = deliveryConfigSchema.parse({
    sms: { provider: 'demo' },
    email: { provider: 'demo' },
    smsCountries: ['DK', 'SE'],
    worker: { backoffBaseMs: 1000, backoffMaxMs: 8000, maxAttempts: 4, leaseSeconds: 30, pollIntervalMs: 20 },
    ...options.config,
  });
  const delivery = createDelivery(config, {
    store,
    logger,
    clock,
    ...(options.sms ? { smsProvider: options.sms } : {}),
    ...(options.email ? { emailProvider: options.email } : {}),
  });
  openDeliveries.push(delivery);
  const flowId = `f_${randomUUID()}`;
  await store.flows.create({
    id: flowId,
    tokenHash: hashFlowToken('token'),
    purpose: 'reset',
    userId: 'u-1',
    decoy: false,
    identifierHash: 'h',
    policyName: 'default',
    methods: [],
    expiresAt: new Date(clock.now().getTime() + 900_000),
    locale: 'en',
    clientAddress: null,
  });
  return {
    store,
    clock,
    logs,
    delivery,
    flowId,
    async challenge(methodId, code, expiresInSeconds = 600) {
      const id = `c_${randomUUID()}`;
      await store.challenges.create({
        id,
        flowId,
        methodId,
        destinationHash: 'x',
        code,
        expiresAt: new Date(clock.now().getTime() + expiresInSeconds * 1000),
      });
      return id;
    },
  };
}

async function queueCode(
  h: Harness,
  methodId: string,
  channel: 'sms' | 'email',
  destination: string,
  code: string,
  expiresInSeconds = 600,
) {
  const challengeId = await h.challenge(methodId, code, expiresInSeconds);
  // As the flows service does: the challenge and its message in one transaction.
  const queued = await h.store.transaction((tx) =>
    h.delivery.queueCode(tx.outbox, {
      challengeId,
      flowId: h.flowId,
      channel,
      destination,
      code,
      locale: 'en',
      expiresAt: new Date(h.clock.now().getTime() + expiresInSeconds * 1000),
    }),
  );
  return { challengeId, queued };
}

const status = async (h: Harness, challengeId: string) =>
  (await h.store.challenges.get(challengeId))?.deliveryStatus;

afterEach(async () => {
  for (const d of openDeliveries.splice(0)) await d.close();
  for (const s of openStores.splice(0)) await s.close();
});

describe('delivery through the outbox', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await setUp();
  });

  it('sends a queued code, marks the challenge sent and forgets the code', async () => {
    const heard: string[] = [];
    h.delivery.demoOutbox?.onMessage((m) => heard.push(m.code ?? ''));
    const { challengeId, queued } = await queueCode(h, 'sms:1', 'sms', '+4520123456', '583920');
    expect(queued.ok).toBe(true);
    expect(await status(h, challengeId)).toBe('queued');

    expect(await h.delivery.worker.drainOnce()).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });
    expect(await status(h, challengeId)).toBe('sent');
    const [row] = await h.store.outbox.list({ challengeId });
    expect(row).toMatchObject({ status: 'sent', payload: null, destination: '+••••••••56' });
    expect(heard).toEqual(['583920']);
    const [entry] = h.delivery.demoOutbox?.list() ?? [];
    expect(entry).toMatchObject({ to: '+4520123456', channel: 'sms', code: '583920' });
    expect(entry?.text).toContain('583920');
    expect(entry?.sentAt).toBe(h.clock.now().toISOString());
    const audit = await h.store.audit.list({ flowId: h.flowId });
    expect(audit.map((a) => a.event)).toEqual(['code_sent']);
    expect(JSON.stringify(audit)).not.toContain('583920');
  });

  it('lists demo messages newest first, e-mails with their subject', async () => {
    await queueCode(h, 'sms:1', 'sms', '+4520123456', '111111');
    await h.delivery.worker.drainOnce();
    h.clock.advance(5);
    await queueCode(h, 'email:1', 'email', 'anna@contoso.example', '222222');
    await h.delivery.worker.drainOnce();
    const list = h.delivery.demoOutbox?.list() ?? [];
    expect(list.map((m) => [m.channel, m.to, m.code])).toEqual([
      ['email', 'anna@contoso.example', '222222'],
      ['sms', '+4520123456', '111111'],
    ]);
    expect(list[0]?.text).toContain('222222');
  });

  it('queues notifications without a code and without an expiry', async () => {
    const queued = await h.delivery.queueNotification(h.store.outbox, {
      template: 'reset',
      flowId: h.flowId,
      channel: 'email',
      destination: 'anna@contoso.example',
      locale: 'en',
      vars: { account: 'anna@contoso.example', time: '09:00 UTC', where: '192.0.2.10' },
    });
    expect(queued.ok && queued.message.payload?.template).toBe('reset');
    expect(queued.ok && queued.message.expiresAt).toBeNull();
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ sent: 1 });
    expect((await h.store.audit.list({ flowId: h.flowId })).map((a) => a.event)).toEqual([
      'notification_sent',
    ]);
    expect(h.delivery.demoOutbox?.list()[0]?.code).toBeUndefined();
  });

  it('refuses, as a value, a number outside the SMS allow-list and queues nothing', async () => {
    expect(h.delivery.checkPhone('20 12 34 56', 'DK')).toEqual({
      ok: true,
      e164: '+4520123456',
      region: 'DK',
    });
    expect(h.delivery.checkPhone('+1 201 555 0123', 'DK')).toEqual({
      ok: false,
      code: 'country_not_allowed',
      region: 'US',
    });
    const { queued } = await queueCode(h, 'sms:1', 'sms', '+12015550123', '123456');
    expect(queued).toEqual({ ok: false, code: 'country_not_allowed' });
    const { queued: invalid } = await queueCode(h, 'sms:1', 'sms', 'not a number', '123456');
    expect(invalid).toEqual({ ok: false, code: 'invalid_phone' });
    expect(await h.store.outbox.list()).toEqual([]);
  });

  it('drops a code whose life ended before it could be sent', async () => {
    await queueCode(h, 'sms:1', 'sms', '+4520123456', '123456', 60);
    h.clock.advance(61);
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ claimed: 1, failed: 1 });
    expect(h.delivery.demoOutbox?.list()).toEqual([]);
    expect((await h.store.outbox.list())[0]).toMatchObject({ status: 'failed', lastErrorCode: 'expired' });
  });
});

describe('gateway failures', () => {
  it('marks the challenge failed, keeps the message, and lets another method succeed; the retry then succeeds', async () => {
    const sms = scripted<SmsMessage>('failing-sms', [unavailable]);
    const email = scripted<EmailMessage>('mail');
    const h = await setUp({ sms: sms.provider, email: email.provider });

    const first = await queueCode(h, 'sms:1', 'sms', '+4520123456', '314159');
    expect(await h.delivery.worker.drainOnce()).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0 });
    expect(await status(h, first.challengeId)).toBe('failed');
    const [kept] = await h.store.outbox.list({ challengeId: first.challengeId });
    expect(kept).toMatchObject({ status: 'queued', attempts: 1, lastErrorCode: 'gateway_unavailable' });
    expect(kept?.payload?.code).toBe('314159');

    // The user picks the other method at once; e-mail works.
    const second = await queueCode(h, 'email:1', 'email', 'anna@contoso.example', '271828');
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await status(h, second.challengeId)).toBe('sent');
    expect(email.sent[0]).toMatchObject({ to: 'anna@contoso.example' });
    expect(email.sent[0]?.text).toContain('271828');
    expect(email.sent[0]?.html).toContain('271828');

    // The gateway recovers; the kept message goes out after its backoff.
    h.clock.advance(2);
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ sent: 1 });
    expect(await status(h, first.challengeId)).toBe('sent');
    expect(sms.sent.map((m) => m.messageId)).toEqual([kept?.id, kept?.id]);
    const events = (await h.store.audit.list({ flowId: h.flowId })).map((a) => a.event).reverse();
    expect(events).toEqual(['code_failed', 'code_sent', 'code_sent']);
  });

  it('gives up on a rejected message at once, and on a failing one after maxAttempts, keeping both rows', async () => {
    const sms = scripted<SmsMessage>('sms', [rejected, unavailable, unavailable, unavailable, unavailable]);
    const h = await setUp({ sms: sms.provider });
    const a = await queueCode(h, 'sms:1', 'sms', '+4520123456', '000001');
    await h.delivery.worker.drainOnce();
    expect((await h.store.outbox.list({ challengeId: a.challengeId }))[0]).toMatchObject({
      status: 'failed',
      lastErrorCode: 'gateway_rejected',
    });

    const b = await queueCode(h, 'sms:2', 'sms', '+46701234567', '000002');
    for (let i = 0; i < 6; i++) {
      await h.delivery.worker.drainOnce();
      h.clock.advance(10);
    }
    expect(sms.sent.filter((m) => m.to === '+46701234567')).toHaveLength(4);
    expect((await h.store.outbox.list({ challengeId: b.challengeId }))[0]).toMatchObject({
      status: 'failed',
      attempts: 4,
    });
    expect(await status(h, b.challengeId)).toBe('failed');
    expect(await h.store.outbox.list({ status: 'failed' })).toHaveLength(2);
  });

  it('sends again after a crash between sending and marking (at-least-once)', async () => {
    const sms = scripted<SmsMessage>('sms');
    const h = await setUp({ sms: sms.provider });
    const { challengeId } = await queueCode(h, 'sms:1', 'sms', '+4520123456', '999999');
    // A worker claims the message and dies before marking it.
    expect(await h.store.outbox.claimDue(10, 30)).toHaveLength(1);
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ claimed: 0 });
    h.clock.advance(31);
    expect(await h.delivery.worker.drainOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await status(h, challengeId)).toBe('sent');
    expect(sms.sent).toHaveLength(1);
  });

  it('fails a message sealed with a key that has since been dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mypass-delivery-'));
    try {
      const url = `sqlite:${join(dir, 'db.sqlite')}`;
      const h = await setUp({ url });
      const { challengeId } = await queueCode(h, 'sms:1', 'sms', '+4520123456', '123456');
      const rotated = await openStore(url, {
        keys: [{ id: 'k9', secret: 'another-key-entirely-0123456789abcdef' }],
        clock: h.clock,
      });
      openStores.push(rotated);
      const delivery = createDelivery(deliveryConfigSchema.parse({ sms: { provider: 'demo' } }), {
        store: rotated,
        logger: pino({ enabled: false }),
        clock: h.clock,
      });
      openDeliveries.push(delivery);
      expect(await delivery.worker.drainOnce()).toMatchObject({ failed: 1 });
      expect((await rotated.outbox.list({ challengeId }))[0]).toMatchObject({
        status: 'failed',
        lastErrorCode: 'payload_unreadable',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says a channel without a provider cannot deliver, and queues nothing for it', async () => {
    const h = await setUp({ config: { sms: { provider: 'none' }, email: { provider: 'none' } } });
    expect(h.delivery.canDeliver('sms')).toBe(false);
    expect(h.delivery.demoOutbox).toBeUndefined();
    const { queued } = await queueCode(h, 'sms:1', 'sms', '+4520123456', '123456');
    expect(queued).toEqual({ ok: false, code: 'channel_unavailable' });
  });
});

describe('the worker loop', () => {
  it('sends in the background once started and nudged, and stops cleanly', async () => {
    const h = await setUp();
    h.delivery.worker.start();
    const { challengeId } = await queueCode(h, 'sms:1', 'sms', '+4520123456', '424242');
    h.delivery.worker.nudge();
    for (let i = 0; i < 100 && (await status(h, challengeId)) !== 'sent'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await status(h, challengeId)).toBe('sent');
    await h.delivery.worker.stop();
  });

  it('backs off exponentially with jitter, capped, and never sooner than Retry-After', () => {
    const config = deliveryConfigSchema.parse({}).worker;
    expect(backoffMs(1, config, () => 0.5)).toBe(2000);
    expect(backoffMs(3, config, () => 0.5)).toBe(8000);
    expect(backoffMs(3, config, () => 0)).toBe(6400);
    expect(backoffMs(30, config, () => 0.5)).toBe(300_000);
    expect(backoffMs(1, config, () => 0.5, 60)).toBe(60_000);
  });
});

describe('logs', () => {
  it('never contain a code, a full destination or a payload', async () => {
    const sms = scripted<SmsMessage>('sms', [unavailable, rejected]);
    const h = await setUp({ sms: sms.provider });
    await queueCode(h, 'sms:1', 'sms', '+4520123456', '615243');
    await h.delivery.worker.drainOnce();
    h.clock.advance(5);
    await h.delivery.worker.drainOnce();
    await queueCode(h, 'email:1', 'email', 'anna.berg@contoso.example', '615244');
    await h.delivery.worker.drainOnce();
    expect(h.logs.length).toBeGreaterThanOrEqual(3);
    const all = h.logs.join('\n');
    for (const secret of [
      '615243',
      '615244',
      '+4520123456',
      '4520123456',
      'anna.berg@contoso.example',
      'MyPass code',
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('+••••••••56');
  });
});
