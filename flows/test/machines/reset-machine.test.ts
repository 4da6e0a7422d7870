import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, waitFor, type SnapshotFrom } from 'xstate';
import { createApiClient } from '../../src/api-client.js';
import { problemCodes, type ProblemCode } from '../../src/contract.js';
import { type FlowMachineInput } from '../../src/machines/flow-machine.js';
import { stepOf } from '../../src/machines/flow-paths.js';
import { problemHandling, problemMessageKey } from '../../src/machines/problem-messages.js';
import { resetMachine } from '../../src/machines/reset-machine.js';
import { createCommonPasswordChecker } from '../../src/common-passwords.js';
import {
  challenge,
  flowState,
  flowToken,
  ok,
  problem,
  scriptedTransport,
  verifiedResult,
  type Script,
} from './scripted-transport.js';

type Snapshot = SnapshotFrom<typeof resetMachine>;

function start(script: Script = {}, input: Partial<FlowMachineInput> = {}) {
  const t = scriptedTransport(script);
  const actor = createActor(resetMachine, { input: { client: createApiClient(t.transport), ...input } });
  actor.start();
  const step = (s: Snapshot) => (s.value as { steps: unknown }).steps;
  const until = (value: string | object) =>
    waitFor(actor, (s) => s.matches({ steps: value } as Parameters<Snapshot['matches']>[0]));
  return { actor, ...t, step, until };
}

