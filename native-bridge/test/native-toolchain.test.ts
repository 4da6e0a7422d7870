// The test harness's own retry of `wineboot --init`: a failed boot is retried on a fresh prefix, at
// most three times, and a lasting failure is returned for the caller to report.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { bootWithRetries, type RunResult } from './native-toolchain.js';

const failed: RunResult = { code: 1, stdout: '', stderr: 'c0000135' };
const booted: RunResult = { code: 0, stdout: '', stderr: '' };

describe('bootWithRetries', () => {
  it('boots a fresh prefix again after a failure, leaving nothing of the failed one', async () => {
    const prefix = mkdtempSync(path.join(tmpdir(), 'mypass-boot-'));
    const outcomes = [failed, booted];
    const seenBeforeBoot: string[][] = [];
    const boot = vi.fn(async () => {
      seenBeforeBoot.push(readdirSync(prefix));
      writeFileSync(path.join(prefix, 'half-written.reg'), '');
      return outcomes.shift() ?? failed;
    });
    const stopServer = vi.fn(async () => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await bootWithRetries(prefix, boot, stopServer)).toEqual(booted);
    expect(boot).toHaveBeenCalledTimes(2);
    expect(stopServer).toHaveBeenCalledTimes(1);
    expect(seenBeforeBoot).toEqual([[], []]);
    expect(warn.mock.calls[0]?.[0]).toContain('c0000135');
    warn.mockRestore();
  });

  it('gives up after three boots and returns the last failure', async () => {
    const prefix = mkdtempSync(path.join(tmpdir(), 'mypass-boot-'));
    const boot = vi.fn(async () => failed);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await bootWithRetries(prefix, boot, async () => undefined)).toEqual(failed);
    expect(boot).toHaveBeenCalledTimes(3);
    expect(existsSync(prefix)).toBe(true);
    warn.mockRestore();
  });
});
