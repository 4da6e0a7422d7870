// The self-service flow as an XState v5 machine (architecture.md "Flows"): welcome → identify → choose a
// method and type its full number or address → enter the code (resend countdown, delivery polling, another
// method when delivery fails) → another method while the policy wants more → new password (reset) or new
// methods (enroll) → done. Cancel from everywhere; inactivity asks "Are you still there?", then wipes.
//
// No I/O here: every server call goes through the ApiClient given as input, so the same machine runs over
// fetch (web), the preload bridge (kiosk) and app.inject (tests). Context holds message keys, never text.
import { assign, fromCallback, fromPromise, not, raise, setup, stateIn } from 'xstate';
import type { ApiClient, ApiResult, FlowAuth } from '../api-client.js';
import {
  codeSchema,
  defaultPasswordPolicy,
  limits,
  type ChallengeAccepted,
  type ChallengeRequest,
  type ChallengeStatus,
  type Completed,
  type EnrollmentAccepted,
  type EnrollmentConfirmed,
  type EnrolledMethod,
  type EnrollmentRequest,
  type InvalidMethod,
  type PendingEnrollment,
  type FlowCreated,
  type FlowPublicState,
  type FlowPurpose,
  type Method,
  type MethodId,
  type PasswordPolicy,
  type PasswordViolation,
  type Problem,
  type ProblemCode,
  type VerificationRequest,
  type VerificationResult,
} from '../contract.js';
import { evaluatePassword, type CommonPasswordChecker, type PasswordEvaluation } from '../password-rules.js';
import { maskEmail, maskPhone } from '../method-hints.js';
import { newMethodsProblem, type NewMethod } from './new-methods.js';
import { codesHandledBy, problemMessageKey } from './problem-messages.js';

const handledBy = {
  expired: codesHandledBy('expired'),
  attemptsExhausted: codesHandledBy('attemptsExhausted'),
  chooseMethod: codesHandledBy('chooseMethod'),
  newPassword: codesHandledBy('newPassword'),
  directoryUnavailable: codesHandledBy('directoryUnavailable'),
};

/** A flow the server no longer finishes: expired (or never verified in time), or out of attempts. */
const toDeadEnds = [
  {
    guard: { type: 'problemIs', params: { codes: handledBy.expired } },
    target: 'expired',
    actions: 'assignProblem',
  },
  {
    guard: { type: 'problemIs', params: { codes: handledBy.attemptsExhausted } },
    target: 'attemptsExhausted',
    actions: 'assignProblem',
  },
] as const;

export interface FlowError {
  code: ProblemCode;
  /** `errors.<code>`; i18next picks the plural form from `count` (retryAfter or attemptsLeft). */
  messageKey: string;
  retryAfter?: number;
  attemptsLeft?: number;
  violations?: PasswordViolation[];
}

export interface FlowMachineInput {
  client: ApiClient;
  /** The language on screen; sent with the start request so messages go out in it. */
  locale?: string;
  /** Inactivity before "Are you still there?" (default 60 s). */
  inactivityMs?: number;
  /** Length of the "Are you still there?" countdown (default 15 s). */
  stillThereSeconds?: number;
  /** How often the delivery status is polled while a code is on its way (default 3 s). */
  pollIntervalMs?: number;
  /** Loads the common-password checker (the UI passes loadCommonPasswordChecker; absent = rules pending). */
  loadPasswordChecker?: () => Promise<CommonPasswordChecker>;
}

export interface FlowContext {
  purpose: FlowPurpose;
  client: ApiClient;
  loadPasswordChecker: (() => Promise<CommonPasswordChecker>) | null;
  inactivityMs: number;
  stillThereSeconds: number;
  pollIntervalMs: number;
  locale: string | undefined;
  /** The language a wipe returns to (the kiosk's default), so the next person starts there. */
  defaultLocale: string | undefined;
  username: string;
  flow: FlowAuth | null;
  expiresAt: string | null;
  methods: Method[];
  verified: MethodId[];
  methodsRemaining: number | null;
  selectedMethodId: MethodId | null;
  /** What the user typed for the selected method; kept so "send a new code" can repeat it. */
  confirmation: string | null;
  challenge: ChallengeAccepted | null;
  /** Seconds until "send a new code" is allowed. */
  resendIn: number;
  deliveryStatus: ChallengeStatus | null;
  attemptsLeft: number | null;
  policy: PasswordPolicy | null;
  checker: CommonPasswordChecker | null;
  /** The new password between typing and the server's answer; cleared on done and on every wipe. */
  passwordDraft: string;
  passwordEvaluation: PasswordEvaluation | null;
  serverViolations: PasswordViolation[];
  error: FlowError | null;
  /** An informational message key (`another.body`, `code.deliveryFailed`). */
  notice: string | null;
  /** Seconds until a retry is allowed after directory_unavailable. */
  retryIn: number;
  /** Seconds left in "Are you still there?". */
  stillThereIn: number;
  /** Enroll: the new methods as sent (kept so "send new codes" can send them again). */
  newMethods: NewMethod[];
  /** Enroll: new methods waiting for their code; the first one is asked for. */
  pendingMethods: PendingEnrollment[];
  /** Enroll: new methods confirmed in this flow. */
  enrolledMethods: EnrolledMethod[];
  /** Enroll: hours before a new method may be used for a reset (the user's policy). */
  holdHours: number | null;
  /** Enroll: the new methods the server refused, and why (destination_invalid). */
  invalidMethods: InvalidMethod[];
  /** Enroll: the delivery status of the code to the new method shown (`pendingMethods[0]`). */
  newMethodDelivery: ChallengeStatus | null;
}

