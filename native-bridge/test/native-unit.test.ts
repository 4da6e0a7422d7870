// The provider's portable logic (policy, field table, command line, token guard, status texts, pipe
// protocol against the shared vectors): native g++ and again the mingw build under wine.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildNative,
  createWinePrefix,
  host,
  parseCounts,
  run,
  vectorsPath,
  win64,
  type Wine,
} from './native-toolchain.js';

// Kept in step with credential-provider/test/unit-tests.cpp: a check that silently stops running fails here.
const unitChecks = 216;
const residueChecks = 12;

let wine: Wine;

beforeAll(async () => {
  await buildNative();
  wine = await createWinePrefix('native-unit');
}, 600_000); // a fresh clone: the whole native build, then wineboot, on a shared 2-core machine

describe('credential provider unit tests', () => {
  it('pass with the host g++ build', async () => {
    const result = await run(path.join(host, 'cp-unit-tests'), [vectorsPath]);
    const counts = parseCounts(result.stdout);
    expect(result.stdout).not.toContain('FAIL ');
    expect(counts).toMatchObject({ passed: unitChecks, failed: 0 });
    expect(result.code).toBe(0);
  });

  it('pass with the mingw build under wine', async () => {
    const result = await wine.exe(path.join(win64, 'cp-unit-tests.exe'), [wine.windowsPath(vectorsPath)]);
    const counts = parseCounts(result.stdout);
    expect(result.stdout).not.toContain('FAIL ');
    expect(counts).toMatchObject({ passed: unitChecks, failed: 0 });
    expect(result.code).toBe(0);
  }, 60_000);

  // T8: no heap block freed while the result message is parsed still holds the new password.
  it('leave no freed copy of the new password (host g++: 32-bit wchar_t)', async () => {
    const result = await run(path.join(host, 'cp-residue-tests'), []);
    expect(result.stdout).not.toContain('FAIL ');
    expect(parseCounts(result.stdout)).toMatchObject({ passed: residueChecks, failed: 0 });
    expect(result.code).toBe(0);
  });

  it('leave no freed copy of the new password (mingw under wine: UTF-16)', async () => {
    const result = await wine.exe(path.join(win64, 'cp-residue-tests.exe'), []);
    expect(result.stdout).not.toContain('FAIL ');
    expect(parseCounts(result.stdout)).toMatchObject({ passed: residueChecks, failed: 0 });
    expect(result.code).toBe(0);
  }, 60_000);

  it('fail (non-zero, counted) when the vectors are missing', async () => {
    const result = await run(path.join(host, 'cp-unit-tests'), [path.join(host, 'no-such-vectors.json')]);
    expect(result.code).toBe(1);
    expect(parseCounts(result.stdout).failed).toBe(1);
  });
});
