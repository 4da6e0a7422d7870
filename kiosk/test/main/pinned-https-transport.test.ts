import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate } from '@mypass/entra-emulator/ca';
import { loadOrCreateTestCa } from '@mypass/entra-emulator/with-test-ca';
import {
  classifyRequestError,
  createPinnedTransport,
  validateBridgeRequest,
  type PinnedTransport,
} from '../../src/main/pinned-https-transport.js';

const pinnedCa = createCertificateAuthority('MyPass kiosk test: pinned CA');
const otherCa = createCertificateAuthority('MyPass kiosk test: some other CA');
const flowToken = 'tok_abcdefghijklmnopqrstuvwxyz012345';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body?: string;
}

function startServer(ca: typeof pinnedCa, seen: Seen): Promise<{ server: Server; origin: string }> {
  const { certPem, keyPem } = issueServerCertificate(ca);
  const server = createHttpsServer({ cert: certPem, key: keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      Object.assign(seen, {
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body,
      });
      if (req.url === '/api/v1/flows' && req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ flowId: 'f_1', flowToken, purpose: 'reset', state: 'verifying' }));
      } else if (req.url === '/api/v1/flows/f_1' && req.method === 'DELETE') {
        res.writeHead(204).end();
      } else if (req.url === '/api/v1/flows/f_big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ pad: 'x'.repeat(4096) }));
      } else {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 't', title: 'x', status: 404, code: 'flow_not_found' }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('createPinnedTransport against a local HTTPS server', () => {
  const seen: Seen = {};
  let pinnedServer: { server: Server; origin: string };
  let otherServer: { server: Server; origin: string };
  let transport: PinnedTransport;
  beforeAll(async () => {
    pinnedServer = await startServer(pinnedCa, seen);
    otherServer = await startServer(otherCa, {});
    const created = createPinnedTransport({ origin: pinnedServer.origin, ca: pinnedCa.certPem });
    if (!created.ok) throw new Error(created.code);
    transport = created.transport;
  });
  afterAll(() => {
    transport.close();
    pinnedServer.server.close();
    otherServer.server.close();
  });

  it('carries a valid operation to the server whose certificate chains to the pinned CA', async () => {
    const response = await transport.request('startFlow', {
      body: { purpose: 'reset', username: 'ada@contoso.example' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ flowId: 'f_1', purpose: 'reset' });
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v1/flows' });
    expect(JSON.parse(seen.body ?? '')).toEqual({ purpose: 'reset', username: 'ada@contoso.example' });
  });

  it('puts the flow token in the Authorization header, never in the URL', async () => {
    const response = await transport.request('cancelFlow', { flowId: 'f_1', flowToken });
    expect(response).toEqual({ status: 204, body: undefined });
    expect(seen.authorization).toBe(`Bearer ${flowToken}`);
    expect(seen.url).not.toContain(flowToken);
  });

  it('passes problem documents through', async () => {
    const response = await transport.request('getFlow', { flowId: 'f_gone', flowToken });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'flow_not_found' });
  });

  it('refuses a server certified by another CA with certificate_error', async () => {
    const created = createPinnedTransport({ origin: otherServer.origin, ca: pinnedCa.certPem });
    if (!created.ok) throw new Error(created.code);
    const response = await created.transport.request('startFlow', {
      body: { purpose: 'reset', username: 'x' },
    });
    created.transport.close();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'certificate_error' });
  });

  it('refuses a server certified by the CA of NODE_EXTRA_CA_CERTS when another CA is pinned', async () => {
    const testCa = loadOrCreateTestCa();
    const extra = await startServer(testCa, {});
    const created = createPinnedTransport({ origin: extra.origin, ca: pinnedCa.certPem });
    if (!created.ok) throw new Error(created.code);
    const response = await created.transport.request('startFlow', {
      body: { purpose: 'reset', username: 'x' },
    });
    created.transport.close();
    extra.server.close();
    expect(response.body).toMatchObject({ code: 'certificate_error' });
  });

  it('maps a refused connection to network_error', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const created = createPinnedTransport({ origin: `https://127.0.0.1:${port}`, ca: pinnedCa.certPem });
    if (!created.ok) throw new Error(created.code);
    const response = await created.transport.request('startFlow', {
      body: { purpose: 'reset', username: 'x' },
    });
    created.transport.close();
    expect(response.body).toMatchObject({ code: 'network_error' });
  });

  it('maps a plain-HTTP server behind an https: origin to network_error (no fallback)', async () => {
    const plain = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as AddressInfo).port;
    const created = createPinnedTransport({ origin: `https://127.0.0.1:${port}`, ca: pinnedCa.certPem });
    if (!created.ok) throw new Error(created.code);
    const response = await created.transport.request('startFlow', {
      body: { purpose: 'reset', username: 'x' },
    });
    created.transport.close();
    plain.close();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'network_error' });
  });

  it('answers service_unavailable for an oversized response', async () => {
    const created = createPinnedTransport({
      origin: pinnedServer.origin,
      ca: pinnedCa.certPem,
      maxResponseBytes: 1024,
    });
    if (!created.ok) throw new Error(created.code);
    const response = await created.transport.request('getFlow', { flowId: 'f_big', flowToken });
    created.transport.close();
    expect(response.body).toMatchObject({ code: 'service_unavailable' });
  });

  it('refuses invalid operations and bodies before any request leaves', async () => {
    seen.url = undefined;
    for (const [op, params] of [
      ['deleteEverything', {}],
      ['startFlow', { body: { purpose: 'reset', username: 'x', extra: 1 } }],
      ['startFlow', { body: { purpose: 'reset', username: 'x' }, flowId: 'f_1', flowToken }],
      ['getFlow', {}],
      ['getFlow', { flowId: '../../admin', flowToken }],
      ['getFlow', { flowId: 'f_1', flowToken, body: { x: 1 } }],
      ['setPassword', { flowId: 'f_1', flowToken, body: { newPassword: '' } }],
      ['__proto__', {}],
    ] as const) {
      const response = await transport.request(op, params);
      expect(response.status, op).toBe(400);
      expect(response.body, op).toMatchObject({ code: 'invalid_request' });
    }
    expect(seen.url).toBeUndefined();
  });
});

