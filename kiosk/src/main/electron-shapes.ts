// The few Electron objects the lockdown acts on, reduced to what it calls. The composition root
// (electron-main.ts) passes the real ones, so tsc proves Electron's own types fit these shapes; tests
// pass small fakes. Only type imports of electron here: nothing at run time.
import type {
  Certificate,
  DownloadItem,
  Event as ElectronEvent,
  HandlerDetails,
  Input,
  WebContents,
  WebPreferences,
} from 'electron';

export interface Preventable {
  preventDefault(): void;
}

export interface NavigationDetails extends Preventable {
  readonly url: string;
}

export type WindowOpenResponse = { action: 'deny' };

/** A webContents as far as the lockdown is concerned. */
// Separate overloads on purpose: Electron's WebContents declares one per event, and a merged union
// signature would no longer be satisfied by it.
/* eslint-disable @typescript-eslint/unified-signatures */
export interface LockableWebContents {
  on(event: 'will-navigate', listener: (details: NavigationDetails) => void): unknown;
  on(event: 'will-redirect', listener: (details: NavigationDetails) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: NavigationDetails) => void): unknown;
  on(
    event: 'will-attach-webview',
    listener: (event: Preventable, webPreferences: WebPreferences, params: Record<string, string>) => void,
  ): unknown;
  on(event: 'before-input-event', listener: (event: Preventable, input: Input) => void): unknown;
  on(event: 'context-menu', listener: (event: Preventable) => void): unknown;
  on(
    event: 'select-bluetooth-device',
    listener: (event: Preventable, devices: unknown[], callback: (deviceId: string) => void) => void,
  ): unknown;
  on(event: 'devtools-opened', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenResponse): void;
  setVisualZoomLevelLimits(minimumLevel: number, maximumLevel: number): Promise<void>;
  closeDevTools(): void;
}
/* eslint-enable @typescript-eslint/unified-signatures */

export interface PermissionHandlers {
  setPermissionRequestHandler(
    handler: (webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  setBluetoothPairingHandler(
    handler: (details: unknown, callback: (response: { confirmed: boolean }) => void) => void,
  ): void;
}

/** A session as far as the lockdown is concerned. */
export interface LockableSession extends PermissionHandlers {
  on(event: 'will-download', listener: (event: Preventable, item: DownloadItem) => void): unknown;
  on(
    event: 'select-hid-device',
    listener: (event: Preventable, details: unknown, callback: (deviceId?: string | null) => void) => void,
  ): unknown;
  on(
    event: 'select-serial-port',
    listener: (
      event: Preventable,
      portList: unknown[],
      webContents: WebContents,
      callback: (portId: string) => void,
    ) => void,
  ): unknown;
  on(
    event: 'select-usb-device',
    listener: (event: Preventable, details: unknown, callback: (deviceId?: string) => void) => void,
  ): unknown;
  readonly webRequest: {
    onBeforeRequest(
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

/** The app events that could otherwise show an OS dialog or hand out a credential. */
export interface LockableApp {
  on(
    event: 'web-contents-created',
    listener: (event: ElectronEvent, webContents: WebContents) => void,
  ): unknown;
  on(
    event: 'certificate-error',
    listener: (
      event: Preventable,
      webContents: WebContents,
      url: string,
      error: string,
      certificate: Certificate,
      callback: (isTrusted: boolean) => void,
    ) => void,
  ): unknown;
  on(
    event: 'select-client-certificate',
    listener: (
      event: Preventable,
      webContents: WebContents,
      url: string,
      certificateList: Certificate[],
      callback: (certificate?: Certificate) => void,
    ) => void,
  ): unknown;
  on(
    event: 'login',
    listener: (
      event: Preventable,
      webContents: WebContents,
      details: unknown,
      authInfo: unknown,
      callback: (username?: string, password?: string) => void,
    ) => void,
  ): unknown;
}
