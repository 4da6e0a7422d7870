import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problemContentType } from '@mypass/flows';
import { securityHeaders } from '../../src/http/security-headers.js';
import { buildTestApp, testConfig, type TestApp } from './test-app.js';
import { accessConfig, people, scriptedTenant } from './scripted-tenant.js';
import { call, challenge, setPassword, start, verify } from './flow-driver.js';
import type { ScriptedDirectory } from './scripted-directory.js';

let t: TestApp;
let directory: ScriptedDirectory;

beforeEach(async () => {
  directory = scriptedTenant();
  t = await buildTestApp({ directory, config: testConfig({ access: accessConfig() }) });
});
afterEach(async () => t.close());

describe('a reset by SMS', () => {
  it('starts, sends a code after the full number is confirmed, verifies, and sets the password', async () => {
    const flow = await start(t.app, people.adele.upn);
    expect(flow.status).toBe(201);
    expect(flow.body.methods).toEqual([
      { id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 78' },
      { id: 'email:1', kind: 'email', hint: 'a•••@g•••.com' },
    ]);
    const sent = await challenge(t.app, flow, 'sms:1', '20 12 34 78');
    expect(sent.statusCode).toBe(202);
    const { challengeId, codeLength, resendAfter } = sent.json() as {
      challengeId: string;
      codeLength: number;
      resendAfter: number;
    };
    expect(codeLength).toBe(6);
    expect(resendAfter).toBe(60);
    const code = await t.delivery.codeFor(challengeId);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await verify(t.app, flow, challengeId, code);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ state: 'verified', verified: ['sms:1'], methodsRemaining: 0 });

    const policy = await call(t.app, flow, 'GET', '/password-policy');
    expect(policy.json()).toMatchObject({ minLength: 8, maxLength: 256, minCharacterClasses: 3 });

    const done = await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse');
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ state: 'completed' });
    expect(directory.passwords.get('a0000000-0000-4000-8000-000000000001')).toBe('Tr0ub4dor&3-Horse');

    // Every registered method hears about the reset.
    await t.delivery.worker.drainOnce();
    const notices = t.delivery.sent
      .filter((m) => m.template === 'reset')
      .map((m) => m.to)
      .sort();
    expect(notices).toEqual([people.adele.email, people.adele.phone].sort());
    const state = await call(t.app, flow, 'GET', '');
    expect(state.json()).toMatchObject({ state: 'completed', verified: ['sms:1'] });
  });

  it('keeps the flow verified when the password breaks the rules, naming the rules', async () => {
    const flow = await start(t.app, people.adele.upn);
    const sent = (await challenge(t.app, flow, 'sms:1', people.adele.phone)).json() as {
      challengeId: string;
    };
    await verify(t.app, flow, sent.challengeId, await t.delivery.codeFor(sent.challengeId));
    const weak = await setPassword(t.app, flow, 'adelevance');
    expect(weak.statusCode).toBe(422);
    expect(weak.headers['content-type']).toContain(problemContentType);
    expect((weak.json() as { violations: string[] }).violations).toEqual(
      expect.arrayContaining(['too_few_character_classes', 'contains_user_name']),
    );
    directory.bannedPasswords.add('Banned-Pass-123');
    const banned = await setPassword(t.app, flow, 'Banned-Pass-123');
    expect(banned.statusCode).toBe(422);
    expect(banned.json()).toMatchObject({ code: 'password_policy', violations: ['rejected_by_directory'] });
    const state = await call(t.app, flow, 'GET', '');
    expect(state.json()).toMatchObject({ state: 'verified' });
    expect((await setPassword(t.app, flow, 'Another-Good-Pass-42')).statusCode).toBe(200);
  });
});