export type FlowEvent =
  | { type: 'START' }
  | { type: 'SET_LOCALE'; locale: string }
  | { type: 'SUBMIT_USERNAME'; username: string }
  | { type: 'BACK' }
  | { type: 'SELECT_METHOD'; methodId: MethodId }
  | { type: 'SUBMIT_CONFIRMATION'; confirm: string }
  | { type: 'SUBMIT_CODE'; code: string }
  | { type: 'RESEND' }
  | { type: 'CHOOSE_OTHER_METHOD' }
  | { type: 'PASSWORD_INPUT'; password: string }
  | { type: 'SUBMIT_PASSWORD'; password: string }
  | { type: 'SUBMIT_CURRENT_PASSWORD'; password: string }
  | { type: 'SUBMIT_ENROLLMENT'; methods: EnrollmentRequest['methods'] }
  /** Enroll: the code a new method received. */
  | { type: 'SUBMIT_ENROLLMENT_CODE'; code: string }
  | { type: 'RETRY' }
  | { type: 'START_OVER' }
  | { type: 'FINISH' }
  | { type: 'CANCEL' }
  | { type: 'STILL_HERE' }
  /** The UI reports typing and touches that send no other event, so a slow typist is not wiped. */
  | { type: 'ACTIVITY' }
  | { type: 'RESEND_TICK' }
  | { type: 'RETRY_TICK' }
  | { type: 'PRESENCE_TICK' }
  /** Enroll: the gateway's answer for the code to the new method shown (sent or failed). */
  | { type: 'NEW_METHOD_DELIVERY'; challengeId: string; status: ChallengeStatus }
  | { type: 'INACTIVITY_TIMEOUT' };

/** Events a person causes: each one restarts the inactivity timer and dismisses "Are you still there?". */
export const userEventTypes = [
  'START',
  'SET_LOCALE',
  'SUBMIT_USERNAME',
  'BACK',
  'SELECT_METHOD',
  'SUBMIT_CONFIRMATION',
  'SUBMIT_CODE',
  'RESEND',
  'CHOOSE_OTHER_METHOD',
  'PASSWORD_INPUT',
  'SUBMIT_PASSWORD',
  'SUBMIT_CURRENT_PASSWORD',
  'SUBMIT_ENROLLMENT',
  'SUBMIT_ENROLLMENT_CODE',
  'RETRY',
  'START_OVER',
  'FINISH',
  'STILL_HERE',
  'ACTIVITY',
] as const satisfies readonly FlowEvent['type'][];

const defaults = {
  inactivityMs: 60_000,
  stillThereSeconds: 15,
  pollIntervalMs: 3_000,
  retryAfter: 30,
} as const;

/** The outcome carried by a done event of one of the API actors (`xstate.done.actor.*`). */
function outputOf(event: unknown): ApiResult<unknown> | undefined {
  const output = (event as { output?: unknown }).output;
  if (output && typeof output === 'object' && 'ok' in output) return output as ApiResult<unknown>;
  return undefined;
}
function problemOf(event: unknown): Problem | undefined {
  const output = outputOf(event);
  return output && !output.ok ? output.problem : undefined;
}
function valueOf<T>(event: unknown): T {
  const output = outputOf(event);
  if (!output?.ok) throw new Error('valueOf on a problem');
  return output.value as T;
}
function toFlowError(problem: Problem): FlowError {
  const error: FlowError = { code: problem.code, messageKey: problemMessageKey(problem.code) };
  if (problem.retryAfter !== undefined) error.retryAfter = problem.retryAfter;
  if (problem.attemptsLeft !== undefined) error.attemptsLeft = problem.attemptsLeft;
  if (problem.violations !== undefined) error.violations = problem.violations;
  return error;
}
/** An actor that failed instead of answering (a bug in a transport): shown like an unavailable service. */
const serviceUnavailable: FlowError = {
  code: 'service_unavailable',
  messageKey: problemMessageKey('service_unavailable'),
};

function freshContext(input: FlowMachineInput, purpose: FlowPurpose): FlowContext {
  return {
    purpose,
    client: input.client,
    loadPasswordChecker: input.loadPasswordChecker ?? null,
    inactivityMs: input.inactivityMs ?? defaults.inactivityMs,
    stillThereSeconds: input.stillThereSeconds ?? defaults.stillThereSeconds,
    pollIntervalMs: input.pollIntervalMs ?? defaults.pollIntervalMs,
    locale: input.locale,
    defaultLocale: input.locale,
    username: '',
    flow: null,
    expiresAt: null,
    methods: [],
    verified: [],
    methodsRemaining: null,
    selectedMethodId: null,
    confirmation: null,
    challenge: null,
    resendIn: 0,
    deliveryStatus: null,
    attemptsLeft: null,
    policy: null,
    checker: null,
    passwordDraft: '',
    passwordEvaluation: null,
    serverViolations: [],
    error: null,
    notice: null,
    retryIn: 0,
    stillThereIn: 0,
    newMethods: [],
    pendingMethods: [],
    enrolledMethods: [],
    holdHours: null,
    invalidMethods: [],
    newMethodDelivery: null,
  };
}

