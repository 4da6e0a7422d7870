// Binds the screens to the reset or enroll machine of @mypass/flows: the machine decides every step, this file
// only maps its snapshot to the FlowView the screens read and the person's actions to its events.
// The one piece of state kept here is the in-page "Stop and clear the screen?" panel, which is UI only.
import { useEffect, useMemo, useState } from 'react';
import { useMachine } from '@xstate/react';
import {
  createApiClient,
  enrollMachine,
  loadCommonPasswordChecker,
  resetMachine,
  type FlowContext,
  type FlowError,
  type DestinationProblem,
  type FlowPurpose,
  type Transport,
} from '@mypass/flows';
import type { HostConfig } from './host-config.js';
import type { EnrollmentView, FlowActions, FlowMessage, FlowView, ScreenName } from './flow-view.js';

type Step = string;

/** Which screen each state of the machine's `steps` region shows. */
const screenOfStep: Readonly<Record<Step, ScreenName>> = {
  welcome: 'welcome',
  identify: 'identify',
  startingFlow: 'identify',
  chooseMethod: 'chooseMethod',
  sendingCode: 'chooseMethod',
  enterCode: 'enterCode',
  verifyingCode: 'enterCode',
  verified: 'newPassword',
  enterPassword: 'currentPassword',
  verifyingPassword: 'currentPassword',
  addMethods: 'addMethods',
  enrolling: 'addMethods',
  confirmNewMethod: 'confirmMethod',
  confirmingNewMethod: 'confirmMethod',
  loadingPolicy: 'newPassword',
  newPassword: 'newPassword',
  settingPassword: 'newPassword',
  directoryUnavailable: 'newPassword',
  done: 'done',
  expired: 'deadEnd',
  attemptsExhausted: 'deadEnd',
  cancelling: 'welcome',
};

/** States in which a request is in flight. */
const busySteps = new Set<Step>([
  'startingFlow',
  'sendingCode',
  'verifyingCode',
  'verified',
  'loadingPolicy',
  'settingPassword',
  'verifyingPassword',
  'enrolling',
  'confirmingNewMethod',
  'cancelling',
]);

/** The message for an error, with the number i18next needs to choose the plural form. */
export function messageOf(error: FlowError): FlowMessage {
  const count =
    error.code === 'code_invalid'
      ? error.attemptsLeft
      : error.code === 'rate_limited'
        ? Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60))
        : error.code === 'resend_too_soon'
          ? Math.max(1, error.retryAfter ?? 1)
          : undefined;
  return { key: error.messageKey, ...(count !== undefined ? { count } : {}) };
}

function stepOf(value: unknown): Step {
  const steps = (value as { steps?: unknown }).steps;
  if (typeof steps === 'string') return steps;
  if (steps !== null && typeof steps === 'object') return Object.keys(steps)[0] ?? 'welcome';
  return 'welcome';
}

export function toFlowView(value: unknown, context: FlowContext, confirmingCancel: boolean): FlowView {
  const step = stepOf(value);
  const presence = (value as { presence?: unknown }).presence;
  // A resend goes through sendingCode with the challenge kept: the code screen stays up meanwhile.
  const screen =
    step === 'sendingCode' && context.challenge
      ? 'enterCode'
      : step === 'enrolling' && context.pendingMethods.length > 0
        ? 'confirmMethod'
        : step === 'verified' && context.purpose === 'enroll'
          ? 'addMethods'
          : (screenOfStep[step] ?? 'welcome');
  const method = context.methods.find(
    (m) => m.id === (context.challenge?.method ?? context.selectedMethodId),
  );
  return {
    purpose: context.purpose,
    screen,
    busy: busySteps.has(step),
    ...(context.error ? { message: messageOf(context.error) } : {}),
    username: context.username,
    methods: context.methods,
    verified: context.verified,
    ...(context.methodsRemaining !== null ? { methodsRemaining: context.methodsRemaining } : {}),
    ...(context.challenge && method
      ? {
          challenge: {
            method,
            codeLength: context.challenge.codeLength,
            resendIn: context.resendIn,
            deliveryFailed: context.deliveryStatus === 'failed',
          },
        }
      : {}),
    ...(context.policy ? { policy: context.policy } : {}),
    violations: context.serverViolations,
    confirmingCancel: confirmingCancel && screen !== 'welcome' && screen !== 'done',
    ...(presence === 'askingStillThere' ? { stillThereIn: context.stillThereIn } : {}),
    ...(step === 'directoryUnavailable' ? { retryIn: context.retryIn } : {}),
    ...(context.purpose === 'enroll' ? { enrollment: enrollmentViewOf(context) } : {}),
  };
}

