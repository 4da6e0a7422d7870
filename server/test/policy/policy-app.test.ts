// Every field of a group-scoped policy, through the real app (Fastify, flows service, SQLite store)
// with the scripted tenant: first match by group, methods and their sources, methods required
// (and for at-risk users), password rules, channels, what happens after a reset, privileged users,
// and seats that never refuse anyone.
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { serviceSections } from '../../src/config/service-config.js';
import { captured } from '../app/captured-output.js';
import { makeContext, makeUser, type ScriptedDirectory } from '../app/scripted-directory.js';
import { groups, people, scriptedTenant } from '../app/scripted-tenant.js';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';

let t: TestApp | undefined;
let directory: ScriptedDirectory;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Access = NonNullable<z.input<typeof serviceSections.access>>;

async function appWith(access: Access): Promise<TestApp> {
  directory = scriptedTenant();
  // A user whose only phone is the profile's mobilePhone (T13: not a method unless a policy says so).
  directory.add(
    makeUser({
      id: 'c0000000-0000-4000-8000-000000000001',
      userPrincipalName: 'profile.only@contoso.example',
      mobilePhone: '+45 20 11 12 22',
    }),
    makeContext({ memberOfGroupIds: [groups.licensed] }),
  );
  t = await buildTestApp({ directory, config: testConfig({ access }) });
  return t;
}

const licensedOnly = (policies: Access['policies']): Access => ({
  licensedGroups: [groups.licensed],
  ...(policies ? { policies } : {}),
});

async function startAs(
  app: TestApp,
  username: string,
  headers: Record<string, string> = {},
): Promise<{ flowId: string; flowToken: string; methods: { id: string; kind: string }[] }> {
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    payload: { purpose: 'reset', username },
    headers,
    remoteAddress: '192.0.2.10',
  });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { flowId: string; flowToken: string; methods: { id: string; kind: string }[] };
  captured.secrets.add(body.flowToken);
  return body;
}

const call = (
  app: TestApp,
  flow: { flowId: string; flowToken: string },
  method: 'GET' | 'POST',
  suffix: string,
  payload?: Record<string, unknown>,
): Promise<LightMyRequestResponse> =>
  app.app.inject({
    method,
    url: `/api/v1/flows/${flow.flowId}${suffix}`,
    headers: { authorization: `Bearer ${flow.flowToken}` },
    ...(payload ? { payload } : {}),
    remoteAddress: '192.0.2.10',
  });

/** The refusal the audit recorded for the flow, or null for a real flow. */
async function refusal(app: TestApp, flowId: string): Promise<string | null> {
  const rows = await app.store.audit.list({ flowId, event: 'refused' });
  return rows.length === 0 ? null : String(rows[0]?.detail['reason']);
}

async function policyOf(app: TestApp, flowId: string): Promise<string> {
  const rows = await app.store.audit.list({ flowId, event: 'started' });
  return String(rows[0]?.detail['policy']);
}

/** Confirms and verifies one method; answers the verification's body. */
async function prove(
  app: TestApp,
  flow: { flowId: string; flowToken: string },
  method: string,
  confirm: string,
): Promise<Record<string, unknown>> {
  const sent = await call(app, flow, 'POST', '/challenges', { method, confirm });
  expect(sent.statusCode).toBe(202);
  const { challengeId } = sent.json() as { challengeId: string };
  await app.delivery.worker.drainOnce();
  const code = app.delivery.sent.find((m) => m.challengeId === challengeId)?.code;
  if (!code) throw new Error('no code');
  captured.secrets.add(code);
  const verified = await call(app, flow, 'POST', '/verifications', { challengeId, code });
  expect(verified.statusCode).toBe(200);
  return verified.json() as Record<string, unknown>;
}

async function resetFully(app: TestApp, username: string, phone: string, email?: string) {
  const flow = await startAs(app, username);
  let result = await prove(app, flow, 'sms:1', phone);
  if (result['state'] !== 'verified' && email) result = await prove(app, flow, 'email:1', email);
  expect(result['state']).toBe('verified');
  captured.secrets.add('Correct-Horse-9-Battery');
  const done = await call(app, flow, 'POST', '/password', { newPassword: 'Correct-Horse-9-Battery' });
  expect(done.statusCode).toBe(200);
  return flow;
}

