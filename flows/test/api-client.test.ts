import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiClient,
  createFetchTransport,
  type Transport,
  type TransportParams,
} from '../src/api-client.js';
import { makeProblem, type OperationName } from '../src/contract.js';

const auth = { flowId: 'f_1', flowToken: 'tokentokentokentoken' };
const created = {
  flowId: 'f_1',
  flowToken: auth.flowToken,
  purpose: 'reset',
  state: 'verifying',
  expiresAt: '2026-11-28T09:15:00Z',
  methods: [{ id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 78' }],
};

function scripted(status: number, body: unknown): Transport & { calls: [OperationName, TransportParams][] } {
  const calls: [OperationName, TransportParams][] = [];
  return {
    calls,
    request(op, params) {
      calls.push([op, params]);
      return Promise.resolve({ status, body });
    },
  };
}

describe('createApiClient', () => {
  it('returns the validated value on the success status', async () => {
    const t = scripted(201, { ...created, extra: 'ignored' });
    const r = await createApiClient(t).startFlow({ purpose: 'reset', username: 'adele' });
    expect(r).toEqual({ ok: true, value: created });
    expect(t.calls).toEqual([['startFlow', { body: { purpose: 'reset', username: 'adele' } }]]);
  });

  it('passes flow id and token, and no body for bodiless operations', async () => {
    const t = scripted(204, undefined);
    expect(await createApiClient(t).cancelFlow(auth)).toEqual({ ok: true, value: undefined });
    expect(t.calls).toEqual([['cancelFlow', { flowId: 'f_1', flowToken: auth.flowToken }]]);
  });

  it('returns problems as values', async () => {
    const problem = makeProblem('code_invalid', { attemptsLeft: 3 });
    const r = await createApiClient(scripted(400, problem)).verify(auth, {
      challengeId: 'c_1',
      code: '123456',
    });
    expect(r).toEqual({ ok: false, problem });
  });

  it.each([
    ['an invalid success body', 201, { flowId: 'f_1' }],
    ['a wrong success status', 200, created],
    ['a non-problem error body', 502, '<html>Bad gateway</html>'],
    ['an unknown problem code', 400, { ...makeProblem('invalid_request'), code: 'surprise' }],
  ])('turns %s into service_unavailable', async (_, status, body) => {
    const r = await createApiClient(scripted(status, body)).startFlow({ purpose: 'reset', username: 'a' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.code).toBe('service_unavailable');
  });

  it('turns a failing transport into network_error', async () => {
    const client = createApiClient({ request: () => Promise.reject(new Error('ECONNREFUSED')) });
    const r = await client.getFlow(auth);
    expect(!r.ok && r.problem).toMatchObject({ code: 'network_error', status: 503 });
  });

  it('refuses an invalid body locally without sending it', async () => {
    const t = scripted(202, {});
    const r = await createApiClient(t).createChallenge(auth, { method: 'sms:1', confirm: 'x'.repeat(400) });
    expect(!r.ok && r.problem.code).toBe('invalid_request');
    expect(t.calls).toHaveLength(0);
  });
});

describe('createFetchTransport against a real HTTP server', () => {
  let server: Server;
  let baseUrl = '';
  const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          body,
        });
        if (req.url === '/api/v1/flows' && req.method === 'POST') {
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(created));
        } else if (req.method === 'DELETE') {
          res.writeHead(204).end();
        } else if (req.url?.endsWith('/challenges')) {
          res
            .writeHead(429, { 'content-type': 'application/problem+json' })
            .end(JSON.stringify(makeProblem('resend_too_soon', { retryAfter: 42 })));
        } else {
          res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('speaks JSON with the bearer token and the full paths of the contract', async () => {
    const client = createApiClient(createFetchTransport(baseUrl));
    expect(await client.startFlow({ purpose: 'reset', username: 'adele' })).toEqual({
      ok: true,
      value: created,
    });
    expect(await client.cancelFlow(auth)).toEqual({ ok: true, value: undefined });
    const r = await client.createChallenge(auth, { method: 'sms:1', confirm: '+4520123456' });
    expect(!r.ok && r.problem).toMatchObject({ code: 'resend_too_soon', retryAfter: 42 });
    const broken = await client.getFlow(auth);
    expect(!broken.ok && broken.problem.code).toBe('service_unavailable');
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/v1/flows',
        type: 'application/json',
        body: '{"purpose":"reset","username":"adele"}',
      },
      { method: 'DELETE', url: '/api/v1/flows/f_1', auth: `Bearer ${auth.flowToken}`, body: '' },
      {
        method: 'POST',
        url: '/api/v1/flows/f_1/challenges',
        auth: `Bearer ${auth.flowToken}`,
        type: 'application/json',
        body: '{"method":"sms:1","confirm":"+4520123456"}',
      },
      { method: 'GET', url: '/api/v1/flows/f_1', auth: `Bearer ${auth.flowToken}`, body: '' },
    ]);
  });

  it('answers network_error when nothing listens', async () => {
    const client = createApiClient(createFetchTransport('http://127.0.0.1:1'));
    const r = await client.getFlow(auth);
    expect(!r.ok && r.problem.code).toBe('network_error');
  });
});
