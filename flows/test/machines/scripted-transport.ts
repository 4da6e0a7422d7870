// A transport that answers from a script per operation, recording every call: for the machines' error paths.
import type { Transport, TransportParams, TransportResponse } from '../../src/api-client.js';
import { makeProblem, type OperationName, type ProblemCode, type ProblemExtras } from '../../src/contract.js';

export const flowToken = 'tok_0123456789abcdef0123';
export const created = {
  flowId: 'f_1',
  flowToken,
  purpose: 'reset',
  state: 'verifying',
  expiresAt: '2026-11-28T09:15:00Z',
  methods: [
    { id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 56' },
    { id: 'email:1', kind: 'email', hint: 'a•••@g•••.com' },
  ],
};
export const challenge = (method = 'sms:1', resendAfter = 30) => ({
  challengeId: `c_${method.replace(':', '_')}`,
  method,
  codeLength: 6,
  expiresAt: '2026-11-28T09:10:00Z',
  resendAfter,
});
export const flowState = (status: 'queued' | 'sent' | 'failed', method = 'sms:1') => ({
  flowId: 'f_1',
  purpose: 'reset',
  state: 'verifying',
  expiresAt: '2026-11-28T09:15:00Z',
  methods: created.methods,
  verified: [],
  challenges: [
    { challengeId: challenge(method).challengeId, method, status, expiresAt: '2026-11-28T09:10:00Z' },
  ],
});
export const verifiedResult = (verified: string[] = ['sms:1'], methodsRemaining = 0) => ({
  state: methodsRemaining === 0 ? 'verified' : 'verifying',
  verified,
  methodsRemaining,
});
export const policy = {
  minLength: 8,
  maxLength: 256,
  minCharacterClasses: 3,
  forbidUserNameParts: true,
  blockCommonPasswords: true,
};

/** Enroll: a new method waiting for its code (C's contract: the 202 to POST /enrollment lists them). */
export const pendingMethod = (kind: 'sms' | 'email', index = 0, resendAfter = 30) => ({
  challengeId: `e_${kind}_${index}`,
  kind,
  hint: kind === 'sms' ? '+45 •• •• •• 99' : 'a•••@p•••.example',
  codeLength: 6,
  expiresAt: '2026-11-28T09:10:00Z',
  resendAfter,
});
export const enrollmentAccepted = (kinds: ('sms' | 'email')[] = ['sms'], holdHours = 72) => ({
  state: 'verified',
  pending: kinds.map((k, i) => pendingMethod(k, i)),
  holdHours,
});
export const enrollmentConfirmed = (
  pending: ReturnType<typeof pendingMethod>[],
  confirmed: ('sms' | 'email')[],
) => ({
  state: pending.length === 0 ? 'completed' : 'verified',
  confirmed: confirmed.map((kind) => ({
    kind,
    hint: pendingMethod(kind).hint,
    usableFrom: '2026-12-01T09:00:00Z',
  })),
  pending,
});

export const ok = (status: number, body?: unknown): TransportResponse => ({ status, body });
export const problem = (code: ProblemCode, extras: ProblemExtras = {}): TransportResponse => {
  const doc = makeProblem(code, extras);
  return { status: doc.status, body: doc };
};

export type Script = Partial<Record<OperationName, TransportResponse[]>>;

/** Default answers when a script runs out: the happy path of a one-method reset. */
const happy: Record<OperationName, TransportResponse> = {
  startFlow: ok(201, created),
  getFlow: ok(200, flowState('queued')),
  cancelFlow: ok(204),
  createChallenge: ok(202, challenge()),
  verify: ok(200, verifiedResult()),
  getPasswordPolicy: ok(200, policy),
  setPassword: ok(200, { state: 'completed' }),
  enroll: ok(202, {
    state: 'verified',
    pending: [
      {
        challengeId: 'c_new1',
        kind: 'email',
        hint: 'a•••@g•••.com',
        codeLength: 6,
        expiresAt: '2026-11-28T09:10:00Z',
        resendAfter: 60,
      },
    ],
    holdHours: 72,
  }),
  confirmEnrollment: ok(200, {
    state: 'completed',
    confirmed: [{ kind: 'email', hint: 'a•••@g•••.com', usableFrom: '2026-12-01T09:00:00Z' }],
    pending: [],
  }),
};

export function scriptedTransport(script: Script = {}) {
  const calls: { op: OperationName; params: TransportParams }[] = [];
  const transport: Transport = {
    request(op, params) {
      calls.push({ op, params });
      return Promise.resolve(script[op]?.shift() ?? happy[op]);
    },
  };
  return { transport, calls, ops: () => calls.map((c) => c.op) };
}
