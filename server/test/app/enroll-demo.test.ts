// The demo's enrollment (issue 5 "Done when"): Adele enrolls with her password and a code to her
// registered phone, adds a private address confirmed by its own code, and the announcement to her phone
// is in the demo outbox. The app as `npm run demo` wires it: demo delivery providers, demo mode on, the
// emulator through the real connector, a real SQLite store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@mypass/entra-emulator';
import type { FastifyInstance } from 'fastify';
import type { Delivery } from '../../src/delivery/delivery.js';
import type { EntraDirectory } from '../../src/directory/entra-directory.js';
import { startEmulatorDirectory, type EmulatorDirectory } from '../directory/emulator-config.js';
import { buildAppWithDelivery, testConfig, type AppWithDelivery } from './test-app.js';

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;
let demo: AppWithDelivery | undefined;
let delivery: Delivery;
let app: FastifyInstance;

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
  demo = await buildAppWithDelivery({
    directory,
    config: testConfig({
      demo: true,
      access: {
        licensedGroups: [emu.groups['MyPass Licensed'] ?? ''],
        policies: [{ name: 'default' }],
      },
    }),
    delivery: {
      sms: { provider: 'demo' },
      email: { provider: 'demo' },
      smsCountries: ['DK', 'US', 'DE', 'SA', 'GB'],
      helpdesk: 'the Contoso helpdesk, +45 70 10 20 30',
    },
    store: 'sqlite',
  });
  ({ app, delivery } = demo);
}, 60_000);

afterAll(async () => {
  await demo?.close();
  await tenant?.close();
});

interface OutboxMessage {
  to: string;
  channel: string;
  text: string;
  code?: string;
}

async function outbox(): Promise<OutboxMessage[]> {
  await delivery.worker.drainOnce();
  return (
    (await app.inject({ method: 'GET', url: '/api/demo/outbox' })).json() as { messages: OutboxMessage[] }
  ).messages;
}

async function codeTo(to: string): Promise<string> {
  const message = (await outbox()).find((m) => m.to === to && m.code !== undefined);
  if (!message?.code) throw new Error(`no code to ${to} in the demo outbox`);
  return message.code;
}

describe('npm run demo: enrollment', () => {
  it('enrolls adele.vance with her password and a code to her phone, adds a private address, and announces it to her phone', async () => {
    const started = await app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      payload: { purpose: 'enroll', username: 'adele.vance@contoso.example' },
    });
    const { flowId, flowToken } = started.json() as { flowId: string; flowToken: string };
    const post = (suffix: string, payload: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/flows/${flowId}${suffix}`,
        headers: { authorization: `Bearer ${flowToken}` },
        payload,
      });

    const sent = await post('/challenges', { method: 'sms:1', confirm: '20 12 34 56' });
    const { challengeId } = sent.json() as { challengeId: string };
    expect(
      (await post('/verifications', { challengeId, code: await codeTo('+4520123456') })).statusCode,
    ).toBe(200);
    const proven = await post('/verifications', { method: 'password', password: 'Contoso-Harbour-2026!' });
    expect(proven.json()).toMatchObject({ state: 'verified' });

    const added = await post('/enrollment', {
      methods: [{ kind: 'email', email: 'adele.private@mail.example' }],
    });
    expect(added.statusCode).toBe(202);
    const pending = (added.json() as { pending: { challengeId: string }[] }).pending[0];
    const confirmed = await post('/enrollment/confirmations', {
      challengeId: pending?.challengeId,
      code: await codeTo('adele.private@mail.example'),
    });
    expect(confirmed.json()).toMatchObject({ state: 'completed' });

    const messages = await outbox();
    const toPhone = messages.find((m) => m.to === '+4520123456' && m.code === undefined);
    expect(toPhone?.channel).toBe('sms');
    expect(toPhone?.text).toMatch(
      /^MyPass: a\*\*\*@m\*\*\*\.example was added to adele\.vance@contoso\.example at /,
    );
    expect(toPhone?.text).toContain('the Contoso helpdesk, +45 70 10 20 30');
    expect(messages.some((m) => m.to === 'adele.vance@gmail.example' && m.code === undefined)).toBe(true);
    // Nothing about the new address goes to the new address except its own code.
    expect(
      messages.filter((m) => m.to === 'adele.private@mail.example').every((m) => m.code !== undefined),
    ).toBe(true);
  });
});
