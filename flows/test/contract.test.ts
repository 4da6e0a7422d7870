import { describe, expect, it } from 'vitest';
import {
  challengeRequestSchema,
  codePointLength,
  defaultPasswordPolicy,
  enrollmentRequestSchema,
  fillPath,
  flowCreatedSchema,
  makeProblem,
  newPasswordRequestSchema,
  operationNames,
  operations,
  passwordPolicySchema,
  problemCodes,
  problemSchema,
  problemStatus,
  problemType,
  startFlowRequestSchema,
  toRouterPath,
  verificationRequestSchema,
} from '../src/contract.js';

describe('request schemas are strict and bounded', () => {
  it('accepts a valid start request and rejects unknown fields', () => {
    expect(
      startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'adele@contoso.example' }).success,
    ).toBe(true);
    expect(
      startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'a', locale: 'pt-BR' }).success,
    ).toBe(true);
    expect(startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'a', admin: true }).success).toBe(
      false,
    );
    expect(startFlowRequestSchema.safeParse({ purpose: 'unlock', username: 'a' }).success).toBe(false);
    expect(startFlowRequestSchema.safeParse({ purpose: 'reset', username: '' }).success).toBe(false);
    expect(startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'x'.repeat(256) }).success).toBe(
      true,
    );
    expect(startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'x'.repeat(257) }).success).toBe(
      false,
    );
    expect(
      startFlowRequestSchema.safeParse({ purpose: 'reset', username: 'a', locale: 'en;drop' }).success,
    ).toBe(false);
  });

  it('bounds the confirmation', () => {
    expect(challengeRequestSchema.safeParse({ method: 'sms:1', confirm: '+4520123456' }).success).toBe(true);
    expect(challengeRequestSchema.safeParse({ method: 'sms:1', confirm: 'a'.repeat(321) }).success).toBe(
      false,
    );
    expect(challengeRequestSchema.safeParse({ method: 'sms:1', confirm: 'x', extra: 1 }).success).toBe(false);
    expect(challengeRequestSchema.safeParse({ method: '../x', confirm: 'x' }).success).toBe(false);
  });

  it('takes a code of 4–10 digits or a password, never both, never extras', () => {
    const ok = (v: unknown) => verificationRequestSchema.safeParse(v).success;
    expect(ok({ challengeId: 'c_1', code: '123456' })).toBe(true);
    expect(ok({ challengeId: 'c_1', code: '1234' })).toBe(true);
    expect(ok({ challengeId: 'c_1', code: '1234567890' })).toBe(true);
    expect(ok({ challengeId: 'c_1', code: '123' })).toBe(false);
    expect(ok({ challengeId: 'c_1', code: '12345678901' })).toBe(false);
    expect(ok({ challengeId: 'c_1', code: '12345a' })).toBe(false);
    expect(ok({ challengeId: 'c_1', code: 123456 })).toBe(false);
    expect(ok({ challengeId: 'c_1', code: '123456', password: 'x' })).toBe(false);
    expect(ok({ method: 'password', password: 'hunter2' })).toBe(true);
    expect(ok({ method: 'sms:1', password: 'hunter2' })).toBe(false);
  });

  it('counts password length in characters (code points), at most 256', () => {
    const ok = (p: string) => newPasswordRequestSchema.safeParse({ newPassword: p }).success;
    expect(ok('a'.repeat(256))).toBe(true);
    expect(ok('a'.repeat(257))).toBe(false);
    expect(ok('😀'.repeat(256))).toBe(true);
    expect(codePointLength('😀'.repeat(256))).toBe(256);
    expect(ok('😀'.repeat(257))).toBe(false);
    expect(ok('')).toBe(false);
  });

  it('shapes enrollment requests by kind', () => {
    const ok = (v: unknown) => enrollmentRequestSchema.safeParse(v).success;
    expect(
      ok({
        methods: [
          { kind: 'sms', phone: '+4520123456' },
          { kind: 'email', email: 'a@b.dk' },
        ],
      }),
    ).toBe(true);
    expect(ok({ methods: [{ kind: 'sms', email: 'a@b.dk' }] })).toBe(false);
    expect(ok({ methods: [] })).toBe(false);
  });
});

describe('responses', () => {
  it('accepts the api.md example of a created flow', () => {
    const r = flowCreatedSchema.safeParse({
      flowId: 'f_9cK',
      flowToken: 'q3vq3vq3vq3vq3vq3vq3vq3v',
      purpose: 'reset',
      state: 'verifying',
      expiresAt: '2026-11-28T09:15:00Z',
      methods: [
        { id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 78' },
        { id: 'email:1', kind: 'email', hint: 'a•••@g•••.com' },
      ],
    });
    expect(r.success).toBe(true);
  });

  it('gives the password policy its product defaults', () => {
    expect(defaultPasswordPolicy).toEqual({
      minLength: 8,
      maxLength: 256,
      minCharacterClasses: 3,
      forbidUserNameParts: true,
      blockCommonPasswords: true,
    });
    expect(passwordPolicySchema.safeParse({ minLength: 20, maxLength: 10 }).success).toBe(false);
  });
});

describe('problems', () => {
  it('lists every api.md code with its status', () => {
    expect(problemStatus).toMatchObject({
      invalid_request: 400,
      flow_not_found: 404,
      code_invalid: 400,
      attempts_exhausted: 403,
      flow_not_verified: 409,
      password_policy: 422,
      rate_limited: 429,
      directory_unavailable: 503,
      internal_error: 500,
      network_error: 503,
      certificate_error: 503,
    });
    // 19 codes the API sends, and 2 that only a client's transport produces.
    expect(problemCodes).toHaveLength(22);
  });

  it('builds documents that pass the schema for every code', () => {
    for (const code of problemCodes) {
      const doc = makeProblem(code, { retryAfter: 3 });
      expect(problemSchema.parse(doc)).toMatchObject({
        code,
        status: problemStatus[code],
        type: problemType(code),
      });
    }
    expect(problemSchema.safeParse({ ...makeProblem('internal_error'), code: 'made_up' }).success).toBe(
      false,
    );
  });
});

describe('operations table', () => {
  it('names every operation with a full path and consistent auth', () => {
    expect(operationNames.sort()).toEqual(
      [
        'cancelFlow',
        'confirmEnrollment',
        'createChallenge',
        'enroll',
        'getFlow',
        'getPasswordPolicy',
        'setPassword',
        'startFlow',
        'verify',
      ].sort(),
    );
    for (const name of operationNames) {
      const op = operations[name];
      expect(op.path.startsWith('/api/v1/flows')).toBe(true);
      expect(op.auth).toBe(op.path.includes('{flowId}'));
      if (op.auth) expect(op.problems).toContain('flow_not_found');
      if (op.request) expect(op.problems).toContain('invalid_request');
    }
  });

  it('fills and converts path templates', () => {
    expect(fillPath(operations.createChallenge.path, { flowId: 'f_1' })).toBe('/api/v1/flows/f_1/challenges');
    expect(fillPath(operations.getFlow.path, { flowId: 'a/b' })).toBe('/api/v1/flows/a%2Fb');
    expect(toRouterPath(operations.verify.path)).toBe('/api/v1/flows/:flowId/verifications');
    expect(() => fillPath(operations.getFlow.path, {})).toThrow();
  });
});
