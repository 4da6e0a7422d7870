// The enrollment defects a security review found (issue 5: T1, T2, T3, T12), each as the reviewer's
// probe turned into a test, through the real app against the Entra ID emulator (real msal-node and
// Graph client over loopback HTTPS, real SQLite store, real delivery module with a recording drain).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@mypass/entra-emulator';
import type { z } from 'zod';
import type { EntraDirectory } from '../../src/directory/entra-directory.js';
import type { serviceSections } from '../../src/config/service-config.js';
import { startEmulatorDirectory, type EmulatorDirectory } from '../directory/emulator-config.js';
import { captured } from './captured-output.js';
import { json, startFlow, type StartedFlow as Flow } from './flow-driver.js';
import { buildTestApp, testConfig, type ConfigOverrides, type TestApp } from './test-app.js';

const adele = {
  upn: 'adele.vance@contoso.example',
  password: 'Contoso-Harbour-2026!',
  confirm: '20 12 34 56',
};
const megan = { upn: 'megan.bowen@contoso.example', profileEmail: 'megan.bowen@outlook.example' };
const unknown = 'nobody.here@contoso.example';

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;
let t: TestApp | undefined;

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
  captured.secrets.add(emu.apiApp.clientSecret);
  captured.secrets.add(adele.password);
}, 60_000);

afterEach(async () => {
  await t?.close();
  t = undefined;
});

afterAll(async () => {
  await tenant?.close();
});

type PolicyInput = NonNullable<NonNullable<z.input<typeof serviceSections.access>>['policies']>;

async function app(policies: PolicyInput, overrides: ConfigOverrides = {}): Promise<TestApp> {
  t = await buildTestApp({
    directory,
    config: testConfig({
      ...overrides,
      access: { licensedGroups: [emu.groups['MyPass Licensed'] ?? ''], policies },
      limits: { resendCooldownSeconds: 0, ...overrides.limits },
    }),
  });
  return t;
}

const start = (a: TestApp, username: string, purpose: 'enroll' | 'reset' = 'enroll') =>
  startFlow(a.app, purpose, username);

async function proveCode(a: TestApp, flow: Flow, method: string, confirm: string) {
  const sent = await flow.call('POST', '/challenges', { method, confirm });
  expect(sent.statusCode).toBe(202);
  const { challengeId } = sent.json() as { challengeId: string };
  const verified = await flow.call('POST', '/verifications', {
    challengeId,
    code: await a.delivery.codeFor(challengeId),
  });
  expect(verified.statusCode).toBe(200);
}

async function verifiedAdele(a: TestApp): Promise<Flow> {
  const flow = await start(a, adele.upn);
  await proveCode(a, flow, 'sms:1', adele.confirm);
  const proven = await flow.call('POST', '/verifications', { method: 'password', password: adele.password });
  expect(proven.statusCode).toBe(200);
  return flow;
}

async function submit(flow: Flow, email: string) {
  const res = await flow.call('POST', '/enrollment', { methods: [{ kind: 'email', email }] });
  return {
    res,
    pending: res.statusCode === 202 ? (res.json() as { pending: { challengeId: string }[] }).pending : [],
  };
}

const passwordBeforeCode = async (a: TestApp, username: string) => {
  const flow = await start(a, username);
  const res = await flow.call('POST', '/verifications', { method: 'password', password: 'Guess-1234-abc' });
  return { status: res.statusCode, code: json(res).code };
};

