// Serves the built web UI (kiosk/dist/web) at `/` with a strict CSP, the host configuration the page
// reads at start (inlined into index.html as a JSON data block, and at /host-config.json), and in
// demo mode the demo users' registered methods. Only files that exist at
// registration are served (index.html and assets/*), from memory: no path ever reaches the file system.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, onSendHookHandler } from 'fastify';
import { makeProblem, problemContentType } from '@mypass/flows/contract';

/** The CSP of every UI response: our own scripts and styles only, no inline code, no framing. */
export const webUiContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What the page may be told about its deployment (the renderer's HostConfig; validated there again). */
export interface WebHostConfig {
  defaultLanguage?: string;
  allowedLanguages?: string[];
  inactivityTimeoutSeconds?: number;
  inactivityCountdownSeconds?: number;
  onScreenKeyboard?: boolean;
  helpdeskPhone?: string;
  helpdeskText?: string;
  guidanceOverride?: string;
}

export interface WebUiOptions {
  /** The Vite build output (kiosk/dist/web). */
  dir: string;
  /** Demo mode: the page shows the demo panel; `usersFile` is the launcher's list of demo users. */
  demo?: false | { usersFile?: string };
  hostConfig?: WebHostConfig;
}

export interface DemoUserEntry {
  userPrincipalName: string;
  note: string;
  methods: { kind: string; destination: string }[];
}

const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
}

function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const assetDir = join(dir, 'assets');
  let names: string[] = [];
  try {
    names = readdirSync(assetDir);
  } catch {
    return assets;
  }
  for (const name of names) {
    const type = contentTypes[extname(name)];
    const path = join(assetDir, name);
    if (type === undefined || !statSync(path).isFile()) continue;
    assets.set(name, { body: readFileSync(path), type });
  }
  return assets;
}

const uiHeaders = {
  'content-security-policy': webUiContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

/**
 * A route-level onSend hook: it runs after the app's own onSend hooks (which give every API answer
 * `default-src 'none'` and no-store), so the page's CSP and caching are the ones that reach the browser.
 */
function pageHeaders(cacheControl: string): onSendHookHandler {
  return async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(uiHeaders)) void reply.header(name, value);
    void reply.header('cache-control', reply.statusCode === 200 ? cacheControl : 'no-store');
    return payload;
  };
}

const noStore = pageHeaders('no-store');
// Asset names carry a content hash, so they never change: cache for a year.
const immutable = pageHeaders('public, max-age=31536000, immutable');

/** Parses the demo users file; entries that do not have the expected shape are dropped. */
export function parseDemoUsers(input: unknown): DemoUserEntry[] {
  const list = Array.isArray(input)
    ? input
    : input !== null && typeof input === 'object' && Array.isArray((input as { users?: unknown }).users)
      ? (input as { users: unknown[] }).users
      : [];
  const users: DemoUserEntry[] = [];
  for (const item of list) {
    if (item === null || typeof item !== 'object') continue;
    const u = item as Record<string, unknown>;
    if (typeof u.userPrincipalName !== 'string') continue;
    const methods = Array.isArray(u.methods)
      ? u.methods.flatMap((m: unknown) => {
          const r = (m ?? {}) as Record<string, unknown>;
          return typeof r.kind === 'string' && typeof r.destination === 'string'
            ? [{ kind: r.kind, destination: r.destination }]
            : [];
        })
      : [];
    users.push({
      userPrincipalName: u.userPrincipalName,
      note: typeof u.note === 'string' ? u.note : '',
      methods,
    });
  }
  return users;
}

/** The id of the data block in index.html that carries the host configuration. */
export const hostConfigElementId = 'mypass-host-config';

/**
 * The host configuration as a JSON data block before </head>, so the page renders without waiting
 * for /host-config.json. A `type="application/json"` script is data, never run, so `script-src 'self'`
 * allows it; `<`, `>`, `&` and the JS line separators are escaped so no value can close the element.
 */
export function withInlineHostConfig(html: string, hostConfigJson: string): string {
  const data = hostConfigJson.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const block = `<script type="application/json" id="${hostConfigElementId}">${data}</script>`;
  // A function, so a `$` in a value is not read as a replacement pattern.
  return html.includes('</head>') ? html.replace('</head>', () => `${block}</head>`) : html;
}

export function registerWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const demo = options.demo !== undefined && options.demo !== false;
  const hostConfig = JSON.stringify({ ...(options.hostConfig ?? {}), demo });
  let index: Buffer | undefined;
  try {
    index = Buffer.from(
      withInlineHostConfig(readFileSync(join(options.dir, 'index.html'), 'utf8'), hostConfig),
    );
  } catch {
    app.log.warn(
      { dir: options.dir },
      'web UI not built: run `npm run build:web -w @mypass/kiosk`; / answers 503 until then',
    );
  }
  const assets = readAssets(options.dir);

  const sendIndex = (reply: FastifyReply) => {
    if (index === undefined) {
      return reply
        .code(503)
        .type(problemContentType)
        .send(makeProblem('service_unavailable', { detail: 'The web UI has not been built.' }));
    }
    return reply.type('text/html; charset=utf-8').send(index);
  };
  app.get('/', { onSend: noStore }, (_request, reply) => sendIndex(reply));
  app.get('/index.html', { onSend: noStore }, (_request, reply) => sendIndex(reply));

  app.get<{ Params: { name: string } }>('/assets/:name', { onSend: immutable }, (request, reply) => {
    const asset = assets.get(request.params.name);
    if (asset === undefined) return reply.callNotFound();
    return reply.type(asset.type).send(asset.body);
  });

  app.get('/host-config.json', { onSend: noStore }, (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(hostConfig),
  );

  const usersFile = options.demo ? options.demo.usersFile : undefined;
  if (usersFile !== undefined) {
    // Read on every request: the demo launcher may write the file after the server has started.
    app.get('/api/demo/users', async (_request, reply) => {
      let users: DemoUserEntry[] = [];
      try {
        users = parseDemoUsers(JSON.parse(await readFile(usersFile, 'utf8')));
      } catch {
        users = [];
      }
      return reply.header('cache-control', 'no-store').send({ users });
    });
  }
}
