// The MSI as built by installer/msi/build-msi.ts (stand-in kiosk, unsigned; signing.test.ts covers
// signing): its tables read back with msiinfo, then installed, upgraded and removed with wine's
// msiexec in a fresh prefix, proving what it writes and that removal leaves nothing of it behind.
import { execFile } from 'node:child_process';
import { access, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildMsi,
  customActionType,
  kioskFragment,
  msiVersion,
  nativeBuildDir,
  packMsi,
  repoRoot,
  rollbackActions,
  type MsiBuildResult,
} from '../msi/build-msi.js';
import { WinePrefix, difference } from './wine-prefix.js';

const run = promisify(execFile);
const clsid = '{0AF99CBA-8D34-420C-B93A-AEC2BDD373E6}';
const upgradeCode = '{75CC40F5-D414-4D00-BC00-F411986FA90B}';
const outDir = path.join(repoRoot, 'installer', 'msi', 'build', 'test-msi');
const prefix = new WinePrefix(path.join(repoRoot, '.cache', 'wine', 'msi'));

const programFiles = 'C:\\Program Files';
const installedFiles = [
  'Program Files/MyPass/MyPassCredentialProvider.dll',
  'Program Files/MyPass/mypass-account-action.exe',
  'Program Files/MyPass Kiosk/MyPassKiosk.exe',
  'Program Files/MyPass Kiosk/mypass-pipe-check.exe',
  'Program Files/MyPass Kiosk/resources/app.asar',
];
// Everything the MSI's Registry table writes, as WinePrefix.registry() lines.
const writtenRegistry = [
  `HKLM\\Software\\Classes\\CLSID\\${clsid} @="MyPassCredentialProvider"`,
  `HKLM\\Software\\Classes\\CLSID\\${clsid}\\InprocServer32 @="C:\\\\Program Files\\\\MyPass\\\\MyPassCredentialProvider.dll"`,
  `HKLM\\Software\\Classes\\CLSID\\${clsid}\\InprocServer32 "ThreadingModel"="Apartment"`,
  `HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Authentication\\Credential Providers\\${clsid} @="MyPassCredentialProvider"`,
  `HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList "MyPassKiosk"=dword:00000000`,
  `HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\MyPass Setup "EventMessageFile"="C:\\\\windows\\\\Microsoft.NET\\\\Framework64\\\\v4.0.30319\\\\EventLogMessages.dll"`,
  `HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\MyPass Credential Provider "TypesSupported"=dword:00000007`,
];
// Wine re-detects its display adapter and network cards at every start: not the MSI's doing.
const wineBootNoise = [
  /^HKLM\\System\\CurrentControlSet\\Control\\Class\\/,
  /^HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\NetworkCards/,
];
// Windows Installer's own container keys, which wine's msiexec leaves behind empty (no values: a
// key-only line) after an uninstall or a rollback. Any value under them still counts.
const installerBookkeeping =
  /^HKLM\\Software\\(Classes\\Installer|Microsoft\\Windows\\CurrentVersion\\Installer)\\[^ ]*$/;

function withoutNoise(entries: readonly string[]): string[] {
  return entries.filter((entry) => !wineBootNoise.some((noise) => noise.test(entry)));
}

/** A table exported by msiinfo, as records keyed by column name (the 3 header lines dropped). */
async function table(msi: string, name: string): Promise<Record<string, string>[]> {
  const { stdout } = await run('msiinfo', ['export', msi, name]);
  const [header = '', , , ...rows] = stdout.split(/\r?\n/).filter((line) => line !== '');
  const columns = header.split('\t');
  return rows.map((row) =>
    Object.fromEntries(row.split('\t').map((value, i) => [columns[i] ?? `${i}`, value])),
  );
}

function byKey(rows: Record<string, string>[], column: string): Map<string, Record<string, string>> {
  return new Map(rows.map((row) => [row[column] ?? '', row]));
}

let build: MsiBuildResult;
let upgradeMsi: string;
let rootVersion: string;

