import { describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '@mypass/entra-emulator/ca';
import { defaultPolicyFile, loadPolicy, type PolicySourceDeps } from '../../src/main/policy-sources.js';

const ca = createCertificateAuthority('sources test CA').certPem;
const good = { serverUrl: 'https://mypass.contoso.example', pinnedCa: ca };

function deps(
  over: Partial<PolicySourceDeps>,
): PolicySourceDeps & { registryReads: number; files: string[] } {
  const state = { registryReads: 0, files: [] as string[] };
  return Object.assign(state, {
    platform: 'linux' as NodeJS.Platform,
    readRegistry: async () => {
      state.registryReads += 1;
      return { ok: true as const, input: good };
    },
    readTextFile: async (file: string) => {
      state.files.push(file);
      return JSON.stringify(good);
    },
    ...over,
  });
}

describe('loadPolicy', () => {
  it('tile mode: takes the pipe policy and reads no registry and no file', async () => {
    const d = deps({ platform: 'win32', pipePolicyInput: { ...good, signInAfterReset: true } });
    const result = await loadPolicy(d);
    expect(result).toMatchObject({ ok: true, source: 'pipe', policy: { signInAfterReset: true } });
    expect(d.registryReads).toBe(0);
    expect(d.files).toEqual([]);
  });
  it('standing kiosk on Windows: reads the registry', async () => {
    const d = deps({ platform: 'win32' });
    expect(await loadPolicy(d)).toMatchObject({ ok: true, source: 'registry' });
    expect(d.registryReads).toBe(1);
  });
  it('reports a missing registry key as policy_missing', async () => {
    const d = deps({ platform: 'win32', readRegistry: async () => ({ ok: false, code: 'policy_missing' }) });
    expect(await loadPolicy(d)).toEqual({ ok: false, code: 'policy_missing', source: 'registry' });
  });
  it('off Windows: reads the JSON file (default path, or the one given)', async () => {
    const d = deps({});
    expect(await loadPolicy(d)).toMatchObject({ ok: true, source: 'file' });
    expect(d.files).toEqual([defaultPolicyFile]);
    const e = deps({ policyFile: '/tmp/k.json' });
    await loadPolicy(e);
    expect(e.files).toEqual(['/tmp/k.json']);
  });
  it('invalid policy from any source is policy_invalid with the field names', async () => {
    expect(await loadPolicy(deps({ pipePolicyInput: { ...good, serverUrl: 'http://x' } }))).toEqual({
      ok: false,
      code: 'policy_invalid',
      source: 'pipe',
      fields: ['serverUrl'],
    });
    expect(await loadPolicy(deps({ readTextFile: async () => '{nope' }))).toMatchObject({
      code: 'policy_invalid',
      source: 'file',
    });
    expect(
      await loadPolicy(
        deps({
          readTextFile: async () => {
            throw new Error('ENOENT');
          },
        }),
      ),
    ).toEqual({ ok: false, code: 'policy_file_unreadable', source: 'file' });
  });
});
