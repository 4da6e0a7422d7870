import { describe, expect, it } from 'vitest';
import {
  blockForeignRequests,
  cancelDownloads,
  denyAllPermissions,
  denyDevicePickers,
  isAllowedRequest,
  lockSession,
} from '../../src/main/session-lockdown.js';
import type { LockableSession } from '../../src/main/electron-shapes.js';
import { FakeEmitter, fakeEvent } from './fake-electron.js';

class FakeSession extends FakeEmitter {
  requestHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
  checkHandler: (() => boolean) | undefined;
  deviceHandler: (() => boolean) | undefined;
  pairingHandler: ((details: unknown, cb: (r: { confirmed: boolean }) => void) => void) | undefined;
  beforeRequest: ((details: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
  setPermissionRequestHandler(h: FakeSession['requestHandler']): void {
    this.requestHandler = h;
  }
  setPermissionCheckHandler(h: () => boolean): void {
    this.checkHandler = h;
  }
  setDevicePermissionHandler(h: () => boolean): void {
    this.deviceHandler = h;
  }
  setBluetoothPairingHandler(h: FakeSession['pairingHandler']): void {
    this.pairingHandler = h;
  }
  readonly webRequest = {
    onBeforeRequest: (listener: FakeSession['beforeRequest']) => {
      this.beforeRequest = listener;
    },
  };
}

function session(): FakeSession & LockableSession {
  return new FakeSession() as FakeSession & LockableSession;
}

describe('denyAllPermissions', () => {
  it('refuses every permission request, check, device and pairing', () => {
    const s = session();
    denyAllPermissions(s);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'fileSystem',
      'openExternal',
      'hid',
    ]) {
      const answers: boolean[] = [];
      s.requestHandler?.({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
    }
    expect(s.checkHandler?.()).toBe(false);
    expect(s.deviceHandler?.()).toBe(false);
    const pairing: { confirmed: boolean }[] = [];
    s.pairingHandler?.({}, (r) => pairing.push(r));
    expect(pairing).toEqual([{ confirmed: false }]);
  });
});

describe('denyDevicePickers', () => {
  it('answers HID, serial and USB pickers with no device and no chooser', () => {
    const s = session();
    denyDevicePickers(s);
    const hid = fakeEvent();
    const hidAnswers: unknown[] = [];
    s.emit('select-hid-device', hid, { deviceList: [{ deviceId: '1' }] }, (id: unknown) =>
      hidAnswers.push(id),
    );
    const serial = fakeEvent();
    const serialAnswers: unknown[] = [];
    s.emit('select-serial-port', serial, [{ portId: 'COM1' }], {}, (id: unknown) => serialAnswers.push(id));
    const usb = fakeEvent();
    const usbAnswers: unknown[] = [];
    s.emit('select-usb-device', usb, { deviceList: [{ deviceId: '2' }] }, (id?: unknown) =>
      usbAnswers.push(id),
    );
    expect([hid.prevented, serial.prevented, usb.prevented]).toEqual([true, true, true]);
    expect(hidAnswers).toEqual([null]);
    expect(serialAnswers).toEqual(['']);
    expect(usbAnswers).toEqual([undefined]);
  });
});

describe('cancelDownloads', () => {
  it('prevents and cancels every download', () => {
    const s = session();
    cancelDownloads(s);
    const e = fakeEvent();
    let cancelled = 0;
    s.emit('will-download', e, { cancel: () => (cancelled += 1) });
    expect(e.prevented).toBe(true);
    expect(cancelled).toBe(1);
  });
});

describe('blockForeignRequests', () => {
  it('cancels everything but the app bundle and inline data: images', () => {
    const s = session();
    blockForeignRequests(s);
    const verdict = (url: string): boolean => {
      let cancel: boolean | undefined;
      s.beforeRequest?.({ url }, (r) => (cancel = r.cancel));
      return cancel ?? false;
    };
    expect(verdict('app://mypass/assets/index.js')).toBe(false);
    expect(verdict('data:image/png;base64,AAAA')).toBe(false);
    for (const url of [
      'https://evil.example/x.js',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'ws://x/',
      'app://other/',
    ]) {
      expect(verdict(url), url).toBe(true);
      expect(isAllowedRequest(url)).toBe(false);
    }
  });
});

describe('lockSession', () => {
  it('installs every session guard', () => {
    const s = session();
    lockSession(s);
    expect(
      s.requestHandler && s.checkHandler && s.deviceHandler && s.pairingHandler && s.beforeRequest,
    ).toBeTruthy();
    for (const event of ['will-download', 'select-hid-device', 'select-serial-port', 'select-usb-device']) {
      expect(s.listeners.get(event)?.length, event).toBe(1);
    }
  });
});
