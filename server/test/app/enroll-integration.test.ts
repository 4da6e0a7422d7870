// Enrollment (issue 5, T12) through the real app against the Entra ID emulator: the real connector
// (msal-node's password grant and the Graph client over loopback HTTPS), a real SQLite store, the real
// delivery module with a recording drain, and a settable clock for the hold.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '@mypass/entra-emulator';
import type { z } from 'zod';
import type { EntraDirectory } from '../../src/directory/entra-directory.js';
import type { serviceSections } from '../../src/config/service-config.js';
import { startEmulatorDirectory, type EmulatorDirectory } from '../directory/emulator-config.js';
import { expectNoSecretsCaptured } from '../security/secrets-scan.js';
import { captured } from './captured-output.js';
import { json, startFlow, type StartedFlow as Flow } from './flow-driver.js';
import { buildTestApp, testConfig, type TestApp } from './test-app.js';

const adele = {
  upn: 'adele.vance@contoso.example',
  password: 'Contoso-Harbour-2026!',
  phone: '+4520123456',
  email: 'adele.vance@gmail.example',
};
const lee = { upn: 'lee.gu@contoso.example', password: 'Contoso-Thames-2026!' };
const alex = { upn: 'alex.wilber@contoso.example', password: 'Contoso-Maple-2026!', phone: '+12065550101' };
const privateEmail = 'adele.private@mail.example';
const newPhone = '+45 20 99 88 77';

let emu: RunningEmulator;
let directory: EntraDirectory;
let tenant: EmulatorDirectory | undefined;
let t: TestApp | undefined;

beforeAll(async () => {
  tenant = await startEmulatorDirectory();
  ({ emu, directory } = tenant);
  captured.secrets.add(emu.apiApp.clientSecret);
  for (const p of [adele.password, lee.password, alex.password]) captured.secrets.add(p);
}, 60_000);

afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const upn of [adele.upn, lee.upn, alex.upn]) emu.setPasswordGrantOutcome(upn, 'success');
});

afterAll(async () => {
  await tenant?.close();
  expectNoSecretsCaptured([emu.apiApp.clientSecret]);
});

type PolicyInput = NonNullable<NonNullable<z.input<typeof serviceSections.access>>['policies']>;

async function app(policies: PolicyInput = [{ name: 'default' }]): Promise<TestApp> {
  t = await buildTestApp({
    directory,
    config: testConfig({
      access: { licensedGroups: [emu.groups['MyPass Licensed'] ?? ''], policies },
      // Several flows per person within a minute: no resend cool-down between them.
      limits: { resendCooldownSeconds: 0 },
    }),
  });
  return t;
}

const startEnroll = (a: TestApp, username: string) => startFlow(a.app, 'enroll', username);

async function proveCode(a: TestApp, flow: Flow, method: string, confirm: string) {
  const sent = await flow.call('POST', '/challenges', { method, confirm });
  expect(sent.statusCode).toBe(202);
  const { challengeId } = sent.json() as { challengeId: string };
  return flow.call('POST', '/verifications', { challengeId, code: await a.delivery.codeFor(challengeId) });
}

const password = (flow: Flow, value: string) => {
  captured.secrets.add(value);
  return flow.call('POST', '/verifications', { method: 'password', password: value });
};

const passwordGrants = () => emu.counters()['token:password'] ?? 0;

