// Company branding and the device-code grant, as raw HTTP: the endpoints, Microsoft's length
// limits, and who may call them (the API's own app may not; a delegated caller needs an admin role).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, tokenRequest, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
let adminToken: string;
beforeAll(async () => {
  emu = await startEmulator({ deviceCodeIntervalSeconds: 1, deviceCodeLifetimeSeconds: 2 });
  const res = await tokenRequest(emu, {
    grant_type: 'client_credentials',
    client_id: emu.adminApp.clientId,
    client_secret: emu.adminApp.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  });
  adminToken = String(res.body.access_token);
});
afterAll(async () => {
  await emu.close();
});

const org = (): string => `/organization/${emu.tenantId}/branding`;

async function deviceCode(scope: string): Promise<Record<string, unknown> & { status: number }> {
  const res = await fetch(`${emu.origin}/${emu.tenantId}/oauth2/v2.0/devicecode`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: emu.adminApp.clientId, scope }).toString(),
  });
  return { status: res.status, ...((await res.json()) as Record<string, unknown>) };
}

function poll(code: unknown): ReturnType<typeof tokenRequest> {
  return tokenRequest(emu, {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: emu.adminApp.clientId,
    device_code: String(code),
  });
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('company branding', () => {
  it('reads the default branding and the localizations (the list includes the default as id 0)', async () => {
    const def = await graph(emu, adminToken, 'GET', org());
    expect(def.status).toBe(200);
    expect(def.body).toMatchObject({ id: '0', signInPageText: expect.stringContaining('Contoso staff') });
    const list = await graph<{ value: { id: string }[] }>(emu, adminToken, 'GET', `${org()}/localizations`);
    expect(list.body.value.map((l) => l.id)).toEqual(['0', 'de-DE', 'da-DK', 'fr-FR', 'ga-IE']);
    const de = await graph(emu, adminToken, 'GET', org(), { headers: { 'accept-language': 'de-DE' } });
    expect(de.body).toMatchObject({ id: 'de-DE', signInPageText: expect.stringContaining('Arbeitskonto') });
  });

  it("refuses the API's own app: it holds no branding permission (T14)", async () => {
    const res = await graph<GraphErrorBody>(emu, await appToken(emu), 'GET', org());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('enforces the documented limits with a 400 in Graph’s error shape, before changing anything', async () => {
    for (const [property, value] of [
      ['signInPageText', 'x'.repeat(1025)],
      ['customForgotMyPasswordText', 'x'.repeat(257)],
      ['customAccountResetCredentialsUrl', `https://mypass.contoso.example/${'a'.repeat(100)}`],
      ['customAccountResetCredentialsUrl', 'https://mypass.contoso.example/réinitialiser'],
    ] as const) {
      const res = await graph<GraphErrorBody>(emu, adminToken, 'PATCH', org(), {
        body: { [property]: value },
      });
      expect(res.status, property).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'Request_BadRequest',
        message: expect.stringContaining(property),
      });
      expect(res.body.error.innerError['request-id']).toBeTruthy();
    }
    expect(emu.branding().defaultBranding?.signInPageText).toContain('Contoso staff');
    const flag = await graph<GraphErrorBody>(emu, adminToken, 'PATCH', org(), {
      body: { loginPageTextVisibilitySettings: { hideEverything: true } },
    });
    expect(flag.status).toBe(400);
  });

  it('accepts text at the limits, merges the visibility flags and creates a localization once', async () => {
    const ok = await graph(emu, adminToken, 'PATCH', `${org()}/localizations/fr-FR`, {
      body: {
        signInPageText: 'é'.repeat(1024),
        customAccountResetCredentialsUrl: `https://mypass.contoso.example/${'a'.repeat(97)}`,
        loginPageTextVisibilitySettings: { hideResetItNow: true },
      },
    });
    expect(ok.status).toBe(204);
    const fr = emu.branding().localizations['fr-FR'];
    expect(fr?.loginPageTextVisibilitySettings).toMatchObject({
      hideResetItNow: true,
      hideForgotMyPassword: false,
    });
    const created = await graph(emu, adminToken, 'POST', `${org()}/localizations`, {
      body: { id: 'sv-SE', signInPageText: 'Glömt lösenordet?' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'sv-SE', signInPageText: 'Glömt lösenordet?' });
    const again = await graph<GraphErrorBody>(emu, adminToken, 'POST', `${org()}/localizations`, {
      body: { id: 'sv-SE' },
    });
    expect(again.status).toBe(409);
    const missing = await graph<GraphErrorBody>(emu, adminToken, 'PATCH', `${org()}/localizations/nl-NL`, {
      body: { signInPageText: 'x' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('device-code sign-in of an administrator', () => {
  const scope =
    'https://graph.microsoft.com/OrganizationalBranding.ReadWrite.All openid profile offline_access';

  it('answers authorization_pending until approved, then a delegated token with the scope', async () => {
    const dc = await deviceCode(scope);
    expect(dc).toMatchObject({ status: 200, interval: 1, expires_in: 2 });
    expect(String(dc.message)).toContain(String(dc.user_code));
    const pending = await poll(dc.device_code);
    expect(pending.status).toBe(400);
    expect(pending.body).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    expect(emu.pendingDeviceCodes().map((p) => p.userCode)).toContain(dc.user_code);
    emu.approveDeviceCode(String(dc.user_code), 'patti.fernandez@contoso.example');
    const done = await poll(dc.device_code);
    expect(done.status).toBe(200);
    const token = String(done.body.access_token);
    expect(claims(token)).toMatchObject({ idtyp: 'user', scp: 'OrganizationalBranding.ReadWrite.All' });
    expect((await graph(emu, token, 'GET', org())).status).toBe(200);
    // The device code is single use.
    expect((await poll(dc.device_code)).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('gives a signed-in user without an admin role 403 on branding, even with the scope', async () => {
    const dc = await deviceCode(scope);
    emu.approveDeviceCode(String(dc.user_code), 'adele.vance@contoso.example');
    const token = String((await poll(dc.device_code)).body.access_token);
    const res = await graph<GraphErrorBody>(emu, token, 'GET', org());
    expect(res.status).toBe(403);
  });

  it('answers expired_token after expires_in and authorization_declined when the user says no', async () => {
    const declined = await deviceCode(scope);
    emu.declineDeviceCode(String(declined.user_code));
    expect((await poll(declined.device_code)).body).toMatchObject({ error: 'authorization_declined' });
    const dc = await deviceCode(scope);
    await new Promise((r) => setTimeout(r, 2200));
    expect((await poll(dc.device_code)).body).toMatchObject({ error: 'expired_token', error_codes: [70020] });
  });

  it('refuses a scope the app was not consented for', async () => {
    const res = await deviceCode('https://graph.microsoft.com/Directory.ReadWrite.All');
    expect(res).toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  it('completes through the sign-in page with an administrator’s password', async () => {
    const dc = await deviceCode(scope);
    const wrong = await fetch(`${emu.origin}/_emulator/devicelogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: String(dc.user_code),
        username: 'patti.fernandez@contoso.example',
        password: 'nope',
      }).toString(),
    });
    expect(wrong.status).toBe(400);
    const right = await fetch(`${emu.origin}/_emulator/devicelogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: String(dc.user_code),
        username: 'patti.fernandez@contoso.example',
        password: 'Contoso-Beacon-2026!',
      }).toString(),
    });
    expect(right.status).toBe(200);
    expect((await poll(dc.device_code)).status).toBe(200);
  });
});
