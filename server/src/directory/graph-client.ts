// The Graph client, pointed at a configurable base URL (sovereign clouds, the emulator) with our
// own last middleware so every request goes through the connector's dispatcher (proxy, per-call
// timeout) and the operation's deadline. Its RetryHandler honours Retry-After on 429/503/504,
// but only while the wait still fits inside the operation's time cap.
import {
  AuthenticationHandler,
  Client,
  RetryHandler,
  RetryHandlerOptions,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { parseRetryAfter } from './graph-errors.js';
import type { OperationDeadline } from './operation-deadline.js';
import { fetchThroughDirectory, type DirectoryHttp } from './outbound-proxy.js';

/** The last middleware: fetch through our dispatcher instead of the global fetch. */
class DirectoryFetchHandler implements Middleware {
  constructor(private readonly http: DirectoryHttp) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options = context.options ?? {};
    const headers: Record<string, string> = {};
    new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).forEach((value, key) => {
      headers[key] = value;
    });
    const response = await fetchThroughDirectory(this.http, url, {
      method: options.method ?? 'GET',
      headers,
      body: typeof options.body === 'string' ? options.body : undefined,
      signal: options.signal ?? undefined,
    });
    context.response = response;
  }

  setNext(): void {
    // Last in the chain.
  }
}

export function createGraphClient(options: {
  graphUrl: string;
  http: DirectoryHttp;
  accessToken: () => Promise<string>;
}): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: options.accessToken };
  const middleware: Middleware[] = [
    new AuthenticationHandler(authProvider),
    new RetryHandler(new RetryHandlerOptions(1, 3)),
    new DirectoryFetchHandler(options.http),
  ];
  return Client.initWithMiddleware({
    baseUrl: options.graphUrl,
    defaultVersion: 'v1.0',
    // The bearer token is attached only to Graph hosts or these (hostnames, no port).
    customHosts: new Set([new URL(options.graphUrl).hostname]),
    middleware,
  });
}

/**
 * Per-request RetryHandler options: retry 429/503/504 only while waiting for Retry-After (or
 * the back-off) still fits inside the operation's deadline, and remember the directory's
 * Retry-After for the caller.
 */
export function retryWithin(
  deadline: OperationDeadline,
  options: { retryGatewayTimeout: boolean } = { retryGatewayTimeout: true },
): RetryHandlerOptions {
  return new RetryHandlerOptions(1, 5, (delay, attempt, _request, _options, response) => {
    // A 504 on a write may have been applied: the caller re-reads instead of writing twice.
    if (response.status === 504 && !options.retryGatewayTimeout) return false;
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    const wait = retryAfter ?? delay * 2 ** attempt;
    if (retryAfter !== undefined) deadline.lastRetryAfter = retryAfter;
    return deadline.allowsWait(wait + 0.05);
  });
}
