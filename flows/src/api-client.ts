// The typed API client over a Transport: fetch to its own origin on the web, the preload bridge in the kiosk,
// app.inject in tests. Every answer is a value — { ok: true, value } or { ok: false, problem } — never a throw:
// an unexpected status, an invalid body or a failed transport all become a service_unavailable problem.
import type { z } from 'zod';
import {
  fillPath,
  makeProblem,
  operations,
  problemSchema,
  type ChallengeAccepted,
  type ChallengeRequest,
  type Completed,
  type EnrollmentAccepted,
  type EnrollmentConfirmationRequest,
  type EnrollmentConfirmed,
  type EnrollmentRequest,
  type FlowCreated,
  type FlowPublicState,
  type NewPasswordRequest,
  type OperationName,
  type PasswordPolicy,
  type Problem,
  type StartFlowRequest,
  type VerificationRequest,
  type VerificationResult,
} from './contract.js';

export interface TransportParams {
  flowId?: string;
  flowToken?: string;
  body?: unknown;
}

export interface TransportResponse {
  status: number;
  /** Parsed JSON, or undefined when there was none (204) or it was not JSON. */
  body: unknown;
}

/** Carries one operation of the contract; the operations table says its method and path. */
export interface Transport {
  request(op: OperationName, params: TransportParams): Promise<TransportResponse>;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** The public id and the secret token of a flow, as returned by startFlow. */
export interface FlowAuth {
  flowId: string;
  flowToken: string;
}

export interface ApiClient {
  startFlow(body: StartFlowRequest): Promise<ApiResult<FlowCreated>>;
  getFlow(auth: FlowAuth): Promise<ApiResult<FlowPublicState>>;
  cancelFlow(auth: FlowAuth): Promise<ApiResult<undefined>>;
  createChallenge(auth: FlowAuth, body: ChallengeRequest): Promise<ApiResult<ChallengeAccepted>>;
  verify(auth: FlowAuth, body: VerificationRequest): Promise<ApiResult<VerificationResult>>;
  getPasswordPolicy(auth: FlowAuth): Promise<ApiResult<PasswordPolicy>>;
  setPassword(auth: FlowAuth, body: NewPasswordRequest): Promise<ApiResult<Completed>>;
  enroll(auth: FlowAuth, body: EnrollmentRequest): Promise<ApiResult<EnrollmentAccepted>>;
  confirmEnrollment(
    auth: FlowAuth,
    body: EnrollmentConfirmationRequest,
  ): Promise<ApiResult<EnrollmentConfirmed>>;
}

/** Validates an answer against the contract: the success schema, else a problem document. */
export function interpretResponse<T>(op: OperationName, response: TransportResponse): ApiResult<T> {
  const definition = operations[op];
  if (response.status === definition.success.status) {
    const schema = definition.success.schema as z.ZodType | null;
    if (schema === null) return { ok: true, value: undefined as T };
    const parsed = schema.safeParse(response.body);
    if (parsed.success) return { ok: true, value: parsed.data as T };
    return { ok: false, problem: makeProblem('service_unavailable', { detail: 'Unexpected response body' }) };
  }
  if (response.status >= 400) {
    const parsed = problemSchema.safeParse(response.body);
    if (parsed.success) return { ok: false, problem: parsed.data };
  }
  return {
    ok: false,
    problem: makeProblem('service_unavailable', { detail: `Unexpected response status ${response.status}` }),
  };
}

export function createApiClient(transport: Transport): ApiClient {
  async function call<T>(
    op: OperationName,
    auth: FlowAuth | undefined,
    body?: unknown,
  ): Promise<ApiResult<T>> {
    const request = operations[op].request as z.ZodType | null;
    // Refuse locally what the server would refuse, so a bug in a caller never sends an unvalidated body.
    if (request !== null && !request.safeParse(body).success) {
      return { ok: false, problem: makeProblem('invalid_request') };
    }
    const params: TransportParams = {};
    if (auth) {
      params.flowId = auth.flowId;
      params.flowToken = auth.flowToken;
    }
    if (request !== null) params.body = body;
    let response: TransportResponse;
    try {
      response = await transport.request(op, params);
    } catch {
      return {
        ok: false,
        problem: makeProblem('network_error', { detail: 'The service could not be reached' }),
      };
    }
    return interpretResponse<T>(op, response);
  }
  return {
    startFlow: (body) => call('startFlow', undefined, body),
    getFlow: (auth) => call('getFlow', auth),
    cancelFlow: (auth) => call('cancelFlow', auth),
    createChallenge: (auth, body) => call('createChallenge', auth, body),
    verify: (auth, body) => call('verify', auth, body),
    getPasswordPolicy: (auth) => call('getPasswordPolicy', auth),
    setPassword: (auth, body) => call('setPassword', auth, body),
    enroll: (auth, body) => call('enroll', auth, body),
    confirmEnrollment: (auth, body) => call('confirmEnrollment', auth, body),
  };
}

export interface FetchTransportOptions {
  /** Defaults to the global fetch (browser, Electron renderer, Node ≥ 18). */
  fetch?: typeof globalThis.fetch;
  /** Abort a request after this many milliseconds (default 15 s); the client answers service_unavailable. */
  timeoutMs?: number;
}

/** The web host's transport: fetch to its own origin (baseUrl '' = same origin), JSON, Authorization: Bearer. */
export function createFetchTransport(baseUrl = '', options: FetchTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async request(op, params) {
      const fetchImpl = options.fetch ?? globalThis.fetch;
      const definition = operations[op];
      const path = fillPath(definition.path, params.flowId === undefined ? {} : { flowId: params.flowId });
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      if (params.flowToken !== undefined) headers.authorization = `Bearer ${params.flowToken}`;
      const init: RequestInit = {
        method: definition.method,
        headers,
        credentials: 'omit',
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      };
      if (params.body !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(params.body);
      }
      const response = await fetchImpl(baseUrl + path, init);
      const text = await response.text();
      let body: unknown = undefined;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      return { status: response.status, body };
    },
  };
}
