// T2: real and decoy flows take the same time at every padded step. A statistical check (medians
// over a few dozen requests, a tolerance well above scheduler noise), not a performance test: the
// scripted directory answers each call after 25 ms, like a fast Graph, so without the timing floor a
// real start (look-up + user context) is 25 ms slower than an unknown name (look-up only).
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { challenge, start, verify } from '../app/flow-driver.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

const rounds = 24;
const toleranceMs = 12;
const floors = { start: 150, challenge: 60, verification: 60 };
const raised = {
  startsPerName: { max: 10_000, windowSeconds: 900 },
  startsPerUser: { max: 10_000, windowSeconds: 900 },
  startsPerAddress: { max: 10_000, windowSeconds: 900 },
  codesPerUser: { max: 10_000, windowSeconds: 86_400 },
  codesPerDestination: { max: 10_000, windowSeconds: 3600 },
  failures: { max: 10_000, windowSeconds: 86_400 },
  resendCooldownSeconds: 0,
};

let t: TestApp;
beforeEach(async () => {
  const directory = scriptedTenant();
  directory.latencyMs = 25;
  t = await buildTestApp({
    directory,
    config: testConfig({ access: accessConfig(), limits: raised, flows: { timingFloorMs: floors } }),
  });
});
afterEach(async () => t.close());
afterAll(() => expectNoSecretsCaptured());

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

describe('timing', () => {
  it('starts for real users and for every kind of decoy answer after the same time', async () => {
    const real: number[] = [];
    const unknown: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < rounds; i++) {
      real.push((await timed(() => start(t.app, people.adele.upn)))[0]);
      unknown.push((await timed(() => start(t.app, `nobody.${i}@contoso.example`)))[0]);
      refused.push((await timed(() => start(t.app, 'disabled.user@contoso.example')))[0]);
    }
    expect(median(real)).toBeGreaterThanOrEqual(floors.start);
    expect(Math.abs(median(real) - median(unknown))).toBeLessThan(toleranceMs);
    expect(Math.abs(median(real) - median(refused))).toBeLessThan(toleranceMs);
  });

  it('answers challenges and wrong codes after the same time for real and decoy flows', async () => {
    const realFlow = await start(t.app, people.adele.upn);
    const decoyFlow = await start(t.app, 'nobody.here@contoso.example');
    const decoyMethod = decoyFlow.body.methods[0]?.id ?? '';
    const times = {
      realChallenge: [] as number[],
      decoyChallenge: [] as number[],
      realVerify: [] as number[],
      decoyVerify: [] as number[],
    };
    for (let i = 0; i < rounds; i++) {
      const [rc, r] = await timed(() => challenge(t.app, realFlow, 'sms:1', people.adele.phone));
      const [dc, d] = await timed(() => challenge(t.app, decoyFlow, decoyMethod, '+4520123478'));
      times.realChallenge.push(rc);
      times.decoyChallenge.push(dc);
      // One wrong code per challenge keeps both flows alive (5 per flow would end them).
      if (i < 4) {
        times.realVerify.push(
          (
            await timed(() =>
              verify(t.app, realFlow, (r.json() as { challengeId: string }).challengeId, '000000'),
            )
          )[0],
        );
        times.decoyVerify.push(
          (
            await timed(() =>
              verify(t.app, decoyFlow, (d.json() as { challengeId: string }).challengeId, '000000'),
            )
          )[0],
        );
      }
    }
    expect(Math.abs(median(times.realChallenge) - median(times.decoyChallenge))).toBeLessThan(toleranceMs);
    expect(Math.abs(median(times.realVerify) - median(times.decoyVerify))).toBeLessThan(toleranceMs);
    expect(median(times.realVerify)).toBeGreaterThanOrEqual(floors.verification);
  });
});
