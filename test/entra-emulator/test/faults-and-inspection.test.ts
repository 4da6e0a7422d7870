import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatedUserSnapshot, RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({ generatedUsers: 250 });
  token = await appToken(emu);
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.faults.clear();
});

const ALEX = '/users/alex.wilber@contoso.example';

describe('fault injection', () => {
  it('delays a matching request', async () => {
    emu.faults.add({ pathPrefix: '/v1.0/users/', fault: { kind: 'latency', ms: 300 }, times: 1 });
    const t0 = Date.now();
    const res = await graph(emu, token, 'GET', ALEX);
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("answers 429 with Retry-After in Graph's envelope, only `times` times", async () => {
    emu.faults.add({
      method: 'GET',
      pathPrefix: '/v1.0/users',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 2 },
      times: 2,
    });
    for (let i = 0; i < 2; i++) {
      const res = await graph<GraphErrorBody>(emu, token, 'GET', ALEX);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(res.body.error.code).toBe('TooManyRequests');
    }
    expect((await graph(emu, token, 'GET', ALEX)).status).toBe(200);
  });

  it("answers 503 on the token endpoint in the identity platform's shape", async () => {
    emu.faults.add({
      pathPrefix: `/${emu.tenantId}/oauth2/v2.0/token`,
      fault: { kind: 'status', status: 503 },
      times: 1,
    });
    const res = await fetch(`${emu.origin}/${emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');
  });

  it('answers 504 after applying a password change', async () => {
    const before = emu.inspectUser('megan.bowen@contoso.example')?.lastPasswordChangeDateTime;
    emu.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status_after_apply', status: 504 },
      times: 1,
    });
    const res = await graph<GraphErrorBody>(emu, token, 'PATCH', '/users/megan.bowen@contoso.example', {
      body: {
        passwordProfile: { password: 'Quiet-Meadow-Lantern-93', forceChangePasswordNextSignIn: false },
      },
    });
    expect(res.status).toBe(504);
    expect(emu.inspectUser('megan.bowen@contoso.example')?.lastPasswordChangeDateTime).not.toBe(before);
  });

  it('drops the connection', async () => {
    emu.faults.add({ pathPrefix: '/v1.0/users/', fault: { kind: 'drop_connection' }, times: 1 });
    await expect(graph(emu, token, 'GET', ALEX)).rejects.toThrow();
    expect((await graph(emu, token, 'GET', ALEX)).status).toBe(200);
  });

  it('answers a 429 inside $batch for an inner request', async () => {
    emu.faults.add({
      pathPrefix: '/v1.0/identityProtection/',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 5 },
      times: 1,
    });
    const res = await graph<{ responses: { id: string; status: number; headers: Record<string, string> }[] }>(
      emu,
      token,
      'POST',
      '/$batch',
      {
        body: {
          requests: [
            { id: '1', method: 'GET', url: '/users/alex.wilber@contoso.example' },
            { id: '2', method: 'GET', url: '/identityProtection/riskyUsers/x' },
          ],
        },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.responses.map((r) => r.status)).toEqual([200, 429]);
    expect(res.body.responses[1]?.headers['Retry-After']).toBe('5');
  });

  it('takes rules from another process through POST /_emulator/faults and refuses bad ones', async () => {
    const add = await fetch(`${emu.origin}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ pathPrefix: '/v1.0/users/', fault: { kind: 'status', status: 503 }, times: 1 }),
    });
    expect(add.status).toBe(204);
    expect((await graph(emu, token, 'GET', ALEX)).status).toBe(503);
    const bad = await fetch(`${emu.origin}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ pathPrefix: '/v1.0/users/', fault: { kind: 'status', status: 500 } }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${emu.origin}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ pathPrefix: '/v1.0/', fault: { kind: 'status', status: 503 } }),
    });
    expect((await fetch(`${emu.origin}/_emulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await graph(emu, token, 'GET', ALEX)).status).toBe(200);
  });
});

