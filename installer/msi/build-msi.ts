// Builds MyPass.msi (per-machine, x64) with wixl:
//   1. make -C native-bridge: the credential provider DLL and mypass-pipe-check.exe;
//   2. mingw builds the kiosk-account custom action and, without a packaged kiosk, a stand-in kiosk;
//   3. everything is staged under <out>/stage (the kiosk folder as Kiosk/, pipe-check beside it);
//   4. with a signing key, every PE file in the stage is Authenticode-signed (a vendor's own
//      signature is kept) BEFORE it is packed, so the files installed carry the signature;
//   5. the Kiosk/ folder becomes a WiX fragment, wixl builds the MSI, and the MSI is signed last.
// Usage: npx tsx installer/msi/build-msi.ts [--kiosk-dir <packaged kiosk folder>] [--no-make]
//        [--require-signing]; the key comes from MYPASS_SIGN_* (installer/signing/authenticode.ts).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, copyFile, cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  hasSignature,
  isPortableExecutable,
  signFile,
  signingOptionsFromEnv,
  type SigningOptions,
} from '../signing/authenticode.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const msiSourceDir = path.join(repoRoot, 'installer', 'msi');
export const defaultOutDir = path.join(msiSourceDir, 'build');
export const nativeBridgeDir = path.join(repoRoot, 'native-bridge');
export const nativeBuildDir = path.join(nativeBridgeDir, 'build', 'win64');

/** The files the build itself produces (not taken from a vendor): these are always (re-)signed. */
export const ownBinaries = [
  'MyPassCredentialProvider.dll',
  'mypass-account-action.exe',
  'Kiosk/MyPassKiosk.exe',
  'Kiosk/mypass-pipe-check.exe',
] as const;

export type MsiBuildErrorCode =
  | 'VERSION_INVALID'
  | 'NATIVE_BRIDGE_MISSING'
  | 'KIOSK_INVALID'
  | 'SIGNING_REQUIRED'
  | 'SIGNING_CONFIG'
  | 'TOOL_FAILED';

export class MsiBuildError extends Error {
  constructor(
    readonly code: MsiBuildErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MsiBuildError';
  }
}

export interface MsiBuildOptions {
  /** A packaged kiosk folder (electron-builder's win-unpacked); default: a stand-in kiosk. */
  readonly kioskDir?: string | undefined;
  /** Where the build writes (stage, tools, MyPass.msi); default installer/msi/build. */
  readonly outDir?: string | undefined;
  /** Runs `make -C native-bridge` first (default true). */
  readonly make?: boolean | undefined;
  /** Where the DLL and mypass-pipe-check.exe are; default native-bridge/build/win64. */
  readonly nativeDir?: string | undefined;
  readonly signing?: SigningOptions | undefined;
  /** The MSI's ProductVersion; default the root package.json version (tests build a later one). */
  readonly version?: string | undefined;
}

export interface MsiBuildResult {
  readonly msiPath: string;
  readonly stageDir: string;
  readonly version: string;
  /** Files signed, relative to the stage, then the MSI itself (empty when unsigned). */
  readonly signed: readonly string[];
}

/** MyPass.wxs's rollback custom actions: wixl 0.101 writes them without the in-script bits. */
export const rollbackActions = ['MyPassAccountRollbackInstall', 'MyPassAccountRollbackUninstall'] as const;
// Windows Installer's CustomAction Type bits (msidbCustomActionType*).
export const customActionType = {
  exeInstalledFile: 18,
  continueOnError: 0x40,
  rollback: 0x100,
  inScript: 0x400,
  noImpersonate: 0x800,
} as const;
const rollbackActionType =
  customActionType.exeInstalledFile |
  customActionType.continueOnError |
  customActionType.rollback |
  customActionType.inScript |
  customActionType.noImpersonate;

const mingw = 'x86_64-w64-mingw32-g++-posix';
const mingwFlags = [
  '-std=c++17',
  '-O2',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-municode',
  '-static',
  '-static-libgcc',
  '-static-libstdc++',
  '-s',
];

