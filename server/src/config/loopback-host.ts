// A production configuration must never point at the Entra ID emulator: loopback authority or
// Graph hosts are accepted only in the demo or under test.
import { isIP } from 'node:net';

/** True when the URL's host is a loopback name or address (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
  return false;
}

/** Loopback directory hosts are allowed only with `demo: true` or NODE_ENV=test. */
export function loopbackDirectoryAllowed(demo: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return demo || env['NODE_ENV'] === 'test';
}