describe('the two-method policy and at-risk users', () => {
  it('asks lee.gu for a second method, revealing the count only after a verification', async () => {
    const flow = await start(t.app, people.lee.upn);
    expect(Object.keys(flow.body)).not.toContain('methodsRequired');
    const sms = (await challenge(t.app, flow, 'sms:1', people.lee.phone)).json() as { challengeId: string };
    const first = await verify(t.app, flow, sms.challengeId, await t.delivery.codeFor(sms.challengeId));
    expect(first.json()).toEqual({ state: 'verifying', verified: ['sms:1'], methodsRemaining: 1 });
    expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).json()).toMatchObject({
      code: 'flow_not_verified',
    });
    const mail = (await challenge(t.app, flow, 'email:1', 'LEE.private@gmail.com')).json() as {
      challengeId: string;
    };
    const second = await verify(t.app, flow, mail.challengeId, await t.delivery.codeFor(mail.challengeId));
    expect(second.json()).toEqual({ state: 'verified', verified: ['sms:1', 'email:1'], methodsRemaining: 0 });
  });

  it('makes an at-risk user prove two methods and dismisses the risk only after the reset', async () => {
    const flow = await start(t.app, people.diego.upn);
    const sms = (await challenge(t.app, flow, 'sms:1', people.diego.phone)).json() as { challengeId: string };
    const first = await verify(t.app, flow, sms.challengeId, await t.delivery.codeFor(sms.challengeId));
    expect(first.json()).toMatchObject({ methodsRemaining: 1 });
    const mail = (await challenge(t.app, flow, 'email:1', people.diego.email)).json() as {
      challengeId: string;
    };
    await verify(t.app, flow, mail.challengeId, await t.delivery.codeFor(mail.challengeId));
    expect(directory.dismissed).toEqual([]);
    expect((await setPassword(t.app, flow, 'Tr0ub4dor&3-Horse')).statusCode).toBe(200);
    expect(directory.dismissed).toEqual(['a0000000-0000-4000-8000-000000000004']);
    expect(directory.revoked).toEqual(['a0000000-0000-4000-8000-000000000004']);
  });
});

