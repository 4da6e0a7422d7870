// The kiosk window (T7): full-screen on top of everything, no frame to drag or close, and a renderer
// with no Node, its own JavaScript world for the preload, and no DevTools, webviews or spell-check.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Dark, the renderer's own background, so no white flash shows before the first paint. */
export const kioskBackground = '#101418';

export function kioskWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    kiosk: true,
    fullscreen: true,
    frame: false,
    alwaysOnTop: true,
    closable: false,
    minimizable: false,
    maximizable: false,
    resizable: false,
    movable: false,
    skipTaskbar: true,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: kioskBackground,
    title: 'MyPass',
    webPreferences: {
      preload: preloadPath,
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
      plugins: false,
      experimentalFeatures: false,
      enableWebSQL: false,
      safeDialogs: true,
      disableDialogs: true,
      autoplayPolicy: 'user-gesture-required',
    },
  };
}

/** Level for setAlwaysOnTop: above the taskbar and the Start menu. */
export const alwaysOnTopLevel = 'screen-saver' as const;
