// Graph and token-endpoint failures, through the real msal-node and Graph client, as typed values.
import { DEFAULT_API_APP_ROLES, startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEntraDirectory, type EntraDirectory } from '../../src/directory/entra-directory.js';
import { emulatorDirectoryConfig } from './emulator-config.js';

let emu: RunningEmulator;
const opened: EntraDirectory[] = [];
const ADELE = 'adele.vance@contoso.example';

async function connector(
  overrides: Parameters<typeof emulatorDirectoryConfig>[1] = {},
): Promise<EntraDirectory> {
  const created = await createEntraDirectory(emulatorDirectoryConfig(emu, overrides));
  if (!created.ok) throw new Error(`connector: ${created.code}`);
  opened.push(created.value);
  return created.value;
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  emu.faults.clear();
  await Promise.all(opened.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await emu.close();
});

describe('Graph faults', () => {
  it('waits out a 429 with Retry-After, then succeeds', async () => {
    const directory = await connector();
    expect(await directory.isReady()).toBe(true);
    emu.faults.add({
      method: 'GET',
      pathPrefix: '/v1.0/users',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 1 },
      times: 1,
    });
    emu.resetCounters();
    const started = Date.now();
    const r = await directory.lookupUser(ADELE);
    expect(r.ok && r.value.kind).toBe('found');
    expect(emu.counters()['GET /v1.0/users']).toBe(2);
    // Retry-After was honoured, not ignored.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives up on 503 at the time cap with directory_unavailable and the Retry-After', async () => {
    const directory = await connector({ timeouts: { callMs: 1_000, operationMs: 2_500 } });
    expect(await directory.isReady()).toBe(true);
    emu.faults.add({
      method: 'GET',
      pathPrefix: '/v1.0/users',
      fault: { kind: 'status', status: 503, retryAfterSeconds: 1 },
    });
    emu.resetCounters();
    const started = Date.now();
    const r = await directory.lookupUser(ADELE);
    expect(r).toEqual({
      ok: false,
      code: 'directory_unavailable',
      upstreamCode: 'serviceNotAvailable',
      retryAfter: 1,
    });
    expect(Date.now() - started).toBeLessThan(2_500 + 500);
    expect(emu.counters()['GET /v1.0/users']).toBeGreaterThanOrEqual(2);
  });

  it('answers directory_unavailable when the connection is dropped', async () => {
    const directory = await connector();
    expect(await directory.isReady()).toBe(true);
    emu.faults.add({ method: 'GET', pathPrefix: '/v1.0/users', fault: { kind: 'drop_connection' } });
    expect(await directory.lookupUser(ADELE)).toMatchObject({ ok: false, code: 'directory_unavailable' });
  });

  it('times out a call that does not answer in time', async () => {
    const directory = await connector({ timeouts: { callMs: 300, operationMs: 1_000 } });
    expect(await directory.isReady()).toBe(true);
    emu.faults.add({ method: 'GET', pathPrefix: '/v1.0/users', fault: { kind: 'latency', ms: 3_000 } });
    const started = Date.now();
    expect(await directory.lookupUser(ADELE)).toMatchObject({ ok: false, code: 'directory_unavailable' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('ends a call in flight when the operation reaches its time cap, before the call’s own timeout', async () => {
    const directory = await connector({ timeouts: { callMs: 5_000, operationMs: 800 } });
    expect(await directory.isReady()).toBe(true);
    emu.faults.add({ method: 'GET', pathPrefix: '/v1.0/users', fault: { kind: 'latency', ms: 4_000 } });
    const started = Date.now();
    expect(await directory.lookupUser(ADELE)).toMatchObject({ ok: false, code: 'directory_unavailable' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('answers permission_denied when the app lacks the permission (403)', async () => {
    emu.setApiAppRoles(['User.Read.All', 'GroupMember.Read.All']);
    try {
      const directory = await connector();
      const found = await directory.lookupUser(ADELE);
      if (!found.ok || found.value.kind !== 'found') throw new Error('adele not found');
      expect(await directory.getUserContext(found.value.user.id, [])).toEqual({
        ok: false,
        code: 'permission_denied',
        upstreamCode: 'Authorization_RequestDenied',
      });
      expect(await directory.resetPassword(found.value.user.id, 'Quiet-Harbour-9912!')).toMatchObject({
        ok: false,
        code: 'permission_denied',
      });
    } finally {
      emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
    }
  });

  it('answers not_found for a user that does not exist (404)', async () => {
    const directory = await connector();
    expect(await directory.revokeSignInSessions('00000000-0000-4000-8000-000000000000')).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });
});

describe('$batch', () => {
  it('re-sends a throttled request inside the batch after its Retry-After, alone', async () => {
    const directory = await connector();
    const found = await directory.lookupUser(ADELE);
    if (!found.ok || found.value.kind !== 'found') throw new Error('adele not found');
    emu.faults.add({
      method: 'GET',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 1 },
      times: 1,
    });
    emu.resetCounters();
    const r = await directory.getUserContext(found.value.user.id, []);
    expect(r.ok && r.value.phoneMethods.length).toBe(1);
    expect(emu.counters()['POST /v1.0/$batch']).toBe(2);
  });

  it('treats unreadable risk and PIM eligibility (403) as none, and logs it', async () => {
    emu.setApiAppRoles(['User.Read.All', 'GroupMember.Read.All', 'UserAuthenticationMethod.Read.All']);
    try {
      const warnings: Record<string, unknown>[] = [];
      const created = await createEntraDirectory(emulatorDirectoryConfig(emu), {
        warn: (details) => warnings.push(details),
      });
      if (!created.ok) throw new Error(created.code);
      opened.push(created.value);
      const found = await created.value.lookupUser('diego.siciliani@contoso.example');
      if (!found.ok || found.value.kind !== 'found') throw new Error('diego not found');
      const r = await created.value.getUserContext(found.value.user.id, []);
      expect(r.ok && r.value.riskState).toBe('none');
      expect(warnings).toEqual([
        { status: 403, read: 'roleEligibilitySchedules' },
        { status: 403, read: 'riskyUsers' },
      ]);
    } finally {
      emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
    }
  });
});

describe('token endpoint faults', () => {
  it('maps a 503 from the token endpoint to directory_unavailable, and the throttle after it too', async () => {
    const directory = await connector();
    emu.faults.add({
      pathPrefix: `/${emu.tenantId}/oauth2/v2.0/token`,
      fault: { kind: 'status', status: 503, retryAfterSeconds: 30 },
      times: 1,
    });
    expect(await directory.isReady()).toBe(false);
    expect(await directory.lookupUser(ADELE)).toMatchObject({
      ok: false,
      code: 'directory_unavailable',
      retryAfter: expect.any(Number),
    });
  });

  it("reports msal's local throttle on the password grant as directory_unavailable with retryAfter", async () => {
    const directory = await connector();
    emu.faults.add({
      pathPrefix: `/${emu.tenantId}/oauth2/v2.0/token`,
      fault: { kind: 'status', status: 429, retryAfterSeconds: 20 },
      times: 1,
    });
    const first = await directory.checkPassword('alex.wilber@contoso.example', 'wrong-password');
    expect(first).toMatchObject({ ok: false, code: 'directory_unavailable' });
    // Another person, same app instance: msal refuses locally without asking the server.
    emu.resetCounters();
    const second = await directory.checkPassword('lee.gu@contoso.example', 'wrong-password');
    expect(second).toMatchObject({
      ok: false,
      code: 'directory_unavailable',
      retryAfter: expect.any(Number),
    });
    expect(second.ok === false && (second.retryAfter ?? 0) <= 20).toBe(true);
  });
});
