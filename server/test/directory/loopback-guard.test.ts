import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackDestination, loopbackGuard } from './loopback-guard.setup.js';

afterEach(() => {
  // The refused attempts below are deliberate; the setup file's afterAll fails on any left over.
  loopbackGuard.violations.length = 0;
});

describe('the loopback guard (vitest setupFiles)', () => {
  it('is installed for every test file by vitest.config.ts', () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('mypass.loopbackGuard')]).toBe(loopbackGuard);
  });

  it('lets loopback traffic through and sees it', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const before = loopbackGuard.seen.length;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('ok');
    expect(loopbackGuard.seen.length).toBeGreaterThan(before);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses and records a connection beyond loopback, by address or by name', async () => {
    // 192.0.2.0/24 is TEST-NET-1; the guard refuses before connecting, so nothing is sent anyway.
    await expect(fetch('https://192.0.2.1/')).rejects.toThrow();
    await expect(
      fetch('https://graph.microsoft.com/v1.0/users', { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow();
    expect(loopbackGuard.violations).toContain('192.0.2.1');
    expect(loopbackGuard.violations).toContain('graph.microsoft.com');
  });

  it('classifies destinations', () => {
    expect(isLoopbackDestination('127.0.0.1')).toBe(true);
    expect(isLoopbackDestination('localhost')).toBe(true);
    expect(isLoopbackDestination('::1')).toBe(true);
    expect(isLoopbackDestination('login.microsoftonline.com')).toBe(false);
    expect(isLoopbackDestination('10.0.0.1')).toBe(false);
    expect(isLoopbackDestination('127.0.0.1.nip.io')).toBe(false);
  });
});
