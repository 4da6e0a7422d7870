// The Entra ID emulator: one HTTPS origin on 127.0.0.1 serving the identity platform under
// /{tenant}/… and Microsoft Graph under /v1.0/…, with a seeded in-memory tenant.
// TEST INFRASTRUCTURE ONLY: a production configuration must never point at it.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  EmulatedUserSnapshot,
  EmulatorApp,
  EmulatorOptions,
  FaultKind,
  PasswordGrantOutcome,
  RunningEmulator,
} from './api.js';
import { issueServerCertificate } from './ca.js';
import { decideDeviceCode, deviceCodeEndpoint, DeviceCodeStore } from './device-code.js';
import { deviceLoginPage } from './device-login-page.js';
import { Counters, FaultTable, parseFaultRule } from './faults.js';
import { DIRECTORY_ROLE_TEMPLATES } from './graph-permissions.js';
import { graphError, handleGraph, routeTemplate, type GraphContext } from './graph-routes.js';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { json } from './http-types.js';
import {
  API_APP_CLIENT_ID,
  ADMIN_APP_CLIENT_ID,
  activeRoleTemplates,
  createTenant,
  findUser,
  fixedId,
  transitiveGroupIds,
  type AppRecord,
  type Tenant,
  type UserRecord,
} from './tenant.js';
import {
  aadstsError,
  instanceDiscovery,
  jwks,
  newSigningKey,
  openIdConfiguration,
  resolvesToTenant,
  tokenEndpoint,
  type TokenServiceContext,
} from './token-service.js';
import { loadOrCreateTestCa } from './with-test-ca.js';

export type * from './api.js';
export { API_APP_CLIENT_ID, ADMIN_APP_CLIENT_ID, TENANT_ID, TENANT_DOMAIN } from './tenant.js';
export { GRAPH_APP_ROLE_IDS, DIRECTORY_ROLE_TEMPLATES, DEFAULT_API_APP_ROLES } from './graph-permissions.js';

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const PASSWORD_GRANT_OUTCOMES: readonly PasswordGrantOutcome[] = [
  'success',
  'locked',
  'password_expired',
  'mfa_required',
  'mfa_registration_required',
  'conditional_access',
];
const MAX_BODY = 1_000_000;

function snapshot(tenant: Tenant, r: UserRecord): EmulatedUserSnapshot {
  const groups = [...transitiveGroupIds(tenant, r.user.id)]
    .map((id) => tenant.groups.get(id)?.group.displayName)
    .filter((n): n is string => typeof n === 'string')
    .sort();
  const roles = [...activeRoleTemplates(tenant, r.user.id)].map(
    (t) => Object.entries(DIRECTORY_ROLE_TEMPLATES).find(([, id]) => id === t)?.[0] ?? t,
  );
  return {
    ...r.user,
    accountEnabled: r.user.accountEnabled !== false,
    lastPasswordChangeDateTime: r.user.lastPasswordChangeDateTime ?? null,
    signInSessionsValidFromDateTime: r.signInSessionsValidFromDateTime,
    riskState: r.risk?.riskState ?? 'none',
    riskLevel: r.risk?.riskLevel ?? 'none',
    passwordGrantOutcome: r.passwordGrantOutcome,
    phoneMethods: r.phoneMethods.map((m) => ({ ...m, phoneType: m.phoneType ?? 'mobile' })),
    emailMethods: r.emailMethods.map((m) => ({ ...m })),
    groups,
    directoryRoles: roles,
  };
}

