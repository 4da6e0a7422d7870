// T7: what a page could ask the browser for (camera, location, notifications, USB, files) is refused,
// downloads never start, and no request leaves for anything but app://mypass (the renderer has no
// network of its own; main does HTTPS for it through the bridge).
import { isAppUrl } from './app-origin.js';
import type { LockableSession, PermissionHandlers } from './electron-shapes.js';

/** Every permission request and every permission check answers "no". */
export function denyAllPermissions(session: PermissionHandlers): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setBluetoothPairingHandler((_details, callback) => callback({ confirmed: false }));
}

/** HID, serial and USB pickers are answered "none" instead of showing a device chooser. */
export function denyDevicePickers(session: LockableSession): void {
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/** A download would open a Save dialog (a file browser at the sign-in screen): cancel every one. */
export function cancelDownloads(session: LockableSession): void {
  session.on('will-download', (event, item) => {
    event.preventDefault();
    item.cancel();
  });
}

/** Whether the renderer may load a URL at all: its own bundle and inline data: images only. */
export function isAllowedRequest(url: string): boolean {
  return isAppUrl(url) || url.startsWith('data:');
}

/** Cancels every request that is not for the app's own bundle (a second fence behind the CSP). */
export function blockForeignRequests(session: LockableSession): void {
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRequest(details.url) }),
  );
}

export function lockSession(session: LockableSession): void {
  denyAllPermissions(session);
  denyDevicePickers(session);
  cancelDownloads(session);
  blockForeignRequests(session);
}
