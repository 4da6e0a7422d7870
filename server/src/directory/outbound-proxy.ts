// One undici dispatcher carries every request of the connector — msal's token calls (through
// our network client) and the Graph client's (through our fetch middleware) — so the configured
// outbound proxy applies to both: `directory.proxy` when set, else HTTPS_PROXY / HTTP_PROXY /
// NO_PROXY from the environment (undici's EnvHttpProxyAgent reads them, lower case too).
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { DirectoryConfig } from '../config/directory-config.js';

/** The largest answer read from Entra or Graph (16 MiB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export function createOutboundDispatcher(config: Pick<DirectoryConfig, 'proxy' | 'timeouts'>): Dispatcher {
  const timeouts = {
    // Requests wait for a kept-alive connection rather than each opening its own: under load an
    // unbounded pool kept opening TLS connections (handshakes were ~7 % of the API's CPU in the bench).
    connections: 64,
    connectTimeout: config.timeouts.callMs,
    headersTimeout: config.timeouts.callMs,
    bodyTimeout: config.timeouts.callMs,
    // Bodies are read whole; no Entra or Graph answer MyPass asks for comes near this (a $batch of
    // the per-user reads, 999 group members a page), and a stream of junk must not fill memory.
    maxResponseSize: MAX_RESPONSE_BYTES,
  };
  if (config.proxy) {
    return new EnvHttpProxyAgent({
      ...timeouts,
      httpProxy: config.proxy.url,
      httpsProxy: config.proxy.url,
      noProxy: config.proxy.noProxy.join(','),
    });
  }
  return new EnvHttpProxyAgent(timeouts);
}

export interface DirectoryHttp {
  dispatcher: Dispatcher;
  callMs: number;
}

/** What a redirect from Entra or Graph becomes: neither redirects these calls, so none is followed. */
export class DirectoryRedirectError extends Error {
  constructor(readonly status: number) {
    super(`the directory answered HTTP ${status} (a redirect); not followed`);
    this.name = 'DirectoryRedirectError';
  }
}

// Statuses whose Response must have no body (the Response constructor refuses one); 1xx never
// reach here and fetchThroughDirectory refuses 3xx.
const NULL_BODY_STATUSES = new Set([204, 205]);

/**
 * A request through the connector's dispatcher, with a timeout on this call and, when given, the
 * operation's deadline signal, answered as a WHATWG Response (what msal's network client and the
 * Graph client read). undici's `request` with the body read whole costs about half of its `fetch`
 * in CPU (no web streams on the way in). A redirect is never followed: a bearer token or a password
 * must not go anywhere else.
 */
export async function fetchThroughDirectory(
  http: DirectoryHttp,
  url: string,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: string | undefined;
    signal?: AbortSignal | undefined;
  },
): Promise<Response> {
  // One timer per call, cleared when the call ends. AbortSignal.timeout (with AbortSignal.any for
  // the operation's deadline) fired callMs after every finished call: a DOMException and an abort
  // event each, and two signals kept alive until then (about 2 % of the API's CPU in the bench).
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('the directory call timed out', 'TimeoutError')),
    http.callMs,
  );
  const outer = init.signal;
  const followOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) followOuter();
  else outer?.addEventListener('abort', followOuter, { once: true });
  try {
    const answer = await http.dispatcher.request({
      ...originAndPath(url),
      method: init.method as Dispatcher.HttpMethod,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: controller.signal,
    });
    if (answer.statusCode >= 300 && answer.statusCode < 400) {
      // Discarded unread, up to a limit; the connection is then reused or closed by undici.
      await answer.body.dump();
      throw new DirectoryRedirectError(answer.statusCode);
    }
    const body = await answer.body.arrayBuffer();
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.append(name, value);
    }
    return new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : body, {
      status: answer.statusCode,
      headers,
    });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', followOuter);
  }
}

function originAndPath(url: string): { origin: string; path: string } {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
