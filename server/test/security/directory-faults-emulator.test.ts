// CVE-2018-12421 against the real connector: each Graph and token call of a reset fails in turn (the
// emulator's fault injection) and nothing completes; hostile names neither fail nor widen a look-up (T6).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type FaultKind, type RunningEmulator } from '@mypass/entra-emulator';
import { createEntraDirectory, type EntraDirectory } from '../../src/directory/entra-directory.js';
import { emulatorDirectoryConfig } from '../directory/emulator-config.js';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { call, challenge, setPassword, start, verify } from '../app/flow-driver.js';
import { captured } from '../app/captured-output.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let emu: RunningEmulator;
let t: TestApp | undefined;
let directory: EntraDirectory | undefined;

beforeAll(async () => {
  emu = await startEmulator();
  captured.secrets.add(emu.apiApp.clientSecret);
}, 60_000);
afterEach(async () => {
  emu.faults.clear();
  await t?.close();
  await directory?.close();
  t = undefined;
  directory = undefined;
});
afterAll(async () => {
  await emu.close();
  expectNoSecretsCaptured([emu.apiApp.clientSecret]);
});

async function freshApp(): Promise<TestApp> {
  const connector = await createEntraDirectory(
    emulatorDirectoryConfig(emu, { timeouts: { callMs: 1_000, operationMs: 2_500 } }),
  );
  if (!connector.ok) throw new Error(connector.code);
  directory = connector.value;
  t = await buildTestApp({
    directory,
    config: testConfig({ access: { licensedGroups: [emu.groups['MyPass Licensed'] ?? ''] } }),
  });
  return t;
}

const upn = 'adele.vance@contoso.example';
const faults: [string, FaultKind][] = [
  ['503', { kind: 'status', status: 503, retryAfterSeconds: 1 }],
  ['429', { kind: 'status', status: 429, retryAfterSeconds: 1 }],
  ['a dropped connection', { kind: 'drop_connection' }],
];

describe('every directory call failing leaves the flow unfinished', () => {
  const startSteps: [string, string | undefined, () => string][] = [
    ['the token request', 'POST', () => `/${emu.tenantId}/oauth2/v2.0/token`],
    ['the user look-up', 'GET', () => '/v1.0/users'],
    ['the per-user $batch', 'POST', () => '/v1.0/$batch'],
  ];
  for (const [step, method, path] of startSteps) {
    it.each(faults)(`${step} answering %s: no flow starts`, async (_label, fault) => {
      const app = await freshApp();
      emu.faults.add({ ...(method ? { method } : {}), pathPrefix: path(), fault });
      const res = await start(app.app, upn);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'directory_unavailable' });
      expect(await app.store.audit.list({ event: 'started' })).toEqual([]);
    });
  }

  it.each(faults)(
    'the password change answering %s: not completed, the flow stays verified',
    async (_label, fault) => {
      const app = await freshApp();
      const flow = await start(app.app, upn);
      const sent = (await challenge(app.app, flow, 'sms:1', '+4520123456')).json() as { challengeId: string };
      await app.delivery.worker.drainOnce();
      const code = app.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
      expect((await verify(app.app, flow, sent.challengeId, code)).statusCode).toBe(200);
      const before = emu.inspectUser(upn)?.lastPasswordChangeDateTime;
      emu.faults.add({ method: 'PATCH', pathPrefix: '/v1.0/users/', fault });
      const res = await setPassword(app.app, flow, 'Zebra-Lantern-Quiet-42');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'directory_unavailable' });
      expect(emu.inspectUser(upn)?.lastPasswordChangeDateTime).toBe(before);
      expect((await call(app.app, flow, 'GET', '')).json()).toMatchObject({ state: 'verified' });
      expect(await app.store.audit.list({ event: 'completed' })).toEqual([]);
      await app.delivery.worker.drainOnce();
      expect(app.delivery.sent.filter((m) => m.template === 'reset')).toEqual([]);
    },
  );
});

describe('an ambiguous password change', () => {
  it('a 504 after the change was applied is resolved by re-reading it: completed, once', async () => {
    const app = await freshApp();
    const flow = await start(app.app, upn);
    const sent = (await challenge(app.app, flow, 'sms:1', '+4520123456')).json() as { challengeId: string };
    await app.delivery.worker.drainOnce();
    const code = app.delivery.sent.find((m) => m.challengeId === sent.challengeId)?.code ?? '';
    await verify(app.app, flow, sent.challengeId, code);
    const before = emu.inspectUser(upn)?.lastPasswordChangeDateTime;
    emu.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status_after_apply', status: 504 },
      times: 1,
    });
    const res = await setPassword(app.app, flow, 'Zebra-Lantern-Quiet-42');
    expect(res.statusCode).toBe(200);
    expect(emu.inspectUser(upn)?.lastPasswordChangeDateTime).not.toBe(before);
    expect(await app.store.audit.list({ event: 'completed' })).toHaveLength(1);
  });
});

describe('hostile names (T6)', () => {
  it("finds o'brien@contoso.example exactly", async () => {
    const app = await freshApp();
    const flow = await start(app.app, "o'brien@contoso.example");
    expect(flow.status).toBe(201);
    expect(await app.store.audit.list({ event: 'refused' })).toEqual([]);
  });

  it.each([
    "x' or 1 eq 1",
    "' or userPrincipalName ne '",
    "adele.vance@contoso.example' or '1' eq '1",
    '*',
    '%27 or 1 eq 1',
  ])('%s neither fails nor widens the look-up', async (name) => {
    const app = await freshApp();
    const flow = await start(app.app, name);
    expect(flow.status).toBe(201);
    const refused = await app.store.audit.list({ event: 'refused' });
    expect(refused.map((r) => r.detail['reason'])).toEqual(['not_found']);
  });
});
