import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, tokenRequest, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator();
  token = await appToken(emu);
});
afterAll(async () => {
  await emu.close();
});

const COMPLEXITY =
  'The specified password does not comply with password complexity requirements. Please provide a different password.';

function setPassword(user: string, password: string): ReturnType<typeof graph<GraphErrorBody>> {
  return graph<GraphErrorBody>(emu, token, 'PATCH', `/users/${encodeURIComponent(user)}`, {
    body: { passwordProfile: { password, forceChangePasswordNextSignIn: false } },
  });
}

describe('PATCH passwordProfile', () => {
  it.each([
    ['too short', 'Ab1!xyz'],
    ['too long', `Aa1!${'x'.repeat(253)}`],
    ['two classes only', 'lowercase-only-words'],
    ['part of the user name', 'Wilber-Rides-77!'],
    ['banned list', 'Password1!'],
    ['banned list with a number tail', 'Welcome123!'],
    ['banned list, leetspeak', 'P@ssw0rd-1'],
    ['characters Entra refuses', 'Grüße-Aus-Köln-42'],
  ])('refuses a password that is %s with 400 Request_BadRequest', async (_why, password) => {
    const res = await setPassword('alex.wilber@contoso.example', password);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'Request_BadRequest', message: COMPLEXITY });
  });

  it('sets a good password: 204, lastPasswordChangeDateTime moves, and the password grant accepts it', async () => {
    const before = emu.inspectUser('alex.wilber@contoso.example')?.lastPasswordChangeDateTime ?? '';
    const started = Date.now() - 1000;
    const res = await setPassword('alex.wilber@contoso.example', 'Blue-Harbour-Lantern-42');
    expect(res.status).toBe(204);
    const after = emu.inspectUser('alex.wilber@contoso.example')?.lastPasswordChangeDateTime ?? '';
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    expect(Date.parse(after)).toBeGreaterThanOrEqual(started);
    const grant = await tokenRequest(emu, {
      grant_type: 'password',
      client_id: emu.apiApp.clientId,
      username: 'alex.wilber@contoso.example',
      password: 'Blue-Harbour-Lantern-42',
      scope: 'User.Read openid profile offline_access',
    });
    expect(grant.status).toBe(200);
  });

  it('refuses (403) to let a Password Administrator reset an admin or a role-assignable group member', async () => {
    for (const upn of ['patti.fernandez@contoso.example', 'raul.razo@contoso.example']) {
      const res = await setPassword(upn, 'Blue-Harbour-Lantern-42');
      expect(res.status, upn).toBe(403);
      expect(res.body.error.code).toBe('Authorization_RequestDenied');
    }
  });

  it('refuses (403) without a directory role, and without the permission', async () => {
    emu.setApiDirectoryRoles([]);
    try {
      expect((await setPassword('megan.bowen@contoso.example', 'Blue-Harbour-Lantern-42')).status).toBe(403);
    } finally {
      emu.setApiDirectoryRoles([{ roleName: 'Password Administrator' }]);
    }
    emu.setApiAppRoles(['User.Read.All']);
    try {
      const limited = await appToken(emu);
      const res = await graph<GraphErrorBody>(emu, limited, 'PATCH', '/users/megan.bowen@contoso.example', {
        body: { passwordProfile: { password: 'Blue-Harbour-Lantern-42' } },
      });
      expect(res.status).toBe(403);
    } finally {
      emu.setApiAppRoles(['User.Read.All', 'User-PasswordProfile.ReadWrite.All', 'User.RevokeSessions.All']);
    }
  });

  it('lets a Global Administrator service principal reset an admin', async () => {
    emu.setApiDirectoryRoles([{ roleName: 'Global Administrator' }]);
    try {
      expect((await setPassword('patti.fernandez@contoso.example', 'Blue-Harbour-Lantern-42')).status).toBe(
        204,
      );
    } finally {
      emu.setApiDirectoryRoles([{ roleName: 'Password Administrator' }]);
    }
  });

  it('refuses a synced user with 400, as Graph does for on-premises-mastered objects', async () => {
    const res = await setPassword('nestor.wilke@contoso.example', 'Blue-Harbour-Lantern-42');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('Request_BadRequest');
    expect(res.body.error.message).toMatch(/on-premises/);
  });

  it('answers malformed JSON with 400, never 500', async () => {
    const res = await fetch(`${emu.origin}/v1.0/users/megan.bowen@contoso.example`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"passwordProfile":',
    });
    expect(res.status).toBe(400);
  });
});

