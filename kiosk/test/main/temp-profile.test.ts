import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempProfile, profilePathNames, redirectProfilePaths } from '../../src/main/temp-profile.js';

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
