import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createTempProfile,
  profilePathNames,
  redirectProfilePaths,
  removeStaleProfiles,
} from '../../src/main/temp-profile.js';

describe('createTempProfile', () => {
  it('creates a fresh private folder each run and removes it with its contents', () => {
    const first = createTempProfile();
    const second = createTempProfile();
    expect(first.dir).not.toBe(second.dir);
    writeFileSync(path.join(first.dir, 'Cookies'), 'session');
    first.remove();
    first.remove();
    second.remove();
    expect(existsSync(first.dir)).toBe(false);
    expect(existsSync(second.dir)).toBe(false);
  });
});

describe('redirectProfilePaths', () => {
  it('points userData, sessionData, crash dumps, logs and temp into the profile', () => {
    const profile = createTempProfile();
    const set = new Map<string, string>();
    redirectProfilePaths({ setPath: (name, p) => set.set(name, p) }, profile);
    profile.remove();
    expect([...set.keys()].sort()).toEqual([...profilePathNames].sort());
    expect([...set.keys()]).toEqual(expect.arrayContaining(['userData', 'sessionData', 'crashDumps']));
    for (const value of set.values()) expect(value.startsWith(profile.dir + path.sep)).toBe(true);
  });
});

describe('removeStaleProfiles', () => {
  it('removes earlier kiosk profiles and nothing else', () => {
    const removed: string[] = [];
    const count = removeStaleProfiles({
      tmpdir: () => '/tmp',
      readdir: () => ['mypass-kiosk-abc', 'other-app', 'mypass-kiosk-def', 'mypass-kiosk-locked'],
      mkdtemp: () => '',
      rm: (p) => {
        if (p.endsWith('locked')) throw new Error('EBUSY');
        removed.push(p);
      },
    });
    expect(removed).toEqual([path.join('/tmp', 'mypass-kiosk-abc'), path.join('/tmp', 'mypass-kiosk-def')]);
    expect(count).toBe(2);
  });
});
