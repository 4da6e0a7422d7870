// The enroll machine against a scripted transport: a code to a registered method first, then the current
// password (T12), then new methods, each confirmed with a code sent to itself; the hold comes from the server.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, waitFor, type SnapshotFrom } from 'xstate';
import { createApiClient } from '../../src/api-client.js';
import { enrollMachine } from '../../src/machines/enroll-machine.js';
import { stepOf } from '../../src/machines/flow-paths.js';
import { resetMachine } from '../../src/machines/reset-machine.js';
import {
  created,
  enrollmentAccepted,
  enrollmentConfirmed,
  flowState,
  flowToken,
  ok,
  pendingMethod,
  problem,
  scriptedTransport,
  verifiedResult,
  type Script,
} from './scripted-transport.js';

type Snapshot = SnapshotFrom<typeof enrollMachine>;

const enrollCreated = {
  ...created,
  purpose: 'enroll',
  methods: [...created.methods, { id: 'password', kind: 'password' }],
};
const afterCode = ok(200, verifiedResult(['sms:1'], 1));
const afterPassword = ok(200, verifiedResult(['sms:1', 'password'], 0));
const phone = { kind: 'sms' as const, phone: '+4520123499' };
/** `GET /flows/{id}` of an enroll flow whose new methods wait for their codes, with each code's delivery status. */
const enrollmentState = (
  pending: ReturnType<typeof pendingMethod>[],
  statuses: ('queued' | 'sent' | 'failed')[],
) => ({
  ...flowState('sent'),
  purpose: 'enroll',
  state: 'verified',
  verified: ['sms:1', 'password'],
  enrollment: { pending: pending.map((p, i) => ({ ...p, status: statuses[i] ?? 'queued' })), confirmed: [] },
});
const email = { kind: 'email' as const, email: 'adele@private.example' };

function start(script: Script = {}, machine: typeof enrollMachine = enrollMachine) {
  const t = scriptedTransport({ startFlow: [ok(201, enrollCreated)], ...script });
  const actor = createActor(machine, { input: { client: createApiClient(t.transport) } });
  actor.start();
  const until = (step: string) => waitFor(actor, (s: Snapshot) => stepOf(s) === step);
  return { actor, ...t, until, context: () => actor.getSnapshot().context };
}

/** Welcome → identify → SMS code → the current-password step. */
async function toEnterPassword(h: ReturnType<typeof start>) {
  h.actor.send({ type: 'START' });
  h.actor.send({ type: 'SUBMIT_USERNAME', username: 'adele.vance@contoso.example' });
  await h.until('chooseMethod');
  h.actor.send({ type: 'SELECT_METHOD', methodId: 'sms:1' });
  h.actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: '20 12 34 56' });
  await h.until('enterCode.waitingForDelivery');
  h.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
  await h.until('enterPassword');
}