beforeAll(async () => {
  rootVersion = (
    JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
  ).version;
  build = await buildMsi({ outDir });
  // The next release: the same files, a later version (MajorUpgrade must replace the first).
  const [major, minor, patch] = build.version.split('.').map(Number);
  upgradeMsi = await packMsi({
    stageDir: build.stageDir,
    outDir: path.join(outDir, 'upgrade'),
    version: `${major}.${minor}.${(patch ?? 0) + 1}`,
  });
  await prefix.create();
}, 300_000);

describe('MyPass.msi tables', () => {
  it('is a per-machine x64 package with the root package.json version and the stable UpgradeCode', async () => {
    const properties = byKey(await table(build.msiPath, 'Property'), 'Property');
    expect(properties.get('ProductVersion')?.Value).toBe(rootVersion);
    expect(properties.get('UpgradeCode')?.Value).toBe(upgradeCode);
    expect(properties.get('ALLUSERS')?.Value).toBe('1');
    expect(properties.get('ProductName')?.Value).toBe('MyPass');
    // MajorUpgrade: detects earlier versions and refuses to downgrade.
    expect(properties.get('SecureCustomProperties')?.Value?.split(';').sort()).toEqual([
      'WIX_DOWNGRADE_DETECTED',
      'WIX_UPGRADE_DETECTED',
    ]);
    // The account switch is test-only: never a default in the package.
    expect(properties.has('MYPASS_SKIP_ACCOUNT')).toBe(false);
    const { stdout } = await run('msiinfo', ['suminfo', build.msiPath]);
    expect(stdout).toMatch(/^Template: x64;1033$/m);
    const upgrade = await table(build.msiPath, 'Upgrade');
    expect(upgrade.map((row) => [row.UpgradeCode, row.ActionProperty]).sort()).toEqual([
      [upgradeCode, 'WIX_DOWNGRADE_DETECTED'],
      [upgradeCode, 'WIX_UPGRADE_DETECTED'],
    ]);
    const launch = await table(build.msiPath, 'LaunchCondition');
    expect(launch.map((row) => row.Condition).sort()).toEqual(['NOT WIX_DOWNGRADE_DETECTED', 'VersionNT64']);
  });

  it('installs exactly the provider, the account action and the kiosk folder with pipe-check beside the kiosk', async () => {
    const directories = byKey(await table(build.msiPath, 'Directory'), 'Directory');
    const pathOf = (id: string): string => {
      const row = directories.get(id);
      if (!row) return '';
      // Standard folders (children of TARGETDIR) are resolved by Windows Installer, not by name.
      if (row.Directory_Parent === 'TARGETDIR') return `[${id}]`;
      const name = row.DefaultDir ?? '';
      const parent = pathOf(row.Directory_Parent ?? '');
      return name === '.' ? parent : parent ? `${parent}/${name}` : name;
    };
    const components = byKey(await table(build.msiPath, 'Component'), 'Component');
    const files = (await table(build.msiPath, 'File')).map((file) => {
      const component = components.get(file.Component_ ?? '');
      return `${pathOf(component?.Directory_ ?? '')}/${file.FileName}`;
    });
    expect(files.sort()).toEqual(
      [
        '[ProgramFiles64Folder]/MyPass/MyPassCredentialProvider.dll',
        '[ProgramFiles64Folder]/MyPass/mypass-account-action.exe',
        '[ProgramFiles64Folder]/MyPass Kiosk/MyPassKiosk.exe',
        '[ProgramFiles64Folder]/MyPass Kiosk/mypass-pipe-check.exe',
        '[ProgramFiles64Folder]/MyPass Kiosk/resources/app.asar',
      ].sort(),
    );
    // Every component is 64-bit (msidbComponentAttributes64bit), or its registry would go to WOW6432Node.
    for (const component of components.values()) expect(Number(component.Attributes) & 256).toBe(256);
    expect(components.get('CredentialProvider')?.ComponentId).toBe('{B52A4E6E-C66E-417C-8DF3-07E45C626853}');
    expect(components.get('CredentialProvider')?.KeyPath).toBe('ProviderDll');
    expect(components.get('KioskAccount')?.ComponentId).toBe('{D8DA0F58-EE2A-4DA7-8571-5693F6BEB960}');
  });

  it('registers the provider (CLSID, Credential Providers) and the event sources, and nothing under Policies', async () => {
    const rows = (await table(build.msiPath, 'Registry')).map((row) =>
      [
        row.Root === '0' ? 'HKCR' : row.Root === '2' ? 'HKLM' : `root ${row.Root}`,
        row.Key,
        row.Name,
        row.Value,
        row.Component_,
      ].join(' | '),
    );
    const eventLog = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application';
    const messages = '[WindowsFolder]Microsoft.NET\\Framework64\\v4.0.30319\\EventLogMessages.dll';
    expect(rows.sort()).toEqual(
      [
        `HKCR | CLSID\\${clsid} |  | MyPassCredentialProvider | CredentialProvider`,
        `HKCR | CLSID\\${clsid}\\InprocServer32 |  | [#ProviderDll] | CredentialProvider`,
        `HKCR | CLSID\\${clsid}\\InprocServer32 | ThreadingModel | Apartment | CredentialProvider`,
        `HKLM | SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Authentication\\Credential Providers\\${clsid} |  | MyPassCredentialProvider | CredentialProvider`,
        `HKLM | SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\SpecialAccounts\\UserList | MyPassKiosk | #0 | KioskAccount`,
        `HKLM | ${eventLog}\\MyPass Credential Provider | EventMessageFile | ${messages} | CredentialProvider`,
        `HKLM | ${eventLog}\\MyPass Credential Provider | TypesSupported | #7 | CredentialProvider`,
        `HKLM | ${eventLog}\\MyPass Setup | EventMessageFile | ${messages} | KioskAccount`,
        `HKLM | ${eventLog}\\MyPass Setup | TypesSupported | #7 | KioskAccount`,
      ].sort(),
    );
    expect(rows.filter((row) => /policies/i.test(row))).toEqual([]);
  });

  it('registers every event source the provider and the account action write to', async () => {
    const sources = new Set<string>();
    for (const dir of ['native-bridge/credential-provider/src', 'installer/msi/account-action']) {
      for (const file of await readdir(path.join(repoRoot, dir))) {
        const text = await readFile(path.join(repoRoot, dir, file), 'utf8');
        for (const match of text.matchAll(/RegisterEventSourceW\(\s*nullptr,\s*L"([^"]+)"\)/g))
          sources.add(match[1] ?? '');
      }
    }
    expect([...sources].sort()).toEqual(['MyPass Credential Provider', 'MyPass Setup']);
    const registered = (await table(build.msiPath, 'Registry'))
      .filter((row) => row.Name === 'EventMessageFile')
      .map((row) => row.Key?.split('\\').pop());
    expect(registered.sort()).toEqual([...sources].sort());
  });

  it('installs the kiosk where the provider looks and names the account the provider logs on', async () => {
    const sources = path.join(repoRoot, 'native-bridge', 'credential-provider', 'src');
    let providerText = '';
    for (const file of await readdir(sources))
      providerText += await readFile(path.join(sources, file), 'utf8');
    // The provider's default kiosk path: %ProgramFiles%\<folder>\MyPassKiosk.exe.
    const kioskFolder = /L"\\\\([^"\\]+)\\\\MyPassKiosk\.exe"/.exec(providerText)?.[1];
    const directories = byKey(await table(build.msiPath, 'Directory'), 'Directory');
    expect(directories.get('KIOSKDIR')).toMatchObject({
      Directory_Parent: 'ProgramFiles64Folder',
      DefaultDir: kioskFolder,
    });
    const providerAccount = /kioskAccount = L"([^"]+)"/.exec(providerText)?.[1];
    const header = await readFile(
      path.join(repoRoot, 'installer', 'msi', 'account-action', 'kiosk-account.h'),
      'utf8',
    );
    const actionAccount = /#define MYPASS_KIOSK_ACCOUNT L"([^"]+)"/.exec(header)?.[1];
    expect(providerAccount).toBe('MyPassKiosk');
    expect(actionAccount).toBe(providerAccount);
    const hidden = (await table(build.msiPath, 'Registry')).find((row) => row.Key?.endsWith('\\UserList'));
    expect(hidden?.Name).toBe(providerAccount);
  });

  it('creates and removes the kiosk account with deferred, no-impersonate actions inside the transaction', async () => {
    const actions = byKey(await table(build.msiPath, 'CustomAction'), 'Action');
    const t = customActionType;
    const deferred = t.exeInstalledFile | t.inScript | t.noImpersonate;
    const expected = {
      MyPassAccountInstall: { type: deferred, target: 'install' },
      MyPassAccountUninstall: { type: deferred | t.continueOnError, target: 'uninstall' },
      MyPassAccountRollbackInstall: { type: deferred | t.rollback | t.continueOnError, target: 'uninstall' },
      MyPassAccountRollbackUninstall: { type: deferred | t.rollback | t.continueOnError, target: 'install' },
    };
    expect(new Set(actions.keys())).toEqual(new Set(Object.keys(expected)));
    expect(rollbackActions.every((action) => action in expected)).toBe(true);
    for (const [name, { type, target }] of Object.entries(expected)) {
      const row = actions.get(name);
      expect({ name, type: Number(row?.Type), source: row?.Source, target: row?.Target }).toEqual({
        name,
        type,
        source: 'AccountActionExe',
        target,
      });
    }

    const sequence = byKey(await table(build.msiPath, 'InstallExecuteSequence'), 'Action');
    const at = (action: string): number => Number(sequence.get(action)?.Sequence);
    for (const action of Object.keys(expected)) {
      // Deferred actions only run inside the script: between InstallInitialize and InstallFinalize.
      expect(at(action)).toBeGreaterThan(at('InstallInitialize'));
      expect(at(action)).toBeLessThan(at('InstallFinalize'));
    }
    // Install runs from the installed file, once the files are in place; uninstall before they go.
    expect(at('MyPassAccountInstall')).toBeGreaterThan(at('InstallFiles'));
    expect(at('MyPassAccountUninstall')).toBeLessThan(at('RemoveFiles'));
    // A rollback action is scheduled before the action it undoes.
    expect(at('MyPassAccountRollbackInstall')).toBeLessThan(at('MyPassAccountInstall'));
    expect(at('MyPassAccountRollbackUninstall')).toBeLessThan(at('MyPassAccountUninstall'));
    expect(at('RemoveExistingProducts')).toBeLessThan(at('InstallInitialize'));
    expect(sequence.get('MyPassAccountInstall')?.Condition).toBe('NOT REMOVE AND NOT MYPASS_SKIP_ACCOUNT');
    // The removal of the old product during a major upgrade must keep the account.
    expect(sequence.get('MyPassAccountUninstall')?.Condition).toBe(
      'REMOVE="ALL" AND NOT UPGRADINGPRODUCTCODE',
    );
    expect(sequence.get('MyPassAccountRollbackInstall')?.Condition).toBe(
      'NOT Installed AND NOT WIX_UPGRADE_DETECTED AND NOT MYPASS_SKIP_ACCOUNT',
    );
  });
});