describe('matching', () => {
  it('takes the first policy whose groups hold the user, in the configured order', async () => {
    const twoFirst = await appWith(
      licensedOnly([
        { name: 'two', groups: [groups.twoMethods], methodsRequired: 2 },
        { name: 'licensed', groups: [groups.licensed] },
        { name: 'default' },
      ]),
    );
    const lee = await startAs(twoFirst, people.lee.upn);
    expect(await policyOf(twoFirst, lee.flowId)).toBe('two');
    expect((await prove(twoFirst, lee, 'sms:1', people.lee.phone))['methodsRemaining']).toBe(1);
    const adele = await startAs(twoFirst, people.adele.upn);
    expect(await policyOf(twoFirst, adele.flowId)).toBe('licensed');
    await t?.close();

    // The same groups in the other order: Lee now matches the broader policy first.
    const licensedFirst = await appWith(
      licensedOnly([
        { name: 'licensed', groups: [groups.licensed] },
        { name: 'two', groups: [groups.twoMethods], methodsRequired: 2 },
      ]),
    );
    const lee2 = await startAs(licensedFirst, people.lee.upn);
    expect(await policyOf(licensedFirst, lee2.flowId)).toBe('licensed');
    expect((await prove(licensedFirst, lee2, 'sms:1', people.lee.phone))['methodsRemaining']).toBe(0);
  });

  it('refuses (a decoy) a licensed user no policy matches', async () => {
    const app = await appWith(licensedOnly([{ name: 'two only', groups: [groups.twoMethods] }]));
    const adele = await startAs(app, people.adele.upn);
    expect(await refusal(app, adele.flowId)).toBe('unlicensed');
  });
});

describe('methods', () => {
  it('offers only the allowed kinds', async () => {
    const app = await appWith(licensedOnly([{ name: 'sms only', methods: { email: { allowed: false } } }]));
    const adele = await startAs(app, people.adele.upn);
    expect(adele.methods.map((m) => m.kind)).toEqual(['sms']);
    // Alex has only an e-mail method: nothing left to prove with.
    const alex = await startAs(app, people.alex.upn);
    expect(await refusal(app, alex.flowId)).toBe('no_methods');
  });

  it('uses profile fields only where the policy lists the profile source (T13)', async () => {
    const strict = await appWith(licensedOnly(undefined));
    const denied = await startAs(strict, 'profile.only@contoso.example');
    expect(await refusal(strict, denied.flowId)).toBe('no_methods');
    await t?.close();

    const lax = await appWith(
      licensedOnly([
        { name: 'profile', methods: { sms: { sources: ['registered', 'enrolled', 'profile'] } } },
      ]),
    );
    const allowed = await startAs(lax, 'profile.only@contoso.example');
    expect(await refusal(lax, allowed.flowId)).toBeNull();
    expect(allowed.methods).toEqual([{ id: 'sms:1', kind: 'sms', hint: expect.stringContaining('22') }]);
    expect((await prove(lax, allowed, 'sms:1', '+4520111222'))['state']).toBe('verified');
  });

  it('asks for two methods where the policy requires two, and from at-risk users by default', async () => {
    const app = await appWith(licensedOnly([{ name: 'two', methodsRequired: 2 }]));
    const adele = await startAs(app, people.adele.upn);
    expect((await prove(app, adele, 'sms:1', people.adele.phone))['methodsRemaining']).toBe(1);
    await t?.close();

    const defaults = await appWith(licensedOnly(undefined));
    // Diego is at risk: the default policy asks him for two although it asks others for one.
    const diego = await startAs(defaults, people.diego.upn);
    expect((await prove(defaults, diego, 'sms:1', people.diego.phone))['methodsRemaining']).toBe(1);
    await t?.close();

    const lenient = await appWith(licensedOnly([{ name: 'lenient', atRiskMethodsRequired: 1 }]));
    const diego2 = await startAs(lenient, people.diego.upn);
    expect((await prove(lenient, diego2, 'sms:1', people.diego.phone))['state']).toBe('verified');
  });
});

describe('password rules', () => {
  it('serves and enforces the policy rules', async () => {
    const app = await appWith(licensedOnly([{ name: 'long', password: { minLength: 16 } }]));
    const flow = await startAs(app, people.adele.upn);
    await prove(app, flow, 'sms:1', people.adele.phone);
    const rules = await call(app, flow, 'GET', '/password-policy');
    expect(rules.json()).toMatchObject({ minLength: 16 });
    captured.secrets.add('Sh0rt-but-ok');
    const short = await call(app, flow, 'POST', '/password', { newPassword: 'Sh0rt-but-ok' });
    expect(short.statusCode).toBe(422);
    expect((short.json() as { violations: string[] }).violations).toContain('too_short');
  });
});

