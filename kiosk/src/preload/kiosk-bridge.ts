// The object the preload exposes as `window.mypass`: four functions, each copying its arguments into
// fresh plain values, so the page can never hand main an object with getters or a prototype of its
// choosing, and never receives an IPC event object (which would reach ipcRenderer).
import { bridgeChannels, type BridgeRequestParams, type KioskBridge } from './bridge-contract.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (...args: unknown[]) => void): unknown;
}

const maxOpLength = 64;

function copyParams(params: unknown): BridgeRequestParams {
  if (params === null || typeof params !== 'object') return {};
  const source = params as Record<string, unknown>;
  const copy: BridgeRequestParams = {};
  if (typeof source.flowId === 'string') copy.flowId = source.flowId;
  if (typeof source.flowToken === 'string') copy.flowToken = source.flowToken;
  // A JSON round trip drops functions, getters' side effects after the first read, and prototypes.
  if (source.body !== undefined) copy.body = JSON.parse(JSON.stringify(source.body)) as unknown;
  return copy;
}

function asResponse(value: unknown): { status: number; body: unknown } {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { status?: unknown }).status === 'number'
  ) {
    const { status, body } = value as { status: number; body: unknown };
    return { status, body };
  }
  return { status: 503, body: undefined };
}

export function createKioskBridge(ipc: IpcRendererLike): KioskBridge {
  let timeoutListener: (() => void) | undefined;
  ipc.on(bridgeChannels.timeout, () => timeoutListener?.());
  return {
    async request(op, params) {
      if (typeof op !== 'string' || op.length > maxOpLength) return { status: 400, body: undefined };
      return asResponse(await ipc.invoke(bridgeChannels.request, op, copyParams(params)));
    },
    config: () => ipc.invoke(bridgeChannels.config),
    // No arguments cross: main decides everything (mode, open flow) itself.
    leave: async () => (await ipc.invoke(bridgeChannels.leave)) === true,
    onTimeout(callback) {
      timeoutListener = typeof callback === 'function' ? () => callback() : undefined;
    },
  };
}
