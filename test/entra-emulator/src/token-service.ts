// The identity platform half: OpenID metadata, instance discovery, JWKS and the v2.0 token
// endpoint (client credentials with a secret or a certificate assertion; the password grant with
// Microsoft's AADSTS error bodies). Bodies follow what login.microsoftonline.com answers.
import { X509Certificate, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { json, type EmuRequest, type EmuResponse } from './http-types.js';
import { GRAPH_APP_ROLE_IDS, MICROSOFT_GRAPH_APP_ID } from './graph-permissions.js';
import { deviceCodeGrant, type DeviceCodeStore } from './device-code.js';
import { findUser, type AppRecord, type Tenant, type UserRecord } from './tenant.js';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomBytes(20).toString('base64url'), privateKey, publicKey };
}

export interface TokenServiceContext {
  tenant: Tenant;
  origin: () => string;
  key: SigningKey;
  /** Count token requests by grant type. */
  count: (key: string) => void;
  /** Client assertions already seen (jti → expiry), for replay rejection. */
  seenAssertions: Map<string, number>;
  rejectReplayedAssertions: () => boolean;
  /** Access and id token lifetime (Entra: about an hour). */
  tokenLifetimeSeconds: number;
  /** Pending device-code sign-ins (device-code.ts). */
  deviceCodes: DeviceCodeStore;
}

/** The tenant path segment resolves by tenant id or by the verified domain name. */
export function resolvesToTenant(tenant: Tenant, segment: string): boolean {
  const s = segment.toLowerCase();
  return s === tenant.id || s === tenant.domain;
}

