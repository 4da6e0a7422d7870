import { describe, expect, it } from 'vitest';
import {
  cancelLoginPrompts,
  lockApp,
  lockEveryWebContents,
  refuseCertificateErrors,
  refuseClientCertificates,
} from '../../src/main/app-lockdown.js';
import type { LockableApp, LockableWebContents } from '../../src/main/electron-shapes.js';
import { FakeEmitter, fakeEvent } from './fake-electron.js';

const app = (): FakeEmitter & LockableApp => new FakeEmitter() as FakeEmitter & LockableApp;

describe('app lockdown', () => {
  it('refuseCertificateErrors never trusts a bad certificate and never shows UI', () => {
    const a = app();
    refuseCertificateErrors(a);
    const e = fakeEvent();
    const answers: boolean[] = [];
    a.emit(
      'certificate-error',
      e,
      {},
      'https://spoofed.example',
      'net::ERR_CERT_AUTHORITY_INVALID',
      {},
      (t: boolean) => answers.push(t),
    );
    expect(e.prevented).toBe(true);
    expect(answers).toEqual([false]);
  });

  it('refuseClientCertificates offers no certificate', () => {
    const a = app();
    refuseClientCertificates(a);
    const e = fakeEvent();
    const answers: unknown[][] = [];
    a.emit(
      'select-client-certificate',
      e,
      {},
      'https://x.example',
      [{ subjectName: 'me' }],
      (...args: unknown[]) => answers.push(args),
    );
    expect(e.prevented).toBe(true);
    expect(answers).toEqual([[]]);
  });

  it('cancelLoginPrompts cancels HTTP and proxy authentication', () => {
    const a = app();
    cancelLoginPrompts(a);
    const e = fakeEvent();
    const answers: unknown[][] = [];
    a.emit('login', e, {}, {}, { isProxy: true }, (...args: unknown[]) => answers.push(args));
    expect(e.prevented).toBe(true);
    expect(answers).toEqual([[]]);
  });

  it('lockEveryWebContents locks each new webContents and reports a failure', async () => {
    const a = app();
    const locked: unknown[] = [];
    const failures: unknown[] = [];
    lockEveryWebContents(
      a,
      async (wc: LockableWebContents) => {
        locked.push(wc);
        if (locked.length === 2) throw new Error('boom');
      },
      (error) => failures.push(error),
    );
    const first = { id: 1 };
    const second = { id: 2 };
    a.emit('web-contents-created', {}, first);
    a.emit('web-contents-created', {}, second);
    await new Promise((resolve) => setImmediate(resolve));
    expect(locked).toEqual([first, second]);
    expect(failures).toHaveLength(1);
  });

  it('lockApp installs all four handlers', () => {
    const a = app();
    lockApp(
      a,
      async () => undefined,
      () => undefined,
    );
    for (const event of ['certificate-error', 'select-client-certificate', 'login', 'web-contents-created']) {
      expect(a.listeners.get(event)?.length, event).toBe(1);
    }
  });
});
