// Enroll flows and T2: a refused or unknown name gets the same 201 shape (decoy methods and the
// password), and every later step answers like a real flow that has not proven a code.
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from './test-app.js';
import { accessConfig, people, scriptedTenant } from './scripted-tenant.js';
import { captured } from './captured-output.js';
import { expectNoSecretsCaptured } from '../security/secrets-scan.js';

const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
  expectNoSecretsCaptured();
});

async function app(enrollmentAllowed = true): Promise<TestApp> {
  const access = accessConfig();
  const t = await buildTestApp({
    directory: scriptedTenant(),
    config: testConfig({
      access: {
        ...access,
        policies: access.policies.map((p) => ({ ...p, enrollment: { allowed: enrollmentAllowed } })),
      },
    }),
  });
  opened.push(t);
  return t;
}

async function startEnroll(t: TestApp, username: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    payload: { purpose: 'enroll', username },
  });
  const body = res.json() as {
    flowId: string;
    flowToken: string;
    methods: { id: string; kind: string; hint?: string }[];
  };
  captured.secrets.add(body.flowToken);
  const call = (suffix: string, payload: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/flows/${body.flowId}${suffix}`,
      headers: { authorization: `Bearer ${body.flowToken}` },
      payload,
    });
  return { status: res.statusCode, body, call };
}

const shape = (methods: { id: string; kind: string; hint?: string }[]) =>
  methods.map((m) => `${m.kind}${m.hint === undefined ? '' : ':hint'}`);

describe('enroll flows and decoys (T2)', () => {
  it('gives an unknown name the same shape as a real user, the password last', async () => {
    const t = await app();
    const real = await startEnroll(t, people.adele.upn);
    const decoy = await startEnroll(t, 'nobody.here@contoso.example');
    expect(real.status).toBe(201);
    expect(decoy.status).toBe(201);
    expect(Object.keys(decoy.body).sort()).toEqual(Object.keys(real.body).sort());
    expect(real.body.methods.at(-1)).toEqual({ id: 'password', kind: 'password' });
    expect(decoy.body.methods.at(-1)).toEqual({ id: 'password', kind: 'password' });
    expect(shape(decoy.body.methods).every((s) => s === 'password' || s.endsWith(':hint'))).toBe(true);
  });

  it('answers a password before any code, and new methods, alike for real and decoy flows', async () => {
    const t = await app();
    for (const name of [people.adele.upn, 'nobody.here@contoso.example']) {
      const flow = await startEnroll(t, name);
      const pw = await flow.call('/verifications', { method: 'password', password: 'Whatever-2026!' });
      captured.secrets.add('Whatever-2026!');
      expect([pw.statusCode, (pw.json() as { code: string }).code]).toEqual([409, 'flow_not_verified']);
      const add = await flow.call('/enrollment', { methods: [{ kind: 'email', email: 'x@mail.example' }] });
      expect([add.statusCode, (add.json() as { code: string }).code]).toEqual([409, 'flow_not_verified']);
      const confirm = await flow.call('/enrollment/confirmations', { challengeId: 'c_abc', code: '123456' });
      expect([confirm.statusCode, (confirm.json() as { code: string }).code]).toEqual([
        409,
        'flow_not_verified',
      ]);
    }
  });

  it('gives a decoy where the policy allows no enrollment, and says why in the audit only', async () => {
    const t = await app(false);
    const flow = await startEnroll(t, people.adele.upn);
    expect(flow.status).toBe(201);
    expect(flow.body.methods.at(-1)).toEqual({ id: 'password', kind: 'password' });
    const refused = await t.store.audit.list({ flowId: flow.body.flowId, event: 'refused' });
    expect(refused[0]?.detail.reason).toBe('enrollment_not_allowed');
    // Reset flows under the same policy are unaffected.
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      payload: { purpose: 'reset', username: people.adele.upn },
    });
    const resetBody = reset.json() as { flowId: string; flowToken: string };
    captured.secrets.add(resetBody.flowToken);
    expect(await t.store.audit.list({ flowId: resetBody.flowId, event: 'refused' })).toEqual([]);
  });

  it('refuses the password as a proof in reset flows', async () => {
    const t = await app();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      payload: { purpose: 'reset', username: people.adele.upn },
    });
    const body = res.json() as { flowId: string; flowToken: string; methods: { id: string }[] };
    captured.secrets.add(body.flowToken);
    expect(body.methods.map((m) => m.id)).not.toContain('password');
    const pw = await t.app.inject({
      method: 'POST',
      url: `/api/v1/flows/${body.flowId}/verifications`,
      headers: { authorization: `Bearer ${body.flowToken}` },
      payload: { method: 'password', password: 'Whatever-2026!' },
    });
    expect((pw.json() as { code: string }).code).toBe('method_not_available');
  });
});
