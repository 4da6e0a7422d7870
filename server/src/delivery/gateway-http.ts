// HTTP to SMS gateways with undici: one dispatcher per provider (through the configured outbound
// proxy when there is one), a timeout on every call, and a stable classification of the answer so
// the outbox worker knows whether to retry. Nothing of the message is ever put in an error.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { SendResult } from './delivery.js';

export function createGatewayDispatcher(outboundProxy?: string): Dispatcher {
  // ProxyAgent tunnels HTTPS through CONNECT, so TLS still ends at the gateway itself.
  return outboundProxy ? new ProxyAgent(outboundProxy) : new Agent({ connections: 16 });
}

export interface GatewayRequest {
  url: URL;
  method?: 'POST';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal?: AbortSignal;
  dispatcher: Dispatcher;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type GatewayOutcome = { ok: true; response: GatewayResponse } | Extract<SendResult, { ok: false }>;

function retryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Maps an HTTP status that is not a success to a send failure. */
export function classifyStatus(status: number, headers: GatewayResponse['headers'], upstreamCode?: string) {
  const code = upstreamCode ?? `http_${status}`;
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfter = retryAfterSeconds(headers['retry-after']);
    return {
      ok: false as const,
      code: 'gateway_unavailable' as const,
      transient: true,
      upstreamCode: code,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  }
  if (status === 401 || status === 403) {
    return {
      ok: false as const,
      code: 'gateway_configuration' as const,
      transient: false,
      upstreamCode: code,
    };
  }
  return { ok: false as const, code: 'gateway_rejected' as const, transient: false, upstreamCode: code };
}

export async function sendToGateway(req: GatewayRequest): Promise<GatewayOutcome> {
  const signals = [AbortSignal.timeout(req.timeoutMs), ...(req.signal ? [req.signal] : [])];
  try {
    const response = await request(req.url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: req.dispatcher,
      signal: AbortSignal.any(signals),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    // Gateways answer small JSON documents; cap what we read so a broken one cannot flood memory.
    const text = (await response.body.text()).slice(0, 64 * 1024);
    return { ok: true, response: { status: response.statusCode, headers: response.headers, body: text } };
  } catch (error) {
    const name = error instanceof Error ? ((error as Error & { code?: string }).code ?? error.name) : 'error';
    return {
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
      upstreamCode: String(name).slice(0, 64),
    };
  }
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