describe('revokeSignInSessions', () => {
  it('answers {value:true} and records the time', async () => {
    const started = Date.now() - 1000;
    const res = await graph(emu, token, 'POST', '/users/johanna.lorenz@contoso.example/revokeSignInSessions');
    expect(res.status).toBe(200);
    expect(res.body.value).toBe(true);
    const at = emu.inspectUser('johanna.lorenz@contoso.example')?.signInSessionsValidFromDateTime ?? '';
    expect(Date.parse(at)).toBeGreaterThanOrEqual(started);
  });
});

describe('$batch', () => {
  it('routes each inner request through auth, permissions and routing, and counts them', async () => {
    emu.resetCounters();
    const diego = emu.inspectUser('diego.siciliani@contoso.example')?.id ?? '';
    const res = await graph<{
      responses: {
        id: string;
        status: number;
        body?: Record<string, unknown>;
        headers: Record<string, string>;
      }[];
    }>(emu, token, 'POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${diego}/authentication/phoneMethods` },
          { id: '2', method: 'GET', url: `users/${diego}/authentication/emailMethods` },
          {
            id: '3',
            method: 'POST',
            url: `/users/${diego}/checkMemberObjects`,
            headers: { 'Content-Type': 'application/json' },
            body: { ids: [emu.groups['MyPass Licensed']] },
          },
          { id: '4', method: 'GET', url: `/identityProtection/riskyUsers/${diego}` },
          { id: '5', method: 'GET', url: '/users/nobody@contoso.example' },
          {
            id: '6',
            method: 'GET',
            url: `/roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '${diego}'`,
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.responses.map((r) => [r.id, r]));
    expect(byId['1']?.status).toBe(200);
    expect((byId['1']?.body?.value as unknown[]).length).toBe(1);
    expect(byId['3']?.body?.value).toEqual([emu.groups['MyPass Licensed']]);
    expect(byId['4']?.body?.riskState).toBe('atRisk');
    expect(byId['5']?.status).toBe(404);
    expect((byId['5']?.body as unknown as GraphErrorBody).error.code).toBe('Request_ResourceNotFound');
    expect(byId['6']?.status).toBe(200);
    const c = emu.counters();
    expect(c['POST /v1.0/$batch']).toBe(1);
    expect(c['GET /v1.0/users/{id}/authentication/phoneMethods']).toBe(1);
    expect(c['POST /v1.0/users/{id}/checkMemberObjects']).toBe(1);
    // Six inner requests, one HTTP request.
    expect(emu.graphHttpRequests()).toBe(1);
    emu.resetCounters();
    expect(emu.graphHttpRequests()).toBe(0);
  });

  it('applies permission checks inside the batch and refuses more than 20 requests', async () => {
    emu.setApiAppRoles(['User.Read.All']);
    let limited: string;
    try {
      limited = await appToken(emu);
    } finally {
      emu.setApiAppRoles([
        'User.Read.All',
        'UserAuthenticationMethod.Read.All',
        'IdentityRiskyUser.ReadWrite.All',
        'GroupMember.Read.All',
      ]);
    }
    const res = await graph<{ responses: { id: string; status: number }[] }>(
      emu,
      limited,
      'POST',
      '/$batch',
      {
        body: {
          requests: [
            { id: 'a', method: 'GET', url: '/users/lee.gu@contoso.example/authentication/phoneMethods' },
          ],
        },
      },
    );
    expect(res.body.responses[0]?.status).toBe(403);
    const tooMany = await graph<GraphErrorBody>(emu, token, 'POST', '/$batch', {
      body: {
        requests: Array.from({ length: 21 }, (_, i) => ({
          id: String(i),
          method: 'GET',
          url: '/users/lee.gu@contoso.example',
        })),
      },
    });
    expect(tooMany.status).toBe(400);
    const unauth = await graph<GraphErrorBody>(emu, null, 'POST', '/$batch', { body: { requests: [] } });
    expect(unauth.status).toBe(401);
  });
});
