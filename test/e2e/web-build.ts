// Builds the web UI (kiosk/dist/web) when it is missing or older than its sources, so the Chromium
// tests and the bench always load what the sources say. A lock directory keeps parallel test
// files from building at the same time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const webDist = join(repoRoot, 'kiosk/dist/web');

const sourceRoots = ['kiosk/src/renderer', 'kiosk/src/web', 'kiosk/vite.config.ts', 'flows/src', 'locales'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'test') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function webBuildIsStale(): boolean {
  const index = join(webDist, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return sourceRoots.some((p) => newestMtime(join(repoRoot, p)) > built);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `vite build` for the web host when needed; returns the output directory. */
export function ensureWebBuild(): string {
  const lock = join(repoRoot, '.cache', 'web-build.lock');
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than the deadline is a crashed run's.
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      sleep(250);
    }
  }
  try {
    if (webBuildIsStale()) {
      execFileSync('npm', ['run', 'build:web', '-w', '@mypass/kiosk', '--silent'], {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'inherit'],
        // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return webDist;
}
