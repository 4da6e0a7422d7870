// T11: the browser profile (cookies, cache, local storage, GPU cache) of one run lives in a fresh
// private temporary folder that is deleted when the kiosk exits, so nothing passes between people.
import { mkdtempSync, rmSync } from 'node:fs';
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
}

const nodeDeps: TempProfileDeps = {
  mkdtemp: (prefix) => mkdtempSync(prefix),
  rm: (path) => rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  tmpdir,
};

export function createTempProfile(deps: TempProfileDeps = nodeDeps): TempProfile {
  const dir = deps.mkdtemp(join(deps.tmpdir(), 'mypass-kiosk-'));
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
