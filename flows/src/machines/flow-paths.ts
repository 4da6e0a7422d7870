// The abstract model of the flow machines for path-based tests (testing.md): which events a user and the
// server can cause in each state, and how a snapshot is compared. xstate/graph walks the machine with these
// events; a test then replays each path against a real actor over a scripted transport or the real server.
// Pure data and functions: no I/O, nothing a production bundle needs to load.
import type { SnapshotFrom } from 'xstate';
import type { ApiResult } from '../api-client.js';
import {
  makeProblem,
  type ChallengeStatus,
  type MethodId,
  type OperationName,
  type ProblemCode,
} from '../contract.js';
import type { FlowEvent, FlowMachine } from './flow-machine.js';
import type { NewMethod } from './new-methods.js';

export type FlowSnapshot = SnapshotFrom<FlowMachine>;

/** A done event of one of the machine's invocations, as xstate/graph feeds it to the pure transition. */
export interface ActorDoneEvent {
  type: `xstate.done.actor.${string}`;
  output: unknown;
}
/** A delayed transition firing (`xstate.after.<delay>.<state id>`). */
export interface DelayEvent {
  type: `xstate.after.${string}`;
}
export type FlowModelEvent = FlowEvent | ActorDoneEvent | DelayEvent;

/** The invocation ids of the machines and the operation each one carries. */
export const invocationOperations: Readonly<Record<string, OperationName | null>> = {
  startFlow: 'startFlow',
  createChallenge: 'createChallenge',
  getFlow: 'getFlow',
  verifyCode: 'verify',
  verifyPassword: 'verify',
  getPasswordPolicy: 'getPasswordPolicy',
  setPassword: 'setPassword',
  enroll: 'enroll',
  confirmEnrollment: 'confirmEnrollment',
  cancelFlow: 'cancelFlow',
  loadPasswordChecker: null,
};

export interface FlowModelOptions {
  /** Problems each call may answer in the model (a server test lists only those it can provoke). */
  problems?: {
    startFlow?: ProblemCode[];
    createChallenge?: ProblemCode[];
    verifyCode?: ProblemCode[];
    setPassword?: ProblemCode[];
    verifyPassword?: ProblemCode[];
    enroll?: ProblemCode[];
    confirmEnrollment?: ProblemCode[];
  };
  /** Delivery states the poll may report. */
  deliveryStatuses?: ChallengeStatus[];
  /** How many methods the user's policy requires: 1, 2 (the two-method group) or either (scripted tests). */
  methodsRequired?: 1 | 2 | 'either';
  /** Whether the delivery poll is modelled (a server test leaves it to the scripted tests). */
  poll?: boolean;
  /** Whether "send a new code" is modelled (needs a zero cool-down). */
  resend?: boolean;
  /** Whether CANCEL is offered in every state after welcome. */
  cancel?: boolean;
  /** The username typed (server tests use a real demo user). */
  username?: string;
  /** What the user types to confirm each method, by kind. */
  confirmations?: { sms: string; email: string };
  /** The current password (enroll flows). */
  currentPassword?: string;
  /** A password the client-side rules accept. */
  newPassword?: string;
  /** Enroll: the new methods the user adds (valid for the machine's checks). */
  newMethods?: NewMethod[];
}

export const modelFixtures = {
  flowId: 'f_model',
  flowToken: 'tok_model_0123456789abcdef',
  expiresAt: '2026-11-28T09:15:00Z',
  methods: [
    { id: 'sms:1', kind: 'sms' as const, hint: '+45 •• •• •• 56' },
    { id: 'email:1', kind: 'email' as const, hint: 'a•••@g•••.com' },
  ],
  policy: {
    minLength: 8,
    maxLength: 256,
    minCharacterClasses: 3,
    forbidUserNameParts: true,
    blockCommonPasswords: true,
  },
};

function done(id: string, output: ApiResult<unknown> | null): ActorDoneEvent {
  return { type: `xstate.done.actor.${id}`, output };
}
function fail(id: string, code: ProblemCode): ActorDoneEvent {
  // Zero waits keep the model's retries immediate; the unit tests cover the countdowns.
  const extras =
    code === 'code_invalid'
      ? { attemptsLeft: 4 }
      : code === 'directory_unavailable' || code === 'rate_limited' || code === 'resend_too_soon'
        ? { retryAfter: 0 }
        : code === 'destination_invalid'
          ? { invalidMethods: [{ index: 0, reason: 'already_registered' as const }] }
          : {};
  return done(id, { ok: false, problem: makeProblem(code, extras) });
}