export function openIdConfiguration(ctx: TokenServiceContext): EmuResponse {
  const o = ctx.origin();
  const tid = ctx.tenant.id;
  return json(200, {
    token_endpoint: `${o}/${tid}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${o}/${tid}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${o}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${o}/oidc/userinfo`,
    authorization_endpoint: `${o}/${tid}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${o}/${tid}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${o}/${tid}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${o}/${tid}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  });
}

export function instanceDiscovery(ctx: TokenServiceContext, req: EmuRequest): EmuResponse {
  const o = ctx.origin();
  const host = new URL(o).host;
  const authEndpoint = req.query.get('authorization_endpoint');
  let segment = ctx.tenant.id;
  if (authEndpoint) {
    try {
      segment = new URL(authEndpoint).pathname.split('/')[1] || segment;
    } catch {
      // keep the tenant id
    }
  }
  return json(200, {
    tenant_discovery_endpoint: `${o}/${segment}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

export function jwks(ctx: TokenServiceContext): EmuResponse {
  const jwk = ctx.key.publicKey.export({ format: 'jwk' });
  return json(200, {
    keys: [
      {
        kty: 'RSA',
        use: 'sig',
        kid: ctx.key.kid,
        x5t: ctx.key.kid,
        n: jwk.n,
        e: jwk.e,
        issuer: `${ctx.origin()}/${ctx.tenant.id}/v2.0`,
      },
    ],
  });
}

function timestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Microsoft's error body: error, error_description (with the AADSTS number), error_codes, … */
export function aadstsError(
  ctx: TokenServiceContext,
  req: EmuRequest,
  status: number,
  error: string,
  code: number,
  message: string,
  extra: Record<string, unknown> = {},
): EmuResponse {
  const traceId = randomUUID();
  const correlationId = req.headers['client-request-id'] ?? randomUUID();
  const ts = timestamp();
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${ts}`,
      error_codes: [code],
      timestamp: ts,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ctx.origin()}/error?code=${code}`,
      ...extra,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

type ClientAuth =
  | { kind: 'secret'; app: AppRecord }
  | { kind: 'certificate'; app: AppRecord }
  | { kind: 'public'; app: AppRecord }
  | { kind: 'error'; response: EmuResponse };

function thumbprintB64Url(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

async function verifyAssertion(
  ctx: TokenServiceContext,
  req: EmuRequest,
  app: AppRecord,
  assertion: string,
): Promise<EmuResponse | null> {
  const fail = (code: number, message: string): EmuResponse =>
    aadstsError(ctx, req, 401, 'invalid_client', code, message);
  let header;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return fail(50027, 'JWT token is invalid or malformed.');
  }
  const cert = app.certificate;
  const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
  const x5tS256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const registered =
    (x5t !== undefined && x5t === thumbprintB64Url(cert.thumbprintSha1)) ||
    (x5tS256 !== undefined && x5tS256 === thumbprintB64Url(cert.thumbprintSha256));
  const credential = app.application.keyCredentials?.[0];
  if (!registered || !credential) {
    return fail(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t ?? x5tS256 ?? ''}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.application.appId}'.]`,
    );
  }
  if (credential.endDateTime && Date.parse(credential.endDateTime) < Date.now()) {
    return fail(
      700027,
      'Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., The key has expired.]',
    );
  }
  const o = ctx.origin();
  const audiences = [ctx.tenant.id, ctx.tenant.domain].map((t) => `${o}/${t}/oauth2/v2.0/token`);
  let payload: JWTPayload;
  try {
    const publicKey = new X509Certificate(cert.certPem).publicKey;
    ({ payload } = await jwtVerify(assertion, publicKey, {
      algorithms: ['RS256', 'PS256'],
      requiredClaims: ['exp', 'aud', 'iss', 'sub', 'jti'],
      clockTolerance: 300,
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) {
      return fail(700024, 'Client assertion is not within its valid time range.');
    }
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      if (e.claim === 'nbf') return fail(700024, 'Client assertion is not within its valid time range.');
      return fail(50027, `JWT token is invalid or malformed. Missing claim '${e.claim}'.`);
    }
    return fail(
      700027,
      'Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]',
    );
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) {
    return fail(
      700023,
      `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCredentials .`,
    );
  }
  const clientId = app.application.appId;
  if (payload.iss !== clientId || payload.sub !== clientId) {
    return fail(
      700021,
      `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://aka.ms/certCredentials .`,
    );
  }
  const jti = `${clientId}:${String(payload.jti)}`;
  const now = Date.now();
  for (const [k, exp] of ctx.seenAssertions) if (exp < now) ctx.seenAssertions.delete(k);
  if (ctx.rejectReplayedAssertions() && ctx.seenAssertions.has(jti)) {
    // Emulator's own number: Microsoft documents no code for a replayed jti.
    return fail(
      7000274,
      'Client assertion has already been used (replayed jti). Create a new assertion for each request.',
    );
  }
  ctx.seenAssertions.set(jti, ((payload.exp ?? 0) + 300) * 1000);
  return null;
}

async function authenticateClient(
  ctx: TokenServiceContext,
  req: EmuRequest,
  form: URLSearchParams,
  allowPublic: boolean,
): Promise<ClientAuth> {
  let clientId = form.get('client_id') ?? '';
  let secret = form.get('client_secret');
  const basic = req.headers.authorization;
  if (basic?.toLowerCase().startsWith('basic ')) {
    const [id, pw] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(pw ?? '');
  }
  if (!clientId) {
    return {
      kind: 'error',
      response: aadstsError(
        ctx,
        req,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      ),
    };
  }
  const app = ctx.tenant.apps.get(clientId.toLowerCase());
  if (!app) {
    return {
      kind: 'error',
      response: aadstsError(
        ctx,
        req,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${ctx.tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      ),
    };
  }
  if (secret !== null && secret !== undefined) {
    const expired = (app.application.passwordCredentials ?? []).every(
      (c) => c.endDateTime && Date.parse(c.endDateTime) < Date.now(),
    );
    if (secret !== app.clientSecret) {
      return {
        kind: 'error',
        response: aadstsError(
          ctx,
          req,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.application.appId}'.`,
        ),
      };
    }
    if (expired) {
      return {
        kind: 'error',
        response: aadstsError(
          ctx,
          req,
          401,
          'invalid_client',
          7000222,
          `The provided client secret keys for app '${app.application.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
        ),
      };
    }
    return { kind: 'secret', app };
  }
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return {
        kind: 'error',
        response: aadstsError(
          ctx,
          req,
          400,
          'invalid_request',
          50027,
          "Invalid client_assertion_type: expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
        ),
      };
    }
    const problem = await verifyAssertion(ctx, req, app, assertion);
    return problem ? { kind: 'error', response: problem } : { kind: 'certificate', app };
  }
  if (allowPublic && app.application.isFallbackPublicClient) return { kind: 'public', app };
  return {
    kind: 'error',
    response: aadstsError(
      ctx,
      req,
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  };
}

async function signAccessToken(ctx: TokenServiceContext, claims: JWTPayload): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: GRAPH_AUDIENCE,
    iss: `https://sts.windows.net/${ctx.tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + ctx.tokenLifetimeSeconds,
    tid: ctx.tenant.id,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
    ...claims,
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: ctx.key.kid, x5t: ctx.key.kid })
    .sign(ctx.key.privateKey);
}

function parseScope(scope: string | null): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean);
}

export async function tokenEndpoint(ctx: TokenServiceContext, req: EmuRequest): Promise<EmuResponse> {
  const form = new URLSearchParams(req.bodyText);
  const grant = form.get('grant_type') ?? '';
  ctx.count(`token:${grant || 'none'}`);
  if (grant === 'client_credentials') return clientCredentials(ctx, req, form);
  if (grant === 'password') return passwordGrant(ctx, req, form);
  // msal sends the short form; RFC 8628 names the URN. Entra accepts both.
  if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
    return deviceCodeGrant(ctx, req, form);
  }
  if (!grant) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  return aadstsError(
    ctx,
    req,
    400,
    'unsupported_grant_type',
    70003,
    `The app requested an unsupported grant type '${grant}'.`,
  );
}

async function clientCredentials(
  ctx: TokenServiceContext,
  req: EmuRequest,
  form: URLSearchParams,
): Promise<EmuResponse> {
  const auth = await authenticateClient(ctx, req, form, false);
  if (auth.kind === 'error') return auth.response;
  const scopes = parseScope(form.get('scope'));
  const scope = scopes[0] ?? '';
  if (scopes.length !== 1 || !scope.endsWith('/.default')) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scope.slice(0, -'/.default'.length).replace(/\/$/, '');
  if (resource !== GRAPH_AUDIENCE && resource !== MICROSOFT_GRAPH_APP_ID) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${ctx.tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const app = auth.app;
  const roles = app.appRoles.filter((r) => GRAPH_APP_ROLE_IDS[r] !== undefined);
  const accessToken = await signAccessToken(ctx, {
    app_displayname: app.application.displayName ?? undefined,
    appid: app.application.appId,
    azp: app.application.appId,
    appidacr: auth.kind === 'certificate' ? '2' : '1',
    idp: `https://sts.windows.net/${ctx.tenant.id}/`,
    idtyp: 'app',
    oid: app.servicePrincipal.id,
    sub: app.servicePrincipal.id,
    ...(roles.length > 0 ? { roles } : {}),
  });
  return json(
    200,
    {
      token_type: 'Bearer',
      expires_in: ctx.tokenLifetimeSeconds - 1,
      ext_expires_in: ctx.tokenLifetimeSeconds - 1,
      access_token: accessToken,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

async function passwordGrant(
  ctx: TokenServiceContext,
  req: EmuRequest,
  form: URLSearchParams,
): Promise<EmuResponse> {
  const auth = await authenticateClient(ctx, req, form, true);
  if (auth.kind === 'error') return auth.response;
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  if (!username || !password) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${username ? 'password' : 'username'}'.`,
    );
  }
  const resourceApp = `'${MICROSOFT_GRAPH_APP_ID}'`;
  const record = findUser(ctx.tenant, username);
  const err = (
    code: number,
    error: string,
    message: string,
    extra: Record<string, unknown> = {},
  ): EmuResponse => aadstsError(ctx, req, 400, error, code, message, extra);
  if (!record) {
    return err(
      50034,
      'invalid_grant',
      `The user account {EUII Hidden} does not exist in the ${ctx.tenant.id} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  const u = record.user;
  if (record.passwordGrantOutcome === 'locked') {
    return err(
      50053,
      'invalid_grant',
      "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.",
    );
  }
  if (u.accountEnabled === false) {
    return err(
      50057,
      'invalid_grant',
      'The user account is disabled. The account has been disabled by an administrator.',
    );
  }
  if (password !== record.password) {
    return err(50126, 'invalid_grant', 'Error validating credentials due to invalid username or password.');
  }
  switch (record.passwordGrantOutcome) {
    case 'password_expired':
      return err(50055, 'invalid_grant', 'The password is expired.', { suberror: 'user_password_expired' });
    case 'mfa_required':
      return err(
        50076,
        'interaction_required',
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access ${resourceApp}.`,
        { suberror: 'basic_action' },
      );
    case 'mfa_registration_required':
      return err(
        50079,
        'interaction_required',
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access ${resourceApp}.`,
        { suberror: 'basic_action' },
      );
    case 'conditional_access':
      return err(
        53003,
        'invalid_grant',
        'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      );
    default:
      break;
  }
  const requested = parseScope(form.get('scope'));
  const oidcScopes = requested.filter((s) => OIDC_SCOPES.includes(s));
  const resourceScopes = requested
    .filter((s) => !oidcScopes.includes(s))
    .map((s) => (s.startsWith('https://') ? s : `${GRAPH_AUDIENCE}/${s}`));
  const granted = resourceScopes.length > 0 ? resourceScopes : [`${GRAPH_AUDIENCE}/User.Read`];
  return userTokenResponse(ctx, auth.app, record, granted, oidcScopes, auth.kind === 'public' ? '0' : '1');
}

export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'];

/** The token response for a signed-in user: a delegated access token (scp), id token, client_info. */
export async function userTokenResponse(
  ctx: TokenServiceContext,
  app: AppRecord,
  record: UserRecord,
  granted: string[],
  oidcScopes: string[],
  appidacr: '0' | '1',
): Promise<EmuResponse> {
  const u = record.user;
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await signAccessToken(ctx, {
    appid: app.application.appId,
    azp: app.application.appId,
    appidacr,
    idtyp: 'user',
    oid: u.id,
    sub: u.id,
    upn: u.userPrincipalName,
    unique_name: u.userPrincipalName,
    name: u.displayName,
    scp: granted.map((s) => s.slice(GRAPH_AUDIENCE.length + 1)).join(' '),
  });
  const idToken = await new SignJWT({
    aud: app.application.appId,
    iss: `${ctx.origin()}/${ctx.tenant.id}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + ctx.tokenLifetimeSeconds,
    name: u.displayName,
    oid: u.id,
    preferred_username: u.userPrincipalName,
    sub: randomBytes(16).toString('base64url'),
    tid: ctx.tenant.id,
    ver: '2.0',
  })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: ctx.key.kid })
    .sign(ctx.key.privateKey);
  return json(
    200,
    {
      token_type: 'Bearer',
      scope: [...granted, ...oidcScopes].join(' '),
      expires_in: ctx.tokenLifetimeSeconds - 1,
      ext_expires_in: ctx.tokenLifetimeSeconds - 1,
      access_token: accessToken,
      refresh_token: `1.${randomBytes(48).toString('base64url')}`,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: u.id, utid: ctx.tenant.id })).toString('base64url'),
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

export interface GraphCaller {
  appId: string;
  servicePrincipalId: string | null;
  roles: string[];
  /** Delegated (user) token: no application permissions. */
  delegated: boolean;
  /** Delegated permissions (the token's scp), e.g. OrganizationalBranding.ReadWrite.All. */
  scopes: string[];
  /** The signed-in user's object id for a delegated token. */
  userId: string | null;
}

/**
 * Tokens that passed verification, per emulator (each has its own key), by exact token string: the
 * RSA check and claim parsing dominated the emulator's CPU in the bench, where one app token serves
 * thousands of Graph requests. Expiry is still checked on every use.
 */
const verifiedTokens = new WeakMap<
  TokenServiceContext,
  Map<string, { caller: GraphCaller; expMs: number }>
>();
const MAX_VERIFIED_TOKENS = 1000;

/** Validate a bearer token for Graph: our signature, Graph audience, not expired; else Graph's message. */
export async function verifyGraphToken(
  ctx: TokenServiceContext,
  token: string,
): Promise<GraphCaller | string> {
  let cache = verifiedTokens.get(ctx);
  if (!cache) verifiedTokens.set(ctx, (cache = new Map()));
  const hit = cache.get(token);
  if (hit) {
    if (Date.now() < hit.expMs) return hit.caller;
    cache.delete(token);
  }
  const result = await verifyGraphTokenUncached(ctx, token);
  if (typeof result !== 'string') {
    if (cache.size >= MAX_VERIFIED_TOKENS) cache.clear();
    cache.set(token, result);
    return result.caller;
  }
  return result;
}

async function verifyGraphTokenUncached(
  ctx: TokenServiceContext,
  token: string,
): Promise<{ caller: GraphCaller; expMs: number } | string> {
  try {
    const { payload } = await jwtVerify(token, ctx.key.publicKey, {
      algorithms: ['RS256'],
      audience: [GRAPH_AUDIENCE, `${GRAPH_AUDIENCE}/`, MICROSOFT_GRAPH_APP_ID],
      issuer: `https://sts.windows.net/${ctx.tenant.id}/`,
    });
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is string => typeof r === 'string')
      : [];
    const appId = typeof payload.appid === 'string' ? payload.appid : '';
    const delegated = payload.idtyp === 'user';
    const oid = typeof payload.oid === 'string' ? payload.oid : null;
    return {
      caller: {
        appId,
        servicePrincipalId: delegated ? null : oid,
        roles,
        delegated,
        scopes: typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [],
        userId: delegated ? oid : null,
      },
      // jose refuses a token without exp only when asked; without one, never cache it.
      expMs: typeof payload.exp === 'number' ? payload.exp * 1000 : 0,
    };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
    if (e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'aud') {
      return 'Access token validation failure. Invalid audience.';
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'Signature validation failed.';
    return 'Access token validation failure.';
  }
}
