// The OAuth 2.0 device authorization grant (RFC 8628) as Entra serves it: POST
// /{tenant}/oauth2/v2.0/devicecode hands out a user code and a device code; the client polls the
// token endpoint, answered `authorization_pending` until someone signs in (here: an approval through
// the emulator's admin surface or its small sign-in page), `expired_token` after expires_in, and
// the user's delegated token, with the scopes consented for the app, once approved.
import { randomBytes } from 'node:crypto';
import type { EmuRequest, EmuResponse } from './http-types.js';
import { json } from './http-types.js';
import { findUser, type AppRecord } from './tenant.js';
import {
  GRAPH_AUDIENCE,
  OIDC_SCOPES,
  aadstsError,
  userTokenResponse,
  type TokenServiceContext,
} from './token-service.js';

interface PendingDeviceCode {
  deviceCode: string;
  userCode: string;
  clientId: string;
  /** Resource scopes as full URLs, e.g. https://graph.microsoft.com/OrganizationalBranding.ReadWrite.All. */
  scopes: string[];
  oidcScopes: string[];
  expiresAtMs: number;
  state: 'pending' | 'approved' | 'declined';
  userId?: string;
}

export interface DeviceCodeOptions {
  /** Polling interval the emulator asks for (Entra: 5 s); tests shorten it. */
  intervalSeconds: number;
  /** Lifetime of a device code (Entra: 900 s). */
  lifetimeSeconds: number;
}

export class DeviceCodeStore {
  private readonly byDeviceCode = new Map<string, PendingDeviceCode>();

  constructor(readonly options: DeviceCodeOptions) {}

  add(entry: PendingDeviceCode): void {
    for (const [k, v] of this.byDeviceCode)
      if (v.expiresAtMs + 60_000 < Date.now()) this.byDeviceCode.delete(k);
    this.byDeviceCode.set(entry.deviceCode, entry);
  }

  get(deviceCode: string): PendingDeviceCode | undefined {
    return this.byDeviceCode.get(deviceCode);
  }

  delete(deviceCode: string): void {
    this.byDeviceCode.delete(deviceCode);
  }

  byUserCode(userCode: string): PendingDeviceCode | undefined {
    const code = userCode.trim().toUpperCase();
    for (const v of this.byDeviceCode.values()) if (v.userCode === code) return v;
    return undefined;
  }

  pending(): { userCode: string; clientId: string; scopes: string[] }[] {
    return [...this.byDeviceCode.values()]
      .filter((v) => v.state === 'pending' && v.expiresAtMs > Date.now())
      .map((v) => ({ userCode: v.userCode, clientId: v.clientId, scopes: [...v.scopes] }));
  }
}

