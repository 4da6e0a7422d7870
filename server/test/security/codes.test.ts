// T1, T3, T5: confirmation before sending, code properties, attempts, budgets and the verified window.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { call, challenge, setPassword, start, verify, type Started } from '../app/flow-driver.js';
import { captured } from '../app/captured-output.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ directory: scriptedTenant(), config: testConfig({ access: accessConfig() }) });
});
afterEach(async () => t.close());
afterAll(() => expectNoSecretsCaptured());

async function sendCode(flow: Started, method = 'sms:1', confirm: string = people.adele.phone) {
  const res = await challenge(t.app, flow, method, confirm);
  expect(res.statusCode).toBe(202);
  const { challengeId } = res.json() as { challengeId: string };
  await t.delivery.worker.drainOnce();
  return { challengeId, code: t.delivery.sent.find((m) => m.challengeId === challengeId)?.code };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('confirmation before sending', () => {
  it('sends nothing when the typed number does not match, answers 202 all the same, and spends the budget', async () => {
    const flow = await start(t.app, people.adele.upn);
    for (const typed of ['+4520123477', 'not a number', '+1 555 0100', '20123478 ']) {
      const res = await challenge(t.app, flow, typed === '20123478 ' ? 'email:1' : 'sms:1', typed);
      expect(res.statusCode).toBe(202);
      t.clock.advance(61_000);
    }
    await t.delivery.worker.drainOnce();
    expect(t.delivery.sent).toEqual([]);
    const failures = await t.store.audit.list({ flowId: flow.flowId, event: 'confirmation_failed' });
    expect(failures).toHaveLength(4);
  });

  it('accepts the number in national or international form and the address in any case', async () => {
    const flow = await start(t.app, people.adele.upn);
    expect((await sendCode(flow, 'sms:1', '20 12 34 78')).code).toMatch(/^\d{6}$/);
    expect((await sendCode(flow, 'email:1', ' Adele.Private@GMAIL.com ')).code).toMatch(/^\d{6}$/);
  });
});

describe('codes', () => {
  it('are 6 digits, single use and bound to their flow and method', async () => {
    const a = await start(t.app, people.adele.upn);
    const { challengeId, code } = await sendCode(a);
    expect(code).toMatch(/^\d{6}$/);
    // Another flow of the same user cannot use flow A's challenge and code (LTB #520, PWM #556).
    const b = await start(t.app, people.adele.upn);
    expect((await verify(t.app, b, challengeId, code ?? '')).json()).toMatchObject({ code: 'code_invalid' });
    expect((await verify(t.app, a, challengeId, code ?? '')).statusCode).toBe(200);
  });

  it('works once only', async () => {
    const flow = await start(t.app, people.lee.upn);
    const { challengeId, code } = await sendCode(flow, 'sms:1', people.lee.phone);
    expect((await verify(t.app, flow, challengeId, code ?? '')).statusCode).toBe(200);
    const again = await verify(t.app, flow, challengeId, code ?? '');
    expect(again.statusCode).toBe(400);
  });

  it('expires after 10 minutes', async () => {
    const flow = await start(t.app, people.adele.upn);
    const { challengeId, code } = await sendCode(flow);
    t.clock.advance(10 * 60_000 + 1_000);
    expect((await verify(t.app, flow, challengeId, code ?? '')).json()).toMatchObject({
      code: 'code_expired',
    });
  });

  it('come from a CSPRNG with every digit used', async () => {
    const digits = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const flow = await start(t.app, people.adele.upn, `192.0.2.${i}`);
      t.clock.advance(61_000);
      for (const ch of (await sendCode(flow)).code ?? '') digits.add(ch);
      await call(t.app, flow, 'DELETE', '');
      t.clock.advance(15 * 60_000);
    }
    expect(digits.size).toBeGreaterThanOrEqual(8);
  });
});

