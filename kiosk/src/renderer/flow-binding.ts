// Binds the screens to a reset flow. PROVISIONAL: until the reset machine of @mypass/flows
// (flows/src/machines/reset-machine.ts) lands, this hook drives the typed API client directly with
// the same states (welcome → identify → chooseMethod → enterCode → newPassword → done). When the
// machine lands, this file becomes a mapping of its snapshots to FlowView; the screens do not change.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  createApiClient,
  type ApiResult,
  type FlowAuth,
  type Method,
  type PasswordPolicy,
  type PasswordViolation,
  type Problem,
  type Transport,
} from '@mypass/flows';
import type { HostConfig } from './host-config.js';
import type { ChallengeView, FlowActions, FlowMessage, FlowView, ScreenName } from './flow-view.js';

interface Session {
  screen: ScreenName;
  busy: boolean;
  message?: FlowMessage;
  username: string;
  auth?: FlowAuth;
  methods: Method[];
  verified: string[];
  methodsRemaining?: number;
  challenge?: ChallengeView & { challengeId: string; confirm: string };
  policy?: PasswordPolicy;
  violations: PasswordViolation[];
  confirmingCancel: boolean;
  inactivityEndsAt?: number;
}

const fresh: Session = {
  screen: 'welcome',
  busy: false,
  username: '',
  methods: [],
  verified: [],
  violations: [],
  confirmingCancel: false,
};

/** Problems after which the flow cannot go on: the person starts again. */
const deadEnd = new Set(['attempts_exhausted', 'flow_not_found', 'flow_not_verified']);

function messageOf(problem: Problem): FlowMessage {
  const count =
    problem.code === 'code_invalid'
      ? problem.attemptsLeft
      : problem.code === 'rate_limited'
        ? Math.max(1, Math.ceil((problem.retryAfter ?? 60) / 60))
        : problem.code === 'resend_too_soon'
          ? problem.retryAfter
          : undefined;
  return { key: `errors.${problem.code}`, ...(count !== undefined ? { count } : {}) };
}

