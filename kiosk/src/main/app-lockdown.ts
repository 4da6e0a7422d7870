// T7/T10: app-level events that could show an OS dialog (certificate warnings, client certificate
// pickers, proxy/HTTP auth prompts) are answered "no" without UI, and every webContents Electron
// creates gets the full webContents lockdown before it can load anything.
import type { LockableApp, LockableWebContents } from './electron-shapes.js';

/** Certificate errors in the renderer are refused silently (the renderer loads only app://, so none should occur). */
export function refuseCertificateErrors(app: LockableApp): void {
  app.on('certificate-error', (event, _contents, _url, _error, _certificate, callback) => {
    event.preventDefault();
    callback(false);
  });
}

/** No client certificate is ever offered, and no picker is shown. */
export function refuseClientCertificates(app: LockableApp): void {
  app.on('select-client-certificate', (event, _contents, _url, _list, callback) => {
    event.preventDefault();
    callback();
  });
}

/** HTTP and proxy authentication prompts are cancelled. */
export function cancelLoginPrompts(app: LockableApp): void {
  app.on('login', (event, _contents, _details, _authInfo, callback) => {
    event.preventDefault();
    callback();
  });
}

/** Applies `lock` to every webContents as it is created; a failure is reported, never ignored. */
export function lockEveryWebContents(
  app: LockableApp,
  lock: (contents: LockableWebContents) => Promise<void>,
  onFailure: (error: unknown) => void,
): void {
  app.on('web-contents-created', (_event, contents) => {
    lock(contents).catch(onFailure);
  });
}

export function lockApp(
  app: LockableApp,
  lock: (contents: LockableWebContents) => Promise<void>,
  onFailure: (error: unknown) => void,
): void {
  refuseCertificateErrors(app);
  refuseClientCertificates(app);
  cancelLoginPrompts(app);
  lockEveryWebContents(app, lock, onFailure);
}