/** Letters without look-alikes, as Entra's user codes (e.g. "F7QK2LMNB"). */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(): string {
  const bytes = randomBytes(9);
  return [...bytes].map((b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
}

function resourceScopes(requested: string[]): string[] {
  return requested
    .filter((s) => !OIDC_SCOPES.includes(s))
    .map((s) => (s.startsWith('https://') ? s : `${GRAPH_AUDIENCE}/${s}`));
}

/** The scopes consented for the app, or the first one that is not. `.default` means all consented. */
function consentedScopes(app: AppRecord, requested: string[]): string[] | { missing: string } {
  const out: string[] = [];
  for (const scope of requested) {
    if (!scope.startsWith(`${GRAPH_AUDIENCE}/`)) return { missing: scope };
    const name = scope.slice(GRAPH_AUDIENCE.length + 1);
    if (name === '.default') {
      out.push(...app.delegatedScopes.map((s) => `${GRAPH_AUDIENCE}/${s}`));
      continue;
    }
    if (!app.delegatedScopes.includes(name)) return { missing: scope };
    out.push(scope);
  }
  return out.length > 0 ? [...new Set(out)] : [`${GRAPH_AUDIENCE}/User.Read`];
}

export function deviceCodeEndpoint(ctx: TokenServiceContext, req: EmuRequest): EmuResponse {
  ctx.count('devicecode');
  const form = new URLSearchParams(req.bodyText);
  const clientId = (form.get('client_id') ?? '').toLowerCase();
  const app = ctx.tenant.apps.get(clientId);
  if (!clientId) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  if (!app) {
    return aadstsError(
      ctx,
      req,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.tenant.domain}'.`,
    );
  }
  if (!app.application.isFallbackPublicClient) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const granted = consentedScopes(app, resourceScopes(requested));
  if (!Array.isArray(granted)) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_scope',
      65001,
      `The user or administrator has not consented to use the application with ID '${app.application.appId}'. Send an interactive authorization request for this user and resource. Scope: ${granted.missing}.`,
    );
  }
  const { intervalSeconds, lifetimeSeconds } = ctx.deviceCodes.options;
  const entry: PendingDeviceCode = {
    deviceCode: randomBytes(48).toString('base64url'),
    userCode: newUserCode(),
    clientId: app.application.appId,
    scopes: granted,
    oidcScopes: requested.filter((s) => OIDC_SCOPES.includes(s)),
    expiresAtMs: Date.now() + lifetimeSeconds * 1000,
    state: 'pending',
  };
  ctx.deviceCodes.add(entry);
  const verificationUri = `${ctx.origin()}/_emulator/devicelogin`;
  return json(
    200,
    {
      user_code: entry.userCode,
      device_code: entry.deviceCode,
      verification_uri: verificationUri,
      expires_in: lifetimeSeconds,
      interval: intervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${entry.userCode} to authenticate.`,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  );
}

export async function deviceCodeGrant(
  ctx: TokenServiceContext,
  req: EmuRequest,
  form: URLSearchParams,
): Promise<EmuResponse> {
  const code = form.get('device_code') ?? '';
  const entry = ctx.deviceCodes.get(code);
  if (!entry || entry.clientId !== (form.get('client_id') ?? '').toLowerCase()) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_grant',
      70000,
      "The provided value for the input parameter 'device_code' is not valid.",
    );
  }
  if (Date.now() > entry.expiresAtMs) {
    ctx.deviceCodes.delete(code);
    return aadstsError(
      ctx,
      req,
      400,
      'expired_token',
      70020,
      'The provided authorization code or refresh token is expired. Send a new interactive authorization request for this user and resource.',
    );
  }
  if (entry.state === 'pending') {
    return aadstsError(
      ctx,
      req,
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    );
  }
  ctx.deviceCodes.delete(code);
  if (entry.state === 'declined') {
    return aadstsError(
      ctx,
      req,
      400,
      'authorization_declined',
      70000,
      'The user declined the sign-in request.',
    );
  }
  const app = ctx.tenant.apps.get(entry.clientId);
  const user = entry.userId ? ctx.tenant.users.get(entry.userId) : undefined;
  if (!app || !user) {
    return aadstsError(
      ctx,
      req,
      400,
      'invalid_grant',
      70000,
      "The provided value for the input parameter 'device_code' is not valid.",
    );
  }
  return userTokenResponse(ctx, app, user, entry.scopes, entry.oidcScopes, '0');
}

/** Completes a pending sign-in as this user (or declines it); a string says why it could not. */
export function decideDeviceCode(
  ctx: TokenServiceContext,
  userCode: string,
  decision: { approveAs: string } | { decline: true },
): true | string {
  const entry = ctx.deviceCodes.byUserCode(userCode);
  if (!entry || entry.state !== 'pending' || entry.expiresAtMs < Date.now()) return 'no_such_code';
  if ('decline' in decision) {
    entry.state = 'declined';
    return true;
  }
  const user = findUser(ctx.tenant, decision.approveAs);
  if (!user) return 'no_such_user';
  if (user.user.accountEnabled === false) return 'user_disabled';
  entry.state = 'approved';
  entry.userId = user.user.id;
  return true;
}
