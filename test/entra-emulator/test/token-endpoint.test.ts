import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeJwt, jwtVerify, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { tokenRequest, type AadstsBody } from './emulator-http.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

function tokenEndpointUrl(): string {
  return `${emu.origin}/${emu.tenantId}/oauth2/v2.0/token`;
}

async function assertion(
  opts: {
    alg?: 'RS256' | 'PS256';
    keyPem?: string;
    exp?: number;
    nbf?: number;
    aud?: string;
    iss?: string;
    jti?: string;
  } = {},
): Promise<string> {
  const alg = opts.alg ?? 'RS256';
  const cert = emu.apiApp.certificate;
  const key = await importPKCS8(opts.keyPem ?? cert.keyPem, alg);
  const now = Math.floor(Date.now() / 1000);
  const thumb = Buffer.from(alg === 'PS256' ? cert.thumbprintSha256 : cert.thumbprintSha1, 'hex').toString(
    'base64url',
  );
  return new SignJWT({
    aud: opts.aud ?? tokenEndpointUrl(),
    iss: opts.iss ?? emu.apiApp.clientId,
    sub: opts.iss ?? emu.apiApp.clientId,
    jti: opts.jti ?? randomUUID(),
    nbf: opts.nbf ?? now,
    exp: opts.exp ?? now + 600,
  })
    .setProtectedHeader({ alg, typ: 'JWT', ...(alg === 'PS256' ? { 'x5t#S256': thumb } : { x5t: thumb }) })
    .sign(key);
}

function certForm(clientAssertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: emu.apiApp.clientId,
    scope: GRAPH_DEFAULT,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
  };
}