describe('HTTP behaviour', () => {
  it('puts the security headers on every answer, errors and 404s included', async () => {
    const answers = await Promise.all([
      t.app.inject({ method: 'GET', url: '/healthz' }),
      t.app.inject({ method: 'GET', url: '/nowhere' }),
      t.app.inject({ method: 'PUT', url: '/api/v1/flows' }),
      t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: '{not json',
        headers: { 'content-type': 'application/json' },
      }),
      t.app.inject({ method: 'GET', url: '/api/v1/flows/f_unknown' }),
      t.app.inject({ method: 'GET', url: '/metrics' }),
      t.app.inject({ method: 'GET', url: '/api/v1/flows/%zz' }),
    ]);
    for (const res of answers) {
      for (const [name, value] of Object.entries(securityHeaders)) expect(res.headers[name]).toBe(value);
    }
  });

  it('answers problems with stable codes for 404, 405, bad JSON, unknown fields, 413 and 415', async () => {
    const expectProblem = (
      res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
      status: number,
      code: string,
    ) => {
      expect(res.statusCode).toBe(status);
      expect(String(res.headers['content-type'])).toContain(problemContentType);
      expect(res.json()).toMatchObject({ status, code });
    };
    expectProblem(await t.app.inject({ method: 'GET', url: '/nowhere' }), 404, 'not_found');
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/flows' });
    expectProblem(put, 405, 'method_not_allowed');
    expect(put.headers['allow']).toBe('POST');
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: '{"purpose":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'invalid_request',
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: { purpose: 'reset', username: 'a', extra: 1 },
      }),
      400,
      'invalid_request',
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: { purpose: 'reset', username: 'x'.repeat(17_000) },
      }),
      413,
      'payload_too_large',
    );
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: 'username=a',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('serves health, readiness, metrics without user data, and the OpenAPI document', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', directory: 'ok' },
    });
    directory.ready = false;
    const notReady = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ status: 'not_ready', checks: { directory: 'failed' } });

    const flow = await start(t.app, people.adele.upn);
    await call(t.app, flow, 'GET', '');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(
      'mypass_http_requests_total{route="/api/v1/flows",method="POST",status="201"} 1',
    );
    expect(metrics).toContain('route="/api/v1/flows/:flowId"');
    expect(metrics).toContain('mypass_sms_budget_limit 500');
    expect(metrics).toContain('mypass_flow_events_total{event="started",purpose="reset",decoy="false"} 1');
    expect(metrics).not.toContain(flow.flowId);
    expect(metrics).not.toContain('adele');

    const openApi = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openApi.openapi).toMatch(/^3\.1/);
    expect(Object.keys(openApi.paths)).toContain('/api/v1/flows/{flowId}/challenges');
  });

  it('answers a store failure with 503 service_unavailable and Retry-After, never a 500 or its message', async () => {
    // What pg throws when its pool cannot hand out a connection in time.
    t.store.flows.create = () => Promise.reject(new Error('timeout exceeded when trying to connect'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      payload: { purpose: 'reset', username: people.adele.upn },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json()).toMatchObject({ code: 'service_unavailable', status: 503, retryAfter: 2 });
    expect(res.body).not.toContain('timeout exceeded');
  });

  it('shows /metrics only to the allowed clients, as an unknown path to everyone else', async () => {
    await t.close();
    t = await buildTestApp({
      directory,
      config: testConfig({
        access: accessConfig(),
        server: { trustedProxies: ['10.0.0.0/8'], metricsAllowFrom: ['192.0.2.0/24', '::1', '127.0.0.1'] },
      }),
    });
    const scrape = (peer: string, forwarded?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: peer,
        ...(forwarded ? { headers: { 'x-forwarded-for': forwarded } } : {}),
      });
    for (const allowed of [
      await scrape('192.0.2.7'),
      await scrape('::ffff:127.0.0.1'),
      await scrape('10.0.0.1', '192.0.2.8'),
    ]) {
      expect(allowed.statusCode).toBe(200);
      expect(allowed.body).toContain('mypass_outbox_queued 0');
    }
    const unknownPath = await t.app.inject({ method: 'GET', url: '/nowhere', remoteAddress: '198.51.100.1' });
    for (const refused of [
      await scrape('198.51.100.1'),
      // Through the trusted proxy the client is the forwarded address, not the proxy.
      await scrape('10.0.0.1', '198.51.100.1'),
      // An untrusted peer cannot claim an allowed address.
      await scrape('198.51.100.1', '192.0.2.9'),
    ]) {
      expect(refused.statusCode).toBe(404);
      expect(refused.json()).toEqual(unknownPath.json());
      expect(refused.body).not.toContain('mypass_');
    }
  });

  it('refuses a metricsAllowFrom entry that is no address or network', () => {
    expect(() => testConfig({ server: { metricsAllowFrom: ['prometheus.local'] } })).toThrow(
      /not an IP address or CIDR network/,
    );
    expect(() => testConfig({ server: { metricsAllowFrom: ['10.0.0.0/33'] } })).toThrow(/prefix length/);
    expect(testConfig().server.metricsAllowFrom).toEqual(['127.0.0.0/8', '::1']);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    await t.close();
    t = await buildTestApp({
      directory,
      config: testConfig({
        access: accessConfig(),
        server: { trustedProxies: ['10.0.0.0/8'] },
        limits: { startsPerAddress: { max: 1, windowSeconds: 900 } },
      }),
    });
    const from = (peer: string, forwarded: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/flows',
        payload: { purpose: 'reset', username: `u${Math.random()}@x.example` },
        remoteAddress: peer,
        headers: { 'x-forwarded-for': forwarded },
      });
    // Through the trusted proxy, two different clients each get their own budget.
    expect((await from('10.1.2.3', '198.51.100.1')).statusCode).toBe(201);
    expect((await from('10.1.2.3', '198.51.100.2')).statusCode).toBe(201);
    expect((await from('10.1.2.3', '198.51.100.1')).statusCode).toBe(429);
    // An untrusted peer cannot choose its address: its header is ignored and it is itself.
    expect((await from('203.0.113.9', '198.51.100.3')).statusCode).toBe(201);
    expect((await from('203.0.113.9', '198.51.100.4')).statusCode).toBe(429);
  });

  it('cancels a flow (204) and then forgets it (404 flow_not_found)', async () => {
    const flow = await start(t.app, people.adele.upn);
    expect((await call(t.app, flow, 'DELETE', '')).statusCode).toBe(204);
    expect((await call(t.app, flow, 'GET', '')).json()).toMatchObject({ code: 'flow_not_found' });
  });
});
