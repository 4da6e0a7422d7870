// `mypass doctor` against the emulator: a healthy tenant, then each failure in turn.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_API_APP_ROLES, startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doctor } from '../../src/cli/doctor-command.js';
import type { Finding } from '../../src/cli/doctor-findings.js';
import { emulatorDirectorySection } from '../directory/emulator-config.js';

let emu: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'mypass-doctor-'));

interface Run {
  exitCode: number;
  findings: Finding[];
  stdout: string;
  stderr: string;
}

function writeConfig(
  name: string,
  directory: Record<string, unknown> = {},
  access: Record<string, unknown> | null = null,
): string {
  const path = join(dir, name);
  const config = {
    directory: {
      ...emulatorDirectorySection(emu),
      ...directory,
    },
    access: access ?? { licensedGroups: [emu.groups['MyPass Licensed']] },
    // Sections of the API that doctor does not read but the one schema requires.
    store: {
      url: 'sqlite::memory:',
      codeKeys: [{ id: 'k1', secret: 'doctor-test-code-key-0123456789abcdef' }],
    },
    flows: { decoyKey: 'doctor-test-decoy-key-0123456789abcdef' },
  };
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

async function runDoctor(file: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const result = await doctor(file, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { NODE_ENV: 'test' },
  });
  return { ...result, stdout, stderr };
}

const statusOf = (run: Run, check: string) =>
  run.findings.filter((f) => f.check === check).map((f) => f.status);

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});
afterEach(() => {
  emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
  emu.setApiDirectoryRoles([{ roleName: 'Password Administrator' }]);
  emu.updateApiApp({ secretEndDateTime: '2027-11-01T00:00:00Z', publicClientFlows: true });
});