export function useResetFlow(
  transport: Transport,
  config: HostConfig,
  language: string,
): [FlowView, FlowActions] {
  const client = useMemo(() => createApiClient(transport), [transport]);
  const [session, setSession] = useState<Session>(fresh);
  const current = useRef(session);
  current.current = session;
  const languageRef = useRef(language);
  languageRef.current = language;

  const update = useCallback((patch: Partial<Session>) => setSession((s) => ({ ...s, ...patch })), []);

  /** Runs one API call with the busy flag; a problem becomes a message (or a dead end). */
  const call = useCallback(
    async <T>(
      work: () => Promise<ApiResult<T>>,
      onOk: (value: T) => Partial<Session>,
      onProblem?: (p: Problem) => Partial<Session> | undefined,
    ) => {
      update({ busy: true, message: undefined });
      let result: ApiResult<T>;
      try {
        result = await work();
      } catch {
        result = { ok: false, problem: { type: '', title: '', status: 503, code: 'service_unavailable' } };
      }
      if (result.ok) {
        update({ busy: false, ...onOk(result.value) });
        return;
      }
      const problem = result.problem;
      const special = onProblem?.(problem);
      update({
        busy: false,
        message: messageOf(problem),
        ...(deadEnd.has(problem.code)
          ? { screen: 'deadEnd' as const, auth: undefined, challenge: undefined }
          : {}),
        ...special,
      });
    },
    [update],
  );

  const wipe = useCallback(() => {
    const auth = current.current.auth;
    if (auth) void client.cancelFlow(auth).catch(() => undefined);
    setSession(fresh);
  }, [client]);

  // Inactivity: after the timeout "Are you still there?", after the countdown everything is wiped.
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  useEffect(() => {
    if (session.screen === 'welcome' || session.inactivityEndsAt !== undefined) return;
    const timer = setTimeout(
      () => update({ inactivityEndsAt: Date.now() + config.inactivityCountdownSeconds * 1000 }),
      config.inactivityTimeoutSeconds * 1000,
    );
    return () => clearTimeout(timer);
  }, [session.screen, session.inactivityEndsAt, lastActivity, config, update]);
  useEffect(() => {
    if (session.inactivityEndsAt === undefined) return;
    const timer = setTimeout(wipe, Math.max(0, session.inactivityEndsAt - Date.now()));
    return () => clearTimeout(timer);
  }, [session.inactivityEndsAt, wipe]);

  const sendChallenge = useCallback(
    (methodId: string, confirm: string) => {
      const s = current.current;
      const method = s.methods.find((m) => m.id === methodId);
      if (!s.auth || !method) return;
      const auth = s.auth;
      void call(
        () => client.createChallenge(auth, { method: methodId, confirm }),
        (accepted) => ({
          screen: 'enterCode',
          challenge: {
            method,
            codeLength: accepted.codeLength,
            resendAt: Date.now() + accepted.resendAfter * 1000,
            deliveryFailed: false,
            challengeId: accepted.challengeId,
            confirm,
          },
        }),
      );
    },
    [call, client],
  );

  // While a code is on its way, ask the server whether delivery failed (then offer another method).
  useEffect(() => {
    const challenge = session.challenge;
    const auth = session.auth;
    if (session.screen !== 'enterCode' || !challenge || !auth || challenge.deliveryFailed) return;
    const timer = setInterval(() => {
      void client.getFlow(auth).then((r) => {
        if (!r.ok) return;
        const status = r.value.challenges.find((c) => c.challengeId === challenge.challengeId)?.status;
        if (status === 'failed') {
          setSession((s) =>
            s.challenge ? { ...s, challenge: { ...s.challenge, deliveryFailed: true } } : s,
          );
        }
        if (status !== 'queued') clearInterval(timer);
      });
    }, 2000);
    return () => clearInterval(timer);
  }, [session.screen, session.challenge, session.auth, client]);

  const actions: FlowActions = useMemo(
    () => ({
      start: () => update({ ...fresh, screen: 'identify' }),
      submitUsername: (username) =>
        void call(
          () => client.startFlow({ purpose: 'reset', username, locale: languageRef.current }),
          (created) => ({
            screen: 'chooseMethod',
            username,
            auth: { flowId: created.flowId, flowToken: created.flowToken },
            methods: created.methods,
            verified: [],
            methodsRemaining: undefined,
          }),
        ),
      chooseMethod: sendChallenge,
      resend: () => {
        const c = current.current.challenge;
        if (c) sendChallenge(c.method.id, c.confirm);
      },
      submitCode: (code) => {
        const s = current.current;
        if (!s.auth || !s.challenge) return;
        const auth = s.auth;
        const challengeId = s.challenge.challengeId;
        void call(
          () => client.verify(auth, { challengeId, code }),
          (result) => {
            if (result.state === 'verified') {
              void client.getPasswordPolicy(auth).then((p) => p.ok && update({ policy: p.value }));
              return {
                screen: 'newPassword',
                verified: result.verified,
                methodsRemaining: 0,
                challenge: undefined,
              };
            }
            return {
              screen: 'chooseMethod',
              verified: result.verified,
              methodsRemaining: result.methodsRemaining,
              challenge: undefined,
            };
          },
        );
      },
      otherMethod: () => update({ screen: 'chooseMethod', challenge: undefined, message: undefined }),
      submitPassword: (newPassword) => {
        const auth = current.current.auth;
        if (!auth) return;
        void call(
          () => client.setPassword(auth, { newPassword }),
          () => ({ screen: 'done', auth: undefined, violations: [] }),
          (p) => (p.code === 'password_policy' ? { violations: p.violations ?? [] } : undefined),
        );
      },
      cancel: () => update({ confirmingCancel: true }),
      confirmCancel: wipe,
      keepGoing: () => update({ confirmingCancel: false }),
      stillHere: () => {
        update({ inactivityEndsAt: undefined });
        setLastActivity(Date.now());
      },
      finish: () => setSession(fresh),
      activity: () => {
        if (current.current.inactivityEndsAt === undefined) setLastActivity(Date.now());
      },
      back: () => update({ screen: 'identify', message: undefined }),
    }),
    [call, client, sendChallenge, update, wipe],
  );

  const view: FlowView = {
    screen: session.screen,
    busy: session.busy,
    ...(session.message ? { message: session.message } : {}),
    username: session.username,
    methods: session.methods,
    verified: session.verified,
    ...(session.methodsRemaining !== undefined ? { methodsRemaining: session.methodsRemaining } : {}),
    ...(session.challenge ? { challenge: session.challenge } : {}),
    ...(session.policy ? { policy: session.policy } : {}),
    violations: session.violations,
    confirmingCancel: session.confirmingCancel,
    ...(session.inactivityEndsAt !== undefined ? { inactivityEndsAt: session.inactivityEndsAt } : {}),
  };
  return [view, actions];
}
