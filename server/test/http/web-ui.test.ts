import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSecurityHeaders } from '../../src/http/security-headers.js';
import {
  hostConfigElementId,
  parseDemoUsers,
  registerWebUi,
  webUiContentSecurityPolicy,
} from '../../src/http/web-ui.js';

let dir: string;
let app: FastifyInstance;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mypass-web-ui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/main-abc123.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'main-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'notes.exe'), 'MZ');
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('registerWebUi', () => {
  it('serves index.html at / with the strict CSP and no caching, over the API-wide headers', async () => {
    app = Fastify();
    addSecurityHeaders(app);
    registerWebUi(app, { dir });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(webUiContentSecurityPolicy);
    expect(webUiContentSecurityPolicy).toContain("script-src 'self'");
    expect(webUiContentSecurityPolicy).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toContain('/assets/main-abc123.js');
  });

  it('serves hashed assets with a long cache and the right type, and nothing else', async () => {
    app = Fastify();
    addSecurityHeaders(app);
    registerWebUi(app, { dir });
    const js = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await app.inject({ method: 'GET', url: '/assets/main-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    for (const url of [
      '/assets/notes.exe',
      '/assets/missing.js',
      '/assets/..%2Findex.html',
      '/assets/../../etc/passwd',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('tells the page its host configuration, with the demo flag from the server', async () => {
    app = Fastify();
    registerWebUi(app, {
      dir,
      demo: {},
      hostConfig: { helpdeskPhone: '+45 70 10 20 30', onScreenKeyboard: true },
    });
    const res = await app.inject({ method: 'GET', url: '/host-config.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ helpdeskPhone: '+45 70 10 20 30', onScreenKeyboard: true, demo: true });
  });

  it('inlines the host configuration into index.html as a JSON data block that no value can close', async () => {
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html><head><title>MyPass</title></head><body><script type="module" src="/assets/main-abc123.js"></script></body></html>',
    );
    const hostile = "</script><script>alert(1)</script> & $& $' \u2028";
    app = Fastify();
    registerWebUi(app, { dir, hostConfig: { helpdeskText: hostile, onScreenKeyboard: true } });
    const body = (await app.inject({ method: 'GET', url: '/' })).body;
    const block = new RegExp(
      `<script type="application/json" id="${hostConfigElementId}">([^<]*)</script></head>`,
    ).exec(body);
    expect(block, body).not.toBeNull();
    // Only the page's own module script and the data block: the value did not open another element.
    expect(body.match(/<script/g)).toHaveLength(2);
    expect(JSON.parse(block?.[1] ?? '')).toEqual({
      helpdeskText: hostile,
      onScreenKeyboard: true,
      demo: false,
    });
  });

  it('serves the demo users only in demo mode with a users file', async () => {
    const usersFile = join(dir, 'users.json');
    writeFileSync(
      usersFile,
      JSON.stringify({
        users: [
          {
            userPrincipalName: 'adele.vance@contoso.example',
            note: 'da',
            methods: [{ kind: 'sms', destination: '+4520123456' }],
          },
          { note: 'no name: dropped' },
        ],
      }),
    );
    app = Fastify();
    registerWebUi(app, { dir, demo: { usersFile } });
    const res = await app.inject({ method: 'GET', url: '/api/demo/users' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      users: [
        {
          userPrincipalName: 'adele.vance@contoso.example',
          note: 'da',
          methods: [{ kind: 'sms', destination: '+4520123456' }],
        },
      ],
    });
    await app.close();

    app = Fastify();
    registerWebUi(app, { dir, demo: false });
    expect((await app.inject({ method: 'GET', url: '/api/demo/users' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/host-config.json' })).json()).toEqual({ demo: false });
  });

  it('answers 503 as a problem document when the UI has not been built', async () => {
    rmSync(join(dir, 'index.html'));
    app = Fastify();
    registerWebUi(app, { dir });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'service_unavailable' });
  });
});

describe('parseDemoUsers', () => {
  it('accepts a bare list or { users } and drops malformed entries and methods', () => {
    expect(parseDemoUsers([{ userPrincipalName: 'a@b.example', methods: [{ kind: 'sms' }, 7] }])).toEqual([
      { userPrincipalName: 'a@b.example', note: '', methods: [] },
    ]);
    expect(parseDemoUsers({ users: 'nope' })).toEqual([]);
    expect(parseDemoUsers(null)).toEqual([]);
  });
});