function run(command: string, args: readonly string[], cwd = repoRoot): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = `${stderr}${stdout}`.trim().split('\n').slice(-15).join('\n');
        reject(new MsiBuildError('TOOL_FAILED', `${command} ${args.join(' ')} failed:\n${detail}`));
      } else resolve(stdout);
    });
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** An MSI ProductVersion: major.minor.build, each within Windows Installer's limits. */
export function msiVersion(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  const [major, minor, build] = (match ?? []).slice(1).map(Number);
  if (major === undefined || minor === undefined || build === undefined || major > 255 || minor > 255) {
    throw new MsiBuildError(
      'VERSION_INVALID',
      `"${version}" is not an MSI version (major.minor.build, 255.255.65535)`,
    );
  }
  if (build > 65535) throw new MsiBuildError('VERSION_INVALID', `"${version}": build number above 65535`);
  return `${major}.${minor}.${build}`;
}

export async function rootPackageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') {
    throw new MsiBuildError('VERSION_INVALID', 'The root package.json has no "version"');
  }
  return msiVersion(manifest.version);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** Compiles one-file Windows programs; skipped when the output is newer than the source and header. */
async function compile(source: string, output: string, libraries: readonly string[]): Promise<void> {
  const inputs = [source, ...(await readdir(path.dirname(source))).filter((f) => f.endsWith('.h'))];
  const newestInput = Math.max(
    ...(await Promise.all(
      inputs.map(async (f) => (await stat(path.resolve(path.dirname(source), f))).mtimeMs),
    )),
  );
  const built = await stat(output).catch(() => undefined);
  if (built && built.mtimeMs > newestInput) return;
  await mkdir(path.dirname(output), { recursive: true });
  await run(mingw, [...mingwFlags, '-o', output, source, ...libraries]);
}

/** The stand-in kiosk folder: MyPassKiosk.exe and a resources file where Electron keeps app.asar. */
async function buildStandInKiosk(toolsDir: string): Promise<string> {
  const dir = path.join(toolsDir, 'stand-in-kiosk');
  await compile(
    path.join(msiSourceDir, 'stand-in-kiosk', 'stand-in-kiosk.cpp'),
    path.join(dir, 'MyPassKiosk.exe'),
    [],
  );
  await mkdir(path.join(dir, 'resources'), { recursive: true });
  await writeFile(path.join(dir, 'resources', 'app.asar'), 'MyPass stand-in kiosk resources (CI only)\n');
  return dir;
}

/** Signs the stage's PE files: ours always, a vendor's only when it carries no signature yet. */
async function signStage(stageDir: string, signing: SigningOptions): Promise<string[]> {
  const signed: string[] = [];
  const own = new Set<string>(ownBinaries);
  for (const file of await listFiles(stageDir)) {
    const full = path.join(stageDir, file);
    if (!(await isPortableExecutable(full))) continue;
    if (!own.has(file) && (await hasSignature(full))) continue;
    await signFile(full, signing);
    signed.push(file);
  }
  return signed;
}

