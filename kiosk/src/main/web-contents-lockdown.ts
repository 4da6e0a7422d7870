// T7: every way a page could leave the kiosk, each closed by one named function that takes the
// webContents it acts on. lockWebContents applies all of them; app-lockdown.ts calls it for every
// webContents Electron creates (web-contents-created), not only for the main window.
import type { Input } from 'electron';
import { isAppUrl } from './app-origin.js';
import type { LockableWebContents, NavigationDetails, Preventable } from './electron-shapes.js';

/** Navigation, redirects and sub-frame navigation stay on app://mypass. */
export function restrictNavigation(contents: LockableWebContents): void {
  const guard = (details: NavigationDetails): void => {
    if (!isAppUrl(details.url)) details.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', guard);
}

/** No new windows, popups or `target=_blank` links, whatever the URL. */
export function denyNewWindows(contents: LockableWebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** `<webview>` is off in webPreferences; this refuses it again should a page ever get one in. */
export function denyWebviews(contents: LockableWebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The context menu (Inspect, Save as, Print, spell-check suggestions) never opens. */
export function suppressContextMenu(contents: LockableWebContents): void {
  contents.on('context-menu', (event) => event.preventDefault());
}

/** Bluetooth device pickers are answered "none". */
export function denyBluetoothPicker(contents: LockableWebContents): void {
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
}

/** DevTools are off in webPreferences and the inspector fuse is off; should they open anyway, close them. */
export function closeDevTools(contents: LockableWebContents): void {
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** Ctrl+wheel and pinch zoom do nothing (zoom keys are swallowed by swallowShortcuts). */
export function lockZoom(contents: LockableWebContents): Promise<void> {
  return contents.setVisualZoomLevelLimits(1, 1);
}

// Ctrl+<letter>: print, open, save, new window, new tab, close, reload, find.
const ctrlLetters = new Set(['p', 'o', 's', 'n', 't', 'w', 'r', 'f']);
// Ctrl+Shift+<letter>: DevTools, console, element picker.
const ctrlShiftLetters = new Set(['i', 'j', 'c']);
// Zoom in/out/reset, on both the main keyboard and the keypad.
const zoomKeys = new Set([
  '+',
  '-',
  '=',
  '0',
  '_',
  'add',
  'subtract',
  'numpadadd',
  'numpadsubtract',
  'numpad0',
]);
const zoomCodes = new Set(['Equal', 'Minus', 'Digit0', 'NumpadAdd', 'NumpadSubtract', 'Numpad0']);
const functionKeys = new Set(['f5', 'f11', 'f12']);

/** Whether a key press would open, print, save, reload, zoom or inspect something; pure, for tests. */
export function isBlockedShortcut(
  input: Pick<Input, 'type' | 'key' | 'code' | 'control' | 'meta' | 'shift' | 'alt'>,
): boolean {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return false;
  const key = input.key.toLowerCase();
  if (functionKeys.has(key)) return true;
  // Alt+F4 and the like are the shell's business (Assigned Access), but Alt+Home opens the home page.
  if (input.alt && key === 'home') return true;
  const modifier = input.control || input.meta;
  if (!modifier) return false;
  if (input.shift && ctrlShiftLetters.has(key)) return true;
  if (ctrlLetters.has(key)) return true;
  return zoomKeys.has(key) || zoomCodes.has(input.code);
}

/** Swallows the key presses isBlockedShortcut names before the page or Chromium sees them. */
export function swallowShortcuts(contents: LockableWebContents): void {
  contents.on('before-input-event', (event: Preventable, input: Input) => {
    if (isBlockedShortcut(input)) event.preventDefault();
  });
}

/** Every webContents lockdown at once; the composition root logs a rejected promise and exits. */
export async function lockWebContents(contents: LockableWebContents): Promise<void> {
  restrictNavigation(contents);
  denyNewWindows(contents);
  denyWebviews(contents);
  suppressContextMenu(contents);
  denyBluetoothPicker(contents);
  closeDevTools(contents);
  swallowShortcuts(contents);
  await lockZoom(contents);
}
