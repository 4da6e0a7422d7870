// Reset flows offer a MyPass enrollment only where the policy's sources include `enrolled` (T13) and
// only once its hold is over (T12); an enroll flow never offers one for its first code.
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { captured } from '../app/captured-output.js';

const adeleId = 'a0000000-0000-4000-8000-000000000001';
const enrolledHint = 'a•••@m•••.example';
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});

async function appWithEnrollment(sources: ('registered' | 'enrolled' | 'profile')[], usableInHours: number) {
  const access = accessConfig();
  const t = await buildTestApp({
    directory: scriptedTenant(),
    config: testConfig({
      access: {
        ...access,
        policies: access.policies.map((p) => ({
          ...p,
          methods: { sms: { sources }, email: { sources } },
        })),
      },
    }),
  });
  opened.push(t);
  await t.store.enrollments.create({
    id: 'e_1',
    userId: adeleId,
    kind: 'email',
    destination: 'adele.enrolled@mail.example',
    hint: enrolledHint,
    flowId: 'f_old',
    challengeId: 'c_old',
  });
  await t.store.enrollments.confirm('e_1', new Date(t.clock.now().getTime() + usableInHours * 3600_000));
  return t;
}

async function hints(t: TestApp, purpose: 'reset' | 'enroll') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    payload: { purpose, username: people.adele.upn },
  });
  const body = res.json() as { flowToken: string; methods: { hint?: string }[] };
  captured.secrets.add(body.flowToken);
  return body.methods.map((m) => m.hint);
}

describe('enrolled methods in reset flows', () => {
  it('are offered past their hold where the policy uses enrollments', async () => {
    const t = await appWithEnrollment(['registered', 'enrolled'], -1);
    expect(await hints(t, 'reset')).toContain(enrolledHint);
  });

  it('are not offered during the hold', async () => {
    const t = await appWithEnrollment(['registered', 'enrolled'], 1);
    expect(await hints(t, 'reset')).not.toContain(enrolledHint);
    t.clock.advance(3600_000 + 1000);
    expect(await hints(t, 'reset')).toContain(enrolledHint);
  });

  it('are not offered where the policy’s sources leave enrollments out', async () => {
    const t = await appWithEnrollment(['registered'], -1);
    expect(await hints(t, 'reset')).not.toContain(enrolledHint);
  });

  it('are never offered for the first code of an enroll flow', async () => {
    const t = await appWithEnrollment(['registered', 'enrolled'], -1);
    expect(await hints(t, 'enroll')).not.toContain(enrolledHint);
  });
});
