// Everything that can go wrong talking to Entra ID becomes a DirectoryFailure here: GraphError
// from the Graph client, AuthError/ServerError from msal-node, our own timeouts. Raw exceptions
// never leave the directory module (style.md: errors are values with stable codes).
import { AuthError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { DirectoryFailure, DirectoryFailureCode } from './directory.js';
import { OperationDeadlineError } from './operation-deadline.js';

/** AADSTS numbers that mean our own app registration or tenant is misconfigured. */
const CONFIGURATION_AADSTS = new Set([
  '7000215', // invalid client secret
  '7000222', // client secret expired
  '700016', // application not found in the tenant
  '700027', // client assertion signature invalid (certificate not registered)
  '700024', // client assertion not within its valid time range
  '90002', // tenant not found
  '900023', // tenant id or name malformed
  '900971', // no reply address (misconfigured app)
  '7000218', // public client flows disabled and no client credential sent
  '500011', // resource principal (Graph) not found in tenant
]);

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), if it holds one. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The AADSTS number of an msal error (entra.md: errorNo first, then the message). */
export function aadstsNumber(error: unknown): string | undefined {
  if (!(error instanceof AuthError)) return undefined;
  const errorNo = (error as AuthError & { errorNo?: unknown }).errorNo;
  if (typeof errorNo === 'string' && errorNo !== '') return errorNo;
  if (typeof errorNo === 'number') return String(errorNo);
  return /AADSTS(\d+)/.exec(error.errorMessage ?? '')?.[1] ?? /AADSTS(\d+)/.exec(error.message)?.[1];
}

function failure(code: DirectoryFailureCode, upstreamCode?: string, retryAfter?: number): DirectoryFailure {
  const f: DirectoryFailure = { ok: false, code };
  if (upstreamCode !== undefined && upstreamCode !== '') f.upstreamCode = upstreamCode;
  if (retryAfter !== undefined) f.retryAfter = retryAfter;
  return f;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers && typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  if (headers && typeof headers === 'object') {
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return typeof entry?.[1] === 'string' ? entry[1] : undefined;
  }
  return undefined;
}

/** A Graph HTTP status (+ error code, Retry-After) as a failure; used for $batch sub-responses too. */
export function failureFromStatus(
  status: number,
  upstreamCode?: string,
  retryAfterHeader?: string,
): DirectoryFailure {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  if (status === 403 || status === 401) return failure('permission_denied', upstreamCode ?? String(status));
  if (status === 404) return failure('not_found', upstreamCode ?? '404');
  if (status === 429 || status >= 500 || status < 0) {
    return failure('directory_unavailable', upstreamCode ?? String(status), retryAfter);
  }
  // Any other 4xx is a request we built wrongly: not the user's fault, not retryable. (A 400 on the
  // password PATCH is turned into password_rejected by resetPassword, which knows what it sent.)
  return failure('configuration_error', upstreamCode ?? String(status));
}

export interface MapErrorContext {
  /** Seconds until msal's local throttle lifts, when our network client saw a 429/5xx (see msal-credentials). */
  tokenThrottleSeconds?: () => number | undefined;
}

/** Any error thrown inside the connector → a typed failure. Never throws. */
export function toDirectoryFailure(error: unknown, context: MapErrorContext = {}): DirectoryFailure {
  if (error instanceof OperationDeadlineError) {
    return failure('directory_unavailable', 'operation_time_cap', error.retryAfter);
  }
  if (error instanceof GraphError) {
    if (error.statusCode === -1 || error.statusCode === 0) {
      // fetch rejected: timeout, dropped connection, DNS, proxy refusal.
      return failure('directory_unavailable', error.code ?? 'network_error');
    }
    // A 400 that is not about a password is mapped by the caller that knows what it sent.
    return failureFromStatus(
      error.statusCode,
      error.code ?? undefined,
      headerValue(error.headers, 'retry-after'),
    );
  }
  if (error instanceof AuthError) {
    const aadsts = aadstsNumber(error);
    if (aadsts !== undefined && CONFIGURATION_AADSTS.has(aadsts))
      return failure('configuration_error', `AADSTS${aadsts}`);
    const throttle = context.tokenThrottleSeconds?.();
    if (throttle !== undefined) return failure('directory_unavailable', 'token_throttled', throttle);
    if (error.errorCode === 'invalid_client' || error.errorCode === 'unauthorized_client') {
      return failure('configuration_error', error.errorCode);
    }
    if (error.errorCode === 'empty_access_token')
      return failure('directory_unavailable', 'empty_access_token');
    return failure(
      'directory_unavailable',
      aadsts !== undefined ? `AADSTS${aadsts}` : error.errorCode || 'msal_error',
    );
  }
  return failure('directory_unavailable', 'unexpected_error');
}