describe('mypass doctor', () => {
  it('prints a clean report for the healthy demo tenant and exits 0', async () => {
    const run = await runDoctor(writeConfig('healthy.json'));
    expect(run.findings.filter((f) => f.status === 'fail' || f.status === 'warn')).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(statusOf(run, 'token')).toEqual(['pass']);
    expect(statusOf(run, 'directory-role')).toEqual(['pass']);
    expect(statusOf(run, 'groups.licensed')).toEqual(['pass']);
    expect(statusOf(run, 'password-grant')).toEqual(['pass']);
    expect(run.stdout).toMatch(/^PASS {2}Password Administrator, scoped to the whole tenant\.$/m);
    expect(run.stdout).not.toContain(emu.apiApp.clientSecret);
  });

  it('fails when a needed application permission is missing, naming it and the fix', async () => {
    emu.setApiAppRoles(DEFAULT_API_APP_ROLES.filter((r) => r !== 'User-PasswordProfile.ReadWrite.All'));
    const run = await runDoctor(writeConfig('missing.json'));
    expect(run.exitCode).toBe(1);
    const missing = run.findings.find((f) => f.check === 'permissions.missing');
    expect(missing).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('User-PasswordProfile.ReadWrite.All'),
    });
    expect(run.stdout).toMatch(
      /^FAIL {2}Missing application permission: User-PasswordProfile\.ReadWrite\.All\.$/m,
    );
    expect(run.stdout).toContain('fix: Entra admin center › App registrations › MyPass › API permissions');
  });

  it("warns about the seed text's excess permissions without failing", async () => {
    emu.setApiAppRoles([
      ...DEFAULT_API_APP_ROLES,
      'User.ReadWrite.All',
      'Directory.ReadWrite.All',
      'Group.Read.All',
    ]);
    const run = await runDoctor(writeConfig('excess.json'));
    expect(run.exitCode).toBe(0);
    expect(run.findings.find((f) => f.check === 'permissions.excess')).toMatchObject({
      status: 'warn',
      summary: 'More than MyPass needs: Directory.ReadWrite.All, Group.Read.All, User.ReadWrite.All.',
    });
  });

  it('fails without Password or Helpdesk Administrator on the service principal', async () => {
    emu.setApiDirectoryRoles([]);
    const run = await runDoctor(writeConfig('norole.json'));
    expect(run.exitCode).toBe(1);
    expect(run.findings.find((f) => f.check === 'directory-role')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Password Administrator'),
    });
  });

  it('says when the role is scoped to an administrative unit, and warns about Global Administrator', async () => {
    emu.setApiDirectoryRoles([
      {
        roleName: 'Helpdesk Administrator',
        scope: '/administrativeUnits/4a1c0f7e-8f0b-4e53-9d62-1f8a3b7c2d10',
      },
      { roleName: 'Global Administrator' },
    ]);
    const run = await runDoctor(writeConfig('au.json'));
    expect(run.exitCode).toBe(0);
    expect(run.findings.find((f) => f.check === 'directory-role')?.summary).toBe(
      'Helpdesk Administrator, scoped to administrative unit 4a1c0f7e-8f0b-4e53-9d62-1f8a3b7c2d10 only.',
    );
    expect(run.findings.find((f) => f.check === 'directory-role.excess')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('Global Administrator'),
    });
  });

  it('fails when a licensed group does not exist', async () => {
    const run = await runDoctor(
      writeConfig(
        'nogroup.json',
        {},
        { licensedGroups: [emu.groups['MyPass Licensed'], '0b5e1d2c-3f4a-4b6c-8d9e-0f1a2b3c4d5e'] },
      ),
    );
    expect(run.exitCode).toBe(1);
    expect(statusOf(run, 'groups.licensed')).toEqual(['pass', 'fail']);
    expect(run.stdout).toContain(
      'Group 0b5e1d2c-3f4a-4b6c-8d9e-0f1a2b3c4d5e (access.licensedGroups) does not exist in the tenant.',
    );
  });

  it('warns when the client secret expires within 30 days, and fails once it has expired', async () => {
    emu.updateApiApp({ secretEndDateTime: new Date(Date.now() + 10 * 86_400_000).toISOString() });
    const soon = await runDoctor(writeConfig('soon.json'));
    expect(soon.exitCode).toBe(0);
    expect(soon.findings.find((f) => f.check === 'credential.expiry')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^The client secret expires in (9|10) days/),
    });
    emu.updateApiApp({ secretEndDateTime: new Date(Date.now() - 86_400_000).toISOString() });
    const expired = await runDoctor(writeConfig('expired.json'));
    expect(expired.exitCode).toBe(1);
    expect(expired.findings[0]).toMatchObject({
      check: 'token',
      status: 'fail',
      summary: expect.stringContaining('expired'),
    });
  });

  it('fails with the fix when the client secret is wrong', async () => {
    const run = await runDoctor(writeConfig('wrong.json', { clientSecret: 'not-the-secret' }));
    expect(run.exitCode).toBe(1);
    expect(run.findings[0]).toMatchObject({
      check: 'token',
      status: 'fail',
      summary: expect.stringContaining('AADSTS7000215'),
    });
    expect(run.stdout).not.toContain('not-the-secret');
  });

  it('fails when public client flows are off, so the password grant cannot be used', async () => {
    emu.updateApiApp({ publicClientFlows: false });
    const run = await runDoctor(writeConfig('noropc.json'));
    expect(run.exitCode).toBe(1);
    expect(run.findings.find((f) => f.check === 'password-grant')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('AADSTS7000218'),
      fix: expect.stringContaining('Allow public client flows'),
    });
    const off = await runDoctor(writeConfig('ropcoff.json', { passwordGrant: { enabled: false } }));
    expect(off.exitCode).toBe(0);
    expect(statusOf(off, 'password-grant')).toEqual(['info']);
  });

  it('checks a certificate credential from its PEM file', async () => {
    const pem = join(dir, 'app.pem');
    writeFileSync(pem, `${emu.apiApp.certificate.keyPem}\n${emu.apiApp.certificate.certPem}`, {
      mode: 0o600,
    });
    const run = await runDoctor(
      writeConfig('cert.json', { clientSecret: undefined, clientCertificatePath: pem }),
    );
    expect(run.exitCode).toBe(0);
    expect(run.findings.find((f) => f.check === 'credential.expiry')).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(/^The certificate is valid until \d{4}-\d{2}-\d{2}/),
    });
  });

  it('reports an invalid configuration with file, line and field, exit code 2', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, `directory:\n  tenantId: ${emu.tenantId}\n  clientId: nope\n  clientSecret: x\n`);
    const run = await runDoctor(path);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('bad.yaml:3: directory.clientId: Invalid UUID');
  });
});
