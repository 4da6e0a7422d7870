// T4: every flooding limit answers with its api.md code, identically for real and decoy flows.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type ConfigOverrides, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { challenge, setPassword, start, verify, type Started } from '../app/flow-driver.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let t: TestApp;
async function app(limits: ConfigOverrides['limits'] = {}) {
  t = await buildTestApp({
    directory: scriptedTenant(),
    config: testConfig({ access: accessConfig(), limits }),
  });
  return t;
}
afterEach(async () => t.close());
afterAll(() => expectNoSecretsCaptured());

const decoyName = 'nobody.here@contoso.example';
const codeOf = (res: { json(): unknown }) => (res.json() as { code?: string }).code;

describe('flow starts', () => {
  it.each([
    ['a real user', people.adele.upn],
    ['a decoy', decoyName],
  ])(
    'allows 5 starts per name per 15 minutes for %s, then rate_limited with retryAfter',
    async (_label, name) => {
      await app();
      for (let i = 0; i < 5; i++) expect((await start(t.app, name, `192.0.2.${i}`)).status).toBe(201);
      const sixth = await start(t.app, name, '192.0.2.77');
      expect(sixth.status).toBe(429);
      expect(sixth.body).toMatchObject({ code: 'rate_limited' });
      const retryAfter = (sixth.body as unknown as { retryAfter: number }).retryAfter;
      expect(retryAfter).toBeGreaterThan(0);
      // The wait it names is enough, and not much more than one window.
      expect(retryAfter).toBeLessThanOrEqual(2 * 15 * 60);
      t.clock.advance(retryAfter * 1000);
      expect((await start(t.app, name, '192.0.2.78')).status).toBe(201);
    },
  );

  it.each([
    ['a real user', people.adele.upn],
    ['a decoy', decoyName],
  ])('lets no more than 5 starts for %s through across a window edge (sliding windows)', async (_l, name) => {
    await app();
    // Five starts in the last second of a 15-minute window, a sixth just after the next begins.
    const window = 15 * 60_000;
    t.clock.advance(window - (t.clock.now().getTime() % window) - 1_000);
    for (let i = 0; i < 5; i++) expect((await start(t.app, name, `192.0.2.${i}`)).status).toBe(201);
    t.clock.advance(2_000);
    expect((await start(t.app, name, '192.0.2.50')).status).toBe(429);
  });

  it('lets no more starts from one address through across a window edge (sliding windows)', async () => {
    await app({ startsPerAddress: { max: 3, windowSeconds: 900 } });
    const window = 900_000;
    t.clock.advance(window - (t.clock.now().getTime() % window) - 1_000);
    for (let i = 0; i < 3; i++)
      expect((await start(t.app, `user${i}@contoso.example`, '198.51.100.7')).status).toBe(201);
    t.clock.advance(2_000);
    expect((await start(t.app, 'user9@contoso.example', '198.51.100.7')).status).toBe(429);
  });

  it('counts per resolved user, whatever name was typed', async () => {
    await app();
    const names = [people.adele.upn, 'E1001', 'ADELE.VANCE@contoso.example', 'E1001 ', people.adele.upn];
    for (const [i, name] of names.entries())
      expect((await start(t.app, name, `192.0.2.${i}`)).status).toBe(201);
    expect((await start(t.app, 'e1001', '192.0.2.9')).status).toBe(429);
  });

  it('counts per client address', async () => {
    await app({ startsPerAddress: { max: 3, windowSeconds: 900 } });
    for (let i = 0; i < 3; i++)
      expect((await start(t.app, `user${i}@contoso.example`, '198.51.100.7')).status).toBe(201);
    expect((await start(t.app, people.adele.upn, '198.51.100.7')).status).toBe(429);
    expect((await start(t.app, people.adele.upn, '198.51.100.8')).status).toBe(201);
  });

  it('counts an IPv6 client by its /64, so rotating addresses inside it is one client', async () => {
    await app({ startsPerAddress: { max: 3, windowSeconds: 900 } });
    for (let i = 1; i <= 3; i++)
      expect((await start(t.app, `user${i}@contoso.example`, `2001:db8:7:1::${i}`)).status).toBe(201);
    expect((await start(t.app, 'user4@contoso.example', '2001:db8:7:1:abcd::9')).status).toBe(429);
    expect((await start(t.app, 'user5@contoso.example', '2001:db8:7:2::1')).status).toBe(201);
  });
});