describe('counters', () => {
  it('count per route template, readable and resettable over HTTP', async () => {
    emu.resetCounters();
    await graph(emu, token, 'GET', ALEX);
    await graph(emu, token, 'GET', '/users/megan.bowen@contoso.example');
    await graph(emu, token, 'GET', `/users?$filter=${encodeURIComponent("mail eq 'a@b.example'")}`);
    const c = (await (await fetch(`${emu.origin}/_emulator/counters`)).json()) as Record<string, number>;
    expect(c).toEqual({ 'GET /v1.0/users/{id}': 2, 'GET /v1.0/users': 1 });
    expect((await fetch(`${emu.origin}/_emulator/counters/reset`, { method: 'POST' })).status).toBe(204);
    expect(emu.counters()).toEqual({});
  });
});

describe('inspection', () => {
  it('GET /_emulator/users/{upn} returns the whole user with methods, groups and risk', async () => {
    const res = await fetch(
      `${emu.origin}/_emulator/users/${encodeURIComponent('Diego.Siciliani@contoso.example')}`,
    );
    const u = (await res.json()) as EmulatedUserSnapshot;
    expect(u).toMatchObject({
      userPrincipalName: 'diego.siciliani@contoso.example',
      riskState: 'atRisk',
      usageLocation: 'DK',
      phoneMethods: [expect.objectContaining({ phoneNumber: '+45 20123457', phoneType: 'mobile' })],
      emailMethods: [expect.objectContaining({ emailAddress: 'diego.siciliani@mail.example' })],
    });
    expect(u.groups).toEqual(expect.arrayContaining(['Copenhagen Office', 'MyPass Licensed']));
    expect(Date.parse(u.lastPasswordChangeDateTime ?? '')).toBeLessThan(Date.now());
    expect(JSON.stringify(u)).not.toContain('Contoso-Fjord-2026!');
    const byId = await fetch(`${emu.origin}/_emulator/users/${u.id}`);
    expect(((await byId.json()) as EmulatedUserSnapshot).userPrincipalName).toBe(u.userPrincipalName);
    expect((await fetch(`${emu.origin}/_emulator/users/nobody`)).status).toBe(404);
  });

  it('GET /_emulator/users lists everyone', async () => {
    const res = (await (await fetch(`${emu.origin}/_emulator/users`)).json()) as {
      value: EmulatedUserSnapshot[];
    };
    expect(res.value.length).toBe(20 + 250);
    expect(
      res.value.find((u) => u.userPrincipalName === 'patti.fernandez@contoso.example')?.directoryRoles,
    ).toEqual(['Global Administrator']);
  });
});

describe('bench generator', () => {
  it('seeds userNNNNN@contoso.example, licensed, with a mobile method', async () => {
    const u = emu.inspectUser('user00250@contoso.example');
    expect(u?.groups).toContain('MyPass Licensed');
    expect(u?.phoneMethods[0]?.phoneNumber).toMatch(/^\+1 425\d{7}$/);
    const res = await graph<{ value: unknown[] }>(
      emu,
      token,
      'GET',
      `/users?$filter=${encodeURIComponent("userPrincipalName eq 'user00001@contoso.example'")}`,
    );
    expect(res.body.value).toHaveLength(1);
    expect(emu.inspectUser('user00251@contoso.example')).toBeUndefined();
  });
});

describe('loopback only', () => {
  it('refuses to bind anything but 127.0.0.1', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(/127\.0\.0\.1/);
  });
});

describe('fixed ids', () => {
  it('are the ones the README lists', () => {
    expect(emu.tenantId).toBe('317649d5-0ed2-52ef-81bc-9e1748ed4acb');
    expect(emu.apiApp.clientId).toBe('ece8052c-61ed-53a9-b3ae-f6f7ae62ec1f');
    expect(emu.adminApp.clientId).toBe('78690e21-1c27-5c36-ac84-c6034b1998d4');
    expect(emu.groups).toMatchObject({
      'MyPass Licensed': '2164d55f-4293-569e-89b1-b79d200433d1',
      'MyPass Two Methods': '8facd0fc-ea2c-5d3c-bf7d-ec3e70997082',
      'Helpdesk Operators': '490ad30c-c27b-5d7e-aa4e-99e032daa293',
    });
  });
});