function requireAuth(context: FlowContext): FlowAuth {
  if (!context.flow) throw new Error('No flow');
  return context.flow;
}

function evaluateFor(context: FlowContext, password: string): PasswordEvaluation {
  return evaluatePassword(password, context.policy ?? defaultPasswordPolicy, {
    userNameParts: context.username ? [context.username] : [],
    checker: context.checker,
  });
}

export function createFlowMachine(purpose: FlowPurpose) {
  return setup({
    types: {
      context: {} as FlowContext,
      events: {} as FlowEvent,
      input: {} as FlowMachineInput,
    },
    actors: {
      startFlow: fromPromise<
        ApiResult<FlowCreated>,
        { client: ApiClient; username: string; locale?: string }
      >(({ input }) =>
        input.client.startFlow({
          purpose,
          username: input.username,
          ...(input.locale ? { locale: input.locale } : {}),
        }),
      ),
      createChallenge: fromPromise<
        ApiResult<ChallengeAccepted>,
        { client: ApiClient; auth: FlowAuth; body: ChallengeRequest }
      >(({ input }) => input.client.createChallenge(input.auth, input.body)),
      verify: fromPromise<
        ApiResult<VerificationResult>,
        { client: ApiClient; auth: FlowAuth; body: VerificationRequest }
      >(({ input }) => input.client.verify(input.auth, input.body)),
      getFlow: fromPromise<ApiResult<FlowPublicState>, { client: ApiClient; auth: FlowAuth }>(({ input }) =>
        input.client.getFlow(input.auth),
      ),
      getPasswordPolicy: fromPromise<ApiResult<PasswordPolicy>, { client: ApiClient; auth: FlowAuth }>(
        ({ input }) => input.client.getPasswordPolicy(input.auth),
      ),
      setPassword: fromPromise<
        ApiResult<Completed>,
        { client: ApiClient; auth: FlowAuth; newPassword: string }
      >(({ input }) => input.client.setPassword(input.auth, { newPassword: input.newPassword })),
      enroll: fromPromise<
        ApiResult<EnrollmentAccepted>,
        { client: ApiClient; auth: FlowAuth; body: EnrollmentRequest }
      >(({ input }) => input.client.enroll(input.auth, input.body)),
      confirmEnrollment: fromPromise<
        ApiResult<EnrollmentConfirmed>,
        { client: ApiClient; auth: FlowAuth; body: { challengeId: string; code: string } }
      >(({ input }) => input.client.confirmEnrollment(input.auth, input.body)),
      cancelFlow: fromPromise<ApiResult<undefined> | null, { client: ApiClient; auth: FlowAuth | null }>(
        ({ input }) => (input.auth ? input.client.cancelFlow(input.auth) : Promise.resolve(null)),
      ),
      loadPasswordChecker: fromPromise<
        CommonPasswordChecker | null,
        { load: (() => Promise<CommonPasswordChecker>) | null }
      >(({ input }) => (input.load ? input.load() : Promise.resolve(null))),
      /**
       * Enroll: asks `GET /flows/{id}` every interval until the code to the new method shown was sent or
       * failed, as the reset code screen does; a failed poll is not the user's problem, the next one may work.
       */
      newMethodDelivery: fromCallback<
        FlowEvent,
        { client: ApiClient; auth: FlowAuth; challengeId: string | null; intervalMs: number }
      >(({ sendBack, input }) => {
        const { challengeId } = input;
        if (challengeId === null) return undefined;
        let stopped = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const poll = async () => {
          const state = await input.client.getFlow(input.auth).catch(() => null);
          if (stopped) return;
          const status = state?.ok
            ? state.value.enrollment?.pending.find((p) => p.challengeId === challengeId)?.status
            : undefined;
          if (status === 'sent' || status === 'failed') {
            sendBack({ type: 'NEW_METHOD_DELIVERY', challengeId, status });
            return;
          }
          timer = setTimeout(() => void poll(), input.intervalMs);
        };
        timer = setTimeout(() => void poll(), input.intervalMs);
        return () => {
          stopped = true;
          clearTimeout(timer);
        };
      }),
      /** Sends `event` every second: the resend, retry and "still there?" countdowns. */
      ticker: fromCallback<FlowEvent, { event: 'RESEND_TICK' | 'RETRY_TICK' | 'PRESENCE_TICK' }>(
        ({ sendBack, input }) => {
          const id = setInterval(() => sendBack({ type: input.event }), 1000);
          return () => clearInterval(id);
        },
      ),
    },
    delays: {
      inactivity: ({ context }) => context.inactivityMs,
      poll: ({ context }) => context.pollIntervalMs,
    },
    guards: {
      succeeded: ({ event }) => outputOf(event)?.ok === true,
      problemIs: ({ event }, params: { codes: readonly ProblemCode[] }) => {
        const problem = problemOf(event);
        return problem !== undefined && params.codes.includes(problem.code);
      },
      verificationComplete: ({ event }) => {
        const output = outputOf(event);
        return output?.ok === true && (output.value as VerificationResult).state === 'verified';
      },
      isEnroll: ({ context }) => context.purpose === 'enroll',
      passwordStillNeeded: ({ context, event }) => {
        const output = outputOf(event);
        return (
          context.purpose === 'enroll' &&
          output?.ok === true &&
          context.methods.some((m) => m.kind === 'password') &&
          !(output.value as VerificationResult).verified.includes('password')
        );
      },
      usernameAcceptable: ({ event }) =>
        event.type === 'SUBMIT_USERNAME' &&
        event.username.trim().length > 0 &&
        event.username.length <= limits.usernameMax,
      methodSelectable: ({ context, event }) =>
        event.type === 'SELECT_METHOD' &&
        context.methods.some((m) => m.id === event.methodId && m.kind !== 'password') &&
        !context.verified.includes(event.methodId),
      selectsPassword: ({ context, event }) =>
        event.type === 'SELECT_METHOD' &&
        context.purpose === 'enroll' &&
        context.methods.some((m) => m.id === event.methodId && m.kind === 'password') &&
        !context.verified.includes(event.methodId),
      confirmationAcceptable: ({ context, event }) =>
        event.type === 'SUBMIT_CONFIRMATION' &&
        context.selectedMethodId !== null &&
        event.confirm.trim().length > 0 &&
        event.confirm.length <= limits.confirmMax,
      resendTooSoonForSelectedMethod: ({ context, event }) =>
        problemOf(event)?.code === 'resend_too_soon' &&
        context.challenge !== null &&
        context.challenge.method === context.selectedMethodId,
      codeWellFormed: ({ event }) =>
        event.type === 'SUBMIT_CODE' && codeSchema.safeParse(event.code.trim()).success,
      resendAllowed: ({ context }) => context.resendIn === 0,
      resendCountingDown: ({ context }) => context.resendIn > 0,
      retryAllowed: ({ context }) => context.retryIn === 0,
      retryCountingDown: ({ context }) => context.retryIn > 0,
      hasOtherMethod: ({ context }) =>
        context.methods.some(
          (m) =>
            m.id !== context.selectedMethodId && !context.verified.includes(m.id) && m.kind !== 'password',
        ),
      deliveryPending: ({ context }) => context.deliveryStatus === 'queued',
      passwordAcceptable: ({ context, event }) =>
        event.type === 'SUBMIT_PASSWORD' && evaluateFor(context, event.password).violations.length === 0,
      currentPasswordAcceptable: ({ event }) =>
        event.type === 'SUBMIT_CURRENT_PASSWORD' &&
        event.password.length > 0 &&
        event.password.length <= limits.passwordMaxUnits,
      enrollmentAcceptable: ({ context, event }) =>
        event.type === 'SUBMIT_ENROLLMENT' && newMethodsProblem(event.methods, context.username) === null,
      enrollmentCodeWellFormed: ({ context, event }) =>
        event.type === 'SUBMIT_ENROLLMENT_CODE' &&
        context.pendingMethods.length > 0 &&
        codeSchema.safeParse(event.code.trim()).success,
      newMethodsPending: ({ context }) => context.pendingMethods.length > 0,
      enrollmentCompleted: ({ event }) => {
        const output = outputOf(event);
        return output?.ok === true && (output.value as EnrollmentConfirmed).state === 'completed';
      },
      lastStillThereSecond: ({ context }) => context.stillThereIn <= 1,
      sessionActive: not(stateIn('#steps.welcome')),
    },
    actions: {
      wipe: assign(({ context }) =>
        freshContext(
          {
            client: context.client,
            inactivityMs: context.inactivityMs,
            stillThereSeconds: context.stillThereSeconds,
            pollIntervalMs: context.pollIntervalMs,
            ...(context.defaultLocale ? { locale: context.defaultLocale } : {}),
            ...(context.loadPasswordChecker ? { loadPasswordChecker: context.loadPasswordChecker } : {}),
          },
          context.purpose,
        ),
      ),
      forgetSecrets: assign({ passwordDraft: '', passwordEvaluation: null }),
      clearMessages: assign({ error: null, notice: null }),
      setLocale: assign({
        locale: ({ context, event }) => (event.type === 'SET_LOCALE' ? event.locale : context.locale),
      }),
      rememberUsername: assign({
        username: ({ context, event }) =>
          event.type === 'SUBMIT_USERNAME' ? event.username.trim() : context.username,
        error: null,
      }),
      refuseInput: assign({
        error: { code: 'invalid_request', messageKey: problemMessageKey('invalid_request') },
      }),
      assignProblem: assign(({ event }) => {
        const problem = problemOf(event);
        return { error: problem ? toFlowError(problem) : serviceUnavailable, notice: null };
      }),
      assignActorFailure: assign({ error: serviceUnavailable }),
      assignFlowCreated: assign(({ event }) => {
        const created = valueOf<FlowCreated>(event);
        return {
          flow: { flowId: created.flowId, flowToken: created.flowToken },
          expiresAt: created.expiresAt,
          methods: created.methods,
          error: null,
        };
      }),
      selectMethod: assign({
        selectedMethodId: ({ context, event }) =>
          event.type === 'SELECT_METHOD' ? event.methodId : context.selectedMethodId,
        error: null,
        notice: null,
      }),
      rememberConfirmation: assign({
        confirmation: ({ context, event }) =>
          event.type === 'SUBMIT_CONFIRMATION' ? event.confirm : context.confirmation,
        error: null,
      }),
      assignChallenge: assign(({ event }) => {
        const challenge = valueOf<ChallengeAccepted>(event);
        return {
          challenge,
          resendIn: challenge.resendAfter,
          deliveryStatus: 'queued' as const,
          attemptsLeft: null,
          error: null,
          notice: null,
        };
      }),
      waitBeforeResend: assign({
        resendIn: ({ context, event }) => problemOf(event)?.retryAfter ?? context.resendIn,
      }),
      countDownResend: assign({ resendIn: ({ context }) => Math.max(0, context.resendIn - 1) }),
      assignDeliveryStatus: assign(({ context, event }) => {
        const state = valueOf<FlowPublicState>(event);
        const challenge = state.challenges.find((c) => c.challengeId === context.challenge?.challengeId);
        const status = challenge?.status ?? context.deliveryStatus;
        return {
          deliveryStatus: status,
          notice: status === 'failed' ? 'code.deliveryFailed' : context.notice,
        };
      }),
      assignAttemptsLeft: assign({
        attemptsLeft: ({ context, event }) => problemOf(event)?.attemptsLeft ?? context.attemptsLeft,
      }),
      assignVerification: assign(({ event }) => {
        const result = valueOf<VerificationResult>(event);
        return {
          verified: result.verified,
          methodsRemaining: result.methodsRemaining,
          error: null,
          notice: result.state === 'verified' ? null : 'another.body',
          selectedMethodId: null,
          confirmation: null,
          challenge: null,
          deliveryStatus: null,
          attemptsLeft: null,
          resendIn: 0,
        };
      }),
      assignVerificationForPassword: assign(({ event }) => {
        const result = valueOf<VerificationResult>(event);
        return {
          verified: result.verified,
          methodsRemaining: result.methodsRemaining,
          error: null,
          notice: null,
          selectedMethodId: 'password',
          confirmation: null,
          challenge: null,
          deliveryStatus: null,
          attemptsLeft: null,
          resendIn: 0,
        };
      }),
      rememberNewMethods: assign({
        newMethods: ({ context, event }) =>
          event.type === 'SUBMIT_ENROLLMENT' ? event.methods : context.newMethods,
        invalidMethods: [],
        error: null,
      }),
      /** "Send new codes" sends again only what is still waiting (matched by the hint the server masked). */
      keepPendingNewMethods: assign({
        newMethods: ({ context }) => {
          const waiting = new Set(context.pendingMethods.map((p) => `${p.kind}:${p.hint}`));
          const still = context.newMethods.filter((m) =>
            waiting.has(m.kind === 'sms' ? `sms:${maskPhone(m.phone)}` : `email:${maskEmail(m.email)}`),
          );
          return still.length > 0 ? still : context.newMethods;
        },
      }),
      assignEnrollmentAccepted: assign(({ event }) => {
        const accepted = valueOf<EnrollmentAccepted>(event);
        const first = accepted.pending[0];
        return {
          pendingMethods: accepted.pending,
          newMethodDelivery: 'queued' as const,
          holdHours: accepted.holdHours,
          invalidMethods: [],
          resendIn: first?.resendAfter ?? 0,
          attemptsLeft: null,
          error: null,
          notice: null,
        };
      }),
      assignEnrollmentConfirmed: assign(({ event }) => {
        const confirmed = valueOf<EnrollmentConfirmed>(event);
        return {
          pendingMethods: confirmed.pending,
          // The next new method's code: its status is learnt by polling again.
          newMethodDelivery: confirmed.pending.length > 0 ? ('queued' as const) : null,
          enrolledMethods: confirmed.confirmed,
          attemptsLeft: null,
          error: null,
        };
      }),
      assignNewMethodDelivery: assign(({ context, event }) => {
        if (
          event.type !== 'NEW_METHOD_DELIVERY' ||
          event.challengeId !== context.pendingMethods[0]?.challengeId
        )
          return {};
        return {
          newMethodDelivery: event.status,
          notice: event.status === 'failed' ? 'enroll.deliveryFailed' : context.notice,
        };
      }),
      assignInvalidMethods: assign({
        invalidMethods: ({ event }) => problemOf(event)?.invalidMethods ?? [],
      }),
      leaveMethod: assign({
        selectedMethodId: null,
        confirmation: null,
        challenge: null,
        deliveryStatus: null,
        attemptsLeft: null,
        error: null,
      }),
      assignPolicy: assign({ policy: ({ event }) => valueOf<PasswordPolicy>(event) }),
      assignDefaultPolicy: assign({ policy: defaultPasswordPolicy }),
      assignChecker: assign(({ context, event }) => {
        const checker = (event as { output?: CommonPasswordChecker | null }).output ?? null;
        const next = { ...context, checker };
        return {
          checker,
          passwordEvaluation: context.passwordDraft ? evaluateFor(next, context.passwordDraft) : null,
        };
      }),
      evaluateDraft: assign(({ context, event }) => {
        const password =
          event.type === 'PASSWORD_INPUT' || event.type === 'SUBMIT_PASSWORD' ? event.password : '';
        return {
          passwordDraft: password,
          passwordEvaluation: evaluateFor(context, password),
          serverViolations: [],
          error: null,
        };
      }),
      refusePassword: assign(({ context }) => ({
        error: {
          code: 'password_policy' as const,
          messageKey: problemMessageKey('password_policy'),
          violations: context.passwordEvaluation?.violations ?? [],
        },
      })),
      assignServerViolations: assign({
        serverViolations: ({ event }) => problemOf(event)?.violations ?? [],
      }),
      startRetryCountdown: assign({
        retryIn: ({ event }) => problemOf(event)?.retryAfter ?? defaults.retryAfter,
      }),
      countDownRetry: assign({ retryIn: ({ context }) => Math.max(0, context.retryIn - 1) }),
      startStillThere: assign({ stillThereIn: ({ context }) => context.stillThereSeconds }),
      countDownStillThere: assign({ stillThereIn: ({ context }) => Math.max(0, context.stillThereIn - 1) }),
    },
  }).createMachine({
    id: `${purpose}Flow`,
    type: 'parallel',
    context: ({ input }) => freshContext(input, purpose),
    states: {
      steps: {
        id: 'steps',
        initial: 'welcome',
        on: {
          SET_LOCALE: { actions: 'setLocale' },
          CANCEL: { target: '.cancelling' },
          INACTIVITY_TIMEOUT: { target: '.cancelling' },
        },
        states: {
          welcome: {
            on: { START: { target: 'identify', actions: 'clearMessages' } },
          },
          identify: {
            on: {
              SUBMIT_USERNAME: [
                { guard: 'usernameAcceptable', target: 'startingFlow', actions: 'rememberUsername' },
                { actions: 'refuseInput' },
              ],
              BACK: { target: 'welcome', actions: 'wipe' },
            },
          },
          startingFlow: {
            invoke: {
              id: 'startFlow',
              src: 'startFlow',
              input: ({ context }) => ({
                client: context.client,
                username: context.username,
                ...(context.locale ? { locale: context.locale } : {}),
              }),
              onDone: [
                { guard: 'succeeded', target: 'chooseMethod', actions: 'assignFlowCreated' },
                { target: 'identify', actions: 'assignProblem' },
              ],
              onError: { target: 'identify', actions: 'assignActorFailure' },
            },
          },
          chooseMethod: {
            on: {
              SELECT_METHOD: [
                { guard: 'selectsPassword', target: 'enterPassword', actions: 'selectMethod' },
                { guard: 'methodSelectable', actions: 'selectMethod' },
              ],
              SUBMIT_CONFIRMATION: [
                { guard: 'confirmationAcceptable', target: 'sendingCode', actions: 'rememberConfirmation' },
                { actions: 'refuseInput' },
              ],
            },
          },
          sendingCode: {
            invoke: {
              id: 'createChallenge',
              src: 'createChallenge',
              input: ({ context }) => ({
                client: context.client,
                auth: requireAuth(context),
                body: { method: context.selectedMethodId ?? '', confirm: context.confirmation ?? '' },
              }),
              onDone: [
                { guard: 'succeeded', target: 'enterCode', actions: 'assignChallenge' },
                {
                  guard: 'resendTooSoonForSelectedMethod',
                  target: 'enterCode',
                  actions: ['assignProblem', 'waitBeforeResend'],
                },
                ...toDeadEnds,
                { target: 'chooseMethod', actions: 'assignProblem' },
              ],
              onError: { target: 'chooseMethod', actions: 'assignActorFailure' },
            },
          },
          enterCode: {
            initial: 'waitingForDelivery',
            invoke: { id: 'resendTicker', src: 'ticker', input: { event: 'RESEND_TICK' } },
            on: {
              RESEND_TICK: { guard: 'resendCountingDown', actions: 'countDownResend' },
              SUBMIT_CODE: [{ guard: 'codeWellFormed', target: 'verifyingCode' }, { actions: 'refuseInput' }],
              RESEND: { guard: 'resendAllowed', target: 'sendingCode' },
              CHOOSE_OTHER_METHOD: {
                guard: 'hasOtherMethod',
                target: 'chooseMethod',
                actions: 'leaveMethod',
              },
            },
            states: {
              waitingForDelivery: {
                after: { poll: { guard: 'deliveryPending', target: 'checkingDelivery' } },
              },
              checkingDelivery: {
                invoke: {
                  id: 'getFlow',
                  src: 'getFlow',
                  input: ({ context }) => ({ client: context.client, auth: requireAuth(context) }),
                  onDone: [
                    {
                      guard: 'succeeded',
                      target: 'waitingForDelivery',
                      actions: 'assignDeliveryStatus',
                      reenter: true,
                    },
                    {
                      guard: { type: 'problemIs', params: { codes: handledBy.expired } },
                      target: '#steps.expired',
                      actions: 'assignProblem',
                    },
                    {
                      guard: { type: 'problemIs', params: { codes: handledBy.attemptsExhausted } },
                      target: '#steps.attemptsExhausted',
                      actions: 'assignProblem',
                    },
                    // A failed poll is not the user's problem: try again at the next interval.
                    { target: 'waitingForDelivery', reenter: true },
                  ],
                  onError: { target: 'waitingForDelivery', reenter: true },
                },
              },
            },
          },
          verifyingCode: {
            invoke: {
              id: 'verifyCode',
              src: 'verify',
              input: ({ context, event }) => ({
                client: context.client,
                auth: requireAuth(context),
                body: {
                  challengeId: context.challenge?.challengeId ?? '',
                  code: event.type === 'SUBMIT_CODE' ? event.code.trim() : '',
                },
              }),
              onDone: [
                { guard: 'verificationComplete', target: 'verified', actions: 'assignVerification' },
                // Enroll: a code first, then the current password at once (T12: never the password alone).
                {
                  guard: 'passwordStillNeeded',
                  target: 'enterPassword',
                  actions: 'assignVerificationForPassword',
                },
                { guard: 'succeeded', target: 'chooseMethod', actions: 'assignVerification' },
                ...toDeadEnds,
                {
                  guard: { type: 'problemIs', params: { codes: handledBy.chooseMethod } },
                  target: 'chooseMethod',
                  actions: ['leaveMethod', 'assignProblem'],
                },
                { target: 'enterCode', actions: ['assignProblem', 'assignAttemptsLeft'] },
              ],
              onError: { target: 'enterCode', actions: 'assignActorFailure' },
            },
          },
          // Enroll only: the current password, accepted by the server after one code was verified.
          enterPassword: {
            on: {
              SUBMIT_CURRENT_PASSWORD: [
                { guard: 'currentPasswordAcceptable', target: 'verifyingPassword' },
                { actions: 'refuseInput' },
              ],
              CHOOSE_OTHER_METHOD: { target: 'chooseMethod', actions: 'leaveMethod' },
            },
          },
          verifyingPassword: {
            invoke: {
              id: 'verifyPassword',
              src: 'verify',
              input: ({ context, event }) => ({
                client: context.client,
                auth: requireAuth(context),
                body: {
                  method: 'password' as const,
                  password: event.type === 'SUBMIT_CURRENT_PASSWORD' ? event.password : '',
                },
              }),
              onDone: [
                { guard: 'verificationComplete', target: 'verified', actions: 'assignVerification' },
                { guard: 'succeeded', target: 'chooseMethod', actions: 'assignVerification' },
                {
                  guard: { type: 'problemIs', params: { codes: ['flow_not_verified'] } },
                  target: 'chooseMethod',
                  actions: ['assignProblem', 'leaveMethod'],
                },
                ...toDeadEnds,
                { target: 'enterPassword', actions: 'assignProblem' },
              ],
              onError: { target: 'enterPassword', actions: 'assignActorFailure' },
            },
          },
          verified: {
            always: [{ guard: 'isEnroll', target: 'addMethods' }, { target: 'loadingPolicy' }],
          },
          loadingPolicy: {
            invoke: {
              id: 'getPasswordPolicy',
              src: 'getPasswordPolicy',
              input: ({ context }) => ({ client: context.client, auth: requireAuth(context) }),
              onDone: [
                { guard: 'succeeded', target: 'newPassword', actions: 'assignPolicy' },
                ...toDeadEnds,
                // Without the policy the defaults guide the user; the server's check is the one that counts.
                { target: 'newPassword', actions: 'assignDefaultPolicy' },
              ],
              onError: { target: 'newPassword', actions: 'assignDefaultPolicy' },
            },
          },
          newPassword: {
            invoke: {
              id: 'loadPasswordChecker',
              src: 'loadPasswordChecker',
              input: ({ context }) => ({ load: context.checker ? null : context.loadPasswordChecker }),
              onDone: { guard: ({ event }) => event.output !== null, actions: 'assignChecker' },
            },
            on: {
              PASSWORD_INPUT: { actions: 'evaluateDraft' },
              SUBMIT_PASSWORD: [
                { guard: 'passwordAcceptable', target: 'settingPassword', actions: 'evaluateDraft' },
                { actions: ['evaluateDraft', 'refusePassword'] },
              ],
            },
          },
          settingPassword: {
            invoke: {
              id: 'setPassword',
              src: 'setPassword',
              input: ({ context }) => ({
                client: context.client,
                auth: requireAuth(context),
                newPassword: context.passwordDraft,
              }),
              onDone: [
                { guard: 'succeeded', target: 'done' },
                {
                  guard: { type: 'problemIs', params: { codes: handledBy.newPassword } },
                  target: 'newPassword',
                  actions: ['assignProblem', 'assignServerViolations'],
                },
                {
                  guard: { type: 'problemIs', params: { codes: handledBy.directoryUnavailable } },
                  target: 'directoryUnavailable',
                  actions: ['assignProblem', 'startRetryCountdown'],
                },
                ...toDeadEnds,
                { target: 'newPassword', actions: 'assignProblem' },
              ],
              onError: { target: 'newPassword', actions: 'assignActorFailure' },
            },
          },
          directoryUnavailable: {
            invoke: { id: 'retryTicker', src: 'ticker', input: { event: 'RETRY_TICK' } },
            on: {
              RETRY_TICK: { guard: 'retryCountingDown', actions: 'countDownRetry' },
              RETRY: { guard: 'retryAllowed', target: 'settingPassword' },
            },
          },
          // Enroll only: the new methods; each is confirmed with a code sent to itself before it is stored.
          addMethods: {
            on: {
              SUBMIT_ENROLLMENT: [
                { guard: 'enrollmentAcceptable', target: 'enrolling', actions: 'rememberNewMethods' },
                { actions: 'refuseInput' },
              ],
            },
          },
          enrolling: {
            invoke: {
              id: 'enroll',
              src: 'enroll',
              input: ({ context }) => ({
                client: context.client,
                auth: requireAuth(context),
                body: { methods: context.newMethods },
              }),
              onDone: [
                { guard: 'succeeded', target: 'confirmNewMethod', actions: 'assignEnrollmentAccepted' },
                {
                  guard: { type: 'problemIs', params: { codes: ['destination_invalid'] } },
                  target: 'addMethods',
                  actions: ['assignProblem', 'assignInvalidMethods'],
                },
                ...toDeadEnds,
                // A refused resend (too soon, too many): the codes already sent still count; stay on them.
                {
                  guard: 'newMethodsPending',
                  target: 'confirmNewMethod',
                  actions: ['assignProblem', 'waitBeforeResend'],
                },
                { target: 'addMethods', actions: 'assignProblem' },
              ],
              onError: { target: 'addMethods', actions: 'assignActorFailure' },
            },
          },
          confirmNewMethod: {
            invoke: [
              { id: 'enrollResendTicker', src: 'ticker', input: { event: 'RESEND_TICK' } },
              {
                id: 'newMethodDelivery',
                src: 'newMethodDelivery',
                input: ({ context }) => ({
                  client: context.client,
                  auth: requireAuth(context),
                  // Only while the code is on its way; a known outcome is not asked for again.
                  challengeId:
                    context.newMethodDelivery === 'queued'
                      ? (context.pendingMethods[0]?.challengeId ?? null)
                      : null,
                  intervalMs: context.pollIntervalMs,
                }),
              },
            ],
            on: {
              RESEND_TICK: { guard: 'resendCountingDown', actions: 'countDownResend' },
              // Delivery failed: the person corrects the number or address (BACK) or sends new codes (RESEND).
              NEW_METHOD_DELIVERY: { actions: 'assignNewMethodDelivery' },
              SUBMIT_ENROLLMENT_CODE: [
                { guard: 'enrollmentCodeWellFormed', target: 'confirmingNewMethod' },
                { actions: 'refuseInput' },
              ],
              RESEND: { guard: 'resendAllowed', target: 'enrolling', actions: 'keepPendingNewMethods' },
              // A mistyped number or address: type the new methods again (the server replaces the pending ones).
              BACK: { target: 'addMethods', actions: 'clearMessages' },
            },
          },
          confirmingNewMethod: {
            invoke: {
              id: 'confirmEnrollment',
              src: 'confirmEnrollment',
              input: ({ context, event }) => ({
                client: context.client,
                auth: requireAuth(context),
                body: {
                  challengeId: context.pendingMethods[0]?.challengeId ?? '',
                  code: event.type === 'SUBMIT_ENROLLMENT_CODE' ? event.code.trim() : '',
                },
              }),
              onDone: [
                { guard: 'enrollmentCompleted', target: 'done', actions: 'assignEnrollmentConfirmed' },
                { guard: 'succeeded', target: 'confirmNewMethod', actions: 'assignEnrollmentConfirmed' },
                ...toDeadEnds,
                {
                  guard: { type: 'problemIs', params: { codes: ['destination_invalid'] } },
                  target: 'addMethods',
                  actions: ['assignProblem', 'assignInvalidMethods'],
                },
                { target: 'confirmNewMethod', actions: ['assignProblem', 'assignAttemptsLeft'] },
              ],
              onError: { target: 'confirmNewMethod', actions: 'assignActorFailure' },
            },
          },
          done: {
            entry: 'forgetSecrets',
            on: { FINISH: { target: 'welcome', actions: 'wipe' } },
          },
          expired: {
            entry: 'forgetSecrets',
            on: { START_OVER: { target: 'welcome', actions: 'wipe' } },
          },
          attemptsExhausted: {
            entry: 'forgetSecrets',
            on: { START_OVER: { target: 'welcome', actions: 'wipe' } },
          },
          cancelling: {
            entry: 'forgetSecrets',
            invoke: {
              id: 'cancelFlow',
              src: 'cancelFlow',
              input: ({ context }) => ({ client: context.client, auth: context.flow }),
              onDone: { target: 'welcome', actions: 'wipe' },
              onError: { target: 'welcome', actions: 'wipe' },
            },
            // Already leaving: a second cancel or timeout changes nothing.
            on: { CANCEL: {}, INACTIVITY_TIMEOUT: {} },
          },
        },
      },
      presence: {
        initial: 'watching',
        states: {
          watching: {
            after: {
              inactivity: [
                { guard: 'sessionActive', target: 'askingStillThere' },
                { target: 'watching', reenter: true },
              ],
            },
            on: Object.fromEntries(
              userEventTypes.map((type) => [type, { target: 'watching', reenter: true }]),
            ),
          },
          askingStillThere: {
            entry: 'startStillThere',
            invoke: { id: 'presenceTicker', src: 'ticker', input: { event: 'PRESENCE_TICK' } },
            on: {
              ...Object.fromEntries(userEventTypes.map((type) => [type, { target: 'watching' }])),
              PRESENCE_TICK: [
                {
                  guard: 'lastStillThereSecond',
                  target: 'watching',
                  actions: ['countDownStillThere', raise({ type: 'INACTIVITY_TIMEOUT' })],
                },
                { actions: 'countDownStillThere' },
              ],
            },
          },
        },
      },
    },
  });
}

export type FlowMachine = ReturnType<typeof createFlowMachine>;
