// An outbound proxy between the connector and Entra: a local HTTP CONNECT proxy in front of the
// emulator. Token requests go to the authority host (127.0.0.1) and Graph to `localhost`, so the
// proxy's CONNECT log shows each kind of traffic went through it.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntraDirectory } from '../../src/directory/entra-directory.js';
import {
  createOutboundDispatcher,
  DirectoryRedirectError,
  fetchThroughDirectory,
  MAX_RESPONSE_BYTES,
} from '../../src/directory/outbound-proxy.js';
import { emulatorDirectoryConfig } from './emulator-config.js';

let emu: RunningEmulator;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  proxy = createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  proxy.on('connect', (req, client, head) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const [host, port] = [
      target.slice(0, target.lastIndexOf(':')),
      Number(target.slice(target.lastIndexOf(':') + 1)),
    ];
    const upstream = connect(port, host === 'localhost' ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await emu.close();
});

async function lookupThrough(overrides: Parameters<typeof emulatorDirectoryConfig>[1]): Promise<void> {
  const created = await createEntraDirectory(
    emulatorDirectoryConfig(emu, { graphUrl: `https://localhost:${emu.port}`, ...overrides }),
  );
  if (!created.ok) throw new Error(created.code);
  try {
    const r = await created.value.lookupUser('adele.vance@contoso.example');
    expect(r.ok && r.value.kind).toBe('found');
  } finally {
    await created.value.close();
  }
}

describe('outbound proxy', () => {
  it('carries token and Graph requests when configured explicitly', async () => {
    tunnels.length = 0;
    emu.resetCounters();
    await lookupThrough({ proxy: { url: proxyUrl, noProxy: [] } });
    expect(tunnels).toContain(`127.0.0.1:${emu.port}`);
    expect(tunnels).toContain(`localhost:${emu.port}`);
    expect(emu.counters()['POST /{tenant}/oauth2/v2.0/token']).toBe(1);
    expect(emu.counters()['GET /v1.0/users']).toBe(1);
  });

  it('honours HTTPS_PROXY from the environment, and NO_PROXY', async () => {
    // undici reads the lower-case names first, as curl does.
    const names = ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    const setNoProxy = (v: string) => {
      process.env['NO_PROXY'] = v;
      process.env['no_proxy'] = v;
    };
    try {
      process.env['HTTPS_PROXY'] = proxyUrl;
      delete process.env['https_proxy'];
      setNoProxy('');
      tunnels.length = 0;
      await lookupThrough({});
      expect(tunnels).toEqual(expect.arrayContaining([`127.0.0.1:${emu.port}`, `localhost:${emu.port}`]));

      setNoProxy('localhost');
      tunnels.length = 0;
      await lookupThrough({});
      // Graph (localhost) went direct; token traffic (127.0.0.1) still through the proxy.
      expect(tunnels).toContain(`127.0.0.1:${emu.port}`);
      expect(tunnels).not.toContain(`localhost:${emu.port}`);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = v;
      }
    }
  });
});

describe('directory requests', () => {
  it('never follow a redirect, so a bearer token cannot be carried elsewhere, and refuse huge answers', async () => {
    const seen: { url: string | undefined; authorization: string | undefined }[] = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      if (req.url === '/v1.0/users') {
        res.writeHead(302, { location: '/elsewhere' });
        res.end('moved');
      } else if (req.url === '/v1.0/huge') {
        res.end(Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20));
      } else res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dispatcher = createOutboundDispatcher({ timeouts: { callMs: 5000, operationMs: 10_000 } });
    try {
      const http = { dispatcher, callMs: 5000 };
      const moved = fetchThroughDirectory(http, `${origin}/v1.0/users`, {
        method: 'GET',
        headers: { authorization: 'Bearer not-a-real-token' },
      });
      await expect(moved).rejects.toBeInstanceOf(DirectoryRedirectError);
      expect(seen.map((s) => s.url)).toEqual(['/v1.0/users']);
      // Everything else is answered as a WHATWG Response: status, headers and body as sent.
      // An answer larger than any Entra or Graph sends is cut off, never read into memory whole.
      const huge = fetchThroughDirectory(http, `${origin}/v1.0/huge`, { method: 'GET' });
      await expect(huge).rejects.toMatchObject({ code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' });
      const plain = await fetchThroughDirectory(http, `${origin}/v1.0/me?x=1`, { method: 'GET' });
      expect([plain.status, plain.headers.get('content-length'), await plain.text()]).toEqual([
        200,
        '2',
        '{}',
      ]);
      expect(seen.map((s) => s.url)).toEqual(['/v1.0/users', '/v1.0/huge', '/v1.0/me?x=1']);
    } finally {
      await dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