function appView(app: AppRecord): EmulatorApp {
  return {
    clientId: app.application.appId,
    clientSecret: app.clientSecret,
    certificate: { ...app.certificate },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** "Route template" for the counters, so ids never split a count. */
function counterKey(method: string, path: string): string {
  if (path.startsWith('/v1.0/') || path === '/v1.0') {
    if (method === 'POST' && path === '/v1.0/$batch') return 'POST /v1.0/$batch';
    return routeTemplate(method, path) ?? `${method} /v1.0 (unknown)`;
  }
  const m = /^\/[^/]+(\/.*)$/.exec(path);
  if (m?.[1] === '/oauth2/v2.0/token') return `${method} /{tenant}/oauth2/v2.0/token`;
  if (m?.[1] === '/v2.0/.well-known/openid-configuration')
    return `${method} /{tenant}/v2.0/.well-known/openid-configuration`;
  if (m?.[1] === '/discovery/v2.0/keys') return `${method} /{tenant}/discovery/v2.0/keys`;
  if (m?.[1] === '/discovery/instance') return `${method} /common/discovery/instance`;
  if (m?.[1] === '/oauth2/v2.0/devicecode') return `${method} /{tenant}/oauth2/v2.0/devicecode`;
  return `${method} (unknown)`;
}

function faultResponse(
  ctx: TokenServiceContext,
  req: EmuRequest,
  fault: Extract<FaultKind, { kind: 'status' }>,
): EmuResponse {
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  const headers: Record<string, string> =
    retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {};
  let res: EmuResponse;
  if (req.path.startsWith('/v1.0')) {
    const [code, message] =
      fault.status === 429
        ? ['TooManyRequests', 'Too many requests.']
        : fault.status === 503
          ? ['serviceNotAvailable', 'Service unavailable. Please retry the request.']
          : ['GatewayTimeout', 'The gateway did not receive a response in time.'];
    res = graphError(req, fault.status, code, message);
  } else {
    res = aadstsError(
      ctx,
      req,
      fault.status,
      'temporarily_unavailable',
      fault.status === 429 ? 50196 : 90033,
      fault.status === 429
        ? 'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.'
        : 'A transient error has occurred. Please try again.',
    );
  }
  return { ...res, headers: { ...res.headers, ...headers } };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error(
      `The Entra ID emulator binds 127.0.0.1 only (asked for ${host}); it is test infrastructure.`,
    );
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${String(port)}`);
  const lifetime = opts.accessTokenLifetimeSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 86_400) {
    throw new Error('accessTokenLifetimeSeconds must be 1..86400');
  }
  const generatedUsers = opts.generatedUsers ?? 0;
  if (!Number.isInteger(generatedUsers) || generatedUsers < 0 || generatedUsers > 200_000) {
    throw new Error(`generatedUsers must be 0..200000`);
  }
  const ca = opts.ca ?? loadOrCreateTestCa();
  const serverCert = issueServerCertificate(ca);
  const tenant = createTenant({
    generatedUsers,
    ...(opts.extraUsers ? { extraUsers: opts.extraUsers } : {}),
    ...(opts.apiAppRoles ? { apiAppRoles: opts.apiAppRoles } : {}),
  });
  const apiApp = tenant.apps.get(API_APP_CLIENT_ID);
  const adminApp = tenant.apps.get(ADMIN_APP_CLIENT_ID);
  if (!apiApp || !adminApp) throw new Error('seed is missing the app registrations');
  const api: AppRecord = apiApp;

  const counters = new Counters();
  // Real HTTP requests to Graph only: the counters also count each request inside a $batch.
  let graphHttpRequests = 0;
  const faults = new FaultTable();
  let origin = '';
  const tokens: TokenServiceContext = {
    tenant,
    origin: () => origin,
    key: newSigningKey(),
    count: (k) => counters.inc(k),
    seenAssertions: new Map(),
    rejectReplayedAssertions: () => opts.rejectReplayedAssertions ?? true,
    tokenLifetimeSeconds: opts.accessTokenLifetimeSeconds ?? 3600,
    deviceCodes: new DeviceCodeStore({
      intervalSeconds: opts.deviceCodeIntervalSeconds ?? 5,
      lifetimeSeconds: opts.deviceCodeLifetimeSeconds ?? 900,
    }),
  };
  const graph: GraphContext = {
    tenant,
    tokens,
    count: (k) => counters.inc(k),
    innerFault: (method, path) => {
      const f = faults.take(method, path, (k) => k.kind === 'status');
      return f?.kind === 'status'
        ? faultResponse(tokens, { method, path, query: new URLSearchParams(), headers: {}, bodyText: '' }, f)
        : null;
    },
  };

  const setPasswordGrantOutcome = (idOrUpn: string, outcome: PasswordGrantOutcome): void => {
    const u = findUser(tenant, idOrUpn);
    if (!u) throw new Error(`no such user ${idOrUpn}`);
    if (!PASSWORD_GRANT_OUTCOMES.includes(outcome)) throw new Error(`unknown outcome ${String(outcome)}`);
    u.passwordGrantOutcome = outcome;
  };

  async function route(req: EmuRequest, peer: string | undefined): Promise<EmuResponse> {
    const { method, path } = req;
    if (path.startsWith('/_emulator/')) return emulatorAdmin(req, peer);
    if (path.startsWith('/v1.0/') || path === '/v1.0') return handleGraph(graph, req);
    const parts = path.split('/').filter(Boolean);
    const [segment = '', ...rest] = parts;
    const tail = rest.join('/');
    if (method === 'GET' && tail === 'discovery/instance') return instanceDiscovery(tokens, req);
    const knownTenant = resolvesToTenant(tenant, segment);
    const tenantNotFound = (): EmuResponse =>
      aadstsError(
        tokens,
        req,
        400,
        'invalid_request',
        90002,
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      );
    if (method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
      return knownTenant ? openIdConfiguration(tokens) : tenantNotFound();
    }
    if (method === 'GET' && tail === 'discovery/v2.0/keys') return jwks(tokens);
    if (tail === 'oauth2/v2.0/devicecode' && method === 'POST') {
      return knownTenant ? deviceCodeEndpoint(tokens, req) : tenantNotFound();
    }
    if (tail === 'oauth2/v2.0/token') {
      if (method !== 'POST')
        return aadstsError(
          tokens,
          req,
          405,
          'invalid_request',
          900561,
          'The endpoint only accepts POST requests.',
        );
      return knownTenant ? tokenEndpoint(tokens, req) : tenantNotFound();
    }
    return json(404, { error: 'not_found', error_description: `No emulated endpoint at ${method} ${path}.` });
  }

  function emulatorAdmin(req: EmuRequest, peer: string | undefined): EmuResponse {
    if (!peer || !LOOPBACK_PEERS.has(peer)) return json(403, { error: 'loopback_only' });
    const { method, path } = req;
    const body = (): unknown => {
      try {
        return JSON.parse(req.bodyText || 'null') as unknown;
      } catch {
        return undefined;
      }
    };
    if (method === 'GET' && path === '/_emulator/users') {
      return json(200, { value: [...tenant.users.values()].map((u) => snapshot(tenant, u)) });
    }
    const outcome = /^\/_emulator\/users\/([^/]+)\/password-grant-outcome$/.exec(path);
    if (method === 'POST' && outcome) {
      const b = body() as { outcome?: unknown } | null | undefined;
      const value = b?.outcome;
      const user = findUser(tenant, decodeURIComponent(outcome[1] ?? ''));
      if (!user) return json(404, { error: 'no_such_user' });
      if (typeof value !== 'string' || !PASSWORD_GRANT_OUTCOMES.includes(value as PasswordGrantOutcome)) {
        return json(400, { error: 'invalid_outcome', allowed: PASSWORD_GRANT_OUTCOMES });
      }
      user.passwordGrantOutcome = value as PasswordGrantOutcome;
      return { status: 204 };
    }
    const one = /^\/_emulator\/users\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const user = findUser(tenant, decodeURIComponent(one[1] ?? ''));
      return user ? json(200, snapshot(tenant, user)) : json(404, { error: 'no_such_user' });
    }
    if (path === '/_emulator/faults') {
      if (method === 'DELETE') {
        faults.clear();
        return { status: 204 };
      }
      if (method === 'POST') {
        const rule = parseFaultRule(body());
        if (typeof rule === 'string') return json(400, { error: 'invalid_fault', message: rule });
        faults.add(rule);
        return { status: 204 };
      }
    }
    if (method === 'GET' && path === '/_emulator/device-codes') {
      return json(200, { value: tokens.deviceCodes.pending() });
    }
    const decide = /^\/_emulator\/device-codes\/([^/]+)\/(approve|decline)$/.exec(path);
    if (method === 'POST' && decide) {
      const b = body() as { user?: unknown } | null | undefined;
      const userCode = decodeURIComponent(decide[1] ?? '');
      if (decide[2] === 'approve' && typeof b?.user !== 'string')
        return json(400, { error: 'user_required' });
      const outcome = decideDeviceCode(
        tokens,
        userCode,
        decide[2] === 'approve' ? { approveAs: String(b?.user) } : { decline: true },
      );
      return outcome === true
        ? { status: 204 }
        : json(outcome === 'no_such_code' ? 404 : 400, { error: outcome });
    }
    if (path === '/_emulator/devicelogin') return deviceLoginPage(tenant, tokens, req);
    if (method === 'GET' && path === '/_emulator/branding') {
      return json(200, brandingSnapshot());
    }
    if (method === 'GET' && path === '/_emulator/counters') return json(200, counters.snapshot());
    if (method === 'GET' && path === '/_emulator/graph-http-requests') {
      return json(200, { count: graphHttpRequests });
    }
    if (method === 'POST' && path === '/_emulator/counters/reset') {
      counters.reset();
      graphHttpRequests = 0;
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_emulator/api-app/roles') {
      const b = body() as { roles?: unknown } | null | undefined;
      if (!Array.isArray(b?.roles) || b.roles.some((r) => typeof r !== 'string')) {
        return json(400, { error: 'invalid_roles' });
      }
      api.appRoles = [...(b.roles as string[])];
      return { status: 204 };
    }
    return json(404, { error: 'not_found' });
  }

  function brandingSnapshot(): ReturnType<RunningEmulator['branding']> {
    const copy = <T>(v: T): T => structuredClone(v);
    return {
      defaultBranding: tenant.branding.defaultBranding ? copy(tenant.branding.defaultBranding) : null,
      localizations: Object.fromEntries([...tenant.branding.localizations].map(([k, v]) => [k, copy(v)])),
    };
  }

  async function onRequest(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of raw) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"payload_too_large"}');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const url = new URL(raw.url ?? '/', origin);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(raw.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const req: EmuRequest = {
      method: (raw.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      bodyText: Buffer.concat(chunks).toString('utf8'),
    };
    const isAdmin = req.path.startsWith('/_emulator/');
    let response: EmuResponse;
    if (isAdmin) {
      response = await route(req, raw.socket.remoteAddress);
    } else {
      counters.inc(counterKey(req.method, req.path));
      if (req.path.startsWith('/v1.0')) graphHttpRequests++;
      let fault = faults.take(req.method, req.path, (f) => f.kind !== 'status_after_apply');
      if (fault?.kind === 'latency') {
        await sleep(fault.ms);
        fault = faults.take(
          req.method,
          req.path,
          (f) => f.kind !== 'status_after_apply' && f.kind !== 'latency',
        );
      }
      if (fault?.kind === 'drop_connection') {
        raw.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        response = faultResponse(tokens, req, fault);
      } else {
        try {
          response = await route(req, raw.socket.remoteAddress);
        } catch (e) {
          // A bug in the emulator must still answer in Graph's shape, never with a stack trace.
          console.error('entra-emulator: internal error', e instanceof Error ? e.message : e);
          response = graphError(
            req,
            500,
            'InternalServerError',
            'An internal server error occurred in the emulator.',
          );
        }
        if (response.status >= 200 && response.status < 300) {
          const after = faults.take(req.method, req.path, (f) => f.kind === 'status_after_apply');
          if (after) response = faultResponse(tokens, req, { kind: 'status', status: 504 });
        }
      }
    }
    const isGraph = req.path.startsWith('/v1.0');
    const outHeaders: Record<string, string> = { ...response.headers };
    if (isGraph) {
      outHeaders['request-id'] ??= randomUUID();
      outHeaders['client-request-id'] ??= req.headers['client-request-id'] ?? outHeaders['request-id'];
    }
    if (response.body === undefined) {
      res.writeHead(response.status, outHeaders).end();
      return;
    }
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    outHeaders['content-type'] ??= isGraph
      ? 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8'
      : 'application/json; charset=utf-8';
    res.writeHead(response.status, outHeaders).end(text);
  }

  const server: Server = createServer({ key: serverCert.keyPem, cert: serverCert.certPem }, (raw, res) => {
    onRequest(raw, res).catch((e: unknown) => {
      console.error('entra-emulator: request failed', e instanceof Error ? e.message : e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin = `https://127.0.0.1:${actualPort}`;

  return {
    origin,
    port: actualPort,
    tenantId: tenant.id,
    domain: tenant.domain,
    apiApp: appView(apiApp),
    adminApp: appView(adminApp),
    groups: Object.fromEntries([...tenant.groups.values()].map((g) => [g.group.displayName, g.group.id])),
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    counters: () => counters.snapshot(),
    graphHttpRequests: () => graphHttpRequests,
    resetCounters: () => {
      counters.reset();
      graphHttpRequests = 0;
    },
    setApiAppRoles: (roles) => {
      apiApp.appRoles = [...roles];
    },
    setApiDirectoryRoles: (roles) => {
      const spId = apiApp.servicePrincipal.id;
      tenant.roleAssignments = tenant.roleAssignments.filter((a) => a.principalId !== spId);
      for (const { roleName, scope = '/' } of roles) {
        const roleDefinitionId = DIRECTORY_ROLE_TEMPLATES[roleName];
        if (!roleDefinitionId) throw new Error(`unknown directory role ${roleName}`);
        tenant.roleAssignments.push({
          id: fixedId(`roleAssignment:${spId}:${roleDefinitionId}:${scope}`),
          principalId: spId,
          roleDefinitionId,
          directoryScopeId: scope,
        });
      }
    },
    setPasswordGrantOutcome,
    approveDeviceCode: (userCode, upn) => {
      const outcome = decideDeviceCode(tokens, userCode, { approveAs: upn });
      if (outcome !== true) throw new Error(`cannot approve device code ${userCode}: ${outcome}`);
    },
    declineDeviceCode: (userCode) => {
      const outcome = decideDeviceCode(tokens, userCode, { decline: true });
      if (outcome !== true) throw new Error(`cannot decline device code ${userCode}: ${outcome}`);
    },
    pendingDeviceCodes: () => tokens.deviceCodes.pending(),
    branding: brandingSnapshot,
    setAppRoles: (clientId, roles) => {
      const app = tenant.apps.get(clientId.toLowerCase());
      if (!app) throw new Error(`no app registration ${clientId}`);
      app.appRoles = [...roles];
    },
    inspectUser: (idOrUpn) => {
      const u = findUser(tenant, idOrUpn);
      return u ? snapshot(tenant, u) : undefined;
    },
    updateApiApp: (changes) => {
      const a = apiApp.application;
      if (changes.secretEndDateTime !== undefined) {
        for (const c of a.passwordCredentials ?? []) c.endDateTime = changes.secretEndDateTime;
      }
      if (changes.certificateEndDateTime !== undefined) {
        for (const c of a.keyCredentials ?? []) c.endDateTime = changes.certificateEndDateTime;
      }
      if (changes.publicClientFlows !== undefined) a.isFallbackPublicClient = changes.publicClientFlows;
    },
    deleteGroup: (displayName) => {
      for (const [id, g] of tenant.groups) {
        if (g.group.displayName === displayName) {
          tenant.groups.delete(id);
          for (const other of tenant.groups.values()) other.memberIds.delete(id);
        }
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
