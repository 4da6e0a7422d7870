import { describe, expect, it } from 'vitest';
import { alwaysOnTopLevel, kioskWindowOptions } from '../../src/main/window-options.js';

describe('kioskWindowOptions', () => {
  const options = kioskWindowOptions('/app/preload.cjs');
  it('is a frameless kiosk window nobody can close, minimise or resize', () => {
    expect(options).toMatchObject({
      kiosk: true,
      frame: false,
      alwaysOnTop: true,
      closable: false,
      minimizable: false,
      resizable: false,
      movable: false,
    });
    expect(options.backgroundColor).toMatch(/^#[0-3][0-9a-f]{5}$/i);
    expect(alwaysOnTopLevel).toBe('screen-saver');
  });
  it('runs the renderer sandboxed, isolated, without Node, DevTools, webviews or spell-check', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    });
  });
});
