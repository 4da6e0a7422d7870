// T2, T9: every user MyPass will not reset gets a flow that looks and behaves like a real one.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, decoyNames, people, scriptedTenant } from '../app/scripted-tenant.js';
import { call, challenge, start, verify } from '../app/flow-driver.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ directory: scriptedTenant(), config: testConfig({ access: accessConfig() }) });
});
afterEach(async () => t.close());
afterAll(() => expectNoSecretsCaptured());

const smsHint = /^\+\d{1,3}( [•\d]+)+$/;
const emailHint = /^[^•@\s]•••@[^•@\s]•••\.[a-z]{2,63}$/;

function shape(body: Record<string, unknown>) {
  return {
    keys: Object.keys(body).sort(),
    methods: (body['methods'] as { id: string; kind: string; hint: string }[]).map((m) => ({
      id: m.id,
      kind: m.kind,
      hintForm: m.kind === 'sms' ? smsHint.test(m.hint) : emailHint.test(m.hint),
    })),
  };
}

describe('decoy flows', () => {
  it.each(decoyNames)(
    '$reason ($name) gets the same 201 shape as a real user, and the audit says why',
    async ({ name, reason }) => {
      const real = await start(t.app, people.adele.upn);
      const decoy = await start(t.app, name);
      expect(decoy.status).toBe(real.status);
      expect(shape(decoy.body).keys).toEqual(shape(real.body).keys);
      for (const method of shape(decoy.body).methods) {
        // Like real lists, some show a second of a kind (an alternate mobile, an enrollment).
        expect(method.id).toMatch(/^(sms|email):[12]$/);
        expect(method.hintForm).toBe(true);
      }
      const audit = await t.store.audit.list({ flowId: decoy.flowId, event: 'refused' });
      expect(audit.map((a) => a.detail['reason'])).toEqual([reason]);
    },
  );

  it('shows the same methods for the same name, however it is typed, and different ones for other names', async () => {
    const a = await start(t.app, 'Nobody.Here@contoso.example');
    const b = await start(t.app, '  nobody.here@CONTOSO.example ');
    expect(b.body.methods).toEqual(a.body.methods);
    const hints = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const other = await start(t.app, `someone.${i}@contoso.example`, `192.0.2.${50 + i}`);
      hints.add(JSON.stringify(other.body.methods));
    }
    expect(hints.size).toBeGreaterThan(3);
  });

  it('answers a name typed in a variant the directory would not match like the name itself', async () => {
    // NFKC folds full-width letters and ß into what the limits and decoys key on; the directory must be
    // asked for that same form, or the variant of a real name (a per-name decoy) and the name itself
    // (its real methods) would differ where an unknown name's two spellings do not.
    const fullWidth = (name: string) => `${String.fromCharCode(name.charCodeAt(0) + 0xfee0)}${name.slice(1)}`;
    for (const [name, ip] of [
      [people.adele.upn, 10],
      ['megan.admin@contoso.example', 20],
      ['nobody.here@contoso.example', 30],
    ] as const) {
      const plain = await start(t.app, name, `192.0.2.${ip}`);
      const variant = await start(t.app, fullWidth(name), `192.0.2.${ip + 1}`);
      expect(variant.body.methods).toEqual(plain.body.methods);
    }
  });

  it('shows a refused user the same decoy under each of their names, like a real user', async () => {
    const byUpn = await start(t.app, 'megan.admin@contoso.example');
    const byEmployeeId = await start(t.app, 'E9001');
    expect(byEmployeeId.body.methods).toEqual(byUpn.body.methods);
    const realByUpn = await start(t.app, people.adele.upn);
    const realById = await start(t.app, 'E1001');
    expect(realById.body.methods).toEqual(realByUpn.body.methods);
  });

  it('never delivers a code, even when the typed number is anything at all', async () => {
    const decoy = await start(t.app, 'nobody.here@contoso.example');
    for (const method of decoy.body.methods) {
      const res = await challenge(
        t.app,
        decoy,
        method.id,
        method.kind === 'sms' ? '+4520123478' : 'someone@gmail.com',
      );
      expect(res.statusCode).toBe(202);
      expect(Object.keys(res.json() as object).sort()).toEqual([
        'challengeId',
        'codeLength',
        'expiresAt',
        'method',
        'resendAfter',
      ]);
    }
    await t.delivery.worker.drainOnce();
    expect(t.delivery.sent).toEqual([]);
    expect(await t.store.outbox.list()).toEqual([]);
  });

  it('answers wrong codes exactly like a real flow, attemptsLeft included, and never verifies', async () => {
    const real = await start(t.app, people.alex.upn);
    const decoy = await start(t.app, 'unlicensed.user@contoso.example');
    const realChallenge = (await challenge(t.app, real, 'email:1', people.alex.email)).json() as {
      challengeId: string;
    };
    const decoyMethod = decoy.body.methods[0]?.id ?? '';
    const decoyChallenge = (await challenge(t.app, decoy, decoyMethod, 'x@y.example')).json() as {
      challengeId: string;
    };
    for (let i = 0; i < 5; i++) {
      const r = await verify(t.app, real, realChallenge.challengeId, '000000');
      const d = await verify(t.app, decoy, decoyChallenge.challengeId, '000000');
      expect(d.statusCode).toBe(r.statusCode);
      expect(d.json()).toEqual(r.json());
    }
    expect((await call(t.app, decoy, 'GET', '')).json()).toMatchObject({ code: 'attempts_exhausted' });
  });

  it('shows a decoy challenge as sent after a while, like a delivered one', async () => {
    const decoy = await start(t.app, 'nobody.here@contoso.example');
    await challenge(t.app, decoy, decoy.body.methods[0]?.id ?? '', '+4520000000');
    const before = (await call(t.app, decoy, 'GET', '')).json() as { challenges: { status: string }[] };
    expect(before.challenges.map((c) => c.status)).toEqual(['queued']);
    t.clock.advance(5_000);
    const after = (await call(t.app, decoy, 'GET', '')).json() as { challenges: { status: string }[] };
    expect(after.challenges.map((c) => c.status)).toEqual(['sent']);
  });

  it('shows a delivered challenge as queued for as long as an undelivered one, whatever the gateway took', async () => {
    // The moment a status turns "sent" must not tell a real gateway's timing from the simulated one.
    const real = await start(t.app, people.adele.upn, '192.0.2.40');
    const sent = (await challenge(t.app, real, 'sms:1', people.adele.phone)).json() as {
      challengeId: string;
    };
    await t.delivery.worker.drainOnce();
    expect(t.delivery.sent.some((m) => m.challengeId === sent.challengeId)).toBe(true);
    const statuses = async () =>
      ((await call(t.app, real, 'GET', '')).json() as { challenges: { status: string }[] }).challenges.map(
        (c) => c.status,
      );
    expect(await statuses()).toEqual(['queued']);
    t.clock.advance(1_100); // below 80 % of the 1500 ms default
    expect(await statuses()).toEqual(['queued']);
    t.clock.advance(900); // past 120 %
    expect(await statuses()).toEqual(['sent']);
  });
});