describe('createPinnedTransport configuration', () => {
  it('refuses http: and other non-https origins', () => {
    for (const origin of ['http://127.0.0.1:8080', 'ftp://x', 'not a url', 'https://user:pw@x.example']) {
      expect(createPinnedTransport({ origin, ca: pinnedCa.certPem })).toEqual({
        ok: false,
        code: 'insecure_origin',
      });
    }
  });
  it('refuses to run without a pinned CA', () => {
    expect(createPinnedTransport({ origin: 'https://x.example', ca: '' })).toEqual({
      ok: false,
      code: 'ca_missing',
    });
  });
});

describe('classifyRequestError', () => {
  it('tells certificate failures from other network failures', () => {
    expect(classifyRequestError({ code: 'SELF_SIGNED_CERT_IN_CHAIN' })).toBe('certificate_error');
    expect(classifyRequestError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).toBe('certificate_error');
    expect(classifyRequestError({ code: 'CERT_HAS_EXPIRED' })).toBe('certificate_error');
    expect(classifyRequestError({ code: 'ECONNRESET' })).toBe('network_error');
    expect(classifyRequestError(new Error('x'))).toBe('network_error');
    expect(classifyRequestError(null)).toBe('network_error');
  });
});

describe('validateBridgeRequest', () => {
  it('keeps only what the contract defines', () => {
    expect(validateBridgeRequest('getFlow', { flowId: 'f_1', flowToken })).toEqual({
      op: 'getFlow',
      flowId: 'f_1',
      flowToken,
    });
    expect(validateBridgeRequest('getFlow', { flowId: 'f_1', flowToken, extra: 1 })).toBeUndefined();
    expect(validateBridgeRequest(42, {})).toBeUndefined();
  });
});
