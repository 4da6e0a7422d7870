// T10: the only network the kiosk has. Main validates each operation and body with the flows contract,
// then calls the ONE configured API origin over HTTPS, trusting only the CA(s) pinned by policy (the
// `ca` option replaces Node's and the system's roots, NODE_EXTRA_CA_CERTS included). No HTTP, no
// redirects followed, no cookies, no proxy prompts. Every failure becomes a problem document.
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import {
  fillPath,
  flowIdSchema,
  flowTokenSchema,
  makeProblem,
  operationNames,
  operations,
  problemTypeBase,
  type OperationName,
  type ProblemCode,
} from '@mypass/flows/contract';

export interface BridgeResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Problems only the kiosk produces (the API never answers them): the server could not be reached,
 * or its certificate did not chain to the pinned CA. Shaped like the contract's problem documents.
 */
export type KioskProblemCode = 'network_error' | 'certificate_error';

export function kioskProblem(code: KioskProblemCode | ProblemCode): BridgeResponse {
  if (code === 'network_error' || code === 'certificate_error') {
    const title =
      code === 'network_error' ? 'The service could not be reached' : 'The service is not trusted';
    return { status: 503, body: { type: problemTypeBase + code, title, status: 503, code } };
  }
  const problem = makeProblem(code);
  return { status: problem.status, body: problem };
}

// Node's X.509 verification error codes: the chain, the name or the dates did not check out.
const certificateErrorCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** Classifies a request error: certificate problems apart from everything else on the wire. */
export function classifyRequestError(error: unknown): KioskProblemCode {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && certificateErrorCodes.has(code) ? 'certificate_error' : 'network_error';
}

const paramsSchema = z.strictObject({
  flowId: flowIdSchema.optional(),
  flowToken: flowTokenSchema.optional(),
  body: z.unknown().optional(),
});

export type ValidatedRequest = {
  readonly op: OperationName;
  readonly flowId?: string;
  readonly flowToken?: string;
  readonly body?: unknown;
};

/** Checks what the renderer asked for against the contract; anything else is invalid_request. */
export function validateBridgeRequest(op: unknown, params: unknown): ValidatedRequest | undefined {
  if (typeof op !== 'string' || !(operationNames as readonly string[]).includes(op)) return undefined;
  const name = op as OperationName;
  const definition = operations[name];
  const parsed = paramsSchema.safeParse(params ?? {});
  if (!parsed.success) return undefined;
  const { flowId, flowToken, body } = parsed.data;
  if (definition.auth && (flowId === undefined || flowToken === undefined)) return undefined;
  if (!definition.auth && (flowId !== undefined || flowToken !== undefined)) return undefined;
  const requestSchema = definition.request as z.ZodType | null;
  if (requestSchema === null) {
    if (body !== undefined) return undefined;
  } else if (!requestSchema.safeParse(body).success) {
    return undefined;
  }
  return {
    op: name,
    ...(flowId !== undefined ? { flowId } : {}),
    ...(flowToken !== undefined ? { flowToken } : {}),
    ...(requestSchema !== null ? { body } : {}),
  };
}

export interface PinnedTransportOptions {
  /** https:// origin from policy (already validated by kioskPolicySchema). */
  readonly origin: string;
  /** PEM of the pinned CA(s). */
  readonly ca: string;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
}

export interface PinnedTransport {
  request(op: unknown, params: unknown): Promise<BridgeResponse>;
  close(): void;
}

export type PinnedTransportResult =
  | { readonly ok: true; readonly transport: PinnedTransport }
  | { readonly ok: false; readonly code: 'insecure_origin' | 'ca_missing' };

function readBody(response: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

function parseJson(bytes: Buffer, contentType: string | undefined): unknown {
  if (bytes.length === 0 || !/^application\/(problem\+)?json\b/i.test(contentType ?? '')) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function createPinnedTransport(options: PinnedTransportOptions): PinnedTransportResult {
  let origin: URL;
  try {
    origin = new URL(options.origin);
  } catch {
    return { ok: false, code: 'insecure_origin' };
  }
  if (origin.protocol !== 'https:' || origin.username || origin.password)
    return { ok: false, code: 'insecure_origin' };
  if (!options.ca.includes('-----BEGIN CERTIFICATE-----')) return { ok: false, code: 'ca_missing' };
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const agent = new Agent({ ca: options.ca, keepAlive: true, maxSockets: 4, rejectUnauthorized: true });

  const transport: PinnedTransport = {
    async request(op, params) {
      const valid = validateBridgeRequest(op, params);
      if (valid === undefined) return kioskProblem('invalid_request');
      const definition = operations[valid.op];
      const path = fillPath(definition.path, valid.flowId === undefined ? {} : { flowId: valid.flowId });
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json',
        'user-agent': 'MyPass-Kiosk',
      };
      if (valid.flowToken !== undefined) headers.authorization = `Bearer ${valid.flowToken}`;
      const payload = valid.body === undefined ? undefined : Buffer.from(JSON.stringify(valid.body), 'utf8');
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      return new Promise<BridgeResponse>((resolve) => {
        let settled = false;
        const settle = (value: BridgeResponse): void => {
          if (!settled) {
            settled = true;
            resolve(value);
          }
        };
        const req = httpsRequest(
          {
            protocol: 'https:',
            hostname: origin.hostname.replace(/^\[|\]$/g, ''),
            port: origin.port || 443,
            path,
            method: definition.method,
            headers,
            agent,
            ca: options.ca,
            rejectUnauthorized: true,
            timeout: timeoutMs,
          },
          (response) => {
            readBody(response, maxResponseBytes).then(
              (bytes) =>
                settle(
                  bytes === undefined
                    ? kioskProblem('service_unavailable')
                    : {
                        status: response.statusCode ?? 502,
                        body: parseJson(bytes, response.headers['content-type']),
                      },
                ),
              (error: unknown) => settle(kioskProblem(classifyRequestError(error))),
            );
          },
        );
        req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        req.on('error', (error) => settle(kioskProblem(classifyRequestError(error))));
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
  return { ok: true, transport };
}
