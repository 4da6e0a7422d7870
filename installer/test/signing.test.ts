// Authenticode signing of everything MyPass ships for Windows, with a throwaway code-signing PKI
// generated here: the build signs the binaries before packing them and the MSI last, every
// signature verifies with osslsigncode against that root, and a tampered, unsigned or foreign-signed
// file does not.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMsi, ownBinaries, repoRoot, type MsiBuildResult } from '../msi/build-msi.js';
import {
  AuthenticodeError,
  hasSignature,
  signFile,
  signingOptionsFromEnv,
  verifyFile,
  type SigningOptions,
} from '../signing/authenticode.js';
import { runAuthenticodeCli } from '../signing/authenticode-cli.js';
import { createCodeSigningPki, type CodeSigningFiles } from './code-signing-ca.js';

const run = promisify(execFile);
const outDir = path.join(repoRoot, 'installer', 'msi', 'build', 'test-signing');
const standInKiosk = path.join(outDir, 'tools', 'stand-in-kiosk');

let scratch: string;
let mypass: CodeSigningFiles;
let vendor: CodeSigningFiles;
let signing: SigningOptions;
let build: MsiBuildResult;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'mypass-signing-test-'));
  mypass = await createCodeSigningPki(scratch, 'mypass');
  vendor = await createCodeSigningPki(scratch, 'vendor');
  signing = {
    key: { kind: 'pkcs12', pkcs12Path: mypass.pkcs12, password: mypass.password },
    description: 'MyPass',
  };
  build = await buildMsi({ outDir, signing });
}, 300_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the signed build', () => {
  it('signs the DLL, the account action, the kiosk executables and then the MSI', async () => {
    expect([...build.signed].sort()).toEqual([...ownBinaries, 'MyPass.msi'].sort());
    for (const file of ownBinaries) {
      const result = await verifyFile(path.join(build.stageDir, file), { caFile: mypass.rootPem });
      expect(result.ok, `${file}: ${result.output}`).toBe(true);
      expect(result.output).toContain('MyPass test');
    }
    const msi = await verifyFile(build.msiPath, { caFile: mypass.rootPem });
    expect(msi.ok, msi.output).toBe(true);
    // Only PE files are signed: the kiosk's resources are data.
    expect(await hasSignature(path.join(build.stageDir, 'Kiosk', 'resources', 'app.asar'))).toBe(false);
  });

  it('packs the binaries already signed: the files inside the MSI verify too', async () => {
    const extracted = path.join(scratch, 'extracted');
    await mkdir(extracted);
    // msiextract writes the Program Files folders' contents under the target folder.
    await run('msiextract', ['-C', extracted, build.msiPath]);
    const installed = {
      'MyPassCredentialProvider.dll': 'MyPass/MyPassCredentialProvider.dll',
      'mypass-account-action.exe': 'MyPass/mypass-account-action.exe',
      'Kiosk/MyPassKiosk.exe': 'MyPass Kiosk/MyPassKiosk.exe',
      'Kiosk/mypass-pipe-check.exe': 'MyPass Kiosk/mypass-pipe-check.exe',
    } satisfies Record<(typeof ownBinaries)[number], string>;
    for (const [staged, file] of Object.entries(installed)) {
      const result = await verifyFile(path.join(extracted, file), { caFile: mypass.rootPem });
      expect(result.ok, `${file}: ${result.output}`).toBe(true);
      // Byte for byte what was signed in the stage.
      expect(
        (await readFile(path.join(extracted, file))).equals(
          await readFile(path.join(build.stageDir, staged)),
        ),
      ).toBe(true);
    }
  });

  it("keeps a vendor's own signature on a packaged kiosk's files, and re-signs MyPass's", async () => {
    // A packaged kiosk folder: the kiosk (signed by the vendor, as electron-builder may have done),
    // and a third-party DLL the vendor signed.
    const kioskDir = path.join(scratch, 'packaged-kiosk');
    await mkdir(path.join(kioskDir, 'resources'), { recursive: true });
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), path.join(kioskDir, 'MyPassKiosk.exe'));
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), path.join(kioskDir, 'vendor-helper.dll'));
    await writeFile(path.join(kioskDir, 'resources', 'app.asar'), 'asar');
    const vendorSigning: SigningOptions = {
      key: { kind: 'pem', certPath: vendor.chainPem, keyPath: vendor.keyPem },
    };
    await signFile(path.join(kioskDir, 'vendor-helper.dll'), vendorSigning);
    await signFile(path.join(kioskDir, 'MyPassKiosk.exe'), vendorSigning);

    const packaged = await buildMsi({ outDir, signing, kioskDir, make: false });
    expect(packaged.signed).not.toContain('Kiosk/vendor-helper.dll');
    expect(packaged.signed).toContain('Kiosk/MyPassKiosk.exe');
    const helper = path.join(packaged.stageDir, 'Kiosk', 'vendor-helper.dll');
    expect((await verifyFile(helper, { caFile: vendor.rootPem })).ok).toBe(true);
    expect((await verifyFile(helper, { caFile: mypass.rootPem })).ok).toBe(false);
    const kiosk = path.join(packaged.stageDir, 'Kiosk', 'MyPassKiosk.exe');
    expect((await verifyFile(kiosk, { caFile: mypass.rootPem })).ok).toBe(true);
    expect((await verifyFile(packaged.msiPath, { caFile: mypass.rootPem })).ok).toBe(true);
  }, 120_000);
});

