// T7: window.print() would open Chromium's print preview, whose "Save as PDF" is a file dialog.
// The kiosk's bundle is the only script that can run (CSP script-src 'self'), and this module runs
// first in it, so after this no code in the page can reach the real print().
export function disablePrint(target: Pick<Window, 'print'>): void {
  Object.defineProperty(target, 'print', {
    value: () => undefined,
    writable: false,
    configurable: false,
    enumerable: false,
  });
}
