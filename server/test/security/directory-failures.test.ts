// CVE-2018-12421: every directory call that fails leaves the flow unfinished, and the answer says
// directory_unavailable (503, retryAfter) without details.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, people, scriptedTenant } from '../app/scripted-tenant.js';
import { call, challenge, setPassword, start, verify } from '../app/flow-driver.js';
import type { ScriptedDirectory } from '../app/scripted-directory.js';
import type { DirectoryFailureCode } from '../../src/directory/directory.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let t: TestApp;
let directory: ScriptedDirectory;
beforeEach(async () => {
  directory = scriptedTenant();
  t = await buildTestApp({ directory, config: testConfig({ access: accessConfig() }) });
});
afterEach(async () => t.close());
afterAll(() => expectNoSecretsCaptured());

const failures: DirectoryFailureCode[] = [
  'directory_unavailable',
  'permission_denied',
  'not_found',
  'configuration_error',
];

async function verifiedFlow() {
  const flow = await start(t.app, people.adele.upn);
  const sent = (await challenge(t.app, flow, 'sms:1', people.adele.phone)).json() as { challengeId: string };
  await t.delivery.worker.drainOnce();
  const code = t.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
  await verify(t.app, flow, sent.challengeId, code);
  return flow;
}

describe('directory failures', () => {
  it.each(failures)('a look-up failing with %s starts no flow', async (code) => {
    directory.faults.set('lookupUser', { ok: false, code, retryAfter: 7 });
    const res = await start(t.app, people.adele.upn);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'directory_unavailable', retryAfter: 7 });
    expect(await t.store.audit.list({ event: 'started' })).toEqual([]);
  });

  it.each(failures)('the user-context read failing with %s starts no flow', async (code) => {
    directory.faults.set('getUserContext', { ok: false, code });
    const res = await start(t.app, people.adele.upn);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'directory_unavailable' });
  });

  it('asks the directory the same for an unknown name as for a user, so slow Graph answers cannot tell them apart', async () => {
    // An existing user costs the look-up and the per-user reads; without the second round trip for
    // unknown names, a start for one would end sooner than the floor hides once Graph is slow (T2).
    const kinds = async (name: string) => {
      const from = directory.calls.length;
      expect((await start(t.app, name, `192.0.2.${directory.calls.length}`)).status).toBe(201);
      return directory.calls.slice(from).map((c) => c.call);
    };
    const real = await kinds(people.adele.upn);
    expect(real).toEqual(['lookupUser', 'getUserContext']);
    expect(await kinds('nobody.here@contoso.example')).toEqual(real);
    expect(await kinds('megan.admin@contoso.example')).toEqual(real);
  });

  it.each(failures.filter((code) => code !== 'not_found'))(
    'the user-context read failing with %s fails an unknown name as it fails a user',
    async (code) => {
      directory.faults.set('getUserContext', { ok: false, code, retryAfter: 4 });
      for (const name of [people.adele.upn, 'nobody.here@contoso.example']) {
        const res = await start(t.app, name);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'directory_unavailable', retryAfter: 4 });
      }
    },
  );

  it.each(failures)(
    'the password change failing with %s completes nothing and the flow stays verified',
    async (code) => {
      const flow = await verifiedFlow();
      directory.faults.set('resetPassword', { ok: false, code, upstreamCode: 'ServiceUnavailable' });
      const res = await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'directory_unavailable' });
      expect((res.json() as { retryAfter: number }).retryAfter).toBeGreaterThan(0);
      expect((await call(t.app, flow, 'GET', '')).json()).toMatchObject({ state: 'verified' });
      expect(await t.store.audit.list({ event: 'completed' })).toEqual([]);
      await t.delivery.worker.drainOnce();
      expect(t.delivery.sent.filter((m) => m.template === 'reset')).toEqual([]);
      // Once the directory is back, the same flow finishes.
      directory.faults.clear();
      expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).statusCode).toBe(200);
    },
  );

  it('a failed follow-up (risk dismissal, session revocation) is audited and the reset stands', async () => {
    directory.faults.set('revokeSignInSessions', { ok: false, code: 'permission_denied' });
    const flow = await verifiedFlow();
    expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).statusCode).toBe(200);
    const failed = await t.store.audit.list({ event: 'directory_failed' });
    expect(failed.map((f) => f.detail['detail'])).toEqual(['revoke_sessions']);
  });
});
