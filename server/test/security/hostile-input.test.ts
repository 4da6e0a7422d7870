// Thousands of malformed, oversized, wrongly typed and hostile requests to every endpoint: every
// answer is a problem+json 4xx with a stable code (or a normal success), never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, problemCodes, problemContentType } from '@mypass/flows';
import { buildTestApp, testConfig, type TestApp } from '../app/test-app.js';
import { accessConfig, scriptedTenant } from '../app/scripted-tenant.js';
import { start } from '../app/flow-driver.js';
import { expectNoSecretsCaptured } from './secrets-scan.js';

let t: TestApp;
let live: { flowId: string; flowToken: string };
const unlimited = { max: 1_000_000, windowSeconds: 60 };

beforeAll(async () => {
  t = await buildTestApp({
    directory: scriptedTenant(),
    config: testConfig({
      access: accessConfig(),
      limits: {
        startsPerName: unlimited,
        startsPerUser: unlimited,
        startsPerAddress: unlimited,
        codesPerUser: unlimited,
        codesPerDestination: unlimited,
        failures: unlimited,
        smsGlobal: unlimited,
      },
    }),
  });
  live = await start(t.app, 'adele.vance@contoso.example');
});
afterAll(async () => {
  await t.close();
  expectNoSecretsCaptured();
});

const stableCodes = new Set<string>(problemCodes);
const hostileString = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    "x' or 1 eq 1",
    "o'brien@contoso.example",
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '%00',
    '\u0000',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    'a'.repeat(5000),
    '+45 20 12 34 78',
    '𝒜𝒹𝑒𝓁𝑒',
  ),
);
const jsonValue = fc.oneof(
  { depthSize: 'small' },
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 5 }),
);
const knownFields = [
  'purpose',
  'username',
  'locale',
  'method',
  'confirm',
  'challengeId',
  'code',
  'password',
  'newPassword',
  'methods',
  '__proto__',
  'constructor',
];
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...knownFields), jsonValue, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  jsonValue.map((v) => JSON.stringify(v)),
  hostileString,
  fc.constant('{"__proto__":{"polluted":true},"purpose":"reset","username":"x"}'),
  fc.constant('{"constructor":{"prototype":{"polluted":true}}}'),
  fc.constant(`{"username":"${'x'.repeat(20_000)}"}`),
);
const pathParam = fc.oneof(
  fc.constant('LIVE'),
  hostileString.map((s) => encodeURIComponent(s)),
  fc.constantFrom('..', '%2e%2e', '%', '%zz', 'f_' + 'A'.repeat(2000)),
);
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constant('LIVE'),
  hostileString.map((s) => `Bearer ${s}`),
  hostileString,
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
  'application/problem+json',
);
const methods = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');

describe('hostile input', () => {
  it('never answers 5xx, and every error is problem+json with a stable code', async () => {
    const templates = [
      ...Object.values(operations).map((o) => o.path),
      '/healthz',
      '/readyz',
      '/api/openapi.json',
      '/nowhere',
      '/api/v1/flows/{flowId}/nowhere',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        methods,
        pathParam,
        authorization,
        contentType,
        body,
        async (template, method, param, auth, type, payload) => {
          const url = template.replace('{flowId}', param === 'LIVE' ? live.flowId : param);
          const headers: Record<string, string> = {};
          if (auth !== undefined)
            headers['authorization'] = auth === 'LIVE' ? `Bearer ${live.flowToken}` : auth;
          if (type !== undefined) headers['content-type'] = type;
          const res = await t.app.inject({
            method: method as 'GET',
            url,
            headers,
            ...(method === 'GET' || method === 'HEAD' ? {} : { payload }),
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400 && method !== 'HEAD') {
            expect(String(res.headers['content-type'])).toContain(problemContentType);
            const problem = res.json() as { code: string; status: number };
            expect(stableCodes.has(problem.code)).toBe(true);
            expect(problem.status).toBe(res.statusCode);
            expect(res.body).not.toMatch(/at .+\.(ts|js):\d+/);
          }
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        },
      ),
      { numRuns: 3000 },
    );
  }, 240_000);
});