describe('MyPass.msi under wine', () => {
  let before: { registry: Set<string>; files: Set<string> };

  beforeAll(async () => {
    before = { registry: await prefix.registry(), files: await prefix.files() };
  }, 60_000);

  /** DisplayVersion of every product named MyPass in Add/Remove Programs. */
  async function installedProducts(): Promise<string[]> {
    const uninstallKey = 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\';
    const registry = [...(await prefix.registry())].filter((line) => line.startsWith(uninstallKey));
    const products = registry
      .filter((line) => line.endsWith(' "DisplayName"="MyPass"'))
      .map((line) => line.split(' "')[0]);
    return registry
      .filter((line) => products.includes(line.split(' "')[0]) && line.includes(' "DisplayVersion"='))
      .map((line) => /"DisplayVersion"="([^"]*)"/.exec(line)?.[1] ?? '');
  }

  async function expectNothingLeft(): Promise<void> {
    const registry = await prefix.registry();
    const files = await prefix.files();
    const addedKeys = withoutNoise(difference(registry, before.registry)).filter(
      (entry) => !installerBookkeeping.test(entry),
    );
    expect(addedKeys).toEqual([]);
    // msiexec's own cache folder may stay (empty); no file of the MSI may.
    expect(difference(files, before.files).filter((file) => file !== 'windows/Installer/')).toEqual([]);
  }

  it('installs the files and keys, the provider loads by CLSID, and /x removes every file and key it added', async () => {
    const install = await prefix.run('msiexec', ['/i', build.msiPath, '/qn', 'MYPASS_SKIP_ACCOUNT=1']);
    expect(install.code).toBe(0);
    const registry = await prefix.registry();
    const files = await prefix.files();
    for (const file of installedFiles) expect(files.has(file), file).toBe(true);
    // Registry paths are case-insensitive (wine's own key is "Eventlog").
    const registryLower = new Set([...registry].map((entry) => entry.toLowerCase()));
    for (const entry of writtenRegistry) expect(registryLower.has(entry.toLowerCase()), entry).toBe(true);
    expect(await installedProducts()).toEqual([build.version]);

    const query = await prefix.run('reg', ['query', `HKCR\\CLSID\\${clsid}\\InprocServer32`]);
    expect(query.stdout).toContain(`${programFiles}\\MyPass\\MyPassCredentialProvider.dll`);
    expect(query.stdout).toMatch(/ThreadingModel\s+REG_SZ\s+Apartment/);

    // The harness creates the provider through CoCreateInstance by CLSID, as LogonUI does.
    const smoke = await prefix.run(path.join(nativeBuildDir, 'cp-harness.exe'), ['--smoke-clsid']);
    expect(smoke.stdout).toMatch(/\b[1-9]\d* passed, 0 failed\b/);
    expect(smoke.code).toBe(0);

    // Everything the install added is what the Registry table and Windows Installer wrote.
    const added = withoutNoise(difference(registry, before.registry));
    expect(added.filter((entry) => /\\Policies\\/i.test(entry))).toEqual([]);

    const uninstall = await prefix.run('msiexec', ['/x', build.msiPath, '/qn']);
    expect(uninstall.code).toBe(0);
    await expectNothingLeft();
    // The provider is no longer creatable.
    const after = await prefix.run(path.join(nativeBuildDir, 'cp-harness.exe'), ['--smoke-clsid']);
    expect(after.stdout).toMatch(/\b[1-9]\d* failed\b/);
    expect(after.code).not.toBe(0);
  }, 300_000);

  it('upgrades in place (MajorUpgrade): one MyPass afterwards, at the new version, and its /x leaves nothing', async () => {
    expect((await prefix.run('msiexec', ['/i', build.msiPath, '/qn', 'MYPASS_SKIP_ACCOUNT=1'])).code).toBe(0);
    expect(await installedProducts()).toEqual([build.version]);
    expect((await prefix.run('msiexec', ['/i', upgradeMsi, '/qn', 'MYPASS_SKIP_ACCOUNT=1'])).code).toBe(0);
    const [major, minor, patch] = build.version.split('.').map(Number);
    expect(await installedProducts()).toEqual([`${major}.${minor}.${(patch ?? 0) + 1}`]);
    const files = await prefix.files();
    for (const file of installedFiles) expect(files.has(file), file).toBe(true);
    // The older package refuses to install over the newer one.
    expect(
      (await prefix.run('msiexec', ['/i', build.msiPath, '/qn', 'MYPASS_SKIP_ACCOUNT=1'])).code,
    ).not.toBe(0);

    expect((await prefix.run('msiexec', ['/x', upgradeMsi, '/qn'])).code).toBe(0);
    await expectNothingLeft();
  }, 300_000);

  it('rolls the whole install back when the account action fails (wine cannot make a real account)', async () => {
    // Without MYPASS_SKIP_ACCOUNT the account action runs; under wine the new account cannot be looked
    // up, as any failed step would fail on Windows: msiexec must fail and undo every file and key.
    const install = await prefix.run('msiexec', ['/i', build.msiPath, '/qn']);
    expect(install.code).not.toBe(0);
    await expectNothingLeft();
    expect(await installedProducts()).toEqual([]);
  }, 300_000);
});

