// Building native-bridge and running its programs under wine for the tests. Every test file that uses
// wine gets its own prefix under .cache/wine/<name> so test files can run in parallel; `make` runs
// under a lock because the test files share one build folder.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const nativeBridge = path.join(repoRoot, 'native-bridge');
export const win64 = path.join(nativeBridge, 'build/win64');
export const host = path.join(nativeBridge, 'build/host');
export const vectorsPath = path.join(nativeBridge, 'pipe/test-vectors.json');

export type RunResult = { code: number; stdout: string; stderr: string };

export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `make -C native-bridge`, serialised between test files. */
export async function buildNative(): Promise<void> {
  mkdirSync(path.join(nativeBridge, 'build'), { recursive: true });
  const result = await run(
    'flock',
    [path.join(nativeBridge, 'build/.make.lock'), 'make', '-j2', '-C', nativeBridge],
    {
      timeoutMs: 600_000,
    },
  );
  if (result.code !== 0) throw new Error(`make -C native-bridge failed:\n${result.stdout}\n${result.stderr}`);
}

export type Wine = {
  readonly prefix: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs a Windows program (a Linux path to an .exe) with Windows-style arguments. */
  exe(program: string, args?: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** `wine reg add`; an empty name sets the key's default value (/ve). */
  regAdd(key: string, name: string, type: string, data: string): Promise<void>;
  regDelete(key: string): Promise<void>;
  /** The Windows path (Z:\...) of a Linux path. */
  windowsPath(linuxPath: string): string;
};

/**
 * `wineboot --init`, tried up to three times on a fresh prefix: under load it fails now and then
 * (once in about twenty full runs, "failed to open C:\windows\syswow64\rundll32.exe: c0000135"),
 * and a second boot of a clean prefix works. Each failure is printed.
 */
export async function bootWithRetries(
  prefix: string,
  boot: () => Promise<RunResult>,
  stopServer: () => Promise<unknown>,
): Promise<RunResult> {
  let result = await boot();
  for (let attempt = 2; result.code !== 0 && attempt <= 3; attempt++) {
    console.warn(`wineboot --init failed (${result.code}): ${result.stderr.trim()}; trying a fresh prefix`);
    await stopServer();
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    result = await boot();
  }
  return result;
}

/** A fresh (or reused) 64-bit prefix for one test file; `wineboot --init` takes ~15-60 s. */
export async function createWinePrefix(name: string): Promise<Wine> {
  // vitest.config.ts runs every file in two projects at once (main, postgres): one prefix each, so
  // one run's `wine reg add` never changes the policy the other is testing.
  const project = process.env.MYPASS_TEST_STORE === undefined ? '' : `-${process.env.MYPASS_TEST_STORE}`;
  const prefix = path.join(repoRoot, '.cache/wine', `${name}${project}`);
  mkdirSync(prefix, { recursive: true });
  const env = { ...process.env, WINEARCH: 'win64', WINEDEBUG: '-all', WINEPREFIX: prefix, DISPLAY: '' };
  if (!existsSync(path.join(prefix, 'system.reg'))) {
    const boot = await bootWithRetries(
      prefix,
      () => run('wineboot', ['--init'], { env, timeoutMs: 170_000 }),
      () => run('wineserver', ['-k'], { env, timeoutMs: 30_000 }),
    );
    if (boot.code !== 0) throw new Error(`wineboot --init failed: ${boot.stderr}`);
  }
  // wineboot may return before the registry is written; the server is done when it exits.
  await run('wineserver', ['-w'], { env, timeoutMs: 170_000 });
  const wine: Wine = {
    prefix,
    env,
    exe: (program, args = [], timeoutMs = 120_000) => run('wine', [program, ...args], { env, timeoutMs }),
    regAdd: async (key, name, type, data) => {
      const value = name === '' ? ['/ve'] : ['/v', name];
      const result = await run('wine', ['reg', 'add', key, ...value, '/t', type, '/d', data, '/f'], { env });
      if (result.code !== 0) throw new Error(`wine reg add ${key} ${name} failed: ${result.stderr}`);
    },
    regDelete: async (key) => {
      await run('wine', ['reg', 'delete', key, '/f'], { env });
    },
    windowsPath: (linuxPath) => `Z:${linuxPath.replace(/\//g, '\\')}`,
  };
  return wine;
}

export type HarnessCounts = { passed: number; failed: number; okLines: string[]; notOkLines: string[] };

/** Parses "ok - x" / "not ok - x" lines and the closing "N passed, N failed". */
export function parseCounts(stdout: string): HarnessCounts {
  const lines = stdout.split(/\r?\n/);
  const summary = /^(\d+) passed, (\d+) failed$/.exec(
    lines.filter((l) => /passed, \d+ failed$/.test(l)).at(-1) ?? '',
  );
  return {
    passed: summary ? Number(summary[1]) : -1,
    failed: summary ? Number(summary[2]) : -1,
    okLines: lines.filter((l) => l.startsWith('ok - ')).map((l) => l.slice(5)),
    notOkLines: lines.filter((l) => l.startsWith('not ok - ')).map((l) => l.slice(9)),
  };
}
