import { describe, expect, it } from 'vitest';
import type { Input } from 'electron';
import {
  closeDevTools,
  denyBluetoothPicker,
  denyNewWindows,
  denyWebviews,
  isBlockedShortcut,
  lockWebContents,
  lockZoom,
  restrictNavigation,
  suppressContextMenu,
  swallowShortcuts,
} from '../../src/main/web-contents-lockdown.js';
import type { LockableWebContents, WindowOpenResponse } from '../../src/main/electron-shapes.js';
import { FakeEmitter, fakeEvent } from './fake-electron.js';

class FakeWebContents extends FakeEmitter {
  windowOpenHandler: ((details: never) => WindowOpenResponse) | undefined;
  zoomLimits: [number, number] | undefined;
  devToolsClosed = 0;
  setWindowOpenHandler(handler: (details: never) => WindowOpenResponse): void {
    this.windowOpenHandler = handler;
  }
  async setVisualZoomLevelLimits(min: number, max: number): Promise<void> {
    this.zoomLimits = [min, max];
  }
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
}

function contents(): FakeWebContents & LockableWebContents {
  return new FakeWebContents() as FakeWebContents & LockableWebContents;
}

function key(partial: Partial<Input>): Input {
  return {
    type: 'keyDown',
    key: '',
    code: '',
    isAutoRepeat: false,
    isComposing: false,
    shift: false,
    control: false,
    alt: false,
    meta: false,
    location: 0,
    modifiers: [],
    ...partial,
  } as Input;
}

describe('restrictNavigation', () => {
  const foreign = [
    'https://evil.example/',
    'file:///C:/Windows/System32/cmd.exe',
    'javascript:alert(1)',
    'app://other/index.html',
    'app://mypass@evil.example/',
    'data:text/html,<h1>hi</h1>',
    'about:blank',
    'not a url',
  ];
  for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
    it(`${event}: blocks every URL off app://mypass`, () => {
      const wc = contents();
      restrictNavigation(wc);
      for (const url of foreign) {
        const e = fakeEvent({ url });
        wc.emit(event, e);
        expect(e.prevented, url).toBe(true);
      }
    });
    it(`${event}: lets the app navigate within app://mypass`, () => {
      const wc = contents();
      restrictNavigation(wc);
      const e = fakeEvent({ url: 'app://mypass/index.html#done' });
      wc.emit(event, e);
      expect(e.prevented).toBe(false);
    });
  }
});

describe('single-purpose guards', () => {
  it('denyNewWindows answers deny for any URL, the app origin included', () => {
    const wc = contents();
    denyNewWindows(wc);
    expect(wc.windowOpenHandler?.({ url: 'https://evil.example' } as never)).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler?.({ url: 'app://mypass/index.html' } as never)).toEqual({ action: 'deny' });
  });

  it('denyWebviews prevents attaching a webview', () => {
    const wc = contents();
    denyWebviews(wc);
    const e = fakeEvent();
    wc.emit('will-attach-webview', e, {}, { src: 'https://evil.example' });
    expect(e.prevented).toBe(true);
  });

  it('suppressContextMenu prevents the context menu', () => {
    const wc = contents();
    suppressContextMenu(wc);
    const e = fakeEvent();
    wc.emit('context-menu', e, {});
    expect(e.prevented).toBe(true);
  });

  it('denyBluetoothPicker answers "no device" and prevents the chooser', () => {
    const wc = contents();
    denyBluetoothPicker(wc);
    const e = fakeEvent();
    const chosen: string[] = [];
    wc.emit('select-bluetooth-device', e, [{ deviceId: 'x' }], (id: string) => chosen.push(id));
    expect(e.prevented).toBe(true);
    expect(chosen).toEqual(['']);
  });

  it('closeDevTools closes DevTools as soon as they open', () => {
    const wc = contents();
    closeDevTools(wc);
    wc.emit('devtools-opened');
    expect(wc.devToolsClosed).toBe(1);
  });

  it('lockZoom pins the visual zoom to 1', async () => {
    const wc = contents();
    await lockZoom(wc);
    expect(wc.zoomLimits).toEqual([1, 1]);
  });
});

describe('isBlockedShortcut / swallowShortcuts', () => {
  const blocked: [string, Partial<Input>][] = [
    ...['p', 'o', 's', 'n', 't', 'w', 'r', 'f'].map((k): [string, Partial<Input>] => [
      `Ctrl+${k}`,
      { key: k, control: true },
    ]),
    ['Ctrl+P (caps)', { key: 'P', control: true }],
    ['Cmd+P', { key: 'p', meta: true }],
    ['F5', { key: 'F5' }],
    ['F11', { key: 'F11' }],
    ['F12', { key: 'F12' }],
    ['Ctrl+Shift+I', { key: 'I', control: true, shift: true }],
    ['Ctrl+Shift+J', { key: 'J', control: true, shift: true }],
    ['Ctrl+Shift+C', { key: 'C', control: true, shift: true }],
    ['Ctrl++', { key: '+', control: true, code: 'Equal', shift: true }],
    ['Ctrl+=', { key: '=', control: true, code: 'Equal' }],
    ['Ctrl+-', { key: '-', control: true, code: 'Minus' }],
    ['Ctrl+0', { key: '0', control: true, code: 'Digit0' }],
    ['Ctrl+Numpad+', { key: '+', control: true, code: 'NumpadAdd' }],
    ['Alt+Home', { key: 'Home', alt: true }],
  ];
  for (const [name, input] of blocked) {
    it(`swallows ${name}`, () => {
      expect(isBlockedShortcut(key(input))).toBe(true);
      const wc = contents();
      swallowShortcuts(wc);
      const e = fakeEvent();
      wc.emit('before-input-event', e, key(input));
      expect(e.prevented).toBe(true);
    });
  }
  const allowed: [string, Partial<Input>][] = [
    ['plain p', { key: 'p' }],
    ['Shift+P', { key: 'P', shift: true }],
    ['Ctrl+A (select all)', { key: 'a', control: true }],
    ['Ctrl+C (copy)', { key: 'c', control: true }],
    ['Ctrl+V (paste)', { key: 'v', control: true }],
    ['Backspace', { key: 'Backspace' }],
    ['Tab', { key: 'Tab' }],
    ['Ctrl+P key-up', { key: 'p', control: true, type: 'keyUp' }],
    ['digit 0', { key: '0', code: 'Digit0' }],
  ];
  for (const [name, input] of allowed) {
    it(`lets ${name} through`, () => {
      expect(isBlockedShortcut(key(input))).toBe(false);
    });
  }
});

describe('lockWebContents', () => {
  it('applies every guard to one webContents', async () => {
    const wc = contents();
    await lockWebContents(wc);
    for (const event of [
      'will-navigate',
      'will-redirect',
      'will-frame-navigate',
      'will-attach-webview',
      'before-input-event',
      'context-menu',
      'select-bluetooth-device',
      'devtools-opened',
    ]) {
      expect(wc.listeners.get(event)?.length, event).toBe(1);
    }
    expect(wc.windowOpenHandler).toBeDefined();
    expect(wc.zoomLimits).toEqual([1, 1]);
  });
});
