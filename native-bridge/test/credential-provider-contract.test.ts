// The DLL as LogonUI loads it, under wine: through DllGetClassObject (every method of ICredentialProvider
// and ICredentialProviderCredential2), with policy set by `wine reg add` (absent, disabled, wrong types,
// REG_EXPAND_SZ), and through CoCreateInstance after registration (--smoke-clsid, as the MSI test does).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNative, createWinePrefix, parseCounts, win64, type Wine } from './native-toolchain.js';

const clsid = '{0AF99CBA-8D34-420C-B93A-AEC2BDD373E6}';
const providerKey = 'HKLM\\Software\\Policies\\MyPass\\CredentialProvider';
const policiesKey = 'HKLM\\Software\\Policies\\MyPass';
const harness = path.join(win64, 'cp-harness.exe');
// Kept in step with cp-harness.cpp: a check that silently stops running fails here.
const contractChecks = 57;
// Each wine start costs seconds on a shared 2-core machine; a case runs up to five of them.
const slow = 150_000;

let wine: Wine;

async function policyRun(...expect: string[]) {
  const result = await wine.exe(harness, ['--policy', ...expect]);
  return { result, counts: parseCounts(result.stdout) };
}

beforeAll(async () => {
  await buildNative();
  wine = await createWinePrefix('cp-contract');
}, 600_000); // a fresh clone: the whole native build, then wineboot, on a shared 2-core machine

describe('credential provider policy (RegGetValueW, explicit types)', () => {
  beforeEach(async () => {
    await wine.regDelete(policiesKey);
  }, slow);

  it(
    'absent policy: no tile',
    async () => {
      const { result, counts } = await policyRun('--expect-count=0');
      expect(counts).toMatchObject({ passed: 4, failed: 0 });
      expect(result.code).toBe(0);
    },
    slow,
  );

  it(
    'Enabled=0: no tile',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '0');
      const { counts } = await policyRun('--expect-count=0');
      expect(counts).toMatchObject({ passed: 4, failed: 0 });
    },
    slow,
  );

  it(
    'Enabled=1 with label and sub-text: one tile showing them',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      await wine.regAdd(providerKey, 'TileLabel', 'REG_SZ', 'Password help');
      await wine.regAdd(providerKey, 'TileSubText', 'REG_SZ', 'Call 1234 if stuck');
      const { counts } = await policyRun(
        '--expect-count=1',
        '--expect-label=Password help',
        '--expect-subtext=Call 1234 if stuck',
      );
      expect(counts).toMatchObject({ passed: 6, failed: 0 });
    },
    slow,
  );

  it(
    'the harness notices a wrong expectation (the checks can fail)',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      const { result, counts } = await policyRun('--expect-count=1', '--expect-label=Not the label');
      expect(counts).toMatchObject({ passed: 4, failed: 1 });
      expect(result.code).toBe(1);
    },
    slow,
  );

  it(
    'Enabled of the wrong type (REG_SZ "1") or out of range (2): no tile',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_SZ', '1');
      expect((await policyRun('--expect-count=0')).counts).toMatchObject({ passed: 4, failed: 0 });
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '2');
      expect((await policyRun('--expect-count=0')).counts).toMatchObject({ passed: 4, failed: 0 });
    },
    slow,
  );

  it(
    'wrong-typed label and sub-text fall back to the built-in texts',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      await wine.regAdd(providerKey, 'TileLabel', 'REG_DWORD', '5');
      await wine.regAdd(providerKey, 'TileSubText', 'REG_MULTI_SZ', 'a\\0b');
      const { counts } = await policyRun(
        '--expect-count=1',
        '--expect-label=Forgot password?',
        '--expect-subtext=Reset your password or set up MyPass',
      );
      expect(counts).toMatchObject({ passed: 6, failed: 0 });
    },
    slow,
  );

  it(
    'TileImage: a BMP from policy, the built-in image when the file is missing',
    async () => {
      // A 64x40 24-bit BMP (the built-in image is 128 wide).
      const width = 64;
      const height = 40;
      const row = Math.ceil((width * 3) / 4) * 4;
      const bmp = Buffer.alloc(54 + row * height, 0);
      bmp.write('BM', 0, 'ascii');
      bmp.writeUInt32LE(bmp.length, 2);
      bmp.writeUInt32LE(54, 10);
      bmp.writeUInt32LE(40, 14);
      bmp.writeInt32LE(width, 18);
      bmp.writeInt32LE(height, 22);
      bmp.writeUInt16LE(1, 26);
      bmp.writeUInt16LE(24, 28);
      bmp.writeUInt32LE(row * height, 34);
      writeFileSync(path.join(wine.prefix, 'drive_c/mypass-tile.bmp'), bmp);
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      await wine.regAdd(providerKey, 'TileImage', 'REG_SZ', 'C:\\mypass-tile.bmp');
      const fromFile = await policyRun('--expect-count=1', '--expect-image-width=64');
      expect(fromFile.counts).toMatchObject({ passed: 5, failed: 0 });
      await wine.regAdd(providerKey, 'TileImage', 'REG_SZ', 'C:\\no-such-tile.bmp');
      const builtIn = await policyRun('--expect-count=1', '--expect-image-width=128');
      expect(builtIn.counts).toMatchObject({ passed: 5, failed: 0 });
    },
    slow,
  );

  it(
    'REG_EXPAND_SZ is read, never expanded',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      await wine.regAdd(providerKey, 'TileLabel', 'REG_EXPAND_SZ', '%SystemRoot% help');
      const { counts } = await policyRun('--expect-count=1', '--expect-label=%SystemRoot% help');
      expect(counts).toMatchObject({ passed: 5, failed: 0 });
    },
    slow,
  );
});