describe('metadata', () => {
  it('serves OpenID configuration on the emulator origin, by tenant id and by domain', async () => {
    for (const segment of [emu.tenantId, 'contoso.example']) {
      const res = await fetch(`${emu.origin}/${segment}/v2.0/.well-known/openid-configuration`);
      const body = (await res.json()) as Record<string, string>;
      expect(res.status).toBe(200);
      expect(body.issuer).toBe(`${emu.origin}/${emu.tenantId}/v2.0`);
      expect(body.token_endpoint).toBe(tokenEndpointUrl());
      for (const k of ['authorization_endpoint', 'device_authorization_endpoint', 'jwks_uri']) {
        expect(new URL(body[k] ?? '').origin).toBe(emu.origin);
      }
    }
    const unknown = await fetch(`${emu.origin}/fabrikam.example/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as AadstsBody).error_codes).toEqual([90002]);
  });

  it('answers instance discovery with the emulator host', async () => {
    const res = await fetch(
      `${emu.origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.origin}/${emu.tenantId}/oauth2/v2.0/authorize`)}`,
    );
    const body = (await res.json()) as {
      tenant_discovery_endpoint: string;
      metadata: { aliases: string[] }[];
    };
    expect(body.tenant_discovery_endpoint).toBe(
      `${emu.origin}/${emu.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    expect(body.metadata[0]?.aliases).toEqual([new URL(emu.origin).host]);
  });
});

describe('client credentials', () => {
  it('issues a Graph token for the client secret, with the granted app roles', async () => {
    const res = await tokenRequest(emu, {
      grant_type: 'client_credentials',
      client_id: emu.apiApp.clientId,
      client_secret: emu.apiApp.clientSecret,
      scope: GRAPH_DEFAULT,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const keys = (await (await fetch(`${emu.origin}/${emu.tenantId}/discovery/v2.0/keys`)).json()) as {
      keys: object[];
    };
    const { payload } = await jwtVerify(String(res.body.access_token), createLocalJWKSet(keys as never), {
      audience: 'https://graph.microsoft.com',
      issuer: `https://sts.windows.net/${emu.tenantId}/`,
    });
    expect(payload).toMatchObject({
      tid: emu.tenantId,
      appid: emu.apiApp.clientId,
      azp: emu.apiApp.clientId,
    });
    expect(payload.roles).toEqual(
      expect.arrayContaining(['User.Read.All', 'User-PasswordProfile.ReadWrite.All']),
    );
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it("answers a wrong secret with 401 invalid_client AADSTS7000215 in Microsoft's body shape", async () => {
    const res = await tokenRequest(emu, {
      grant_type: 'client_credentials',
      client_id: emu.apiApp.clientId,
      client_secret: 'not-the-secret',
      scope: GRAPH_DEFAULT,
    });
    expect(res.status).toBe(401);
    const body = res.body as unknown as AadstsBody;
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.error_description).toMatch(/^AADSTS7000215: /);
    expect(Object.keys(body).sort()).toEqual(
      [
        'correlation_id',
        'error',
        'error_codes',
        'error_description',
        'error_uri',
        'timestamp',
        'trace_id',
      ].sort(),
    );
  });

  it('answers an unknown client with AADSTS700016', async () => {
    const res = await tokenRequest(emu, {
      grant_type: 'client_credentials',
      client_id: randomUUID(),
      client_secret: 'x',
      scope: GRAPH_DEFAULT,
    });
    expect(res.status).toBe(400);
    expect((res.body as unknown as AadstsBody).error_codes).toEqual([700016]);
  });

  it('requires the Graph .default scope', async () => {
    const res = await tokenRequest(emu, {
      grant_type: 'client_credentials',
      client_id: emu.apiApp.clientId,
      client_secret: emu.apiApp.clientSecret,
      scope: 'https://graph.microsoft.com/User.Read.All',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('accepts a certificate assertion signed RS256 (x5t) or PS256 (x5t#S256)', async () => {
    for (const alg of ['RS256', 'PS256'] as const) {
      const res = await tokenRequest(emu, certForm(await assertion({ alg })));
      expect(res.status).toBe(200);
      expect(decodeJwt(String(res.body.access_token)).appidacr).toBe('2');
    }
  });

  it('rejects an assertion signed by a key other than the registered certificate', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const res = await tokenRequest(emu, certForm(await assertion({ keyPem: other })));
    expect(res.status).toBe(401);
    expect((res.body as unknown as AadstsBody).error_codes).toEqual([700027]);
  });

  it('rejects an expired assertion', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await tokenRequest(emu, certForm(await assertion({ nbf: now - 3600, exp: now - 1800 })));
    expect(res.status).toBe(401);
    expect((res.body as unknown as AadstsBody).error_codes).toEqual([700024]);
  });

  it('rejects an assertion for another audience or another issuer', async () => {
    const wrongAud = await tokenRequest(
      emu,
      certForm(await assertion({ aud: 'https://login.example/token' })),
    );
    expect((wrongAud.body as unknown as AadstsBody).error_codes).toEqual([700023]);
    const wrongIss = await tokenRequest(emu, certForm(await assertion({ iss: randomUUID() })));
    expect((wrongIss.body as unknown as AadstsBody).error_codes).toEqual([700021]);
  });

  it('rejects a replayed jti', async () => {
    const a = await assertion({ jti: randomUUID() });
    expect((await tokenRequest(emu, certForm(a))).status).toBe(200);
    const replay = await tokenRequest(emu, certForm(a));
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });
});

describe('password grant', () => {
  const pw: Record<string, string> = {
    'alex.wilber': 'Contoso-Maple-2026!',
    'isaiah.langer': 'Contoso-Granite-2026!',
    'grady.archie': 'Contoso-Canyon-2026!',
    'miriam.graham': 'Contoso-Cedar-2026!',
    'johanna.lorenz': 'Contoso-Linden-2026!',
    'lynne.robbins': 'Contoso-Oasis-2026!',
    'pradeep.gupta': 'Contoso-Monsoon-2026!',
  };
  const ropc = (user: string, password: string): ReturnType<typeof tokenRequest> =>
    tokenRequest(emu, {
      grant_type: 'password',
      client_id: emu.apiApp.clientId,
      username: user.includes('@') ? user : `${user}@contoso.example`,
      password,
      scope: 'User.Read openid profile offline_access',
      client_info: '1',
    });

  it('succeeds for the right password with parseable id_token and client_info', async () => {
    const res = await ropc('alex.wilber', pw['alex.wilber'] ?? '');
    expect(res.status).toBe(200);
    const body = res.body as Record<string, string>;
    for (const k of ['access_token', 'id_token', 'refresh_token', 'client_info', 'scope'])
      expect(body[k]).toBeTruthy();
    const id = decodeJwt(body.id_token ?? '');
    expect(id).toMatchObject({
      tid: emu.tenantId,
      preferred_username: 'alex.wilber@contoso.example',
      name: 'Alex Wilber',
    });
    const info = JSON.parse(Buffer.from(body.client_info ?? '', 'base64url').toString()) as {
      uid: string;
      utid: string;
    };
    expect(info).toEqual({ uid: id.oid, utid: emu.tenantId });
  });

  it.each([
    ['alex.wilber', 'wrong-password', 'invalid_grant', 50126],
    ['nobody.here', 'whatever', 'invalid_grant', 50034],
    ['isaiah.langer', pw['isaiah.langer'], 'invalid_grant', 50053],
    ['isaiah.langer', 'wrong-password', 'invalid_grant', 50053],
    ['grady.archie', pw['grady.archie'], 'invalid_grant', 50057],
    ['miriam.graham', pw['miriam.graham'], 'interaction_required', 50076],
    ['miriam.graham', 'wrong-password', 'invalid_grant', 50126],
  ])('%s with %s → %s AADSTS%d', async (user, password, error, code) => {
    const res = await ropc(user, password ?? '');
    expect(res.status).toBe(400);
    const body = res.body as unknown as AadstsBody;
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([code]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it('answers 50055, 50079 and 53003 for users switched through the API and the /_emulator endpoint', async () => {
    emu.setPasswordGrantOutcome('johanna.lorenz@contoso.example', 'password_expired');
    const expired = await ropc('johanna.lorenz', pw['johanna.lorenz'] ?? '');
    expect((expired.body as unknown as AadstsBody).error_codes).toEqual([50055]);

    const set = await fetch(
      `${emu.origin}/_emulator/users/${encodeURIComponent('lynne.robbins@contoso.example')}/password-grant-outcome`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'mfa_registration_required' }),
      },
    );
    expect(set.status).toBe(204);
    const mfaReg = await ropc('lynne.robbins', pw['lynne.robbins'] ?? '');
    expect(mfaReg.body).toMatchObject({ error: 'interaction_required', error_codes: [50079] });

    emu.setPasswordGrantOutcome('pradeep.gupta@contoso.example', 'conditional_access');
    const ca = await ropc('pradeep.gupta', pw['pradeep.gupta'] ?? '');
    expect((ca.body as unknown as AadstsBody).error_codes).toEqual([53003]);
    // A wrong password is still just a wrong password.
    expect(((await ropc('pradeep.gupta', 'nope')).body as unknown as AadstsBody).error_codes).toEqual([
      50126,
    ]);
  });

  it('refuses the public-client password grant when public client flows are off', async () => {
    emu.updateApiApp({ publicClientFlows: false });
    try {
      const res = await ropc('alex.wilber', pw['alex.wilber'] ?? '');
      expect(res.status).toBe(401);
      expect((res.body as unknown as AadstsBody).error_codes).toEqual([7000218]);
      const confidential = await tokenRequest(emu, {
        grant_type: 'password',
        client_id: emu.apiApp.clientId,
        client_secret: emu.apiApp.clientSecret,
        username: 'alex.wilber@contoso.example',
        password: pw['alex.wilber'] ?? '',
        scope: 'User.Read openid profile offline_access',
      });
      expect(confidential.status).toBe(200);
    } finally {
      emu.updateApiApp({ publicClientFlows: true });
    }
  });

  it('counts token requests by grant type', () => {
    const c = emu.counters();
    expect(c['token:password']).toBeGreaterThan(5);
    expect(c['token:client_credentials']).toBeGreaterThan(3);
  });
});