describe('mypass-account-action.exe', () => {
  const action = (): string => path.join(outDir, 'tools', 'mypass-account-action.exe');
  beforeAll(() => prefix.settle(), 60_000);

  it('is a static console program that imports only system DLLs', async () => {
    await access(action());
    const { stdout } = await run('x86_64-w64-mingw32-objdump', ['-p', action()]);
    const dlls = [...stdout.matchAll(/DLL Name: (\S+)/g)].map((m) => (m[1] ?? '').toLowerCase()).sort();
    expect(dlls).toEqual([
      'advapi32.dll',
      'bcrypt.dll',
      'kernel32.dll',
      'msvcrt.dll',
      'netapi32.dll',
      'userenv.dll',
    ]);
  });

  it('refuses unknown commands, and uninstall succeeds when there is nothing to remove', async () => {
    const usage = await prefix.run(action(), ['remove-everything']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: mypass-account-action.exe install|uninstall');
    const uninstall = await prefix.run(action(), ['uninstall']);
    expect(uninstall.code).toBe(0);
  }, 120_000);

  it('fails install with the step code and names the failed call, never printing the password', async () => {
    const install = await prefix.run(action(), ['install']);
    // 14 = kLookupFailed: wine's NetUserAdd keeps no account LookupAccountNameW could find.
    expect(install.code).toBe(14);
    // Its only output is the one failure line (wine's own "wine: ..." notices aside).
    const lines = install.stderr
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('wine:'));
    expect(lines).toEqual(['MyPass kiosk account: LookupAccountNameW failed (error 0x00000534, exit 14)']);
  }, 120_000);
});

