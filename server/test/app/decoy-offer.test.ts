// T2 through the app: a decoy's methods come from what the policies and delivery could offer a real
// user through the same door, so a kind no real user can be shown never marks a name as unknown,
// and a decoy's enroll list leaves out what its reset list shows as an enrollment, as a real one does.
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from './test-app.js';
import { accessConfig, people, scriptedTenant } from './scripted-tenant.js';
import { createRecordingDelivery } from './recording-delivery.js';
import { captured } from './captured-output.js';
import { expectNoSecretsCaptured } from '../security/secrets-scan.js';

type Method = { id: string; kind: string; hint?: string };
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
  expectNoSecretsCaptured();
});

async function app(options: { emailOnly?: boolean } = {}): Promise<TestApp> {
  const t = await buildTestApp({
    directory: scriptedTenant(),
    // Many names from one address: the per-address start limit is not what these tests are about.
    config: testConfig({
      access: accessConfig(),
      limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
    }),
    ...(options.emailOnly
      ? {
          delivery: (store) => ({
            ...createRecordingDelivery(store),
            canDeliver: (channel: string) => channel === 'email',
          }),
        }
      : {}),
  });
  opened.push(t);
  return t;
}

async function methods(t: TestApp, username: string, purpose: 'reset' | 'enroll' = 'reset') {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/flows', payload: { purpose, username } });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { flowToken: string; methods: Method[] };
  captured.secrets.add(body.flowToken);
  return body.methods;
}

const unknownNames = Array.from({ length: 40 }, (_, i) => `nobody.${i}@contoso.example`);

describe('decoy methods through the app (T2)', () => {
  it('offer no SMS where delivery can send only e-mail, as real users get none', async () => {
    const t = await app({ emailOnly: true });
    expect((await methods(t, people.adele.upn)).map((m) => m.kind)).toEqual(['email']);
    const kinds = new Set<string>();
    for (const name of unknownNames) for (const m of await methods(t, name)) kinds.add(m.kind);
    expect([...kinds]).toEqual(['email']);
  });

  it('leave out of an enroll list only what the reset list shows beyond it, like a real user', async () => {
    const t = await app();
    let differ = 0;
    for (const name of unknownNames.concat(unknownNames.map((n) => n.replace('nobody', 'someone')))) {
      const reset = (await methods(t, name, 'reset')).map((m) => m.hint);
      // An enroll list ends with the password (no hint); the methods before it are compared.
      const enroll = (await methods(t, name, 'enroll'))
        .filter((m) => m.hint !== undefined)
        .map((m) => m.hint);
      expect(reset.slice(0, enroll.length)).toEqual(enroll);
      if (reset.length > enroll.length) differ++;
    }
    // One decoy in eight shows an enrollment; 80 names make one very likely, not certain by chance.
    expect(differ).toBeGreaterThan(0);
  });
});
