// Plain-fetch helpers for the emulator's tests (Node trusts the emulator through NODE_EXTRA_CA_CERTS).
import type { RunningEmulator } from '../src/api.js';

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function toJson<T>(res: Response): Promise<JsonResponse<T>> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function tokenRequest(
  emu: RunningEmulator,
  form: Record<string, string>,
  tenant = emu.tenantId,
): Promise<JsonResponse> {
  const res = await fetch(`${emu.origin}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return toJson(res);
}

export async function appToken(emu: RunningEmulator): Promise<string> {
  const res = await tokenRequest(emu, {
    grant_type: 'client_credentials',
    client_id: emu.apiApp.clientId,
    client_secret: emu.apiApp.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  });
  if (res.status !== 200) throw new Error(`token request failed: ${JSON.stringify(res.body)}`);
  return String(res.body.access_token);
}

export async function graph<T = Record<string, unknown>>(
  emu: RunningEmulator,
  token: string | null,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(`${emu.origin}/v1.0${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  return toJson<T>(res);
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export interface AadstsBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export function usersFilter(filter: string, extra = ''): string {
  return `/users?$filter=${encodeURIComponent(filter)}${extra}`;
}
