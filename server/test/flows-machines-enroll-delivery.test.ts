// The enroll machine against the real server in-process when the code to a NEW method cannot be delivered:
// the SMS gateway (the webhook provider, a local HTTP server) refuses, the outbox marks the code failed, the
// machine's poll of GET /flows/{id} notices and offers the ways out — send new codes once the gateway is back,
// or correct the number. The first code goes to adele's registered address (demo e-mail), the password is
// checked by msal-node's password grant against the Entra ID emulator.
import type { RunningEmulator } from '@mypass/entra-emulator';
import { createApiClient, enrollMachine } from '@mypass/flows';
import { stepOf } from '@mypass/flows/machines/flow-paths';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActor, waitFor, type Actor } from 'xstate';
import type { Delivery } from '../src/delivery/delivery.js';
import type { EntraDirectory } from '../src/directory/entra-directory.js';
import { buildAppWithDelivery, testConfig, type AppWithDelivery } from './app/test-app.js';
import { startFakeGateway, type FakeGateway } from './delivery/gateway-servers.js';
import { injectTransport } from './flow-machine-transport.js';
import { startEmulatorDirectory, type EmulatorDirectory } from './directory/emulator-config.js';

const adele = {
  username: 'adele.vance@contoso.example',
  password: 'Contoso-Harbour-2026!',
  email: 'adele.vance@gmail.example',
};
const newPhone = '+4520123499';

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;
let gateway: FakeGateway;
let gatewayDown = false;
const texts: { to: string; text: string }[] = [];

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
  gateway = await startFakeGateway((req) => {
    if (gatewayDown) return { status: 400, body: '{"error":"rejected"}' };
    texts.push(JSON.parse(req.body) as { to: string; text: string });
    return { status: 200, body: '{"id":"m1"}' };
  });
}, 60_000);

afterAll(async () => {
  await tenant?.close();
  await gateway?.close();
});

let server: AppWithDelivery | undefined;
let delivery: Delivery;
let actor: Actor<typeof enrollMachine>;

beforeEach(async () => {
  gatewayDown = false;
  texts.length = 0;
  server = await buildAppWithDelivery({
    directory,
    config: testConfig({
      demo: true,
      limits: { resendCooldownSeconds: 0 },
      access: { licensedGroups: [emu.groups['MyPass Licensed'] ?? ''], policies: [{ name: 'default' }] },
    }),
    delivery: {
      sms: {
        provider: 'webhook',
        url: `${gateway.url}/sms`,
        secret: 'webhook-secret-0123456789abcdef0123456789',
      },
      email: { provider: 'demo' },
      // One attempt: a refusal is final at once, as a gateway's permanent "no" would be.
      worker: { maxAttempts: 1, pollIntervalMs: 20 },
    },
    store: 'sqlite',
  });
  delivery = server.delivery;
  delivery.worker.start();
  const transport = injectTransport(server.app);
  actor = createActor(enrollMachine, {
    input: { client: createApiClient(transport), pollIntervalMs: 50, inactivityMs: 3_600_000 },
  });
  actor.start();
});

afterEach(async () => {
  actor?.stop();
  await delivery?.worker.stop();
  await server?.close();
});

const until = (step: string) => waitFor(actor, (s) => stepOf(s) === step, { timeout: 10_000 });

/** The newest code the demo outbox holds for an address. */
async function demoCodeFor(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const code = delivery.demoOutbox?.list().find((m) => m.to === to && m.code !== undefined)?.code;
    if (code) return code;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no code for ${to}`);
}

/** The text of the first message without a code (an announcement) the demo outbox holds for an address. */
async function announcementTo(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const text = delivery.demoOutbox?.list().find((m) => m.to === to && m.code === undefined)?.text;
    if (text) return text;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no announcement to ${to}`);
}

/** A code to her registered address, then her password, then a new mobile number. */
async function toNewPhoneCode(): Promise<void> {
  actor.send({ type: 'START' });
  actor.send({ type: 'SUBMIT_USERNAME', username: adele.username });
  await until('chooseMethod');
  const email = actor.getSnapshot().context.methods.find((m) => m.kind === 'email');
  expect(email).toBeDefined();
  actor.send({ type: 'SELECT_METHOD', methodId: email?.id ?? '' });
  actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: adele.email });
  await waitFor(actor, (s) => stepOf(s).startsWith('enterCode'), { timeout: 10_000 });
  actor.send({ type: 'SUBMIT_CODE', code: await demoCodeFor(adele.email) });
  await until('enterPassword');
  actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: adele.password });
  await until('addMethods');
  actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [{ kind: 'sms', phone: newPhone }] });
  await until('confirmNewMethod');
}

describe('enroll machine against the real server: the code to a new method is not delivered', () => {
  it('notices the failure by polling, then sends new codes once the gateway is back, and enrolls', async () => {
    gatewayDown = true;
    await toNewPhoneCode();
    await waitFor(actor, (s) => s.context.newMethodDelivery === 'failed', { timeout: 10_000 });
    expect(actor.getSnapshot().context).toMatchObject({ notice: 'enroll.deliveryFailed', error: null });
    expect(stepOf(actor.getSnapshot())).toBe('confirmNewMethod');
    expect(texts).toEqual([]);

    gatewayDown = false;
    actor.send({ type: 'RESEND' });
    await waitFor(actor, (s) => s.context.newMethodDelivery === 'sent', { timeout: 10_000 });
    expect(actor.getSnapshot().context.notice).toBeNull();
    const sms = texts.find((t) => t.to === newPhone);
    const code = /\b(\d{6,8})\b/.exec(sms?.text ?? '')?.[1];
    expect(code).toBeDefined();
    actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: code ?? '' });
    await until('done');
    expect(actor.getSnapshot().context.enrolledMethods.map((m) => m.kind)).toEqual(['sms']);
    // The announcement to her address says from when the number works, written for people, in UTC.
    const announcement = await announcementTo(adele.email);
    expect(announcement).toMatch(
      /It can be used to reset your password from [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC\./,
    );
    expect(announcement).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('lets the person correct the number after a failure; the new one is asked for', async () => {
    gatewayDown = true;
    await toNewPhoneCode();
    await waitFor(actor, (s) => s.context.newMethodDelivery === 'failed', { timeout: 10_000 });
    actor.send({ type: 'BACK' });
    await until('addMethods');
    actor.send({
      type: 'SUBMIT_ENROLLMENT',
      methods: [{ kind: 'email', email: 'adele.private@example.org' }],
    });
    await until('confirmNewMethod');
    await waitFor(actor, (s) => s.context.newMethodDelivery === 'sent', { timeout: 10_000 });
    expect(actor.getSnapshot().context.pendingMethods.map((p) => p.kind)).toEqual(['email']);
    actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: await demoCodeFor('adele.private@example.org') });
    await until('done');
    expect(actor.getSnapshot().context.enrolledMethods.map((m) => m.kind)).toEqual(['email']);
  });
});
