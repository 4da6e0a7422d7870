// The emulator's transport-neutral request and response, so $batch can route inner requests
// through exactly the same code as real HTTP requests.

export interface EmuRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the router. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  bodyText: string;
  /** Parsed JSON body for $batch inner requests (already an object there). */
  bodyJson?: unknown;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string (then sent as-is with the given content type). */
  body?: unknown;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse {
  return { status, body, headers };
}