function enrollmentViewOf(context: FlowContext): EnrollmentView {
  const [first] = context.pendingMethods;
  const refused: Partial<Record<'sms' | 'email', DestinationProblem>> = {};
  for (const { index, reason } of context.invalidMethods) {
    const method = context.newMethods[index];
    if (method) refused[method.kind] = reason;
  }
  return {
    ...(first ? { pending: { kind: first.kind, hint: first.hint, codeLength: first.codeLength } } : {}),
    position: context.enrolledMethods.length + 1,
    total: context.enrolledMethods.length + context.pendingMethods.length,
    confirmed: context.enrolledMethods.length,
    ...(context.holdHours !== null ? { holdHours: context.holdHours } : {}),
    resendIn: context.resendIn,
    deliveryFailed: first !== undefined && context.newMethodDelivery === 'failed',
    typed: context.newMethods,
    refused,
  };
}

/** The machine of a purpose; a component binds one purpose for its lifetime (the app keys it by purpose). */
export function useFlow(
  purpose: FlowPurpose,
  transport: Transport,
  config: HostConfig,
  language: string,
): [FlowView, FlowActions] {
  const client = useMemo(() => createApiClient(transport), [transport]);
  const [snapshot, send] = useMachine(purpose === 'enroll' ? enrollMachine : resetMachine, {
    input: {
      client,
      locale: language,
      inactivityMs: config.inactivityTimeoutSeconds * 1000,
      stillThereSeconds: config.inactivityCountdownSeconds,
      loadPasswordChecker: loadCommonPasswordChecker,
    },
  });
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const step = stepOf(snapshot.value);

  // Messages to the user (SMS, e-mail) go out in the language on screen.
  useEffect(() => {
    send({ type: 'SET_LOCALE', locale: language });
  }, [language, send]);
  // The panel belongs to the screen it was opened on.
  useEffect(() => setConfirmingCancel(false), [step]);

  const actions: FlowActions = useMemo(
    () => ({
      start: () => send({ type: 'START' }),
      submitUsername: (username) => send({ type: 'SUBMIT_USERNAME', username }),
      chooseMethod: (methodId, confirm) => {
        send({ type: 'SELECT_METHOD', methodId });
        send({ type: 'SUBMIT_CONFIRMATION', confirm });
      },
      submitCode: (code) => send({ type: 'SUBMIT_CODE', code }),
      resend: () => send({ type: 'RESEND' }),
      otherMethod: () => send({ type: 'CHOOSE_OTHER_METHOD' }),
      passwordInput: (password) => send({ type: 'PASSWORD_INPUT', password }),
      submitPassword: (password) => send({ type: 'SUBMIT_PASSWORD', password }),
      cancel: () => {
        setConfirmingCancel(true);
        send({ type: 'ACTIVITY' });
      },
      confirmCancel: () => {
        setConfirmingCancel(false);
        send({ type: 'CANCEL' });
      },
      keepGoing: () => {
        setConfirmingCancel(false);
        send({ type: 'ACTIVITY' });
      },
      stillHere: () => send({ type: 'STILL_HERE' }),
      finish: () => {
        send({ type: 'FINISH' });
        send({ type: 'START_OVER' });
      },
      activity: () => send({ type: 'ACTIVITY' }),
      retry: () => send({ type: 'RETRY' }),
      submitCurrentPassword: (password) => send({ type: 'SUBMIT_CURRENT_PASSWORD', password }),
      submitNewMethods: (methods) => send({ type: 'SUBMIT_ENROLLMENT', methods }),
      confirmNewMethod: (code) => send({ type: 'SUBMIT_ENROLLMENT_CODE', code }),
      changeNewMethods: () => send({ type: 'BACK' }),
    }),
    [send],
  );

  return [toFlowView(snapshot.value, snapshot.context, confirmingCancel), actions];
}
