import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  kioskPolicyKey,
  parseRegQueryOutput,
  readRegistryPolicy,
  registryPolicyValues,
  registryValuesToPolicyInput,
} from '../../src/main/registry-policy.js';
import { kioskPolicySchema, parseKioskPolicy } from '../../src/main/kiosk-policy.js';

// Captured `reg query "HKLM\SOFTWARE\Policies\MyPass\Kiosk"` output: CRLF line ends, a blank first
// line, four-space columns, REG_MULTI_SZ joined with a literal \0, REG_DWORD in hex.
const captured = [
  '',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MyPass\\Kiosk',
  '    ServerUrl    REG_SZ    https://mypass.contoso.example',
  '    PinnedCa    REG_MULTI_SZ    -----BEGIN CERTIFICATE-----\\0MIIBszCCAVmgAwIBAgIUQ0FURVNU\\0-----END CERTIFICATE-----',
  '    DefaultLanguage    REG_SZ    da',
  '    AllowedLanguages    REG_MULTI_SZ    da\\0en\\0sv',
  '    InactivityTimeoutSeconds    REG_DWORD    0x5a',
  '    OnScreenKeyboard    REG_DWORD    0x1',
  '    HelpdeskText    REG_EXPAND_SZ    Call %HELPDESK% or walk to room 1.12',
  '    HelpdeskPhone    REG_SZ    +45 70 12 34 56',
  '    GuidanceText    REG_SZ',
  '    RunMode    REG_SZ    standing',
  '    KioskTimeoutSeconds    REG_DWORD    0x384',
  '    SignInAfterReset    REG_DWORD    0x0',
  '    Unrelated    REG_BINARY    0A0B',
  '',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MyPass\\Kiosk\\Sub',
  '    ServerUrl    REG_SZ    https://evil.example',
  '',
].join('\r\n');

describe('parseRegQueryOutput', () => {
  const values = parseRegQueryOutput(captured);
  it('reads REG_SZ, REG_EXPAND_SZ (unexpanded), REG_DWORD and REG_MULTI_SZ', () => {
    expect(values.get('ServerUrl')).toEqual({ type: 'REG_SZ', value: 'https://mypass.contoso.example' });
    expect(values.get('HelpdeskText')).toEqual({
      type: 'REG_EXPAND_SZ',
      value: 'Call %HELPDESK% or walk to room 1.12',
    });
    expect(values.get('InactivityTimeoutSeconds')).toEqual({ type: 'REG_DWORD', value: 90 });
    expect(values.get('AllowedLanguages')).toEqual({ type: 'REG_MULTI_SZ', value: ['da', 'en', 'sv'] });
    expect(values.get('GuidanceText')).toEqual({ type: 'REG_SZ', value: '' });
  });
  it('ignores REG_BINARY and values of subkeys', () => {
    expect(values.has('Unrelated')).toBe(false);
    expect(values.get('ServerUrl')?.value).toBe('https://mypass.contoso.example');
  });
  it('keeps value names with spaces and data with four spaces inside', () => {
    const v = parseRegQueryOutput('HKEY_LOCAL_MACHINE\\X\n    Helpdesk Text    REG_SZ    a    b\n');
    expect(v.get('Helpdesk Text')).toEqual({ type: 'REG_SZ', value: 'a    b' });
  });
  it('returns nothing for empty or foreign output', () => {
    expect(parseRegQueryOutput('').size).toBe(0);
    expect(
      parseRegQueryOutput('ERROR: The system was unable to find the specified registry key or value.').size,
    ).toBe(0);
  });
});

describe('registryValuesToPolicyInput', () => {
  it('turns the captured key into a valid policy', () => {
    const input = registryValuesToPolicyInput(parseRegQueryOutput(captured));
    expect(input).toMatchObject({
      serverUrl: 'https://mypass.contoso.example',
      defaultLanguage: 'da',
      allowedLanguages: ['da', 'en', 'sv'],
      inactivityTimeoutSeconds: 90,
      onScreenKeyboard: true,
      runMode: 'standing',
      kioskTimeoutSeconds: 900,
      signInAfterReset: false,
    });
    expect(input.pinnedCa).toBe(
      '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ0FURVNU\n-----END CERTIFICATE-----',
    );
    const parsed = parseKioskPolicy({ ...input, guidanceText: undefined });
    expect(parsed.ok).toBe(true);
  });
  it('passes a value of the wrong type through so the schema names the field', () => {
    const input = registryValuesToPolicyInput(
      new Map([['InactivityTimeoutSeconds', { type: 'REG_SZ', value: 'soon' }]]),
    );
    expect(parseKioskPolicy({ ...input, serverUrl: 'https://x.example', pinnedCa: 'x' })).toMatchObject({
      ok: false,
      fields: expect.arrayContaining(['inactivityTimeoutSeconds']) as unknown,
    });
  });
  it('maps every registry value to a field of the policy schema, and every field to a registry value', () => {
    const fields = Object.values(registryPolicyValues)
      .map((v) => v.field)
      .sort();
    expect(fields).toEqual(Object.keys(kioskPolicySchema.shape).sort());
  });
});

describe('readRegistryPolicy', () => {
  it('queries the one policy key', async () => {
    const keys: string[] = [];
    const result = await readRegistryPolicy(async (key) => {
      keys.push(key);
      return { exitCode: 0, stdout: captured };
    });
    expect(keys).toEqual([kioskPolicyKey]);
    expect(result.ok).toBe(true);
  });
  it('reports a missing key and an unreadable registry apart', async () => {
    expect(await readRegistryPolicy(async () => ({ exitCode: 1, stdout: '' }))).toEqual({
      ok: false,
      code: 'policy_missing',
    });
    expect(await readRegistryPolicy(async () => ({ exitCode: 5, stdout: '' }))).toEqual({
      ok: false,
      code: 'registry_unreadable',
    });
  });
  it('is the only kiosk module that runs reg.exe', () => {
    const source = readFileSync(
      path.resolve(import.meta.dirname, '../../src/main/registry-policy.ts'),
      'utf8',
    );
    expect(source).toContain('System32\\\\reg.exe');
  });
});