describe('verification', () => {
  it('fails for a tampered file, an unsigned file and a file signed under another root', async () => {
    const signed = path.join(scratch, 'signed.exe');
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), signed);
    await signFile(signed, signing);
    expect((await verifyFile(signed, { caFile: mypass.rootPem })).ok).toBe(true);

    // One byte of code changed after signing: the digest no longer matches.
    const tampered = path.join(scratch, 'tampered.exe');
    const bytes = await readFile(signed);
    const offset = 0x400 + 16;
    bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
    await writeFile(tampered, bytes);
    const tamperedResult = await verifyFile(tampered, { caFile: mypass.rootPem });
    expect(tamperedResult.ok).toBe(false);
    expect(tamperedResult.output).toMatch(/mismatch|failed/i);

    const unsigned = path.join(standInKiosk, 'MyPassKiosk.exe');
    expect(await hasSignature(unsigned)).toBe(false);
    expect((await verifyFile(unsigned, { caFile: mypass.rootPem })).ok).toBe(false);

    // Trusting the MyPass root does not trust another publisher's chain.
    expect((await verifyFile(signed, { caFile: vendor.rootPem })).ok).toBe(false);
  });

  it('fails for an MSI changed after signing', async () => {
    const tampered = path.join(scratch, 'tampered.msi');
    const bytes = await readFile(build.msiPath);
    // Flip a byte inside the embedded cabinet (the middle of the file): the content digest changes.
    const offset = Math.floor(bytes.length / 2);
    bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
    await writeFile(tampered, bytes);
    expect((await verifyFile(tampered, { caFile: mypass.rootPem })).ok).toBe(false);
  });
});

describe('authenticode-cli.ts', () => {
  async function cli(
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await runAuthenticodeCli(args, env, {
      log: (l) => lines.push(l),
      error: (l) => lines.push(l),
    });
    return { code, lines };
  }

  it('signs with the MYPASS_SIGN_* key and verifies: exit 0 only when every file verifies', async () => {
    const file = path.join(scratch, 'cli.exe');
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), file);
    expect(
      await cli(['sign', file], { MYPASS_SIGN_CERT: mypass.chainPem, MYPASS_SIGN_KEY: mypass.keyPem }),
    ).toEqual({
      code: 0,
      lines: [`signed: ${file}`],
    });
    expect(await cli(['verify', '--ca-file', mypass.rootPem, file, build.msiPath])).toEqual({
      code: 0,
      lines: [`ok: ${file}`, `ok: ${build.msiPath}`],
    });
    const unsigned = path.join(standInKiosk, 'MyPassKiosk.exe');
    expect(await cli(['verify', '--ca-file', mypass.rootPem, file, unsigned])).toEqual({
      code: 1,
      lines: [`ok: ${file}`, `FAILED: ${unsigned}`],
    });
  });

  it('refuses to sign without a key and to verify without roots', async () => {
    expect((await cli(['sign', path.join(scratch, 'x.exe')])).code).toBe(1);
    expect(await cli(['sign', 'x.exe'], { MYPASS_SIGN_CERT: mypass.chainPem })).toMatchObject({
      code: 1,
      lines: [expect.stringMatching(/^SIGNING_KEY_INCOMPLETE: /)],
    });
    expect((await cli(['verify', build.msiPath])).code).toBe(2);
    expect((await cli(['list'])).code).toBe(2);
  });
});

