import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '@mypass/entra-emulator/ca';
import {
  kioskPolicySchema,
  parseKioskPolicy,
  policyDefaults,
  toRendererConfig,
} from '../../src/main/kiosk-policy.js';

const testCa = createCertificateAuthority('policy test CA');
const ca = testCa.certPem;
const minimal = { serverUrl: 'https://mypass.contoso.example', pinnedCa: ca };

describe('kioskPolicySchema', () => {
  it('fills the documented defaults', () => {
    const result = parseKioskPolicy(minimal);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy).toMatchObject({
      serverUrl: 'https://mypass.contoso.example',
      allowedLanguages: [],
      inactivityTimeoutSeconds: 60,
      onScreenKeyboard: false,
      runMode: 'tile',
      kioskTimeoutSeconds: 900,
      signInAfterReset: false,
    });
  });

  it('accepts only an https origin: no http, no path, no credentials', () => {
    for (const serverUrl of [
      'http://mypass.contoso.example',
      'https://mypass.contoso.example/api',
      'https://user:pw@mypass.contoso.example',
      'https://mypass.contoso.example/?x=1',
      'file:///C:/x',
      'mypass.contoso.example',
    ]) {
      const result = parseKioskPolicy({ ...minimal, serverUrl });
      expect(result, serverUrl).toEqual({ ok: false, code: 'policy_invalid', fields: ['serverUrl'] });
    }
    expect(parseKioskPolicy({ ...minimal, serverUrl: 'https://mypass.contoso.example:8443/' })).toMatchObject(
      {
        ok: true,
        policy: { serverUrl: 'https://mypass.contoso.example:8443' },
      },
    );
  });

  it('requires a PEM certificate as the pinned CA', () => {
    for (const pinnedCa of [
      '',
      'not a cert',
      // A private key where the CA certificate belongs (generated here, never committed).
      testCa.keyPem,
    ]) {
      expect(parseKioskPolicy({ ...minimal, pinnedCa })).toMatchObject({ ok: false, fields: ['pinnedCa'] });
    }
    expect(parseKioskPolicy({ ...minimal, pinnedCa: `${ca}\n${ca}` }).ok).toBe(true);
    expect(parseKioskPolicy({ ...minimal, pinnedCa: ca.replace(/\n/g, '\r\n') }).ok).toBe(true);
  });

  it('rejects unknown fields and names fields, never values', () => {
    const result = parseKioskPolicy({ ...minimal, serverUrl: 'http://secret-host.example', debug: true });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret-host');
  });

  it('keeps README defaults and policyDefaults in step', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Kiosk shell: policy'));
    for (const field of Object.keys(kioskPolicySchema.shape)) {
      expect(section, field).toContain(`\`${field}\``);
    }
    expect(section).toContain(
      `| \`inactivityTimeoutSeconds\` | \`InactivityTimeoutSeconds\` | REG_DWORD | ${policyDefaults.inactivityTimeoutSeconds}`,
    );
    expect(section).toContain(
      `| \`kioskTimeoutSeconds\` | \`KioskTimeoutSeconds\` | REG_DWORD | ${policyDefaults.kioskTimeoutSeconds}`,
    );
  });
});

describe('toRendererConfig', () => {
  const parsed = parseKioskPolicy({
    ...minimal,
    defaultLanguage: 'da',
    helpdeskPhone: '+45 1234',
    guidanceText: 'Ask Bo.',
  });
  if (!parsed.ok) throw new Error('fixture');
  it('orders languages: policy, then the system, then English, without repeats', () => {
    expect(toRendererConfig(parsed.policy, ['de-DE', 'da', 'en-US']).preferredLanguages).toEqual([
      'da',
      'de-DE',
      'en-US',
      'en',
    ]);
    const noDefault = parseKioskPolicy(minimal);
    if (!noDefault.ok) throw new Error('fixture');
    expect(toRendererConfig(noDefault.policy, []).preferredLanguages).toEqual(['en']);
  });
  it('never hands the renderer the server URL or the CA', () => {
    const config = toRendererConfig(parsed.policy, []);
    const text = JSON.stringify(config);
    expect(text).not.toContain('contoso');
    expect(text).not.toContain('CERTIFICATE');
    expect(config.host).toMatchObject({
      helpdeskPhone: '+45 1234',
      guidanceOverride: 'Ask Bo.',
      demo: false,
    });
  });
  it('lets the renderer offer "Back to sign-in" only in tile mode', () => {
    expect(toRendererConfig({ ...parsed.policy, runMode: 'tile' }, []).host.canLeave).toBe(true);
    expect(toRendererConfig({ ...parsed.policy, runMode: 'standing' }, []).host.canLeave).toBe(false);
  });
  it('offers enrollment only on a standing kiosk: at the sign-in screen a person is there to reset', () => {
    expect(toRendererConfig({ ...parsed.policy, runMode: 'tile' }, []).host.offerEnrollment).toBe(false);
    expect(toRendererConfig({ ...parsed.policy, runMode: 'standing' }, []).host.offerEnrollment).toBe(true);
  });
});