describe('channels', () => {
  const kiosk = { 'user-agent': 'MyPass-Kiosk' };
  it('gives web clients a decoy where the policy allows the kiosk only, and the kiosk a real flow', async () => {
    const app = await appWith(licensedOnly([{ name: 'kiosk only', channels: { web: false } }]));
    const web = await startAs(app, people.adele.upn, { 'user-agent': 'Mozilla/5.0' });
    expect(await refusal(app, web.flowId)).toBe('channel');
    // Same shape as a real answer (T2).
    expect(web.methods.map((m) => m.kind).sort()).toEqual(['email', 'sms']);
    const fromKiosk = await startAs(app, people.adele.upn, kiosk);
    expect(await refusal(app, fromKiosk.flowId)).toBeNull();
    const declared = await startAs(app, people.lee.upn, { 'x-mypass-client': 'kiosk' });
    expect(await refusal(app, declared.flowId)).toBeNull();
  });

  it('refuses the kiosk where the policy allows the web only', async () => {
    const app = await appWith(licensedOnly([{ name: 'web only', channels: { kiosk: false } }]));
    expect(await refusal(app, (await startAs(app, people.adele.upn, kiosk)).flowId)).toBe('channel');
    expect(await refusal(app, (await startAs(app, people.lee.upn)).flowId)).toBeNull();
  });
});

describe('after a reset', () => {
  it('revokes sessions and dismisses risk as the policy says', async () => {
    const app = await appWith(
      licensedOnly([{ name: 'strict', afterReset: { revokeSessions: true, dismissRisk: true } }]),
    );
    await resetFully(app, people.diego.upn, people.diego.phone, people.diego.email);
    expect(directory.revoked).toEqual(['a0000000-0000-4000-8000-000000000004']);
    expect(directory.dismissed).toEqual(['a0000000-0000-4000-8000-000000000004']);
    await t?.close();

    const quiet = await appWith(
      licensedOnly([{ name: 'quiet', afterReset: { revokeSessions: false, dismissRisk: false } }]),
    );
    await resetFully(quiet, people.diego.upn, people.diego.phone, people.diego.email);
    expect(directory.revoked).toEqual([]);
    expect(directory.dismissed).toEqual([]);
  });
});

describe('privileged users', () => {
  it('are decoys by default and, where a policy allows them, prove two methods', async () => {
    const app = await appWith(licensedOnly(undefined));
    const megan = await startAs(app, 'megan.admin@contoso.example');
    expect(await refusal(app, megan.flowId)).toBe('privileged');
    await t?.close();

    // Megan has one method: allowed, she still needs two, so she cannot.
    const allowing = await appWith(licensedOnly([{ name: 'admins', allowPrivileged: true }]));
    const megan2 = await startAs(allowing, 'megan.admin@contoso.example');
    expect(await refusal(allowing, megan2.flowId)).toBe('no_methods');
    directory.add(
      makeUser({
        id: 'c0000000-0000-4000-8000-000000000002',
        userPrincipalName: 'two.admin@contoso.example',
      }),
      makeContext({
        memberOfGroupIds: [groups.licensed],
        privilegedBy: ['directory_role'],
        phoneMethods: [{ id: 'x', phoneNumber: '+4520999888', phoneType: 'mobile' }],
        emailMethods: [{ id: 'y', emailAddress: 'two.admin@gmail.com' }],
      }),
    );
    const admin = await startAs(allowing, 'two.admin@contoso.example');
    expect(await refusal(allowing, admin.flowId)).toBeNull();
    expect((await prove(allowing, admin, 'sms:1', '+4520999888'))['methodsRemaining']).toBe(1);
  });
});

describe('deny-list, guests and seats', () => {
  it('refuses deny-listed accounts and guests; seats never refuse anyone', async () => {
    const app = await appWith({
      licensedGroups: [groups.licensed],
      seats: 1,
      denyList: ['BREAK.GLASS@contoso.example'],
    });
    expect(await refusal(app, (await startAs(app, 'break.glass@contoso.example')).flowId)).toBe(
      'deny_listed',
    );
    expect(await refusal(app, (await startAs(app, 'guest@fabrikam.example')).flowId)).toBe('guest');
    // One seat, many licensed users: each of them still gets a real flow.
    for (const upn of [people.adele.upn, people.lee.upn, people.alex.upn])
      expect(await refusal(app, (await startAs(app, upn)).flowId)).toBeNull();
  });
});