describe('signing keys', () => {
  it('signs with a PEM chain and an encrypted PEM key', async () => {
    const file = path.join(scratch, 'pem.exe');
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), file);
    await signFile(file, {
      key: {
        kind: 'pem',
        certPath: mypass.chainPem,
        keyPath: mypass.encryptedKeyPem,
        password: mypass.password,
      },
    });
    expect((await verifyFile(file, { caFile: mypass.rootPem })).ok).toBe(true);
  });

  it('reports a wrong password as SIGN_FAILED without the password, and leaves the file unsigned', async () => {
    const file = path.join(scratch, 'wrong-password.exe');
    await copyFile(path.join(standInKiosk, 'MyPassKiosk.exe'), file);
    const wrong = `not-${mypass.password}`;
    const error = await signFile(file, {
      key: { kind: 'pkcs12', pkcs12Path: mypass.pkcs12, password: wrong },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticodeError);
    expect((error as AuthenticodeError).code).toBe('SIGN_FAILED');
    expect((error as AuthenticodeError).message).not.toContain(wrong);
    expect(await hasSignature(file)).toBe(false);
  });

  it('refuses to sign a file that is not a PE or MSI', async () => {
    const error = await signFile(path.join(scratch, 'notes.txt'), signing).catch((e: unknown) => e);
    expect((error as AuthenticodeError).code).toBe('NOT_SIGNABLE');
  });

  it('reads the key from MYPASS_SIGN_* and says what is missing', () => {
    expect(signingOptionsFromEnv({})).toEqual({ ok: true, options: undefined });
    const p12 = signingOptionsFromEnv({
      MYPASS_SIGN_PKCS12: '/keys/signer.p12',
      MYPASS_SIGN_PASSWORD: 'pw',
      MYPASS_SIGN_TIMESTAMP_URL: 'http://timestamp.example',
    });
    expect(p12.ok && p12.options).toMatchObject({
      key: { kind: 'pkcs12', pkcs12Path: '/keys/signer.p12', password: 'pw' },
      timestampUrl: 'http://timestamp.example',
    });
    const pem = signingOptionsFromEnv({
      MYPASS_SIGN_CERT: '/keys/chain.pem',
      MYPASS_SIGN_KEY: '/keys/key.pem',
    });
    expect(pem.ok && pem.options?.key).toEqual({
      kind: 'pem',
      certPath: '/keys/chain.pem',
      keyPath: '/keys/key.pem',
      password: undefined,
    });
    expect(signingOptionsFromEnv({ MYPASS_SIGN_CERT: '/keys/chain.pem' })).toMatchObject({
      ok: false,
      code: 'SIGNING_KEY_INCOMPLETE',
    });
    expect(
      signingOptionsFromEnv({
        MYPASS_SIGN_PKCS12: '/k.p12',
        MYPASS_SIGN_CERT: '/c.pem',
        MYPASS_SIGN_KEY: '/k.pem',
      }),
    ).toMatchObject({ ok: false, code: 'SIGNING_KEY_AMBIGUOUS' });
  });

  it('the build command refuses to make an unsigned MSI when signing is required', async () => {
    const result = await run(
      'npx',
      ['tsx', 'installer/msi/build-msi.ts', '--require-signing', '--out-dir', path.join(scratch, 'refused')],
      {
        cwd: repoRoot,
        env: { ...process.env, MYPASS_SIGN_PKCS12: '', MYPASS_SIGN_CERT: '', MYPASS_SIGN_KEY: '' },
      },
    ).catch((e: unknown) => e as { code: number; stderr: string });
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stderr).toContain('SIGNING_REQUIRED');
  }, 60_000);
});
