// `mypass branding` against the emulator over loopback HTTPS with real msal-node and the real Graph
// client: the plan in several languages, --apply and its read-back, the limits enforced before
// anything is sent, separate admin credentials (T14), and the device-code sign-in of an administrator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { brandingCommand } from '../../src/cli/branding-command.js';
import { emulatorDirectorySection } from '../directory/emulator-config.js';

const RESET_URL = 'https://mypass.contoso.example/';
const dir = mkdtempSync(join(tmpdir(), 'mypass-branding-'));
let emu: RunningEmulator;
let configPath: string;

beforeEach(async () => {
  await emu?.close();
  // A fresh tenant per test: --apply changes its branding.
  emu = await startEmulator({ deviceCodeIntervalSeconds: 1 });
  configPath = join(dir, 'mypass.json');
  writeFileSync(
    configPath,
    // The directory section alone: the command reads nothing else.
    JSON.stringify({
      directory: emulatorDirectorySection(emu),
    }),
  );
});
afterAll(async () => {
  await emu.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await brandingCommand.run(['--config', configPath, '--reset-url', RESET_URL, ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { NODE_ENV: 'test', ...env },
  });
  return { code, stdout, stderr };
}

const adminSecret = (): string[] => ['--admin-client-id', emu.adminApp.clientId];
const secretEnv = (): Record<string, string> => ({ MYPASS_ADMIN_CLIENT_SECRET: emu.adminApp.clientSecret });

describe('mypass branding --dry-run', () => {
  it('prints a readable plan per language the tenant uses and writes nothing', async () => {
    const before = emu.branding();
    const r = await run([...adminSecret(), '--dry-run'], secretEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('default branding (MyPass text: en) — update');
    expect(r.stdout).toContain('localization de-DE (MyPass text: de) — update');
    expect(r.stdout).toContain('localization da-DK (MyPass text: da) — update');
    expect(r.stdout).toContain('localization fr-FR (MyPass text: fr) — update');
    // The tenant's own text stays; the guidance is added below it, in each language.
    expect(r.stdout).toContain('    - Contoso-Mitarbeitende: Melden Sie sich mit Ihrem Arbeitskonto an.');
    expect(r.stdout).toContain(
      `    + Kennwort vergessen? Setzen Sie es selbst mit MyPass zurück: ${RESET_URL}`,
    );
    expect(r.stdout).toContain('    + Har du glemt din adgangskode? Brug MyPass');
    expect(r.stdout).toContain('    - Glemt din adgangskode? Ring til IT-support');
    expect(r.stdout).toContain(`  customAccountResetCredentialsUrl\n    - (not set)\n    + ${RESET_URL}`);
    expect(r.stdout).toContain('  loginPageTextVisibilitySettings.hideResetItNow\n    - false\n    + true');
    expect(r.stdout).toContain('left alone (MyPass ships no text in their language): ga-IE');
    expect(emu.branding()).toEqual(before);
    // Read only: no branding write reached Graph.
    expect(Object.keys(emu.counters()).filter((k) => /^(PATCH|POST) \/v1\.0\/organization/.test(k))).toEqual(
      [],
    );
  });

  it('finds the tenant id in the token when the configuration names the tenant by its domain', async () => {
    writeFileSync(
      configPath,
      JSON.stringify({ directory: { ...emulatorDirectorySection(emu), tenantId: emu.domain } }),
    );
    const r = await run([...adminSecret(), '--dry-run'], secretEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`MyPass sign-in branding for tenant ${emu.domain} (${emu.tenantId})`);
    expect(r.stdout).toContain('localization de-DE (MyPass text: de) — update');
  });

  it("refuses the API's own app registration before sending anything (T14)", async () => {
    emu.resetCounters();
    const r = await run(['--admin-client-id', emu.apiApp.clientId, '--dry-run'], {
      MYPASS_ADMIN_CLIENT_SECRET: emu.apiApp.clientSecret,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('admin_client_is_api');
    expect(emu.counters()['token:client_credentials'] ?? 0).toBe(0);
  });

  it('answers usage errors with exit code 2 and no stack trace', async () => {
    for (const args of [
      ['--device-code', '--admin-client-id', 'not-a-guid'],
      ['--admin-client-id', '78690e21-1c27-5c36-ac84-c6034b1998d4'],
      ['--device-code', '--admin-client-id', '78690e21-1c27-5c36-ac84-c6034b1998d4', '--apply', '--dry-run'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    const badUrl = await brandingCommand.run(
      [
        '--config',
        configPath,
        '--device-code',
        '--admin-client-id',
        emu.adminApp.clientId,
        '--reset-url',
        'http://x.example/',
      ],
      { stdout: () => undefined, stderr: () => undefined, env: {} },
    );
    expect(badUrl).toBe(2);
  });

  it('refuses a client secret on the command line, without echoing it or signing in (T8)', async () => {
    emu.resetCounters();
    const r = await run([...adminSecret(), '--admin-client-secret', emu.adminApp.clientSecret, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MYPASS_ADMIN_CLIENT_SECRET');
    expect(r.stderr).not.toContain(emu.adminApp.clientSecret);
    expect(emu.counters()['token:client_credentials'] ?? 0).toBe(0);
  });

  it('reports Graph’s 403 when the admin app lacks the branding permission', async () => {
    emu.setAppRoles(emu.adminApp.clientId, []);
    const r = await run([...adminSecret(), '--dry-run'], secretEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('branding_forbidden');
  });
});

describe('mypass branding --apply', () => {
  it('writes every planned language, creates a requested localization, and reads it back', async () => {
    const r = await run([...adminSecret(), '--apply', '--add-localization', 'sv-SE'], secretEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('localization sv-SE (MyPass text: sv) — create');
    expect(r.stdout).toContain('verified: the tenant now shows MyPass in every planned language.');
    const b = emu.branding();
    expect(b.defaultBranding).toMatchObject({
      signInPageText: expect.stringMatching(
        /^Contoso staff: .*\n\nForgot your password\? Reset it yourself with MyPass/s,
      ),
      customForgotMyPasswordText: 'Forgot your password? Use MyPass',
      customAccountResetCredentialsUrl: RESET_URL,
      loginPageTextVisibilitySettings: expect.objectContaining({
        hideForgotMyPassword: false,
        hideAccountResetCredentials: false,
        hideCannotAccessYourAccount: true,
        hideResetItNow: true,
      }),
    });
    expect(b.localizations['de-DE']?.customForgotMyPasswordText).toBe('Kennwort vergessen? MyPass verwenden');
    expect(b.localizations['sv-SE']?.signInPageText).toContain('Har du glömt ditt lösenord?');
    expect(b.localizations['ga-IE']?.customAccountResetCredentialsUrl).toBeNull();

    // Idempotent: a second run finds nothing to change and keeps one copy of the guidance.
    const again = await run([...adminSecret(), '--dry-run'], secretEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('— update');
    expect(
      emu
        .branding()
        .defaultBranding?.signInPageText?.toString()
        .match(/MyPass/g),
    ).toHaveLength(2);
  });

  it("enforces Microsoft's limits before sending: nothing is written when one language is too long", async () => {
    const token = await adminAppToken();
    const res = await fetch(`${emu.origin}/v1.0/organization/${emu.tenantId}/branding/localizations/fr-FR`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ signInPageText: 'Texte de la société. '.repeat(45) }),
    });
    expect(res.status).toBe(204);
    const before = emu.branding();
    const r = await run([...adminSecret(), '--apply'], secretEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/! signInPageText: \d{4} characters, Microsoft's limit is 1024/);
    expect(r.stderr).toContain('branding_text_too_long: fr-FR signInPageText');
    expect(emu.branding()).toEqual(before);
  });
});

describe('mypass branding --device-code', () => {
  async function approveWhenAsked(upn: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const [pending] = emu.pendingDeviceCodes();
      if (pending) {
        expect(pending.scopes).toEqual(['https://graph.microsoft.com/OrganizationalBranding.ReadWrite.All']);
        emu.approveDeviceCode(pending.userCode, upn);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no device code was requested');
  }

  it('lets an administrator sign in with a code and prints the plan', async () => {
    const [r] = await Promise.all([
      run(['--device-code', ...adminSecret(), '--dry-run']),
      approveWhenAsked('patti.fernandez@contoso.example'),
    ]);
    expect(r.stderr).toMatch(
      /To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/_emulator\/devicelogin and enter the code [A-Z0-9]{9}/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('localization fr-FR (MyPass text: fr) — update');
    expect(r.stdout).toContain('Mot de passe oublié ? Utilisez MyPass');
  });

  it('gets 403 for a signed-in user who is not a branding administrator', async () => {
    const [r] = await Promise.all([
      run(['--device-code', ...adminSecret(), '--dry-run']),
      approveWhenAsked('adele.vance@contoso.example'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('branding_forbidden');
  });
});

async function adminAppToken(): Promise<string> {
  const res = await fetch(`${emu.origin}/${emu.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emu.adminApp.clientId,
      client_secret: emu.adminApp.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  return String(((await res.json()) as { access_token: string }).access_token);
}