describe('enrollment against the emulator', () => {
  it('offers the registered methods and the password, and checks no password before a code', async () => {
    const a = await app();
    const flow = await startEnroll(a, adele.upn);
    expect(flow.methods.map((m) => m.id)).toEqual(['sms:1', 'email:1', 'password']);
    expect(flow.methods.at(-1)).toEqual({ id: 'password', kind: 'password' });
    const before = passwordGrants();
    const early = await password(flow, adele.password);
    expect(early.statusCode).toBe(409);
    expect(json(early).code).toBe('flow_not_verified');
    expect(passwordGrants()).toBe(before);
  });

  it('enrolls adele: code to her phone, password, a private address and a new number, each confirmed by its own code and announced', async () => {
    const a = await app();
    const flow = await startEnroll(a, adele.upn);
    const first = await proveCode(a, flow, 'sms:1', '20 12 34 56');
    expect(first.json()).toEqual({ state: 'verifying', verified: ['sms:1'], methodsRemaining: 1 });
    const proven = await password(flow, adele.password);
    expect(proven.statusCode).toBe(200);
    expect(proven.json()).toEqual({
      state: 'verified',
      verified: ['sms:1', 'password'],
      methodsRemaining: 0,
    });

    const submitted = await flow.call('POST', '/enrollment', {
      methods: [
        { kind: 'email', email: ` ${privateEmail.toUpperCase()} ` },
        { kind: 'sms', phone: newPhone },
      ],
    });
    expect(submitted.statusCode).toBe(202);
    const accepted = submitted.json() as {
      state: string;
      holdHours: number;
      pending: { challengeId: string; kind: string; hint: string; codeLength: number }[];
    };
    expect(accepted.state).toBe('verified');
    expect(accepted.holdHours).toBe(72);
    expect(accepted.pending.map((p) => [p.kind, p.hint])).toEqual([
      ['email', 'a•••@m•••.example'],
      ['sms', '+45 •• •• •• 77'],
    ]);
    const [mail, sms] = accepted.pending as [(typeof accepted.pending)[0], (typeof accepted.pending)[0]];

    // Each code went to the new method itself, nowhere else.
    await a.delivery.worker.drainOnce();
    expect(a.delivery.sent.find((m) => m.challengeId === mail.challengeId)?.to).toBe(privateEmail);
    expect(a.delivery.sent.find((m) => m.challengeId === sms.challengeId)?.to).toBe('+4520998877');

    const state = (await flow.call('GET', '')).json() as { enrollment?: { pending: unknown[] } };
    expect(state.enrollment?.pending).toHaveLength(2);

    const mailCode = await a.delivery.codeFor(mail.challengeId);
    const wrong = await flow.call('POST', '/enrollment/confirmations', {
      challengeId: mail.challengeId,
      code: mailCode === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(json(wrong)).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });

    const one = await flow.call('POST', '/enrollment/confirmations', {
      challengeId: mail.challengeId,
      code: await a.delivery.codeFor(mail.challengeId),
    });
    expect(one.statusCode).toBe(200);
    const afterOne = one.json() as { state: string; confirmed: { kind: string; usableFrom: string }[] };
    expect(afterOne.state).toBe('verified');
    expect(afterOne.confirmed).toHaveLength(1);
    const usableFrom = new Date(afterOne.confirmed[0]?.usableFrom ?? '').getTime();
    expect(usableFrom - a.clock.now().getTime()).toBeGreaterThan(72 * 3600_000 - 5_000);

    const two = await flow.call('POST', '/enrollment/confirmations', {
      challengeId: sms.challengeId,
      code: await a.delivery.codeFor(sms.challengeId),
    });
    expect(two.json()).toMatchObject({ state: 'completed', pending: [] });
    // The operators' count of enrollments (/metrics, loopback only by default).
    const metrics = (await a.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('mypass_flow_events_total{event="enrolled",purpose="enroll",decoy="false"} 2');

    // Announced to every method she already had, and the second one to the first new one too.
    await a.delivery.worker.drainOnce();
    const announcements = a.delivery.sent.filter((m) => m.template === 'enrolled');
    expect(announcements.map((m) => m.to).sort()).toEqual(
      [adele.phone, adele.email, adele.phone, adele.email, privateEmail].sort(),
    );
    const toPhone = announcements.find((m) => m.to === adele.phone);
    // In the GSM alphabet: "*" for the mask, so the SMS is not sent as UCS-2 (sms-encoding.ts).
    expect(toPhone?.text).toContain('a***@m***.example');
    expect(toPhone?.text).not.toContain(privateEmail);

    const stored = await a.store.enrollments.listForUser(emu.inspectUser(adele.upn)?.id ?? '');
    expect(stored.map((e) => [e.kind, e.destination, e.confirmedAt !== null])).toEqual([
      ['email', privateEmail, true],
      ['sms', '+4520998877', true],
    ]);
    const audit = await a.store.audit.list({ flowId: flow.flowId });
    expect(audit.filter((r) => r.event === 'enrolled')).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(privateEmail);
  });

  it('T12: a correct password alone, even with "MFA required", cannot add a method', async () => {
    emu.setPasswordGrantOutcome(adele.upn, 'mfa_required');
    const a = await app();
    const flow = await startEnroll(a, adele.upn);
    const alone = await password(flow, adele.password);
    expect(json(alone).code).toBe('flow_not_verified');
    const add = await flow.call('POST', '/enrollment', { methods: [{ kind: 'email', email: privateEmail }] });
    expect(add.statusCode).toBe(409);
    expect(json(add).code).toBe('flow_not_verified');
    expect(await a.store.enrollments.listForUser(emu.inspectUser(adele.upn)?.id ?? '')).toEqual([]);

    // Beside a code, "MFA required" proves the password as the first factor: that is enough.
    await proveCode(a, flow, 'sms:1', adele.phone);
    expect((await password(flow, adele.password)).json()).toMatchObject({ state: 'verified' });
    const audit = await a.store.audit.list({ flowId: flow.flowId, event: 'verified' });
    expect(audit.map((r) => r.detail.reason)).toContain('mfa_required');
  });

  it('T12: even a policy that enrolls with the password alone never accepts "MFA required" or "expired" alone', async () => {
    const a = await app([{ name: 'default', enrollment: { proof: 'password' } }]);
    for (const outcome of ['mfa_required', 'password_expired'] as const) {
      emu.setPasswordGrantOutcome(lee.upn, outcome);
      const flow = await startEnroll(a, lee.upn);
      const checked = await password(flow, lee.password);
      expect(checked.json()).toMatchObject({ state: 'verifying', methodsRemaining: 1 });
      const add = await flow.call('POST', '/enrollment', {
        methods: [{ kind: 'email', email: 'lee.private@mail.example' }],
      });
      expect(json(add).code).toBe('flow_not_verified');
    }
    emu.setPasswordGrantOutcome(lee.upn, 'success');
    const flow = await startEnroll(a, lee.upn);
    expect((await password(flow, lee.password)).json()).toMatchObject({ state: 'verified' });
  });

  it('answers password_invalid for every unproven outcome, the reason only in the audit', async () => {
    const a = await app();
    for (const outcome of ['locked', 'conditional_access'] as const) {
      emu.setPasswordGrantOutcome(alex.upn, outcome);
      const flow = await startEnroll(a, alex.upn);
      await proveCode(a, flow, 'sms:1', alex.phone);
      const res = await password(flow, alex.password);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ code: 'password_invalid' });
      expect(JSON.stringify(res.json())).not.toMatch(/locked|conditional|AADSTS/i);
      const audit = await a.store.audit.list({ flowId: flow.flowId, event: 'password_failed' });
      expect(audit[0]?.detail.reason).toBe(outcome === 'locked' ? 'locked' : 'conditional_access');
    }
  });

  it('checks at most 3 wrong passwords per user per 24 h, then never asks Entra again, even for the right one', async () => {
    const a = await app();
    const flow = await startEnroll(a, alex.upn);
    await proveCode(a, flow, 'sms:1', alex.phone);
    const before = passwordGrants();
    for (let i = 0; i < 3; i++) {
      expect(json(await password(flow, `Wrong-Guess-${i}-xyz`)).code).toBe('password_invalid');
    }
    expect(passwordGrants()).toBe(before + 3);

    // A new flow brings no new password checks; the right password is not even sent to Entra.
    const next = await startEnroll(a, alex.upn);
    await proveCode(a, next, 'sms:1', alex.phone);
    expect(json(await password(next, alex.password)).code).toBe('password_invalid');
    expect(passwordGrants()).toBe(before + 3);
    const audit = await a.store.audit.list({ flowId: next.flowId, event: 'password_failed' });
    expect(audit[0]?.detail.reason).toBe('attempts_spent');

    // A day later the window has moved on.
    a.clock.advance(24 * 3600_000 + 1000);
    const later = await startEnroll(a, alex.upn);
    await proveCode(a, later, 'sms:1', alex.phone);
    expect((await password(later, alex.password)).json()).toMatchObject({ state: 'verified' });
    expect(passwordGrants()).toBe(before + 4);
  });

  it('sends Entra at most 3 password checks when 8 wrong ones arrive at once on two flows', async () => {
    const a = await app();
    const flows = [await startEnroll(a, alex.upn), await startEnroll(a, alex.upn)];
    for (const flow of flows) await proveCode(a, flow, 'sms:1', alex.phone);
    const before = passwordGrants();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => password(flows[i % 2] as Flow, `Parallel-Wrong-${i}-xyz`)),
    );
    expect(passwordGrants()).toBe(before + 3);
    for (const res of answers) expect(['password_invalid', 'attempts_exhausted']).toContain(json(res).code);
  });

  it('refuses unusable numbers and addresses, naming each, and sends nothing', async () => {
    const a = await app();
    const flow = await startEnroll(a, adele.upn);
    await proveCode(a, flow, 'sms:1', adele.phone);
    await password(flow, adele.password);
    const sentBefore = (await a.store.outbox.list()).length;
    const res = await flow.call('POST', '/enrollment', {
      methods: [
        { kind: 'sms', phone: '12' },
        { kind: 'sms', phone: '+55 11 91234-5678' },
        { kind: 'sms', phone: '20 12 34 56' },
        { kind: 'email', email: 'not-an-address' },
        { kind: 'email', email: privateEmail },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(json(res)).toMatchObject({
      code: 'destination_invalid',
      invalidMethods: [
        { index: 0, reason: 'invalid_phone' },
        { index: 1, reason: 'country_not_allowed' },
        { index: 2, reason: 'already_registered' },
        { index: 3, reason: 'invalid_address' },
      ],
    });
    const dup = await flow.call('POST', '/enrollment', {
      methods: [
        { kind: 'email', email: privateEmail },
        { kind: 'email', email: privateEmail.toUpperCase() },
      ],
    });
    expect(json(dup)).toMatchObject({ invalidMethods: [{ index: 1, reason: 'duplicate' }] });
    expect((await a.store.outbox.list()).length).toBe(sentBefore);
  });

  it('lets a reset use a new method only after the hold (fake clock)', async () => {
    const a = await app();
    const flow = await startEnroll(a, adele.upn);
    await proveCode(a, flow, 'email:1', adele.email);
    await password(flow, adele.password);
    const accepted = (
      await flow.call('POST', '/enrollment', { methods: [{ kind: 'email', email: privateEmail }] })
    ).json() as { pending: { challengeId: string }[] };
    const challengeId = accepted.pending[0]?.challengeId ?? '';
    const confirmed = await flow.call('POST', '/enrollment/confirmations', {
      challengeId,
      code: await a.delivery.codeFor(challengeId),
    });
    expect(confirmed.json()).toMatchObject({ state: 'completed' });

    const startReset = async () => {
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: { purpose: 'reset', username: adele.upn },
      });
      const body = res.json() as {
        flowId: string;
        flowToken: string;
        methods: { id: string; hint: string }[];
      };
      captured.secrets.add(body.flowToken);
      return body;
    };
    const during = await startReset();
    expect(during.methods.map((m) => m.hint)).not.toContain('a•••@m•••.example');

    a.clock.advance(72 * 3600_000 - 60_000);
    const almost = await startReset();
    expect(almost.methods.map((m) => m.hint)).not.toContain('a•••@m•••.example');

    a.clock.advance(61_000);
    const after = await startReset();
    const enrolled = after.methods.find((m) => m.hint === 'a•••@m•••.example');
    expect(enrolled).toBeDefined();
    const resetFlow = {
      ...after,
      call: (suffix: string, payload: Record<string, unknown>) =>
        a.app.inject({
          method: 'POST',
          url: `/api/v1/flows/${after.flowId}${suffix}`,
          headers: { authorization: `Bearer ${after.flowToken}` },
          payload,
        }),
    };
    const sent = await resetFlow.call('/challenges', { method: enrolled?.id, confirm: privateEmail });
    const { challengeId: resetChallenge } = sent.json() as { challengeId: string };
    const verified = await resetFlow.call('/verifications', {
      challengeId: resetChallenge,
      code: await a.delivery.codeFor(resetChallenge),
    });
    expect(verified.json()).toMatchObject({ state: 'verified' });

    // After the reset, the enrolled address hears about it like every registered method (T1).
    const newPassword = 'Quiet-Lantern-Harbour-93';
    captured.secrets.add(newPassword);
    expect((await resetFlow.call('/password', { newPassword })).statusCode).toBe(200);
    await a.delivery.worker.drainOnce();
    const told = a.delivery.sent.filter((m) => m.template === 'reset').map((m) => m.to);
    expect(told.sort()).toEqual([adele.email, privateEmail, adele.phone].sort());
  });
});
