// app://mypass serves the bundled renderer (T7): no file: URLs, no directory listing, nothing outside
// the bundle folder, and the CSP as a response header so no page can loosen it with a <meta> tag.
import { extname } from 'node:path';
import type { PlatformPath } from 'node:path';
import { appHost, appScheme } from './app-origin.js';

export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export type ResolveResult =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly code: 'foreign_origin' | 'bad_path' | 'unknown_type' };

/**
 * Maps an app:// URL to a file under `root`, or refuses. Refuses anything encoded twice, any
 * backslash, colon (drive letters, NTFS streams), NUL, `.`/`..` segment or UNC-looking path after
 * one decoding, then checks containment again with the target platform's own path rules.
 */
export function resolveAppPath(url: string, root: string, path: PlatformPath): ResolveResult {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, code: 'foreign_origin' };
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host !== appHost || parsed.username || parsed.password) {
    return { ok: false, code: 'foreign_origin' };
  }
  const raw = parsed.pathname;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return { ok: false, code: 'bad_path' };
  }
  if (/%[0-9a-f]{2}/i.test(decoded) || /[\\:\0]/.test(decoded) || decoded.startsWith('//')) {
    return { ok: false, code: 'bad_path' };
  }
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..' || s.trim() !== s || s.endsWith('.'))) {
    return { ok: false, code: 'bad_path' };
  }
  const relative = segments.join('/') || 'index.html';
  if (relative.endsWith('/')) return { ok: false, code: 'bad_path' };
  const full = path.resolve(root, ...relative.split('/'));
  const back = path.relative(path.resolve(root), full);
  if (back === '' || back.startsWith('..') || path.isAbsolute(back)) return { ok: false, code: 'bad_path' };
  if (contentTypes[extname(relative).toLowerCase()] === undefined) return { ok: false, code: 'unknown_type' };
  return { ok: true, path: full };
}

export interface ProtocolHandlerDeps {
  readonly root: string;
  readonly path: PlatformPath;
  readFile(path: string): Promise<Uint8Array>;
}

function securityHeaders(contentType: string): Headers {
  return new Headers({
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
}

function refusal(status: number): Response {
  return new Response(null, { status, headers: securityHeaders('text/plain; charset=utf-8') });
}

/** The handler for `protocol.handle('app', …)`: GET of a bundled file, or 4xx with no body. */
export function createAppProtocolHandler(deps: ProtocolHandlerDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return refusal(405);
    const resolved = resolveAppPath(request.url, deps.root, deps.path);
    if (!resolved.ok) return refusal(resolved.code === 'foreign_origin' ? 403 : 404);
    const type = contentTypes[deps.path.extname(resolved.path).toLowerCase()] ?? 'application/octet-stream';
    try {
      const body = await deps.readFile(resolved.path);
      return new Response(new Uint8Array(body), { status: 200, headers: securityHeaders(type) });
    } catch {
      return refusal(404);
    }
  };
}

/** The handler installed over file: so no page, link or redirect can ever read the disk. */
export function refuseFileProtocol(): Response {
  return refusal(403);
}