describe('attempts', () => {
  it('kills the flow after 5 wrong codes, and every later request answers attempts_exhausted', async () => {
    const flow = await start(t.app, people.adele.upn);
    const { challengeId, code } = await sendCode(flow);
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push((await verify(t.app, flow, challengeId, wrong(code ?? ''))).json());
    expect(answers.slice(0, 4).map((a) => (a as { attemptsLeft: number }).attemptsLeft)).toEqual([
      4, 3, 2, 1,
    ]);
    expect(answers[4]).toMatchObject({ status: 403, code: 'attempts_exhausted' });
    expect((await verify(t.app, flow, challengeId, code ?? '')).json()).toMatchObject({
      code: 'attempts_exhausted',
    });
    for (const res of [
      await call(t.app, flow, 'GET', ''),
      await challenge(t.app, flow, 'email:1', people.adele.email),
      await call(t.app, flow, 'GET', '/password-policy'),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'attempts_exhausted' });
    }
  });

  it('counts exactly 5 when 50 wrong codes arrive at once over a real socket', async () => {
    const flow = await start(t.app, people.adele.upn);
    const { challengeId, code } = await sendCode(flow);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${address}/api/v1/flows/${flow.flowId}/verifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${flow.flowToken}` },
          body: JSON.stringify({ challengeId, code: wrong(code ?? '') }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code: string } })),
      ),
    );
    const invalid = answers.filter((a) => a.body.code === 'code_invalid').length;
    const exhausted = answers.filter((a) => a.body.code === 'attempts_exhausted').length;
    expect(invalid + exhausted).toBe(50);
    expect(invalid).toBe(4);
    const failures = await t.store.audit.list({ flowId: flow.flowId, event: 'verification_failed' });
    expect(failures).toHaveLength(5);
    expect((await t.store.flows.get(flow.flowId))?.attemptsUsed).toBe(5);
  });

  it('spends a failure budget per name and per user across flows: new flows bring no new guesses', async () => {
    let guesses = 0;
    let ended = false;
    for (let round = 0; round < 4 && !ended; round++) {
      const flow = await start(t.app, round % 2 ? people.adele.upn : 'E1001', `192.0.2.${round}`);
      if (flow.status === 429) {
        ended = true;
        break;
      }
      const { challengeId, code } = await sendCode(flow);
      t.clock.advance(61_000);
      for (let i = 0; i < 5; i++) {
        const res = await verify(t.app, flow, challengeId, wrong(code ?? ''));
        if ((res.json() as { code: string }).code === 'code_invalid' || i === 4) guesses++;
        if (res.statusCode === 403) break;
      }
    }
    // 10 per 24 h for the person, whichever name (UPN or employee ID) was typed.
    expect(guesses).toBeLessThanOrEqual(10);
    const next = await start(t.app, people.adele.upn, '192.0.2.99');
    expect(next.status).toBe(429);
    expect(next.body).toMatchObject({ code: 'rate_limited' });
  });
});

describe('the verified window', () => {
  it('lasts 5 minutes, then finishing answers flow_not_verified', async () => {
    const flow = await start(t.app, people.adele.upn);
    const { challengeId, code } = await sendCode(flow);
    await verify(t.app, flow, challengeId, code ?? '');
    t.clock.advance(5 * 60_000 + 1_000);
    const late = await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse');
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'flow_not_verified' });
  });

  it('a password cannot be set before verification', async () => {
    const flow = await start(t.app, people.adele.upn);
    expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).json()).toMatchObject({
      code: 'flow_not_verified',
    });
  });
});

describe('the flow token', () => {
  it('answers flow_not_found alike for unknown ids, malformed ids, wrong and missing tokens and expired flows', async () => {
    const flow = await start(t.app, people.adele.upn);
    captured.secrets.add(flow.flowToken);
    const variants = [
      { flowId: 'f_doesnotexist', flowToken: flow.flowToken },
      { flowId: "f_'; drop table flows;--", flowToken: flow.flowToken },
      { flowId: flow.flowId, flowToken: 'A'.repeat(43) },
      { flowId: `f_${'A'.repeat(500)}`, flowToken: flow.flowToken },
      { flowId: flow.flowId, flowToken: '' },
    ];
    const answers = [];
    for (const v of variants) answers.push(await call(t.app, v, 'GET', ''));
    answers.push(await t.app.inject({ method: 'GET', url: `/api/v1/flows/${flow.flowId}` }));
    answers.push(
      await t.app.inject({ method: 'GET', url: `/api/v1/flows/${flow.flowId}?token=${flow.flowToken}` }),
    );
    t.clock.advance(16 * 60_000);
    answers.push(await call(t.app, flow, 'GET', ''));
    for (const res of answers) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(answers[0]?.json());
    }
  });
});
