// The one narrow surface between the kiosk's renderer and its main process: four IPC channels and
// the shape the preload exposes as `window.mypass`. No Electron import here (shared by main, preload
// and the renderer entry's types).

export const bridgeGlobalName = 'mypass';

export const bridgeChannels = {
  /** invoke: (op, params) → { status, body } — one API operation, carried out by main. */
  request: 'mypass:request',
  /** invoke: () → RendererConfig — host config and language order. */
  config: 'mypass:config',
  /** invoke: () → boolean — the person leaves for the sign-in screen (tile mode only; main cancels and exits). */
  leave: 'mypass:leave',
  /** main → renderer: the kiosk's time is up; wipe everything now. */
  timeout: 'mypass:timeout',
} as const;

export interface BridgeRequestParams {
  flowId?: string;
  flowToken?: string;
  body?: unknown;
}

export interface KioskBridge {
  request(op: string, params: BridgeRequestParams): Promise<{ status: number; body: unknown }>;
  config(): Promise<unknown>;
  /** Back to the Windows sign-in screen: true when main accepted (tile mode) and will exit. */
  leave(): Promise<boolean>;
  /** Registers the one timeout listener (a second call replaces the first). */
  onTimeout(callback: () => void): void;
}