describe('codes', () => {
  const real = async () => {
    const flow = await start(t.app, people.adele.upn, `192.0.2.${Math.floor(Math.random() * 200)}`);
    return { flow, method: 'sms:1', confirm: people.adele.phone };
  };
  const decoy = async () => {
    const flow = await start(t.app, decoyName, `192.0.2.${Math.floor(Math.random() * 200)}`);
    const method = flow.body.methods[0] as { id: string; kind: string };
    return { flow, method: method.id, confirm: method.kind === 'sms' ? '+4520000000' : 'x@y.example' };
  };

  it.each([
    ['real', real],
    ['decoy', decoy],
  ])(
    'cools down per method for 60 s (resend_too_soon with retryAfter) in a %s flow',
    async (_label, make) => {
      await app();
      const { flow, method, confirm } = await make();
      expect((await challenge(t.app, flow, method, confirm)).statusCode).toBe(202);
      const again = await challenge(t.app, flow, method, confirm);
      expect(again.statusCode).toBe(429);
      expect(again.json()).toMatchObject({ code: 'resend_too_soon' });
      expect((again.json() as { retryAfter: number }).retryAfter).toBeGreaterThan(50);
      expect(again.headers['retry-after']).toBeDefined();
      t.clock.advance(61_000);
      expect((await challenge(t.app, flow, method, confirm)).statusCode).toBe(202);
    },
  );

  it('lets another method be challenged at once', async () => {
    await app();
    const flow = await start(t.app, people.adele.upn);
    expect((await challenge(t.app, flow, 'sms:1', people.adele.phone)).statusCode).toBe(202);
    expect((await challenge(t.app, flow, 'email:1', people.adele.email)).statusCode).toBe(202);
  });

  it('caps codes per user per day (too_many_challenges) once the number is confirmed', async () => {
    await app({ codesPerUser: { max: 3, windowSeconds: 86_400 }, resendCooldownSeconds: 0 });
    const { flow, method, confirm } = await real();
    for (let i = 0; i < 3; i++) expect((await challenge(t.app, flow, method, confirm)).statusCode).toBe(202);
    expect(codeOf(await challenge(t.app, flow, method, confirm))).toBe('too_many_challenges');
  });

  it('lets no more than a cap through across a window edge (sliding windows)', async () => {
    await app({ codesPerDestination: { max: 2, windowSeconds: 3600 }, resendCooldownSeconds: 0 });
    // Two codes in the last second of one hour, a third just after the next begins.
    const hour = 3_600_000;
    t.clock.advance(hour - (t.clock.now().getTime() % hour) - 1_000);
    const { flow, method, confirm } = await real();
    for (let i = 0; i < 2; i++) expect((await challenge(t.app, flow, method, confirm)).statusCode).toBe(202);
    t.clock.advance(2_000);
    expect(codeOf(await challenge(t.app, flow, method, confirm))).toBe('too_many_challenges');
    // An hour and a half later the earlier hits weigh little enough for one more (in a new flow:
    // the first one has expired).
    t.clock.advance(1.5 * hour);
    const later = await real();
    expect((await challenge(t.app, later.flow, later.method, later.confirm)).statusCode).toBe(202);
  });

  it('caps codes per destination per hour once the number is confirmed', async () => {
    await app({ codesPerDestination: { max: 2, windowSeconds: 3600 }, resendCooldownSeconds: 0 });
    const { flow, method, confirm } = await real();
    for (let i = 0; i < 2; i++) expect((await challenge(t.app, flow, method, confirm)).statusCode).toBe(202);
    expect(codeOf(await challenge(t.app, flow, method, confirm))).toBe('too_many_challenges');
  });

  it.each([
    ['real', real, '+4520999999'],
    ['decoy', decoy, '+4520000000'],
  ])(
    'spends no code cap and no SMS budget on a wrong number, only the failure budget, in %s flows',
    async (_label, make, wrong) => {
      // Wrong guesses send nothing: they must not use up a person's codes or the tenant's SMS budget
      // (anyone could stop every SMS with made-up names), but they are guesses.
      await app({
        codesPerUser: { max: 1, windowSeconds: 86_400 },
        codesPerDestination: { max: 1, windowSeconds: 3600 },
        smsGlobal: { max: 1, windowSeconds: 3600 },
        failures: { max: 3, windowSeconds: 86_400 },
        resendCooldownSeconds: 0,
      });
      const { flow, method } = await make();
      for (let i = 0; i < 3; i++) expect((await challenge(t.app, flow, method, wrong)).statusCode).toBe(202);
      expect(codeOf(await challenge(t.app, flow, method, wrong))).toBe('attempts_exhausted');
      // The one SMS the budget allows still goes to a person who types their number.
      const lee = await start(t.app, people.lee.upn, '192.0.2.201');
      expect((await challenge(t.app, lee, 'sms:1', people.lee.phone)).statusCode).toBe(202);
    },
  );

  it('keeps a global SMS budget, counted for real and decoy flows alike', async () => {
    await app({ smsGlobal: { max: 2, windowSeconds: 3600 } });
    const a = await start(t.app, people.adele.upn);
    expect((await challenge(t.app, a, 'sms:1', people.adele.phone)).statusCode).toBe(202);
    const b = await start(t.app, people.lee.upn);
    expect((await challenge(t.app, b, 'sms:1', people.lee.phone)).statusCode).toBe(202);
    const c = await start(t.app, people.diego.upn);
    expect(codeOf(await challenge(t.app, c, 'sms:1', people.diego.phone))).toBe('too_many_challenges');
    // E-mail is not SMS: it still goes.
    expect((await challenge(t.app, c, 'email:1', people.diego.email)).statusCode).toBe(202);
  });

  it('never suppresses the reset notification, even with every code cap spent', async () => {
    await app({
      codesPerDestination: { max: 1, windowSeconds: 3600 },
      smsGlobal: { max: 1, windowSeconds: 3600 },
    });
    const flow: Started = await start(t.app, people.adele.upn);
    const sent = (await challenge(t.app, flow, 'sms:1', people.adele.phone)).json() as {
      challengeId: string;
    };
    await t.delivery.worker.drainOnce();
    const code = t.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
    await verify(t.app, flow, sent.challengeId, code);
    expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).statusCode).toBe(200);
    await t.delivery.worker.drainOnce();
    expect(t.delivery.sent.filter((m) => m.template === 'reset').map((m) => m.to)).toContain(
      people.adele.phone,
    );
  });
});

describe('SMS country allow-list', () => {
  it('never offers a number outside the allow-list', async () => {
    await app();
    const directory = scriptedTenant();
    const user = directory.users.find((u) => u.user.userPrincipalName === people.adele.upn);
    if (user) user.context.phoneMethods = [{ id: 'p9', phoneNumber: '+882 1234 5678', phoneType: 'mobile' }];
    await t.close();
    t = await buildTestApp({ directory, config: testConfig({ access: accessConfig() }) });
    const flow = await start(t.app, people.adele.upn);
    expect(flow.body.methods.map((m) => m.kind)).toEqual(['email']);
  });
});
