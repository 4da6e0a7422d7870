import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { directoryConfigSchema } from '../../src/config/directory-config.js';
import {
  formatConfigProblems,
  loadConfig as loadFullConfig,
  type LoadConfigOptions,
} from '../../src/config/load-config.js';
import { isLoopbackHost } from '../../src/config/loopback-host.js';

const TENANT = '0f6a5e1c-3b52-4c1e-9a47-2f1d8c7b6a01';
const CLIENT = '5b1f8f44-1b7e-4e0c-8d8e-9a2b3c4d5e6f';
const dir = mkdtempSync(join(tmpdir(), 'mypass-config-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const noEnv = { NODE_ENV: 'production' };

// The loader over the directory section alone: the API's own sections are tested with their modules
// (and the whole schema by the doctor tests).
const directoryOnly = z.strictObject({ directory: directoryConfigSchema, demo: z.boolean().default(false) });
const loadConfig = (options: LoadConfigOptions) => loadFullConfig({ schema: directoryOnly, ...options });

describe('loadConfig', () => {
  it('loads a YAML file and fills the defaults', async () => {
    const r = await loadConfig({
      file: file(
        'ok.yaml',
        `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n  clientSecret: s3cret\n`,
      ),
      env: noEnv,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.directory).toMatchObject({
      tenantId: TENANT,
      clientId: CLIENT,
      authorityHost: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      timeouts: { callMs: 5000, operationMs: 8000 },
    });
  });

  it('loads JSON too', async () => {
    const r = await loadConfig({
      file: file(
        'ok.json',
        JSON.stringify({ directory: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'x' } }),
      ),
      env: noEnv,
    });
    expect(r.ok).toBe(true);
  });

  it('names the file, line and field of an invalid value, without echoing it', async () => {
    const r = await loadConfig({
      file: file(
        'bad.yaml',
        `# MyPass\ndirectory:\n  tenantId: ${TENANT}\n  clientSecret: hunter2-secret\n  clientId: not-a-guid\n`,
      ),
      env: noEnv,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      { file: 'bad.yaml', line: 5, path: 'directory.clientId', message: 'Invalid UUID' },
    ]);
    expect(formatConfigProblems(r.error.problems)).toBe('bad.yaml:5: directory.clientId: Invalid UUID');
    expect(r.error.message).not.toContain('hunter2');
    expect(r.error.message).not.toContain('not-a-guid');
  });

  it('refuses a plain-http authority or Graph URL', async () => {
    const r = await loadConfig({
      file: file(
        'http.yaml',
        `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n  clientSecret: s\n  authorityHost: http://login.example\n  graphUrl: http://graph.example\n`,
      ),
      env: noEnv,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [5, 'directory.authorityHost', 'authorityHost must use https:'],
      [6, 'directory.graphUrl', 'graphUrl must use https:'],
    ]);
  });

  it('reports unknown fields, missing credentials and YAML syntax errors with lines', async () => {
    const unknown = await loadConfig({
      file: file(
        'unknown.yaml',
        `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n  clientSecret: s\n  colour: red\n`,
      ),
      env: noEnv,
    });
    expect(!unknown.ok && unknown.error.problems).toEqual([
      { file: 'unknown.yaml', line: 1, path: 'directory', message: 'unknown field colour' },
    ]);
    const none = await loadConfig({
      file: file('nocred.yaml', `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n`),
      env: noEnv,
    });
    expect(!none.ok && none.error.problems[0]?.message).toMatch(
      /exactly one of clientSecret or clientCertificatePath/,
    );
    const syntax = await loadConfig({
      file: file('syntax.yaml', 'directory:\n  tenantId: [unclosed\n'),
      env: noEnv,
    });
    expect(!syntax.ok && syntax.error.problems[0]).toMatchObject({ file: 'syntax.yaml', path: '' });
    expect(!syntax.ok && syntax.error.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('lets the Azure Identity and MYPASS_* variables override the file, naming the variable on error', async () => {
    const path = file(
      'env.yaml',
      `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n  clientCertificatePath: /etc/mypass/app.pem\n`,
    );
    const r = await loadConfig({
      file: path,
      env: {
        ...noEnv,
        AZURE_CLIENT_SECRET: 'from-env',
        MYPASS_GRAPH_URL: 'https://graph.microsoft.us',
        MYPASS_DIRECTORY_OPERATION_TIMEOUT_MS: '3000',
      },
    });
    expect(r.ok && r.config.directory).toMatchObject({
      clientSecret: 'from-env',
      graphUrl: 'https://graph.microsoft.us',
      timeouts: { operationMs: 3000 },
    });
    // The env secret replaces the file's certificate: one credential, not two.
    expect(r.ok && r.config.directory.clientCertificatePath).toBeUndefined();

    const bad = await loadConfig({ file: path, env: { ...noEnv, AZURE_CLIENT_ID: 'nope' } });
    expect(!bad.ok && bad.error.problems).toEqual([
      { file: 'env AZURE_CLIENT_ID', path: 'directory.clientId', message: 'Invalid UUID' },
    ]);
  });

  it('works from the environment alone', async () => {
    const r = await loadConfig({
      env: { ...noEnv, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: 'x' },
    });
    expect(r.ok).toBe(true);
  });

  it('refuses a loopback (emulator) authority or Graph URL outside demo and test', async () => {
    const text = `directory:\n  tenantId: ${TENANT}\n  clientId: ${CLIENT}\n  clientSecret: s\n  authorityHost: https://127.0.0.1:8443\n  graphUrl: https://localhost:8443\n`;
    const prod = await loadConfig({ file: file('loop.yaml', text), env: noEnv });
    expect(!prod.ok && prod.error.problems.map((p) => `${p.line} ${p.path}`)).toEqual([
      '5 directory.authorityHost',
      '6 directory.graphUrl',
    ]);
    const underTest = await loadConfig({ file: file('loop.yaml', text), env: { NODE_ENV: 'test' } });
    expect(underTest.ok).toBe(true);
    const demo = await loadConfig({ file: file('demo.yaml', `demo: true\n${text}`), env: noEnv });
    expect(demo.ok).toBe(true);
  });

  it('answers a missing file as a problem, not an exception', async () => {
    const r = await loadConfig({ file: join(dir, 'absent.yaml'), env: noEnv });
    expect(!r.ok && r.error.problems).toEqual([
      { file: 'absent.yaml', path: '', message: 'cannot read the file (ENOENT)' },
    ]);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['https://127.0.0.1:8443', true],
    ['https://127.1.2.3', true],
    ['https://localhost:8443', true],
    ['https://[::1]:8443', true],
    ['https://login.microsoftonline.com', false],
    ['https://10.0.0.1', false],
    ['https://127.0.0.1.evil.example', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackHost(url)).toBe(expected);
  });
});

describe('the whole configuration', () => {
  it("refuses a policy's decoy shares that leave no room once merged over the global ones", async () => {
    const config = (policyShares: Record<string, number>) =>
      JSON.stringify({
        directory: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'x' },
        store: {
          url: 'sqlite::memory:',
          codeKeys: [{ id: 'k1', secret: 'load-config-code-key-0123456789abcdef' }],
        },
        flows: { decoyKey: 'load-config-decoy-key-0123456789abcdef', decoyShares: { smsAndEmail: 0.6 } },
        access: { policies: [{ name: 'field', decoyShares: policyShares }] },
      });
    const ok = await loadFullConfig({ file: file('shares-ok.json', config({ smsOnly: 0.4 })), env: noEnv });
    expect(ok.ok).toBe(true);
    const over = await loadFullConfig({
      file: file('shares-over.json', config({ smsOnly: 0.5 })),
      env: noEnv,
    });
    expect(over.ok).toBe(false);
    if (over.ok) return;
    expect(formatConfigProblems(over.error.problems)).toContain('access.policies.0.decoyShares.smsOnly');
  });

  it('says what is wrong with a bad map key or a value of the wrong type, not "required"', async () => {
    const config = (flows: Record<string, unknown>) =>
      JSON.stringify({
        directory: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'x' },
        store: {
          url: 'sqlite::memory:',
          codeKeys: [{ id: 'k1', secret: 'load-config-code-key-0123456789abcdef' }],
        },
        flows: { decoyKey: 'load-config-decoy-key-0123456789abcdef', ...flows },
      });
    const problems = async (name: string, flows: Record<string, unknown>) => {
      const r = await loadFullConfig({ file: file(name, config(flows)), env: noEnv });
      expect(r.ok).toBe(false);
      return r.ok ? '' : formatConfigProblems(r.error.problems);
    };
    expect(await problems('bad-domain.json', { decoyEmailDomains: { 'Gmail.com': 1 } })).toContain(
      'a lower-case domain name such as gmail.com',
    );
    expect(await problems('bad-letter.json', { decoyEmailInitials: { mj: 1 } })).toContain(
      'one lower-case letter or digit',
    );
    const wrongType = await problems('bad-weight.json', { decoyEmailDomains: { 'gmail.com': 'lots' } });
    expect(wrongType).toContain('expected number');
    expect(wrongType).not.toContain('required');
    expect(await problems('missing.json', { decoyKey: undefined })).toContain('flows.decoyKey: required');
  });

  it('takes decoy countries abroad only from the SMS allow-list, never the default region', async () => {
    const config = (flows: Record<string, unknown>, smsCountries: string[]) =>
      JSON.stringify({
        directory: { tenantId: TENANT, clientId: CLIENT, clientSecret: 'x' },
        store: {
          url: 'sqlite::memory:',
          codeKeys: [{ id: 'k1', secret: 'load-config-code-key-0123456789abcdef' }],
        },
        delivery: { smsCountries },
        flows: { decoyKey: 'load-config-decoy-key-0123456789abcdef', defaultRegion: 'DK', ...flows },
      });
    const load = (name: string, decoyCountries: Record<string, unknown>, smsCountries = ['DK', 'SE', 'DE']) =>
      loadFullConfig({ file: file(name, config({ decoyCountries }, smsCountries)), env: noEnv });
    const fine = await load('countries.json', { SE: 0.7, DE: 0.3 });
    expect(fine.ok && fine.config.flows.decoyCountries).toEqual({ SE: 0.7, DE: 0.3 });
    const said = async (name: string, decoyCountries: Record<string, unknown>, smsCountries?: string[]) => {
      const r = await load(name, decoyCountries, smsCountries);
      expect(r.ok).toBe(false);
      return r.ok ? '' : formatConfigProblems(r.error.problems);
    };
    expect(await said('off-list.json', { SE: 1, NO: 1 })).toContain(
      'flows.decoyCountries.NO: not on delivery.smsCountries',
    );
    expect(await said('home.json', { DK: 1, SE: 1 })).toContain(
      'flows.decoyCountries.DK: must not be listed: it is flows.defaultRegion',
    );
    expect(await said('no-sms.json', { SE: 1 }, [])).toContain(
      'flows.decoyCountries.SE: SMS is off (delivery.smsCountries is empty)',
    );
    expect(await said('uk.json', { UK: 1 })).toContain('(the United Kingdom is GB)');
    // A policy's own list is held to the same rules.
    const policyList = await loadFullConfig({
      file: file(
        'policy-countries.json',
        JSON.stringify({
          ...(JSON.parse(config({}, ['DK', 'SE'])) as Record<string, unknown>),
          access: { policies: [{ name: 'sweden', decoyCountries: { SE: 1, NO: 1 } }] },
        }),
      ),
      env: noEnv,
    });
    expect(policyList.ok ? '' : formatConfigProblems(policyList.error.problems)).toContain(
      'access.policies.0.decoyCountries.NO: not on delivery.smsCountries',
    );
    expect(await said('lower.json', { se: 1 })).toContain('ISO 3166-1 alpha-2, upper case, such as SE');
  });
});
