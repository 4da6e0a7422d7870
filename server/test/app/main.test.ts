// The production wiring (main.ts) end to end in demo mode: store, real connector against the emulator,
// the demo delivery and its worker, listening on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { configSchema } from '../../src/config/schema.js';
import { startServer, StartupError } from '../../src/main.js';
import { emulatorDirectorySection } from '../directory/emulator-config.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
}, 60_000);
afterAll(async () => emu.close());

const config = (over: { host?: string } = {}) =>
  configSchema.parse({
    demo: true,
    directory: emulatorDirectorySection(emu),
    server: { host: over.host ?? '127.0.0.1', port: 0 },
    store: {
      url: 'sqlite::memory:',
      codeKeys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }],
    },
    delivery: { sms: { provider: 'demo' }, email: { provider: 'demo' }, worker: { pollIntervalMs: 20 } },
    flows: {
      decoyKey: 'test-decoy-key-0123456789abcdef0123456789',
      timingFloorMs: { start: 0, challenge: 0, verification: 0 },
    },
    access: { licensedGroups: [emu.groups['MyPass Licensed']] },
  });

describe('startServer', () => {
  it('serves a reset over a real socket and delivers through the running outbox worker', async () => {
    const server = await startServer(config(), { logger: pino({ level: 'silent' }) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const started = (await (
        await fetch(`${server.url}/api/v1/flows`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ purpose: 'reset', username: 'adele.vance@contoso.example' }),
        })
      ).json()) as { flowId: string; flowToken: string };
      const challenge = await fetch(`${server.url}/api/v1/flows/${started.flowId}/challenges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${started.flowToken}` },
        body: JSON.stringify({ method: 'sms:1', confirm: '+4520123456' }),
      });
      expect(challenge.status).toBe(202);
      let messages: { to: string; code?: string }[] = [];
      for (let i = 0; i < 100 && messages.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        messages = (
          (await (await fetch(`${server.url}/api/demo/outbox`)).json()) as { messages: typeof messages }
        ).messages;
      }
      expect(messages[0]).toMatchObject({ to: '+4520123456' });
      expect(messages[0]?.code).toMatch(/^\d{6}$/);
    } finally {
      await server.close();
    }
  });

  it('refuses demo mode on a non-loopback address before opening anything', async () => {
    await expect(
      startServer(config({ host: '0.0.0.0' }), { logger: pino({ level: 'silent' }) }),
    ).rejects.toBeInstanceOf(StartupError);
  });
});
