import path from 'node:path';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  createAppProtocolHandler,
  refuseFileProtocol,
  resolveAppPath,
} from '../../src/main/app-protocol.js';
import { isAppUrl } from '../../src/main/app-origin.js';

const traversals = [
  'app://mypass/../secret.txt',
  'app://mypass/..%2fsecret.txt',
  'app://mypass/..%2Fsecret.txt',
  'app://mypass/assets/..%2f..%2fsecret.txt',
  'app://mypass/..%5csecret.txt',
  'app://mypass/assets/..%5C..%5Csecret.txt',
  'app://mypass/%2e%2e/secret.txt',
  'app://mypass/%2e%2e%2fsecret.txt',
  'app://mypass/.%2e/secret.txt',
  'app://mypass/%252e%252e%252fsecret.txt',
  'app://mypass/..%252fsecret.txt',
  'app://mypass/%5c%5c%3f%5cC:%5cWindows%5cwin.ini',
  'app://mypass/%5C%5Cserver%5Cshare%5Cx.js',
  'app://mypass//server/share/x.js',
  'app://mypass/%2f%2fserver%2fshare%2fx.js',
  'app://mypass/C:/Windows/win.ini',
  'app://mypass/C%3a%5cWindows%5cwin.ini',
  'app://mypass/c:%2fwindows%2fwin.ini',
  'app://mypass/index.html%00.js',
  'app://mypass/index.html%2500.js',
  'app://mypass/index.html::$DATA',
  'app://mypass/index.html.',
  'app://mypass/index.html%20',
  'app://mypass/%c0%ae%c0%ae/secret.txt',
  'app://mypass/assets/',
];

describe('resolveAppPath', () => {
  for (const [name, platformPath, root] of [
    ['posix', path.posix, '/opt/mypass/renderer'],
    ['win32', path.win32, 'C:\\Program Files\\MyPass\\resources\\renderer'],
  ] as const) {
    describe(name, () => {
      it('serves files inside the bundle', () => {
        const ok = resolveAppPath('app://mypass/assets/index-abc.js', root, platformPath);
        expect(ok).toEqual({ ok: true, path: platformPath.join(root, 'assets', 'index-abc.js') });
        expect(resolveAppPath('app://mypass/', root, platformPath)).toEqual({
          ok: true,
          path: platformPath.join(root, 'index.html'),
        });
      });
      for (const url of traversals) {
        it(`refuses ${url}`, () => {
          const result = resolveAppPath(url, root, platformPath);
          expect(result.ok).toBe(false);
        });
      }
    });
  }

  it('refuses other schemes and hosts', () => {
    for (const url of [
      'file:///etc/passwd',
      'https://mypass/index.html',
      'app://evil/index.html',
      'app://x@mypass/index.html',
    ]) {
      expect(resolveAppPath(url, '/r', path.posix)).toEqual({ ok: false, code: 'foreign_origin' });
    }
  });

  it('refuses file types the bundle never has', () => {
    expect(resolveAppPath('app://mypass/secret.exe', '/r', path.posix)).toEqual({
      ok: false,
      code: 'unknown_type',
    });
  });
});

describe('isAppUrl', () => {
  it('compares protocol and host, since the origin of app:// is "null"', () => {
    expect(new URL('app://mypass/').origin).toBe('null');
    expect(isAppUrl('app://mypass/index.html')).toBe(true);
    expect(isAppUrl('app://mypass.evil/index.html')).toBe(false);
    // Node keeps the case of a non-special host; Chromium lowercases it for standard schemes. Strict is safe.
    expect(isAppUrl('app://MYPASS/index.html')).toBe(false);
  });
});

describe('createAppProtocolHandler', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mypass-protocol-'));
  const root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>MyPass</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const handler = createAppProtocolHandler({ root, path, readFile });

  it('serves the bundle with the CSP and nosniff as response headers', async () => {
    const response = await handler(new Request('app://mypass/index.html'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>MyPass</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await handler(new Request('app://mypass/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('the CSP allows only the bundle: no inline script, no network, no framing', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('never reads outside the bundle, whatever the encoding', async () => {
    for (const url of traversals) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toContain('top secret');
    }
  });

  it('answers 404 for a missing file and 405 for anything but GET', async () => {
    expect((await handler(new Request('app://mypass/missing.js'))).status).toBe(404);
    expect(
      (await handler(new Request('app://mypass/index.html', { method: 'POST', body: 'x' }))).status,
    ).toBe(405);
  });

  it('refuseFileProtocol answers 403 with no body', async () => {
    const response = refuseFileProtocol();
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
  });
});