describe('build inputs', () => {
  it('takes only versions Windows Installer can compare (major.minor.build within its limits)', () => {
    expect(msiVersion('0.1.0')).toBe('0.1.0');
    expect(msiVersion('255.255.65535')).toBe('255.255.65535');
    for (const bad of ['0.1', '0.1.0-beta.1', '256.0.0', '1.256.0', '1.0.65536', 'v1.0.0']) {
      expect(() => msiVersion(bad), bad).toThrow(expect.objectContaining({ code: 'VERSION_INVALID' }));
    }
  });

  it('turns a packaged kiosk folder into one component per file under KIOSKDIR, with ids stable per path', () => {
    const files = [
      'MyPassKiosk.exe',
      'locales/de.pak',
      'locales/en-US.pak',
      'resources/app.asar',
      'a & b.dll',
    ];
    const fragment = kioskFragment(files);
    const again = kioskFragment([...files].reverse());
    const ids = (xml: string): string[] => [...xml.matchAll(/ Id="([^"]+)"/g)].map((m) => m[1] ?? '').sort();
    expect(ids(again)).toEqual(ids(fragment));
    expect(fragment.match(/<Component /g)).toHaveLength(files.length);
    expect(fragment.match(/<ComponentRef /g)).toHaveLength(files.length);
    expect(fragment).toContain('<Directory Id="KioskDir_');
    expect(fragment).toMatch(/<Directory Id="KioskDir_[0-9a-f]{32}" Name="locales">/);
    expect(fragment).toContain('Name="a &amp; b.dll" Source="$(var.KioskDir)/a &amp; b.dll"');
    // Every id fits Windows Installer's 72-character identifiers.
    for (const id of ids(fragment)) expect(id.length).toBeLessThanOrEqual(72);
  });
});
