import { AuthError, ServerError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { aadstsNumber, parseRetryAfter, toDirectoryFailure } from '../../src/directory/graph-errors.js';
import { OperationDeadlineError } from '../../src/directory/operation-deadline.js';

function graphError(status: number, code: string, headers: Record<string, string> = {}): GraphError {
  const e = new GraphError(status, 'message');
  e.code = code;
  e.headers = new Headers(headers);
  return e;
}

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('toDirectoryFailure', () => {
  it('maps Graph statuses to stable codes', () => {
    expect(toDirectoryFailure(graphError(403, 'Authorization_RequestDenied'))).toEqual({
      ok: false,
      code: 'permission_denied',
      upstreamCode: 'Authorization_RequestDenied',
    });
    expect(toDirectoryFailure(graphError(404, 'Request_ResourceNotFound')).code).toBe('not_found');
    expect(toDirectoryFailure(graphError(503, 'ServiceUnavailable', { 'Retry-After': '12' }))).toEqual({
      ok: false,
      code: 'directory_unavailable',
      upstreamCode: 'ServiceUnavailable',
      retryAfter: 12,
    });
    expect(toDirectoryFailure(graphError(429, 'TooManyRequests')).code).toBe('directory_unavailable');
    expect(toDirectoryFailure(graphError(-1, 'TypeError')).code).toBe('directory_unavailable');
  });

  it('maps a bad client secret to configuration_error', () => {
    const e = new ServerError(
      'invalid_client',
      '',
      'AADSTS7000215: Invalid client secret provided.',
      '',
      '7000215',
      401,
    );
    expect(aadstsNumber(e)).toBe('7000215');
    expect(toDirectoryFailure(e)).toEqual({
      ok: false,
      code: 'configuration_error',
      upstreamCode: 'AADSTS7000215',
    });
  });

  it('reads the AADSTS number from the message when errorNo is absent', () => {
    expect(
      aadstsNumber(new AuthError('invalid_grant', '', 'AADSTS50126: Error validating credentials')),
    ).toBe('50126');
  });

  it("reports msal's local throttle as directory_unavailable with the time left", () => {
    const e = new ServerError('', '', 'throttled');
    expect(toDirectoryFailure(e, { tokenThrottleSeconds: () => 42 })).toEqual({
      ok: false,
      code: 'directory_unavailable',
      upstreamCode: 'token_throttled',
      retryAfter: 42,
    });
  });

  it('reports the time cap and unknown errors without throwing', () => {
    expect(toDirectoryFailure(new OperationDeadlineError(5))).toEqual({
      ok: false,
      code: 'directory_unavailable',
      upstreamCode: 'operation_time_cap',
      retryAfter: 5,
    });
    expect(toDirectoryFailure(new Error('boom'))).toEqual({
      ok: false,
      code: 'directory_unavailable',
      upstreamCode: 'unexpected_error',
    });
  });
});