/** Builds the binaries and stages them (signed when a key is given) under <outDir>/stage. */
export async function stageFiles(
  options: MsiBuildOptions = {},
): Promise<{ stageDir: string; signed: string[] }> {
  const outDir = path.resolve(options.outDir ?? defaultOutDir);
  const toolsDir = path.join(outDir, 'tools');
  const stageDir = path.join(outDir, 'stage');

  if (options.make ?? true) {
    if (!(await exists(path.join(nativeBridgeDir, 'Makefile')))) {
      throw new MsiBuildError('NATIVE_BRIDGE_MISSING', 'native-bridge/Makefile is missing');
    }
    // One make at a time: test files build in parallel from the same native tree. The lock is the
    // one native-bridge's own tests take (native-bridge/test/native-toolchain.ts).
    await mkdir(path.join(nativeBridgeDir, 'build'), { recursive: true });
    await run('flock', [path.join(nativeBridgeDir, 'build', '.make.lock'), 'make', '-C', nativeBridgeDir]);
  }
  const nativeDir = path.resolve(options.nativeDir ?? nativeBuildDir);
  const providerDll = path.join(nativeDir, 'MyPassCredentialProvider.dll');
  const pipeCheck = path.join(nativeDir, 'mypass-pipe-check.exe');
  for (const file of [providerDll, pipeCheck]) {
    if (!(await exists(file))) {
      throw new MsiBuildError(
        'NATIVE_BRIDGE_MISSING',
        `${path.relative(repoRoot, file)} is missing (make -C native-bridge)`,
      );
    }
  }

  const accountAction = path.join(toolsDir, 'mypass-account-action.exe');
  await compile(path.join(msiSourceDir, 'account-action', 'account-action.cpp'), accountAction, [
    '-lnetapi32',
    '-ladvapi32',
    '-lbcrypt',
    '-luserenv',
  ]);
  const kioskDir = options.kioskDir ? path.resolve(options.kioskDir) : await buildStandInKiosk(toolsDir);
  if (!(await exists(path.join(kioskDir, 'MyPassKiosk.exe')))) {
    throw new MsiBuildError(
      'KIOSK_INVALID',
      `${kioskDir} has no MyPassKiosk.exe (a packaged kiosk folder is needed)`,
    );
  }

  await rm(stageDir, { recursive: true, force: true });
  await mkdir(stageDir, { recursive: true });
  await copyFile(providerDll, path.join(stageDir, 'MyPassCredentialProvider.dll'));
  await copyFile(accountAction, path.join(stageDir, 'mypass-account-action.exe'));
  await cp(kioskDir, path.join(stageDir, 'Kiosk'), { recursive: true });
  // The pipe-check helper built with this provider, whatever the kiosk package carried.
  await copyFile(pipeCheck, path.join(stageDir, 'Kiosk', 'mypass-pipe-check.exe'));

  const signed = options.signing ? await signStage(stageDir, options.signing) : [];
  return { stageDir, signed };
}

/** A WiX id from a relative path: stable across builds, so upgrades see the same components. */
function wixId(prefix: string, relative: string): string {
  return `${prefix}_${createHash('sha256').update(relative).digest('hex').slice(0, 32)}`;
}

function xmlAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/**
 * The kiosk folder as a WiX fragment (ComponentGroup CG.Kiosk under KIOSKDIR): one component per
 * file, its GUID derived by wixl from the path (Guid="*"), so a file keeps its component across
 * releases. Written here rather than by wixl-heat, whose "." root directory leaves the kiosk folder
 * behind after a major upgrade is removed.
 */
export function kioskFragment(files: readonly string[]): string {
  interface Folder {
    readonly files: string[];
    readonly folders: Map<string, Folder>;
  }
  const root: Folder = { files: [], folders: new Map() };
  for (const file of files) {
    const parts = file.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) folder.folders.set(part, (next = { files: [], folders: new Map() }));
      folder = next;
    }
    folder.files.push(file);
  }
  const componentIds: string[] = [];
  const render = (folder: Folder, relative: string, indent: string): string[] => {
    const lines: string[] = [];
    for (const file of folder.files) {
      const id = wixId('KioskCmp', file);
      componentIds.push(id);
      lines.push(`${indent}<Component Id="${id}" Guid="*" Win64="yes">`);
      lines.push(
        `${indent}  <File Id="${wixId('KioskFile', file)}" Name="${xmlAttribute(path.posix.basename(file))}" ` +
          `Source="$(var.KioskDir)/${xmlAttribute(file)}" KeyPath="yes"/>`,
      );
      lines.push(`${indent}</Component>`);
    }
    for (const [name, child] of folder.folders) {
      const childPath = relative ? `${relative}/${name}` : name;
      lines.push(`${indent}<Directory Id="${wixId('KioskDir', childPath)}" Name="${xmlAttribute(name)}">`);
      lines.push(...render(child, childPath, `${indent}  `));
      lines.push(`${indent}</Directory>`);
    }
    return lines;
  };
  const body = render(root, '', '      ');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Generated by installer/msi/build-msi.ts from the staged kiosk folder. -->',
    '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">',
    '  <Fragment>',
    '    <DirectoryRef Id="KIOSKDIR">',
    ...body,
    '    </DirectoryRef>',
    '    <ComponentGroup Id="CG.Kiosk">',
    ...componentIds.map((id) => `      <ComponentRef Id="${id}"/>`),
    '    </ComponentGroup>',
    '  </Fragment>',
    '</Wix>',
    '',
  ].join('\n');
}

