// Vitest setup file (vitest.config.ts `setupFiles`): no test may reach beyond loopback. Every TCP
// connection — net, tls, undici, Node's fetch, msal, the Graph client, pg — ends in
// Socket.prototype.connect, so that is where destinations are checked. A non-loopback one is
// refused before any packet leaves and recorded; the file's afterAll then fails the run.
import net from 'node:net';
import { afterAll } from 'vitest';

export interface LoopbackGuard {
  /** Every non-loopback destination attempted in this test file. */
  violations: string[];
  /** Every destination attempted, loopback included (the guard's own test checks it sees traffic). */
  seen: string[];
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', '::1', '[::1]', '0:0:0:0:0:0:0:1']);

export function isLoopbackDestination(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return net.isIPv4(h.slice(7)) && h.slice(7).startsWith('127.');
  return false;
}

const key = Symbol.for('mypass.loopbackGuard');
type GuardedGlobal = typeof globalThis & { [key]?: LoopbackGuard };

function install(): LoopbackGuard {
  const g = globalThis as GuardedGlobal;
  const existing = g[key];
  if (existing) return existing;
  const guard: LoopbackGuard = { violations: [], seen: [] };
  g[key] = guard;
  const original = net.Socket.prototype.connect;
  // The overloads of connect() are (options[, cb]), (port[, host][, cb]) and (path[, cb]).
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const [first, second] = args;
    let host: string | undefined;
    let isPath = false;
    if (Array.isArray(first)) {
      // Internal form used by net.connect(): [options, cb].
      const opts = first[0] as { host?: string; path?: string } | undefined;
      isPath = typeof opts?.path === 'string';
      host = opts?.host;
    } else if (first !== null && typeof first === 'object') {
      const opts = first as { host?: string; path?: string };
      isPath = typeof opts.path === 'string';
      host = opts.host;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      isPath = true;
    } else if (typeof second === 'string') {
      host = second;
    }
    if (!isPath) {
      const destination = host ?? 'localhost';
      guard.seen.push(destination);
      if (!isLoopbackDestination(destination)) {
        guard.violations.push(destination);
        const refused = new Error(
          `loopback guard: connection to ${destination} refused (tests never leave 127.0.0.1)`,
        );
        process.nextTick(() => this.destroy(refused));
        return this;
      }
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return guard;
}

export const loopbackGuard = install();

afterAll(() => {
  if (loopbackGuard.violations.length > 0) {
    const hosts = [...new Set(loopbackGuard.violations)].join(', ');
    loopbackGuard.violations.length = 0;
    throw new Error(`a test tried to reach beyond loopback: ${hosts}`);
  }
});