describe('credential provider contract through DllGetClassObject', () => {
  it(
    'passes every check, and the production launch fails closed without the kiosk account token',
    async () => {
      await wine.regDelete(policiesKey);
      // The fake kiosk sits where policy says the kiosk is: if anything launched it, it would write a report.
      const kioskDir = path.join(wine.prefix, 'drive_c/mypass-contract');
      rmSync(kioskDir, { recursive: true, force: true });
      mkdirSync(kioskDir, { recursive: true });
      copyFileSync(path.join(win64, 'fake-kiosk.exe'), path.join(kioskDir, 'fake-kiosk.exe'));
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      await wine.regAdd(providerKey, 'TileLabel', 'REG_SZ', 'Password help');
      await wine.regAdd(providerKey, 'KioskPath', 'REG_SZ', 'C:\\mypass-contract\\fake-kiosk.exe');
      // wine's user exists, so the S4U logon itself is attempted (and wine cannot do it).
      await wine.regAdd(providerKey, 'KioskAccount', 'REG_SZ', userInfo().username);

      const result = await wine.exe(harness, ['--contract', '--kiosk-dir=C:\\mypass-contract']);
      const counts = parseCounts(result.stdout);
      expect(counts.notOkLines).toEqual([]);
      expect(counts).toMatchObject({ passed: contractChecks, failed: 0 });
      expect(counts.okLines.length).toBe(contractChecks);
      expect(result.stdout).toMatch(
        /# status: MyPass could not start\. .*\((kiosk_account_token|kiosk_account_missing)\)/,
      );
      expect(existsSync(path.join(kioskDir, 'report.txt'))).toBe(false);
      expect(result.code).toBe(0);
    },
    slow,
  );
});

describe('cp-harness --smoke-clsid', () => {
  it(
    'fails while the CLSID is not registered',
    async () => {
      await wine.regDelete(`HKCR\\CLSID\\${clsid}`);
      const result = await wine.exe(harness, ['--smoke-clsid']);
      const counts = parseCounts(result.stdout);
      expect(counts.notOkLines[0]).toContain('CoCreateInstance');
      expect(counts.failed).toBeGreaterThan(0);
      expect(result.code).toBe(1);
    },
    slow,
  );

  it(
    'creates the provider through CoCreateInstance once registered',
    async () => {
      await wine.regAdd(providerKey, 'Enabled', 'REG_DWORD', '1');
      const inproc = `HKCR\\CLSID\\${clsid}\\InprocServer32`;
      await wine.regAdd(
        inproc,
        '',
        'REG_SZ',
        wine.windowsPath(path.join(win64, 'MyPassCredentialProvider.dll')),
      );
      await wine.regAdd(inproc, 'ThreadingModel', 'REG_SZ', 'Apartment');
      const result = await wine.exe(harness, ['--smoke-clsid']);
      const counts = parseCounts(result.stdout);
      expect(counts.notOkLines).toEqual([]);
      expect(counts).toMatchObject({ passed: 14, failed: 0 });
      expect(counts.okLines).toContain('smoke: the tile has a label');
      expect(result.code).toBe(0);
    },
    slow,
  );
});