/**
 * Packs a stage into <outDir>/MyPass.msi with wixl (the kiosk folder as a generated fragment), fixes
 * what wixl gets wrong, and signs the MSI when a key is given. Returns the MSI's path.
 */
export async function packMsi(options: {
  readonly stageDir: string;
  readonly outDir: string;
  readonly version: string;
  readonly signing?: SigningOptions | undefined;
}): Promise<string> {
  const outDir = path.resolve(options.outDir);
  const stageDir = path.resolve(options.stageDir);
  await mkdir(outDir, { recursive: true });
  const fragmentPath = path.join(outDir, 'kiosk-files.wxs');
  await writeFile(fragmentPath, kioskFragment(await listFiles(path.join(stageDir, 'Kiosk'))));

  const msiPath = path.join(outDir, 'MyPass.msi');
  await rm(msiPath, { force: true });
  // wixl resolves Source paths relative to its working folder only (absolute ones are refused).
  const stage = path.relative(outDir, stageDir).split(path.sep).join('/');
  const wixlArgs = ['-a', 'x64', '-D', `Version=${msiVersion(options.version)}`];
  wixlArgs.push('-D', `StageDir=${stage}`, '-D', `KioskDir=${stage}/Kiosk`, '-D', 'Win64=yes');
  wixlArgs.push('-o', msiPath, path.join(msiSourceDir, 'MyPass.wxs'), fragmentPath);
  await run('wixl', wixlArgs, outDir);
  for (const action of rollbackActions) {
    const query = `UPDATE \`CustomAction\` SET \`Type\` = ${rollbackActionType} WHERE \`Action\` = '${action}'`;
    await run('msibuild', [msiPath, '-q', query]);
  }
  if (options.signing) await signFile(msiPath, options.signing);
  return msiPath;
}

export async function buildMsi(options: MsiBuildOptions = {}): Promise<MsiBuildResult> {
  const version = options.version === undefined ? await rootPackageVersion() : msiVersion(options.version);
  const outDir = path.resolve(options.outDir ?? defaultOutDir);
  const { stageDir, signed } = await stageFiles({ ...options, outDir });
  const msiPath = await packMsi({ stageDir, outDir, version, signing: options.signing });
  return { msiPath, stageDir, version, signed: options.signing ? [...signed, 'MyPass.msi'] : signed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'kiosk-dir': { type: 'string' },
      'out-dir': { type: 'string' },
      'native-dir': { type: 'string' },
      'no-make': { type: 'boolean', default: false },
      'require-signing': { type: 'boolean', default: false },
    },
  });
  const env = signingOptionsFromEnv(process.env);
  if (!env.ok) throw new MsiBuildError('SIGNING_CONFIG', env.message);
  if (!env.options && values['require-signing']) {
    throw new MsiBuildError(
      'SIGNING_REQUIRED',
      'No signing key: set MYPASS_SIGN_PKCS12 or MYPASS_SIGN_CERT/KEY',
    );
  }
  if (!env.options)
    console.warn('No signing key (MYPASS_SIGN_*): building an UNSIGNED MSI, for testing only.');
  const result = await buildMsi({
    kioskDir: values['kiosk-dir'],
    outDir: values['out-dir'],
    nativeDir: values['native-dir'],
    make: !values['no-make'],
    signing: env.options,
  });
  console.log(`${path.relative(repoRoot, result.msiPath)} (version ${result.version})`);
  for (const file of result.signed) console.log(`signed: ${file}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    if (error instanceof MsiBuildError) {
      console.error(`${error.code}: ${error.message}`);
    } else if (error instanceof Error && 'code' in error) {
      console.error(`${String(error.code)}: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  });
}