describe('T2: a password before any code answers alike for members and unknown names', () => {
  for (const proof of ['code', 'code-then-password'] as const) {
    it(`a group policy with proof ${proof}: 409 flow_not_verified for both`, async () => {
      const licensed = emu.groups['MyPass Licensed'] ?? '';
      const a = await app([
        { name: 'members', groups: [licensed], enrollment: { proof } },
        { name: 'default' },
      ]);
      const grantsBefore = emu.counters()['token:password'] ?? 0;
      const real = await passwordBeforeCode(a, adele.upn);
      const decoy = await passwordBeforeCode(a, unknown);
      expect(real).toEqual({ status: 409, code: 'flow_not_verified' });
      expect(decoy).toEqual(real);
      expect(emu.counters()['token:password'] ?? 0).toBe(grantsBefore);
    });
  }

  it('under the password-only proof a decoy answers like a wrong password, held to the same floor', async () => {
    const floor = 400;
    const a = await app([{ name: 'default', enrollment: { proof: 'password' } }], {
      flows: { timingFloorMs: { start: 0, challenge: 0, verification: 0, password: floor } },
    });
    const timed = async (username: string) => {
      const flow = await start(a, username);
      const started = performance.now();
      const res = await flow.call('POST', '/verifications', {
        method: 'password',
        password: 'Guess-1234-abc',
      });
      return { status: res.statusCode, code: json(res).code, ms: performance.now() - started };
    };
    const real = await timed(adele.upn);
    const decoy = await timed(unknown);
    expect({ status: decoy.status, code: decoy.code }).toEqual({ status: 400, code: 'password_invalid' });
    expect({ status: real.status, code: real.code }).toEqual({ status: 400, code: 'password_invalid' });
    // Both waited for the floor: the decoy, which never asks Entra, is not the quick one.
    expect(decoy.ms).toBeGreaterThanOrEqual(floor - 5);
    expect(real.ms).toBeGreaterThanOrEqual(floor - 5);
  });
});

describe('maxMethods holds at confirmation', () => {
  it('two flows that each had room at submit cannot both confirm past maxMethods 1', async () => {
    const a = await app([{ name: 'default', enrollment: { maxMethods: 1 } }]);
    const f1 = await verifiedAdele(a);
    const f2 = await verifiedAdele(a);
    const s1 = await submit(f1, 'one@mail.example');
    const s2 = await submit(f2, 'two@mail.example');
    expect([s1.res.statusCode, s2.res.statusCode]).toEqual([202, 202]);
    const c1 = s1.pending[0]?.challengeId ?? '';
    const c2 = s2.pending[0]?.challengeId ?? '';
    const first = await f1.call('POST', '/enrollment/confirmations', {
      challengeId: c1,
      code: await a.delivery.codeFor(c1),
    });
    expect(first.statusCode).toBe(200);
    const second = await f2.call('POST', '/enrollment/confirmations', {
      challengeId: c2,
      code: await a.delivery.codeFor(c2),
    });
    expect(second.statusCode).toBe(422);
    expect(json(second)).toMatchObject({
      code: 'destination_invalid',
      invalidMethods: [{ index: 0, reason: 'not_allowed' }],
    });
    const userId = emu.inspectUser(adele.upn)?.id ?? '';
    expect(await a.store.enrollments.listForUser(userId, { confirmedOnly: true })).toHaveLength(1);
  });
});

describe('T3: confirmations reserve their place in the failure budget before the code is checked', () => {
  it('parallel wrong confirmations on two flows spend no more than the budget', async () => {
    const a = await app([{ name: 'default' }], { limits: { failures: { max: 3, windowSeconds: 86_400 } } });
    const flows = [await verifiedAdele(a), await verifiedAdele(a)];
    const pending = await Promise.all(flows.map((f, i) => submit(f, `budget${i}@mail.example`)));
    const userId = emu.inspectUser(adele.upn)?.id ?? '';
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const flow = flows[i % 2] as Flow;
        const challengeId = pending[i % 2]?.pending[0]?.challengeId ?? '';
        return flow.call('POST', '/enrollment/confirmations', { challengeId, code: '000000' });
      }),
    );
    const wrongCounted = answers.filter((r) => json(r).code === 'code_invalid').length;
    expect(wrongCounted).toBeLessThanOrEqual(3);
    expect(await a.store.counters.peek(`fail:subject:${userId}`, 86_400, a.clock.now())).toBeLessThanOrEqual(
      3,
    );
  });
});

