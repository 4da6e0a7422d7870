// Main's side of the bridge: answers the renderer's calls, but only from the kiosk's own top
// frame on app://mypass (a sub-frame or any other origin gets nothing), and never lets an exception
// or a stack trace cross to the renderer.
import { bridgeChannels } from '../preload/bridge-contract.js';
import { isAppUrl } from './app-origin.js';
import { kioskProblem, type BridgeResponse } from './pinned-https-transport.js';

export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
}

/** The sender is the kiosk's own page: a live top frame whose URL is on app://mypass. */
export function isTrustedSender(event: InvokeEventLike): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

export interface BridgeDeps {
  request(op: unknown, params: unknown): Promise<BridgeResponse>;
  config(): unknown;
  /** Sees every completed exchange (the outcome tracker); must not throw. */
  observe?(op: unknown, params: unknown, response: BridgeResponse): void;
  /** The person's "Back to sign-in" (tile mode only; see createLeaveHandler). Absent = refused. */
  leave?(): Promise<boolean>;
}

export function registerBridgeHandlers(ipcMain: IpcMainLike, deps: BridgeDeps): void {
  ipcMain.handle(bridgeChannels.request, async (event, op, params) => {
    if (!isTrustedSender(event)) return kioskProblem('invalid_request');
    let response: BridgeResponse;
    try {
      response = await deps.request(op, params);
    } catch {
      response = kioskProblem('internal_error');
    }
    deps.observe?.(op, params, response);
    return response;
  });
  ipcMain.handle(bridgeChannels.config, async (event) => (isTrustedSender(event) ? deps.config() : null));
  ipcMain.handle(bridgeChannels.leave, async (event) => {
    if (!isTrustedSender(event) || !deps.leave) return false;
    try {
      return await deps.leave();
    } catch {
      return false;
    }
  });
}
