// THROWAWAY review test (R5) — delete before finishing.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { groups, people, scriptedTenant } from '../app/scripted-tenant.js';
import { createRecordingDelivery } from '../app/recording-delivery.js';
import { captured } from '../app/captured-output.js';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';

const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
});
const unknown = Array.from({ length: 30 }, (_, i) => `nobody.${i}@contoso.example`);

async function start(t: TestApp, username: string, purpose: 'reset' | 'enroll' = 'reset') {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/flows', payload: { purpose, username } });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { flowId: string; flowToken: string; methods: { id: string; hint?: string }[] };
  captured.secrets.add(body.flowToken);
  return body;
}
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('R5 app-level tells', () => {
  it('G: password-policy of a decoy is the last policy even when no real user can reach it', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({
        access: {
          licensedGroups: [groups.licensed],
          policies: [
            { name: 'staff', groups: [groups.licensed], password: { minLength: 14 } },
            { name: 'default' },
          ],
        },
        limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
      }),
    });
    opened.push(t);
    const rules = async (name: string) => {
      const f = await start(t, name);
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/flows/${f.flowId}/password-policy`, headers: auth(f.flowToken) });
      return (r.json() as { minLength: number }).minLength;
    };
    const real = [await rules(people.adele.upn), await rules(people.alex.upn), await rules(people.obrien.upn)];
    const decoy = [] as number[];
    for (const n of unknown.slice(0, 10)) decoy.push(await rules(n));
    console.log('G real minLength', real, 'decoy minLength', decoy);
  });

  it('H: enroll proof of a decoy is the last policy even when it does not allow enrollment', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({
        access: {
          licensedGroups: [groups.licensed],
          policies: [
            { name: 'staff', groups: [groups.licensed], enrollment: { proof: 'password' } },
            { name: 'default', enrollment: { allowed: false } },
          ],
        },
        limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
      }),
    });
    opened.push(t);
    const answer = async (name: string) => {
      const f = await start(t, name, 'enroll');
      const r = await t.app.inject({ method: 'POST', url: `/api/v1/flows/${f.flowId}/verifications`, headers: auth(f.flowToken), payload: { method: 'password', password: 'Wrong-guess-123' } });
      return `${r.statusCode} ${(r.json() as { code?: string }).code}`;
    };
    console.log('H real', await answer(people.adele.upn), '| decoy', await answer(unknown[0] as string), await answer(unknown[1] as string));
  });

  it('F: smsCountries without the default region: decoys show +45, real users never', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({ limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } } }),
      delivery: (store) => {
        const rec = createRecordingDelivery(store);
        const real = createDelivery(deliveryConfigSchema.parse({ smsCountries: ['SE', 'NO'] }), {
          store,
          logger: pino({ level: 'silent' }),
          smsProvider: { name: 'x', send: async () => ({ ok: true }) },
          emailProvider: { name: 'x', send: async () => ({ ok: true }) },
        });
        return { ...rec, checkPhone: real.checkPhone, smsCountries: real.smsCountries };
      },
    });
    opened.push(t);
    const real = (await start(t, people.adele.upn)).methods.map((m) => m.hint);
    const decoys = [] as string[];
    for (const n of unknown.slice(0, 10)) decoys.push(...(await start(t, n)).methods.map((m) => m.hint ?? ''));
    console.log('F real (DK user, +45 number)', real, 'decoys', decoys.filter((h) => h.startsWith('+')));
  });

  it('B: methodsRequired 2 everywhere: real lists have two, decoys often one', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({
        access: { licensedGroups: [groups.licensed], policies: [{ name: 'default', methodsRequired: 2 }] },
        limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
      }),
    });
    opened.push(t);
    const real = (await start(t, people.adele.upn)).methods.map((m) => m.id);
    const alex = (await start(t, people.alex.upn)).methods.map((m) => m.id); // one method -> refused no_methods -> decoy
    let single = 0;
    for (const n of unknown) if ((await start(t, n)).methods.length === 1) single++;
    console.log('B real adele', real, 'alex (no_methods decoy)', alex, 'unknown names with one method', single, 'of', unknown.length);
  });
});