describe('resubmitting methods is atomic', () => {
  it('of three parallel submissions within the cool-down, exactly one sends a code', async () => {
    const a = await app([{ name: 'default' }], { limits: { resendCooldownSeconds: 60 } });
    const flow = await verifiedAdele(a);
    await a.delivery.worker.drainOnce();
    const before = a.delivery.sent.length;
    const answers = await Promise.all([0, 1, 2].map((i) => submit(flow, `p${i}@mail.example`)));
    expect(answers.map((r) => r.res.statusCode).sort()).toEqual([202, 429, 429]);
    await a.delivery.worker.drainOnce();
    expect(a.delivery.sent.slice(before).filter((m) => m.code)).toHaveLength(1);
  });
});

describe('announcements', () => {
  it('T12: an enrollment is announced to the profile method that proved the flow', async () => {
    const a = await app([
      {
        name: 'default',
        enrollment: { proof: 'code' },
        methods: { email: { allowed: true, sources: ['registered', 'enrolled', 'profile'] } },
      },
    ]);
    const flow = await start(a, megan.upn);
    const method = flow.methods.find((m) => m.id.startsWith('email'))?.id ?? '';
    await proveCode(a, flow, method, megan.profileEmail);
    const { pending } = await submit(flow, 'megan.new@mail.example');
    const challengeId = pending[0]?.challengeId ?? '';
    const done = await flow.call('POST', '/enrollment/confirmations', {
      challengeId,
      code: await a.delivery.codeFor(challengeId),
    });
    expect(done.statusCode).toBe(200);
    await a.delivery.worker.drainOnce();
    const announced = a.delivery.sent.filter((m) => m.template === 'enrolled').map((m) => m.to);
    expect(announced).toContain(megan.profileEmail);
  });

  it('a reset is announced to the profile method that proved it', async () => {
    const a = await app([
      {
        name: 'default',
        methods: { email: { allowed: true, sources: ['registered', 'enrolled', 'profile'] } },
      },
    ]);
    const reset = await start(a, megan.upn, 'reset');
    const method = reset.methods.find((m) => m.id.startsWith('email'))?.id ?? '';
    await proveCode(a, reset, method, megan.profileEmail);
    const newPassword = `Zebra-Harbour-${Date.now().toString(36)}-42`;
    captured.secrets.add(newPassword);
    expect((await reset.call('POST', '/password', { newPassword })).statusCode).toBe(200);
    await a.delivery.worker.drainOnce();
    const told = a.delivery.sent.filter((m) => m.template === 'reset').map((m) => m.to);
    expect(told).toEqual([megan.profileEmail]);
  });

  // Last in the file: it changes Adele's password.
  it('T1: a reset is announced to an enrollment still in its hold', async () => {
    const a = await app([{ name: 'default' }]);
    const enroll = await verifiedAdele(a);
    const { pending } = await submit(enroll, 'held@mail.example');
    const challengeId = pending[0]?.challengeId ?? '';
    const confirmed = await enroll.call('POST', '/enrollment/confirmations', {
      challengeId,
      code: await a.delivery.codeFor(challengeId),
    });
    expect(confirmed.statusCode).toBe(200);

    const reset = await start(a, adele.upn, 'reset');
    // Still in its hold: not offered for the reset …
    expect(reset.methods.map((m) => m.id)).toEqual(['sms:1', 'email:1']);
    await proveCode(a, reset, 'sms:1', adele.confirm);
    const newPassword = `Zebra-Lantern-${Date.now().toString(36)}-42`;
    captured.secrets.add(newPassword);
    const done = await reset.call('POST', '/password', { newPassword });
    expect(done.statusCode).toBe(200);
    await a.delivery.worker.drainOnce();
    // … but told about it.
    const told = a.delivery.sent.filter((m) => m.template === 'reset').map((m) => m.to);
    expect(told).toContain('held@mail.example');
  });
});