/** Welcome → identify → choose SMS → type the number → code sent. */
async function toEnterCode(h: ReturnType<typeof start>) {
  h.actor.send({ type: 'START' });
  h.actor.send({ type: 'SUBMIT_USERNAME', username: ' adele.vance@contoso.example ' });
  await h.until('chooseMethod');
  h.actor.send({ type: 'SELECT_METHOD', methodId: 'sms:1' });
  h.actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: '20 12 34 56' });
  await h.until('enterCode');
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('reset machine with a scripted transport', () => {
  it('walks a one-method reset and sends exactly what the contract says', async () => {
    const h = start({ getFlow: [ok(200, flowState('sent'))] }, { locale: 'da' });
    await toEnterCode(h);
    expect(h.actor.getSnapshot().context.resendIn).toBe(30);
    await vi.advanceTimersByTimeAsync(3_000);
    await waitFor(h.actor, (s) => s.context.deliveryStatus === 'sent');
    expect(h.actor.getSnapshot().context.resendIn).toBe(27);
    // Polling stops once the code is sent.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.ops().filter((o) => o === 'getFlow')).toHaveLength(1);

    h.actor.send({ type: 'SUBMIT_CODE', code: ' 123456 ' });
    await h.until('newPassword');
    h.actor.send({ type: 'PASSWORD_INPUT', password: 'adele' });
    const weak = h.actor.getSnapshot().context.passwordEvaluation;
    expect(weak?.violations).toEqual(['too_short', 'too_few_character_classes', 'contains_user_name']);
    h.actor.send({ type: 'SUBMIT_PASSWORD', password: 'adele' });
    expect(h.step(h.actor.getSnapshot())).toBe('newPassword');
    expect(h.actor.getSnapshot().context.error).toMatchObject({
      code: 'password_policy',
      messageKey: 'errors.password_policy',
    });

    h.actor.send({ type: 'SUBMIT_PASSWORD', password: 'Bl8ckCoffee!Morning' });
    await h.until('done');
    expect(h.actor.getSnapshot().context.passwordDraft).toBe('');
    expect(h.calls.map((c) => [c.op, c.params])).toEqual([
      ['startFlow', { body: { purpose: 'reset', username: 'adele.vance@contoso.example', locale: 'da' } }],
      ['createChallenge', { flowId: 'f_1', flowToken, body: { method: 'sms:1', confirm: '20 12 34 56' } }],
      ['getFlow', { flowId: 'f_1', flowToken }],
      ['verify', { flowId: 'f_1', flowToken, body: { challengeId: 'c_sms_1', code: '123456' } }],
      ['getPasswordPolicy', { flowId: 'f_1', flowToken }],
      ['setPassword', { flowId: 'f_1', flowToken, body: { newPassword: 'Bl8ckCoffee!Morning' } }],
    ]);
    h.actor.send({ type: 'FINISH' });
    expect(h.step(h.actor.getSnapshot())).toBe('welcome');
    expect(h.actor.getSnapshot().context.flow).toBeNull();
  });

  it('asks for another method while methodsRemaining > 0', async () => {
    const h = start({
      verify: [ok(200, verifiedResult(['sms:1'], 1)), ok(200, verifiedResult(['sms:1', 'email:1'], 0))],
      createChallenge: [ok(202, challenge()), ok(202, challenge('email:1'))],
    });
    await toEnterCode(h);
    h.actor.send({ type: 'SUBMIT_CODE', code: '111111' });
    await h.until('chooseMethod');
    const ctx = h.actor.getSnapshot().context;
    expect(ctx).toMatchObject({
      notice: 'another.body',
      methodsRemaining: 1,
      verified: ['sms:1'],
      selectedMethodId: null,
    });
    // A verified method cannot be chosen again.
    h.actor.send({ type: 'SELECT_METHOD', methodId: 'sms:1' });
    expect(h.actor.getSnapshot().context.selectedMethodId).toBeNull();
    h.actor.send({ type: 'SELECT_METHOD', methodId: 'email:1' });
    h.actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: 'adele@gmail.com' });
    await h.until('enterCode');
    h.actor.send({ type: 'SUBMIT_CODE', code: '222222' });
    await h.until('newPassword');
  });

  it('offers another method when delivery fails', async () => {
    const h = start({ getFlow: [ok(200, flowState('queued')), ok(200, flowState('failed'))] });
    await toEnterCode(h);
    await vi.advanceTimersByTimeAsync(6_000);
    await waitFor(h.actor, (s) => s.context.deliveryStatus === 'failed');
    expect(h.actor.getSnapshot().context.notice).toBe('code.deliveryFailed');
    h.actor.send({ type: 'CHOOSE_OTHER_METHOD' });
    await h.until('chooseMethod');
    expect(h.actor.getSnapshot().context.challenge).toBeNull();
  });

  it('counts down before a resend and honours resend_too_soon', async () => {
    const h = start({
      createChallenge: [ok(202, challenge('sms:1', 2)), problem('resend_too_soon', { retryAfter: 5 })],
    });
    await toEnterCode(h);
    h.actor.send({ type: 'RESEND' });
    expect(h.ops().filter((o) => o === 'createChallenge')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.actor.getSnapshot().context.resendIn).toBe(0);
    h.actor.send({ type: 'RESEND' });
    await waitFor(h.actor, (s) => s.context.error?.code === 'resend_too_soon');
    expect(h.actor.getSnapshot().context).toMatchObject({
      resendIn: 5,
      error: { messageKey: 'errors.resend_too_soon', retryAfter: 5 },
    });
    expect(h.step(h.actor.getSnapshot())).toEqual({ enterCode: 'waitingForDelivery' });
  });

  it('shows attempts left, then dead-ends on attempts_exhausted', async () => {
    const h = start({
      verify: [problem('code_invalid', { attemptsLeft: 4 }), problem('attempts_exhausted')],
    });
    await toEnterCode(h);
    h.actor.send({ type: 'SUBMIT_CODE', code: 'abc' });
    expect(h.actor.getSnapshot().context.error?.code).toBe('invalid_request');
    expect(h.ops()).not.toContain('verify');
    h.actor.send({ type: 'SUBMIT_CODE', code: '000000' });
    await waitFor(h.actor, (s) => s.context.attemptsLeft === 4);
    expect(h.actor.getSnapshot().context.error).toMatchObject({
      code: 'code_invalid',
      messageKey: 'errors.code_invalid',
      attemptsLeft: 4,
    });
    h.actor.send({ type: 'SUBMIT_CODE', code: '000001' });
    await h.until('attemptsExhausted');
    h.actor.send({ type: 'SUBMIT_CODE', code: '000002' });
    expect(h.step(h.actor.getSnapshot())).toBe('attemptsExhausted');
    h.actor.send({ type: 'START_OVER' });
    expect(h.step(h.actor.getSnapshot())).toBe('welcome');
    expect(h.actor.getSnapshot().context).toMatchObject({
      flow: null,
      username: '',
      methods: [],
      error: null,
    });
  });

  it('says the flow expired on flow_not_found', async () => {
    const h = start({ verify: [problem('flow_not_found')] });
    await toEnterCode(h);
    h.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await h.until('expired');
    expect(h.actor.getSnapshot().context.error?.messageKey).toBe('errors.flow_not_found');
  });

  it('shows server violations and retries after directory_unavailable', async () => {
    const h = start({
      setPassword: [
        problem('password_policy', { violations: ['rejected_by_directory'] }),
        problem('directory_unavailable', { retryAfter: 3 }),
      ],
    });
    await toEnterCode(h);
    h.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await h.until('newPassword');
    h.actor.send({ type: 'SUBMIT_PASSWORD', password: 'Bl8ckCoffee!Morning' });
    await waitFor(h.actor, (s) => s.context.serverViolations.length > 0);
    expect(h.actor.getSnapshot().context.serverViolations).toEqual(['rejected_by_directory']);
    h.actor.send({ type: 'PASSWORD_INPUT', password: 'Gr33nTea!Evening' });
    expect(h.actor.getSnapshot().context.serverViolations).toEqual([]);
    h.actor.send({ type: 'SUBMIT_PASSWORD', password: 'Gr33nTea!Evening' });
    await h.until('directoryUnavailable');
    expect(h.actor.getSnapshot().context.retryIn).toBe(3);
    h.actor.send({ type: 'RETRY' });
    expect(h.step(h.actor.getSnapshot())).toBe('directoryUnavailable');
    await vi.advanceTimersByTimeAsync(3_000);
    h.actor.send({ type: 'RETRY' });
    await h.until('done');
    const sets = h.calls.filter((c) => c.op === 'setPassword').map((c) => c.params.body);
    expect(sets).toEqual([
      { newPassword: 'Bl8ckCoffee!Morning' },
      { newPassword: 'Gr33nTea!Evening' },
      { newPassword: 'Gr33nTea!Evening' },
    ]);
  });

  it('loads the common-password checker for the live checklist', async () => {
    const checker = createCommonPasswordChecker();
    const h = start({}, { loadPasswordChecker: () => Promise.resolve(checker) });
    await toEnterCode(h);
    h.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await h.until('newPassword');
    await waitFor(h.actor, (s) => s.context.checker !== null);
    h.actor.send({ type: 'PASSWORD_INPUT', password: 'P@ssw0rd1!' });
    expect(h.actor.getSnapshot().context.passwordEvaluation?.violations).toEqual(['common_password']);
  });

  it('keeps the user on identify with a message when the service is unavailable', async () => {
    const h = start({ startFlow: [problem('rate_limited', { retryAfter: 120 }), ok(502, 'Bad gateway')] });
    h.actor.send({ type: 'START' });
    h.actor.send({ type: 'SUBMIT_USERNAME', username: 'adele' });
    await waitFor(h.actor, (s) => s.context.error !== null);
    expect(h.actor.getSnapshot().context.error).toMatchObject({ code: 'rate_limited', retryAfter: 120 });
    h.actor.send({ type: 'SUBMIT_USERNAME', username: 'adele' });
    await waitFor(h.actor, (s) => s.context.error?.code === 'service_unavailable');
    expect(h.step(h.actor.getSnapshot())).toBe('identify');
  });

  it('cancels from anywhere, deleting the flow on the server', async () => {
    const h = start({}, { locale: 'da' });
    h.actor.send({ type: 'SET_LOCALE', locale: 'ar' });
    await toEnterCode(h);
    expect(h.calls[0]?.params.body).toMatchObject({ locale: 'ar' });
    h.actor.send({ type: 'CANCEL' });
    await h.until('welcome');
    expect(h.calls.at(-1)).toEqual({ op: 'cancelFlow', params: { flowId: 'f_1', flowToken } });
    // The next person starts in the kiosk's language, with nothing of this one's left.
    expect(h.actor.getSnapshot().context).toMatchObject({
      flow: null,
      confirmation: null,
      challenge: null,
      locale: 'da',
    });
  });

  it('asks "are you still there?" after inactivity, then wipes and cancels', async () => {
    const h = start({}, { inactivityMs: 60_000 });
    await toEnterCode(h);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(h.actor.getSnapshot().matches({ presence: 'watching' })).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.actor.getSnapshot().matches({ presence: 'askingStillThere' })).toBe(true);
    expect(h.actor.getSnapshot().context.stillThereIn).toBe(15);
    await vi.advanceTimersByTimeAsync(14_000);
    expect(h.actor.getSnapshot().context.stillThereIn).toBe(1);
    h.actor.send({ type: 'STILL_HERE' });
    expect(h.actor.getSnapshot().matches({ presence: 'watching', steps: 'enterCode' })).toBe(true);
    // Typing counts as activity.
    await vi.advanceTimersByTimeAsync(50_000);
    h.actor.send({ type: 'ACTIVITY' });
    await vi.advanceTimersByTimeAsync(50_000);
    expect(h.actor.getSnapshot().matches({ presence: 'watching' })).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000 + 15_000);
    await h.until('welcome');
    expect(h.ops().at(-1)).toBe('cancelFlow');
    expect(h.actor.getSnapshot().context).toMatchObject({ flow: null, username: '', methods: [] });
  });

  it('does not ask on the welcome screen', async () => {
    const h = start({}, { inactivityMs: 1_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.actor.getSnapshot().matches({ presence: 'watching', steps: 'welcome' })).toBe(true);
    expect(h.calls).toHaveLength(0);
  });
});