/** The `steps` region's state as a path: `enterCode.waitingForDelivery`. */
export function stepOf(snapshot: FlowSnapshot): string {
  const value = (snapshot.value as { steps: unknown }).steps;
  const parts: string[] = [];
  let v: unknown = value;
  while (v && typeof v === 'object') {
    const [key, next] = Object.entries(v as Record<string, unknown>)[0] ?? [];
    if (key === undefined) break;
    parts.push(key);
    v = next;
  }
  if (typeof v === 'string') parts.push(v);
  return parts.join('.');
}

/** What a path test compares: the step and the facts a screen shows, not ids, tokens or clocks. */
export function serializeFlowSnapshot(snapshot: FlowSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify({
    step: stepOf(snapshot),
    verified: [...c.verified].sort(),
    selected: c.selectedMethodId,
    delivery: c.deliveryStatus,
    error: c.error?.code ?? null,
    notice: c.notice,
    ...(c.purpose === 'enroll'
      ? { pending: c.pendingMethods.map((p) => p.kind), enrolled: c.enrolledMethods.map((m) => m.kind) }
      : {}),
  });
}

/** The events the model offers in a snapshot. */
export function flowModelEvents(snapshot: FlowSnapshot, options: FlowModelOptions = {}): FlowModelEvent[] {
  const c = snapshot.context;
  const step = stepOf(snapshot);
  const problems = options.problems ?? {};
  const confirmations = options.confirmations ?? { sms: '+4520123456', email: 'adele@gmail.com' };
  const events: FlowModelEvent[] = [];
  const selected = c.methods.find((m) => m.id === c.selectedMethodId);
  const newMethods = options.newMethods ?? [
    { kind: 'sms', phone: '+4520123499' },
    { kind: 'email', email: 'adele@private.example' },
  ];
  if (options.cancel !== false && step !== 'welcome' && step !== 'cancelling')
    events.push({ type: 'CANCEL' });
  switch (step) {
    case 'welcome':
      events.push({ type: 'START' });
      break;
    case 'identify':
      events.push({ type: 'SUBMIT_USERNAME', username: options.username ?? 'adele.vance@contoso.example' });
      break;
    case 'startingFlow':
      events.push(
        done('startFlow', {
          ok: true,
          value: {
            flowId: modelFixtures.flowId,
            flowToken: modelFixtures.flowToken,
            purpose: c.purpose,
            state: 'verifying',
            expiresAt: modelFixtures.expiresAt,
            methods:
              c.purpose === 'enroll'
                ? [...modelFixtures.methods, { id: 'password', kind: 'password' as const }]
                : modelFixtures.methods,
          },
        }),
      );
      for (const code of problems.startFlow ?? []) events.push(fail('startFlow', code));
      break;
    case 'chooseMethod':
      for (const m of c.methods) {
        // The current password comes after a code (T12); the screens never offer it before one.
        if (m.kind === 'password' && c.verified.length === 0) continue;
        if (!c.verified.includes(m.id) && m.id !== c.selectedMethodId) {
          events.push({ type: 'SELECT_METHOD', methodId: m.id });
        }
      }
      if (selected && selected.kind !== 'password') {
        events.push({ type: 'SUBMIT_CONFIRMATION', confirm: confirmations[selected.kind] });
      }
      break;
    case 'sendingCode':
      events.push(
        done('createChallenge', {
          ok: true,
          value: {
            challengeId: `c_${(c.selectedMethodId ?? '').replace(':', '_')}`,
            method: c.selectedMethodId ?? '',
            codeLength: 6,
            expiresAt: modelFixtures.expiresAt,
            resendAfter: 0,
          },
        }),
      );
      for (const code of problems.createChallenge ?? []) events.push(fail('createChallenge', code));
      break;
    case 'enterCode.waitingForDelivery':
    case 'enterCode.checkingDelivery':
      events.push({ type: 'SUBMIT_CODE', code: '123456' });
      if (options.resend) events.push({ type: 'RESEND' });
      events.push({ type: 'CHOOSE_OTHER_METHOD' });
      if (
        options.poll !== false &&
        step === 'enterCode.waitingForDelivery' &&
        c.deliveryStatus === 'queued'
      ) {
        events.push({ type: `xstate.after.poll.${c.purpose}Flow.steps.enterCode.waitingForDelivery` });
      }
      if (step === 'enterCode.checkingDelivery') {
        for (const status of options.deliveryStatuses ?? ['sent', 'failed']) {
          events.push(
            done('getFlow', {
              ok: true,
              value: {
                flowId: modelFixtures.flowId,
                purpose: c.purpose,
                state: 'verifying',
                expiresAt: modelFixtures.expiresAt,
                methods: c.methods,
                verified: c.verified,
                challenges: c.challenge
                  ? [
                      {
                        challengeId: c.challenge.challengeId,
                        method: c.challenge.method,
                        status,
                        expiresAt: modelFixtures.expiresAt,
                      },
                    ]
                  : [],
              },
            }),
          );
        }
      }
      break;
    case 'verifyingCode': {
      const verified: MethodId[] = [...c.verified, ...(c.challenge ? [c.challenge.method] : [])];
      const required = options.methodsRequired ?? 1;
      // Enroll: the current password is one more proof after the code(s) (C-to-D: methodsRemaining 1).
      const password = c.purpose === 'enroll' && !verified.includes('password') ? 1 : 0;
      const remaining = (required === 2 ? Math.max(0, 2 - verified.length) : 0) + password;
      events.push(
        done('verifyCode', {
          ok: true,
          value: { state: remaining === 0 ? 'verified' : 'verifying', verified, methodsRemaining: remaining },
        }),
      );
      if (required === 'either' && c.verified.length === 0) {
        events.push(
          done('verifyCode', { ok: true, value: { state: 'verifying', verified, methodsRemaining: 1 } }),
        );
      }
      for (const code of problems.verifyCode ?? []) events.push(fail('verifyCode', code));
      break;
    }
    case 'loadingPolicy':
      events.push(done('getPasswordPolicy', { ok: true, value: modelFixtures.policy }));
      break;
    case 'newPassword':
      events.push({ type: 'SUBMIT_PASSWORD', password: options.newPassword ?? 'Bl8ckCoffee!Morning' });
      break;
    case 'settingPassword':
      events.push(done('setPassword', { ok: true, value: { state: 'completed' } }));
      for (const code of problems.setPassword ?? []) events.push(fail('setPassword', code));
      break;
    case 'enterPassword':
      events.push({ type: 'SUBMIT_CURRENT_PASSWORD', password: options.currentPassword ?? 'Current!Pass1' });
      break;
    case 'verifyingPassword':
      events.push(
        done('verifyPassword', {
          ok: true,
          value: { state: 'verified', verified: [...c.verified, 'password'], methodsRemaining: 0 },
        }),
      );
      for (const code of problems.verifyPassword ?? []) events.push(fail('verifyPassword', code));
      break;
    case 'addMethods':
      events.push({ type: 'SUBMIT_ENROLLMENT', methods: newMethods });
      break;
    case 'enrolling':
      events.push(
        done('enroll', {
          ok: true,
          value: {
            state: 'verified',
            pending: newMethods.map((m, i) => ({
              challengeId: `e_${i}`,
              kind: m.kind,
              hint: m.kind === 'sms' ? '+45 •• •• •• 99' : 'a•••@e•••.example',
              codeLength: 6,
              expiresAt: modelFixtures.expiresAt,
              resendAfter: 0,
            })),
            holdHours: 72,
          },
        }),
      );
      for (const code of problems.enroll ?? []) events.push(fail('enroll', code));
      break;
    case 'confirmNewMethod':
      events.push({ type: 'SUBMIT_ENROLLMENT_CODE', code: '123456' });
      break;
    case 'confirmingNewMethod': {
      const [first, ...rest] = c.pendingMethods;
      const confirmed = [
        ...c.enrolledMethods,
        ...(first ? [{ kind: first.kind, hint: first.hint, usableFrom: modelFixtures.expiresAt }] : []),
      ];
      events.push(
        done('confirmEnrollment', {
          ok: true,
          value: { state: rest.length === 0 ? 'completed' : 'verified', confirmed, pending: rest },
        }),
      );
      for (const code of problems.confirmEnrollment ?? []) events.push(fail('confirmEnrollment', code));
      break;
    }
    case 'directoryUnavailable':
      events.push({ type: 'RETRY' });
      break;
    case 'done':
      events.push({ type: 'FINISH' });
      break;
    case 'expired':
    case 'attemptsExhausted':
      events.push({ type: 'START_OVER' });
      break;
    case 'cancelling':
      events.push(done('cancelFlow', c.flow ? { ok: true, value: undefined } : null));
      break;
  }
  return events;
}

/** Steps a path ends in: the machine's terminal screens (they lead only back to welcome). */
export const terminalSteps = ['done', 'expired', 'attemptsExhausted'] as const;
