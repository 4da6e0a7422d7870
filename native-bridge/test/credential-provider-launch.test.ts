// Launching the kiosk under wine: the provider's objects with a recording token source and process
// starter start fake-kiosk.exe for every pipe answer (completed with and without password, enroll,
// cancelled, timeout, wrong nonce, garbage, oversized, never answering) and every exit code, then the
// harness checks desktop, job, command line, tile status, auto-logon and serialization. Also: the kiosk
// only ever gets the kiosk account's token (never the provider's, nor a duplicate of it), a missing
// token fails closed, a second selection starts nothing, UnAdvise and release close the job.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildNative,
  createWinePrefix,
  parseCounts,
  win64,
  type HarnessCounts,
  type Wine,
} from './native-toolchain.js';

// Kept in step with cp-harness.cpp RunLaunch: 18 scenarios and the special cases.
const launchChecks = 259;

let wine: Wine;
let counts: HarnessCounts;
let exitCode: number;

beforeAll(async () => {
  await buildNative();
  wine = await createWinePrefix('cp-launch');
  const result = await wine.exe(path.join(win64, 'cp-harness.exe'), ['--launch'], 400_000);
  counts = parseCounts(result.stdout);
  exitCode = result.code;
}, 600_000);

describe('cp-harness --launch', () => {
  it('passes every check, counted', () => {
    expect(counts.notOkLines).toEqual([]);
    expect(counts).toMatchObject({ passed: launchChecks, failed: 0 });
    expect(counts.okLines).toHaveLength(launchChecks);
    expect(exitCode).toBe(0);
  });

  it('starts every kiosk with exactly the token source token, on Winlogon, in a job', () => {
    const tokenLines = counts.okLines.filter((l) =>
      l.endsWith("CreateProcessAsUserW got exactly the kiosk account's token, not the provider's"),
    );
    const jobLines = counts.okLines.filter((l) => l.endsWith('kiosk runs in a job'));
    const desktopLines = counts.okLines.filter((l) => l.includes('kiosk reports the Winlogon desktop'));
    expect(tokenLines).toHaveLength(18);
    expect(jobLines).toHaveLength(18);
    expect(desktopLines).toHaveLength(10); // the scenarios whose kiosk connects
  });

  it('never starts a kiosk with the provider identity or without the account token', () => {
    expect(counts.okLines).toEqual(
      expect.arrayContaining([
        'own token duplicate: never reaches CreateProcessAsUserW',
        'own token duplicate: refused with a status message',
        'no account token: no process is started',
        'no account token: status message names it',
        'no account token: Application log event',
        'administrator account: never reaches CreateProcessAsUserW',
        'administrator account: refused with a status message',
      ]),
    );
  });

  it('signs in only after a completed reset with the policy on, and the password is used once', () => {
    expect(counts.okLines).toEqual(
      expect.arrayContaining([
        'completed reset, sign in after reset on: auto-logon tile',
        'completed reset, sign in after reset on: GetSerialization returns KERB_INTERACTIVE_UNLOCK_LOGON for the user',
        'completed reset, sign in after reset on: the password is gone after one serialization',
        'completed reset at unlock, sign in after reset on: GetSerialization returns KERB_INTERACTIVE_UNLOCK_LOGON for the user',
        'completed reset, sign in after reset off (password ignored): no auto-logon',
        'completed enroll: no auto-logon',
        'wrong nonce (exit 6): no auto-logon',
        'wrong nonce (exit 6): event log names nonce_mismatch',
        'garbage (exit 70): event log names message_invalid',
        'oversized frame (exit 6): event log names frame_too_large',
      ]),
    );
    expect(counts.okLines.filter((l) => l.endsWith('no event carries the password'))).toHaveLength(18);
  });

  it('maps every documented exit code to the tile status', () => {
    for (const code of [3, 4, 5, 6, 70]) {
      expect(
        counts.okLines.some((l) => l.startsWith(`exit ${code} (`) && l.includes(': status text (')),
      ).toBe(true);
    }
  });

  it('kills a kiosk that never answers, lets the pipe probe go, and runs one kiosk at a time', () => {
    expect(counts.okLines).toEqual(
      expect.arrayContaining([
        'never answering: the kiosk was killed',
        'status updates arrive on the advising thread',
        'probe first: the kiosk still receives its policy',
        'second selection while a kiosk runs starts no other kiosk',
        'UnAdvise closes the job: the kiosk is gone',
        'provider release closes the job: the kiosk is gone',
      ]),
    );
  });
});
