// The flows Transport inside Electron: every operation goes through the preload's `window.mypass`
// bridge to main, which alone talks HTTPS (the renderer has no network: CSP connect-src 'none').
import type { Transport } from '@mypass/flows';
import type { KioskBridge } from '../preload/bridge-contract.js';

export function createBridgeTransport(bridge: Pick<KioskBridge, 'request'>): Transport {
  return {
    request: (op, params) => bridge.request(op, { ...params }),
  };
}

/** The bridge the preload exposed, or undefined when the page runs outside the kiosk. */
export function findBridge(scope: object): KioskBridge | undefined {
  const candidate = (scope as { mypass?: unknown }).mypass;
  if (candidate === null || typeof candidate !== 'object') return undefined;
  const bridge = candidate as Partial<KioskBridge>;
  return typeof bridge.request === 'function' &&
    typeof bridge.config === 'function' &&
    typeof bridge.leave === 'function' &&
    typeof bridge.onTimeout === 'function'
    ? (bridge as KioskBridge)
    : undefined;
}
