import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { directoryConfigSchema } from '../../src/config/directory-config.js';
import { serviceSections } from '../../src/config/service-config.js';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import { checkDemoMode } from '../../src/demo-guard.js';
import { cryptoRandom } from '../../src/flows-service/crypto-random.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testConfig } from './test-app.js';
import { scriptedTenant, people } from './scripted-tenant.js';

const directory = (over: Record<string, unknown> = {}) =>
  directoryConfigSchema.parse({
    tenantId: 'contoso.example',
    clientId: '00000000-0000-4000-8000-000000000001',
    clientSecret: 'x',
    authorityHost: 'https://127.0.0.1:8443',
    graphUrl: 'https://127.0.0.1:8443',
    ...over,
  });
const demoDelivery = deliveryConfigSchema.parse({ sms: { provider: 'demo' }, email: { provider: 'demo' } });
const server = (host: string) => serviceSections.server.parse({ host });

describe('demo mode guard', () => {
  it('accepts loopback with the emulator', () => {
    expect(
      checkDemoMode({
        demo: true,
        server: server('127.0.0.1'),
        directory: directory(),
        delivery: demoDelivery,
      }),
    ).toBeNull();
  });
  it('refuses any non-loopback address', () => {
    expect(
      checkDemoMode({ demo: true, server: server('0.0.0.0'), directory: directory(), delivery: demoDelivery })
        ?.code,
    ).toBe('demo_not_loopback');
    expect(
      checkDemoMode({
        demo: true,
        server: server('192.168.1.5'),
        directory: directory(),
        delivery: demoDelivery,
      })?.code,
    ).toBe('demo_not_loopback');
  });
  it('refuses real Microsoft authority and Graph hosts', () => {
    for (const over of [
      { authorityHost: 'https://login.microsoftonline.com' },
      { graphUrl: 'https://graph.microsoft.com' },
      { graphUrl: 'https://graph.microsoft.us' },
    ]) {
      expect(
        checkDemoMode({
          demo: true,
          server: server('127.0.0.1'),
          directory: directory(over),
          delivery: demoDelivery,
        })?.code,
      ).toBe('demo_real_microsoft_host');
    }
  });
  it('refuses the demo providers outside demo mode', () => {
    expect(
      checkDemoMode({
        demo: false,
        server: server('0.0.0.0'),
        directory: directory(),
        delivery: demoDelivery,
      })?.code,
    ).toBe('demo_provider_without_demo');
  });
});

describe('the demo outbox route', () => {
  let store: Store;
  afterEach(async () => store.close());

  async function build(demo: boolean) {
    store = await openStore('sqlite::memory:', {
      keys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }],
    });
    await store.migrate();
    const logger = pino({ level: 'silent' });
    const delivery = createDelivery(demo ? demoDelivery : deliveryConfigSchema.parse({}), { store, logger });
    return {
      delivery,
      build: () =>
        buildApp({
          config: testConfig({ demo }),
          directory: scriptedTenant(),
          delivery,
          store,
          clock: store.clock,
          random: cryptoRandom,
          logger,
        }),
    };
  }

  it('lists what would have been sent, in demo mode only', async () => {
    const { delivery, build: make } = await build(true);
    const app = await make();
    const flow = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: { purpose: 'reset', username: people.adele.upn },
      })
    ).json() as { flowId: string; flowToken: string };
    await app.inject({
      method: 'POST',
      url: `/api/v1/flows/${flow.flowId}/challenges`,
      headers: { authorization: `Bearer ${flow.flowToken}` },
      payload: { method: 'sms:1', confirm: people.adele.phone },
    });
    await delivery.worker.drainOnce();
    const res = await app.inject({ method: 'GET', url: '/api/demo/outbox' });
    expect(res.statusCode).toBe(200);
    const { messages } = res.json() as { messages: { to: string; channel: string; code?: string }[] };
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: people.adele.phone, channel: 'sms' });
    expect(messages[0]?.code).toMatch(/^\d{6}$/);
    await app.close();
  });

  it('is absent without demo mode', async () => {
    const { build: make } = await build(false);
    const app = await make();
    expect((await app.inject({ method: 'GET', url: '/api/demo/outbox' })).statusCode).toBe(404);
    await app.close();
  });

  it('refuses to build a non-demo app with the demo provider', async () => {
    store = await openStore('sqlite::memory:', {
      keys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }],
    });
    const logger = pino({ level: 'silent' });
    const delivery = createDelivery(demoDelivery, { store, logger });
    await expect(
      buildApp({
        config: testConfig({ demo: false }),
        directory: scriptedTenant(),
        delivery,
        store,
        clock: store.clock,
        random: cryptoRandom,
        logger,
      }),
    ).rejects.toThrow(/demo/);
  });
});