describe('problem codes', () => {
  // Every code, answered by each step: the machine lands where problemHandling says when that state belongs
  // to the step, and otherwise stays on the step's input with the message.
  const landing = (code: ProblemCode, own: string[], stay: string): string => {
    const handling = problemHandling[code];
    return handling.kind === 'state' && own.includes(handling.state) ? handling.state : stay;
  };

  it.each(problemCodes)('routes %s from verify, createChallenge and setPassword', async (code) => {
    const v = start({ verify: [problem(code, { retryAfter: 1, attemptsLeft: 1 })] });
    await toEnterCode(v);
    v.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await waitFor(v.actor, (s) => !s.matches({ steps: 'verifyingCode' }));
    const afterVerify = landing(
      code,
      ['expired', 'attemptsExhausted', 'chooseMethod', 'enterCode'],
      'enterCode',
    );
    expect(stepOf(v.actor.getSnapshot()).split('.')[0]).toBe(afterVerify);
    expect(v.actor.getSnapshot().context.error?.messageKey).toBe(`errors.${code}`);

    const c = start({ createChallenge: [problem(code, { retryAfter: 1 })] });
    c.actor.send({ type: 'START' });
    c.actor.send({ type: 'SUBMIT_USERNAME', username: 'adele' });
    await c.until('chooseMethod');
    c.actor.send({ type: 'SELECT_METHOD', methodId: 'sms:1' });
    c.actor.send({ type: 'SUBMIT_CONFIRMATION', confirm: '20123456' });
    await waitFor(c.actor, (s) => !s.matches({ steps: 'sendingCode' }));
    expect(c.step(c.actor.getSnapshot())).toBe(
      landing(code, ['expired', 'attemptsExhausted'], 'chooseMethod'),
    );
    expect(c.actor.getSnapshot().context.error?.code).toBe(code);

    const p = start({ setPassword: [problem(code, { retryAfter: 1 })] });
    await toEnterCode(p);
    p.actor.send({ type: 'SUBMIT_CODE', code: '123456' });
    await p.until('newPassword');
    p.actor.send({ type: 'SUBMIT_PASSWORD', password: 'Bl8ckCoffee!Morning' });
    await waitFor(p.actor, (s) => !s.matches({ steps: 'settingPassword' }));
    expect(p.step(p.actor.getSnapshot())).toBe(
      landing(code, ['expired', 'attemptsExhausted', 'newPassword', 'directoryUnavailable'], 'newPassword'),
    );
    expect(p.actor.getSnapshot().context.error?.code).toBe(code);
  });

  it('map every code to a message key and a handling', () => {
    for (const code of problemCodes) {
      expect(problemMessageKey(code)).toBe(`errors.${code}`);
      expect(problemHandling[code]).toBeDefined();
    }
    expect(problemHandling.flow_not_found).toEqual({ kind: 'state', state: 'expired' });
    expect(problemHandling.attempts_exhausted).toEqual({ kind: 'state', state: 'attemptsExhausted' });
  });
});
