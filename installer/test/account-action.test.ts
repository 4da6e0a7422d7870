// The kiosk account action's steps (installer/msi/account-action/kiosk-account-steps.h), unit-tested
// natively against a fake account database: wine's netapi32 cannot create, adopt or describe a real
// account, so the steps run here and the Win32 calls are checked on Windows (installer/msi/README.md,
// "What wine cannot prove"). msi.test.ts runs the real mingw-built action under wine.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../msi/build-msi.js';

const run = promisify(execFile);
const source = path.join(repoRoot, 'installer', 'test', 'account-action', 'kiosk-account-steps-test.cpp');
const outDir = path.join(repoRoot, 'installer', 'msi', 'build', 'test-account-action');

const expectedCases = [
  'install creates the account and keeps no password',
  'passwords differ with the random bytes',
  'a random source failure creates nothing',
  'the password buffer is wiped',
  "install adopts MyPass's account and resets it",
  'install refuses an account MyPass did not create',
  'rollback after a refusal leaves the account',
  'install stops when the description cannot be read',
  'install fails when it cannot leave a group',
  'install fails when the new account cannot be found',
  'install reports a name taken by a group',
  "uninstall removes MyPass's account",
  'uninstall leaves an account MyPass did not create',
  'uninstall without an account removes only the secret',
  'uninstall goes on after a failed step',
];

describe('kiosk account steps', () => {
  it('create, adopt only MyPass-marked accounts, keep no password, and remove only what MyPass made', async () => {
    await mkdir(outDir, { recursive: true });
    const binary = path.join(outDir, 'kiosk-account-steps-test');
    await run('g++', [
      '-std=c++17',
      '-O2',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-I',
      path.join(repoRoot, 'installer', 'msi', 'account-action'),
      '-o',
      binary,
      source,
    ]);
    // A failing case exits 1: keep its output for the assertions below.
    const result = await run(binary).catch((error: { stdout?: string; code?: number }) => ({
      stdout: error.stdout ?? '',
      code: error.code,
    }));
    const lines = result.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('not ok'))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('ok ')).map((line) => line.slice(3))).toEqual(
      expectedCases,
    );
    expect(lines.at(-1)).toBe(`${expectedCases.length} passed, 0 failed`);
  }, 120_000);
});