async function toAddMethods(h: ReturnType<typeof start>) {
  await toEnterPassword(h);
  h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: 'Current!Pass1' });
  await h.until('addMethods');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('enroll machine with a scripted transport', () => {
  it('asks for the current password right after the first code, then for new methods', async () => {
    const h = start({ verify: [afterCode, afterPassword] });
    await toEnterPassword(h);
    expect(h.context()).toMatchObject({ verified: ['sms:1'], selectedMethodId: 'password', error: null });
    h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: 'Current!Pass1' });
    await h.until('addMethods');
    const verify = h.calls.filter((c) => c.op === 'verify').map((c) => c.params.body);
    // The password is sent after the code, never before it and never alone.
    expect(verify).toEqual([
      { challengeId: 'c_sms_1', code: '123456' },
      { method: 'password', password: 'Current!Pass1' },
    ]);
  });

  it('shows the generic password_invalid message and lets the person try again', async () => {
    const h = start({ verify: [afterCode, problem('password_invalid'), afterPassword] });
    await toEnterPassword(h);
    h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: 'wrong' });
    await waitFor(h.actor, (s) => s.context.error !== null);
    expect(stepOf(h.actor.getSnapshot())).toBe('enterPassword');
    expect(h.context().error).toEqual({ code: 'password_invalid', messageKey: 'errors.password_invalid' });
    h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: 'Current!Pass1' });
    await h.until('addMethods');
    expect(h.context().error).toBeNull();
  });

  it('ends at attempts_exhausted when the server says the flow is spent on passwords', async () => {
    const h = start({ verify: [afterCode, problem('attempts_exhausted')] });
    await toEnterPassword(h);
    h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: 'wrong' });
    await h.until('attemptsExhausted');
  });

  it('refuses an empty password without asking the server', async () => {
    const h = start({ verify: [afterCode] });
    await toEnterPassword(h);
    h.actor.send({ type: 'SUBMIT_CURRENT_PASSWORD', password: '' });
    expect(stepOf(h.actor.getSnapshot())).toBe('enterPassword');
    expect(h.context().error?.code).toBe('invalid_request');
    expect(h.ops().filter((o) => o === 'verify')).toHaveLength(1);
  });

  it('confirms each new method with the code sent to it, then shows the hold', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [ok(202, enrollmentAccepted(['sms', 'email'], 72))],
      confirmEnrollment: [
        ok(200, enrollmentConfirmed([pendingMethod('email', 1)], ['sms'])),
        ok(200, enrollmentConfirmed([], ['sms', 'email'])),
      ],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone, email] });
    await h.until('confirmNewMethod');
    expect(h.context().pendingMethods.map((p) => p.kind)).toEqual(['sms', 'email']);
    expect(h.context().holdHours).toBe(72);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: ' 111111 ' });
    await waitFor(h.actor, (s) => s.context.enrolledMethods.length === 1);
    expect(stepOf(h.actor.getSnapshot())).toBe('confirmNewMethod');
    expect(h.context().pendingMethods.map((p) => p.kind)).toEqual(['email']);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: '222222' });
    await h.until('done');
    expect(h.context().enrolledMethods.map((m) => m.kind)).toEqual(['sms', 'email']);
    expect(h.calls.filter((c) => c.op !== 'getFlow').map((c) => [c.op, c.params.body])).toEqual([
      ['startFlow', { purpose: 'enroll', username: 'adele.vance@contoso.example' }],
      ['createChallenge', { method: 'sms:1', confirm: '20 12 34 56' }],
      ['verify', { challengeId: 'c_sms_1', code: '123456' }],
      ['verify', { method: 'password', password: 'Current!Pass1' }],
      ['enroll', { methods: [phone, email] }],
      ['confirmEnrollment', { challengeId: 'e_sms_0', code: '111111' }],
      ['confirmEnrollment', { challengeId: 'e_email_1', code: '222222' }],
    ]);
    expect(h.calls.every((c) => c.op === 'startFlow' || c.params.flowToken === flowToken)).toBe(true);
    h.actor.send({ type: 'FINISH' });
    expect(stepOf(h.actor.getSnapshot())).toBe('welcome');
    expect(h.context()).toMatchObject({
      newMethods: [],
      pendingMethods: [],
      enrolledMethods: [],
      holdHours: null,
    });
  });

  it('refuses what the checks refuse without sending anything: a work address, a number that is none', async () => {
    const h = start({ verify: [afterCode, afterPassword] });
    await toAddMethods(h);
    for (const methods of [
      [],
      [{ kind: 'email' as const, email: 'adele@contoso.example' }],
      [{ kind: 'sms' as const, phone: '12' }],
    ]) {
      h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods });
      expect(stepOf(h.actor.getSnapshot())).toBe('addMethods');
      expect(h.context().error?.code).toBe('invalid_request');
    }
    expect(h.ops()).not.toContain('enroll');
  });

  it('shows which new method the server refused (destination_invalid) and nothing is pending', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [
        problem('destination_invalid', { invalidMethods: [{ index: 1, reason: 'already_registered' }] }),
      ],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone, email] });
    await waitFor(h.actor, (s) => s.context.error !== null);
    expect(stepOf(h.actor.getSnapshot())).toBe('addMethods');
    expect(h.context().invalidMethods).toEqual([{ index: 1, reason: 'already_registered' }]);
    expect(h.context().pendingMethods).toEqual([]);
  });

  it('counts a wrong code for a new method down and stays on the code', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      confirmEnrollment: [problem('code_invalid', { attemptsLeft: 3 })],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone] });
    await h.until('confirmNewMethod');
    h.actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: '000000' });
    await waitFor(h.actor, (s) => s.context.error !== null);
    expect(stepOf(h.actor.getSnapshot())).toBe('confirmNewMethod');
    expect(h.context()).toMatchObject({ attemptsLeft: 3, error: { code: 'code_invalid' } });
  });

  it('sends new codes after the cool-down, for the methods still waiting only', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [ok(202, enrollmentAccepted(['sms', 'email'])), ok(202, enrollmentAccepted(['email']))],
      confirmEnrollment: [ok(200, enrollmentConfirmed([pendingMethod('email', 1, 0)], ['sms']))],
    });
    await toAddMethods(h);
    h.actor.send({
      type: 'SUBMIT_ENROLLMENT',
      methods: [phone, { kind: 'email', email: 'a.vance@private.example' }],
    });
    await h.until('confirmNewMethod');
    h.actor.send({ type: 'RESEND' });
    expect(h.ops().filter((o) => o === 'enroll')).toHaveLength(1); // 30 s to go
    h.actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: '111111' });
    await waitFor(h.actor, (s) => s.context.enrolledMethods.length === 1);
    await vi.advanceTimersByTimeAsync(30_000);
    h.actor.send({ type: 'RESEND' });
    await waitFor(h.actor, () => h.ops().filter((o) => o === 'enroll').length === 2);
    expect(h.calls.filter((c) => c.op === 'enroll').at(-1)?.params.body).toEqual({
      methods: [{ kind: 'email', email: 'a.vance@private.example' }],
    });
  });

  it('stays on the code when a resend is refused, and waits as the server says', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [
        ok(202, { ...enrollmentAccepted(['sms']), pending: [pendingMethod('sms', 0, 0)] }),
        problem('resend_too_soon', { retryAfter: 20 }),
      ],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone] });
    await h.until('confirmNewMethod');
    h.actor.send({ type: 'RESEND' });
    await waitFor(h.actor, (s) => s.context.error !== null);
    expect(stepOf(h.actor.getSnapshot())).toBe('confirmNewMethod');
    expect(h.context()).toMatchObject({ resendIn: 20, error: { code: 'resend_too_soon' } });
    expect(h.context().pendingMethods).toHaveLength(1);
  });

  it('notices when the code to a new method could not be delivered, and offers a correction or new codes', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [
        ok(202, {
          ...enrollmentAccepted(['sms', 'email']),
          pending: [pendingMethod('sms', 0, 0), pendingMethod('email', 1, 0)],
        }),
        ok(202, enrollmentAccepted(['sms', 'email'])),
      ],
      getFlow: [
        ok(200, enrollmentState([pendingMethod('sms', 0)], ['queued'])),
        ok(200, enrollmentState([pendingMethod('sms', 0), pendingMethod('email', 1)], ['failed', 'sent'])),
      ],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone, email] });
    await h.until('confirmNewMethod');
    expect(h.context().newMethodDelivery).toBe('queued');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.context()).toMatchObject({ newMethodDelivery: 'queued', notice: null });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.context()).toMatchObject({ newMethodDelivery: 'failed', notice: 'enroll.deliveryFailed' });
    expect(stepOf(h.actor.getSnapshot())).toBe('confirmNewMethod');
    // A known outcome is not asked for again.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.ops().filter((o) => o === 'getFlow')).toHaveLength(2);
    // New codes right away (the server's cool-down is over), with the pending methods.
    h.actor.send({ type: 'RESEND' });
    await waitFor(h.actor, () => h.ops().filter((o) => o === 'enroll').length === 2);
    await h.until('confirmNewMethod');
    expect(h.context()).toMatchObject({ newMethodDelivery: 'queued', notice: null });
    expect(h.calls.filter((c) => c.op === 'enroll').at(-1)?.params.body).toEqual({ methods: [phone, email] });
    // Or back to correct the number.
    h.actor.send({ type: 'BACK' });
    expect(stepOf(h.actor.getSnapshot())).toBe('addMethods');
  });

  it('polls again for the next new method once the first is confirmed', async () => {
    const h = start({
      verify: [afterCode, afterPassword],
      enroll: [ok(202, enrollmentAccepted(['sms', 'email']))],
      getFlow: [
        ok(200, enrollmentState([pendingMethod('sms', 0), pendingMethod('email', 1)], ['sent', 'failed'])),
        ok(200, enrollmentState([pendingMethod('email', 1)], ['failed'])),
      ],
      confirmEnrollment: [ok(200, enrollmentConfirmed([pendingMethod('email', 1)], ['sms']))],
    });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone, email] });
    await h.until('confirmNewMethod');
    await vi.advanceTimersByTimeAsync(3_000);
    // Only the method shown counts: its code was sent.
    expect(h.context()).toMatchObject({ newMethodDelivery: 'sent', notice: null });
    h.actor.send({ type: 'SUBMIT_ENROLLMENT_CODE', code: '111111' });
    await waitFor(h.actor, (s) => s.context.enrolledMethods.length === 1);
    expect(h.context().newMethodDelivery).toBe('queued');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.context()).toMatchObject({ newMethodDelivery: 'failed', notice: 'enroll.deliveryFailed' });
  });

  it('goes back to the new methods to correct a mistyped number', async () => {
    const h = start({ verify: [afterCode, afterPassword] });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone] });
    await h.until('confirmNewMethod');
    h.actor.send({ type: 'BACK' });
    expect(stepOf(h.actor.getSnapshot())).toBe('addMethods');
  });

  it('a cancel while a new method waits for its code deletes the flow', async () => {
    const h = start({ verify: [afterCode, afterPassword] });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone] });
    await h.until('confirmNewMethod');
    h.actor.send({ type: 'CANCEL' });
    await h.until('welcome');
    expect(h.ops().at(-1)).toBe('cancelFlow');
    expect(h.context().pendingMethods).toEqual([]);
  });

  it('wipes a waiting new method after inactivity, as a reset would: the flow is deleted, nothing stays', async () => {
    const h = start({ verify: [afterCode, afterPassword] });
    await toAddMethods(h);
    h.actor.send({ type: 'SUBMIT_ENROLLMENT', methods: [phone, email] });
    await h.until('confirmNewMethod');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.actor.getSnapshot().matches({ presence: 'askingStillThere' })).toBe(true);
    await vi.advanceTimersByTimeAsync(15_000);
    await h.until('welcome');
    expect(h.ops().at(-1)).toBe('cancelFlow');
    expect(h.context()).toMatchObject({ username: '', newMethods: [], pendingMethods: [], flow: null });
  });

  it('leaves the reset machine as it was: a verified code goes on to the new password', async () => {
    const t = scriptedTransport();
    const actor = createActor(resetMachine, { input: { client: createApiClient(t.transport) } });
    actor.start();
    actor.send({ type: 'START' });
    actor.send({ type: 'SUBMIT_USERNAME', username: 'adele.vance@contoso.example' });
    await waitFor(actor, (s) => stepOf(s) === 'chooseMethod');
    actor.send({ type: 'SELECT_METHOD', methodId: 'sms:1' });
    actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: '20 12 34 56' });
    await waitFor(actor, (s) => stepOf(s).startsWith('enterCode'));
    actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await waitFor(actor, (s) => stepOf(s) === 'newPassword');
  });
});
