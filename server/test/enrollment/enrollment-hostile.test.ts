// Hostile new methods on a verified enroll flow: whatever numbers and addresses arrive, the answer is a
// 202 or a problem with a stable code (never a 5xx), a refusal names only indexes of the request, and a
// 202 names only masked hints. The flow is verified by a code (policy proof `code`, so the scripted
// directory needs no password grant).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemContentType } from '@mypass/flows';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { captured } from '../app/captured-output.js';
import { expectNoSecretsCaptured } from '../security/secrets-scan.js';

let t: TestApp;
let flow: { flowId: string; flowToken: string };
const unlimited = { max: 1_000_000, windowSeconds: 60 };

beforeAll(async () => {
  const access = accessConfig();
  t = await buildTestApp({
    directory: scriptedTenant(),
    config: testConfig({
      access: { ...access, policies: access.policies.map((p) => ({ ...p, enrollment: { proof: 'code' } })) },
      limits: {
        codesPerDestination: unlimited,
        codesPerUser: unlimited,
        smsGlobal: unlimited,
        resendCooldownSeconds: 0,
      },
    }),
  });
  const started = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    payload: { purpose: 'enroll', username: people.adele.upn },
  });
  flow = started.json() as { flowId: string; flowToken: string };
  captured.secrets.add(flow.flowToken);
  const auth = { authorization: `Bearer ${flow.flowToken}` };
  const sent = await t.app.inject({
    method: 'POST',
    url: `/api/v1/flows/${flow.flowId}/challenges`,
    headers: auth,
    payload: { method: 'sms:1', confirm: people.adele.phone },
  });
  const { challengeId } = sent.json() as { challengeId: string };
  await t.delivery.worker.drainOnce();
  const code = t.delivery.sent.find((m) => m.challengeId === challengeId)?.code ?? '';
  const verified = await t.app.inject({
    method: 'POST',
    url: `/api/v1/flows/${flow.flowId}/verifications`,
    headers: auth,
    payload: { challengeId, code },
  });
  expect(verified.json()).toMatchObject({ state: 'verified' });
});

afterAll(async () => {
  await t.close();
  expectNoSecretsCaptured();
});

const hostile = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: max }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: max }),
    fc.constantFrom(
      '+4520998877',
      '+882 1234 5678',
      '+1 900 555 0100',
      '00 45 20 99 88 77',
      '‭+45 20 99 88 77‬',
      '+٤٥٢٠٩٩٨٨٧٧',
      'a@b.c',
      '"x"@mail.example',
      'x@[127.0.0.1]',
      'ＡＢＣ@ｍａｉｌ.example',
      'x@mail.example\u0000',
      '__proto__@mail.example',
    ),
  );
const method = fc.oneof(
  hostile(32).map((phone) => ({ kind: 'sms' as const, phone })),
  hostile(320).map((email) => ({ kind: 'email' as const, email })),
);

describe('hostile new methods', () => {
  it('answers 202 or a stable problem, never a 5xx, naming only indexes and masked hints', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(method, { minLength: 1, maxLength: 5 }), async (methods) => {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/v1/flows/${flow.flowId}/enrollment`,
          headers: { authorization: `Bearer ${flow.flowToken}` },
          payload: { methods },
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 202) {
          const body = res.json() as { pending: { hint: string }[] };
          expect(body.pending.length).toBe(methods.length);
          for (const p of body.pending) expect(p.hint).toMatch(/•/);
          return;
        }
        expect(res.headers['content-type']).toContain(problemContentType);
        const problem = res.json() as { code: string; invalidMethods?: { index: number }[] };
        expect(['destination_invalid', 'invalid_request']).toContain(problem.code);
        for (const refused of problem.invalidMethods ?? []) {
          expect(refused.index).toBeGreaterThanOrEqual(0);
          expect(refused.index).toBeLessThan(methods.length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
