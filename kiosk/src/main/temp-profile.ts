// T11: the browser profile (cookies, cache, local storage, GPU cache) of one run lives in a fresh
// private temporary folder that is deleted when the kiosk exits, so nothing passes between people.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempProfile {
  readonly dir: string;
  /** Deletes the folder; safe to call more than once. */
  remove(): void;
}

export interface TempProfileDeps {
  mkdtemp(prefix: string): string;
  rm(path: string): void;
  tmpdir(): string;
  readdir(path: string): string[];
}

const profilePrefix = 'mypass-kiosk-';

const nodeDeps: TempProfileDeps = {
  readdir: (path) => readdirSync(path),
  mkdtemp: (prefix) => mkdtempSync(prefix),
  rm: (path) => rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  tmpdir,
};

export function createTempProfile(deps: TempProfileDeps = nodeDeps): TempProfile {
  const dir = deps.mkdtemp(join(deps.tmpdir(), profilePrefix));
  let removed = false;
  return {
    dir,
    remove() {
      if (removed) return;
      removed = true;
      deps.rm(dir);
    },
  };
}

/** The Electron paths that must all point into the temporary profile (Chromium keeps its caches in sessionData). */
export const profilePathNames = ['userData', 'sessionData', 'crashDumps', 'logs', 'temp'] as const;

export interface PathSetter {
  setPath(name: (typeof profilePathNames)[number], path: string): void;
}

export function redirectProfilePaths(app: PathSetter, profile: TempProfile): void {
  for (const name of profilePathNames) app.setPath(name, join(profile.dir, name));
}

/**
 * Deletes profiles an earlier run could not remove (a crash, or Windows still holding a file at exit).
 * Call only while holding the single-instance lock, so no running kiosk owns one of them.
 */
export function removeStaleProfiles(deps: TempProfileDeps = nodeDeps): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = deps.readdir(deps.tmpdir());
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (!name.startsWith(profilePrefix)) continue;
    try {
      deps.rm(join(deps.tmpdir(), name));
      removed += 1;
    } catch {
      // Still locked: the next start tries again.
    }
  }
  return removed;
}
