import { describe, expect, it } from 'vitest';
import { createKioskBridge } from '../../src/preload/kiosk-bridge.js';
import { bridgeChannels } from '../../src/preload/bridge-contract.js';

function fakeIpc(answer: unknown = { status: 200, body: { a: 1 }, extra: 'dropped' }) {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, (...args: unknown[]) => void>();
  return {
    invoked,
    listeners,
    ipc: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, ...args]);
        return answer;
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
    },
  };
}

describe('createKioskBridge', () => {
  it('exposes exactly request, config, leave and onTimeout', () => {
    expect(Object.keys(createKioskBridge(fakeIpc().ipc)).sort()).toEqual([
      'config',
      'leave',
      'onTimeout',
      'request',
    ]);
  });
  it('leave() sends no arguments and is true only for a literal true from main', async () => {
    const accepted = fakeIpc(true);
    expect(await createKioskBridge(accepted.ipc).leave()).toBe(true);
    expect(accepted.invoked).toEqual([[bridgeChannels.leave]]);
    expect(await createKioskBridge(fakeIpc(false).ipc).leave()).toBe(false);
    expect(await createKioskBridge(fakeIpc({ status: 200 }).ipc).leave()).toBe(false);
  });
  it('sends plain copies of the parameters and returns only status and body', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createKioskBridge(ipc);
    const body = { username: 'ada', purpose: 'reset', toJSON: undefined };
    const params = Object.assign(Object.create({ inherited: true }) as object, {
      flowId: 'f_1',
      flowToken: 'tok',
      body,
      evil: () => 1,
    });
    const answer = await bridge.request('getFlow', params);
    expect(answer).toEqual({ status: 200, body: { a: 1 } });
    expect(invoked).toEqual([
      [
        bridgeChannels.request,
        'getFlow',
        { flowId: 'f_1', flowToken: 'tok', body: { username: 'ada', purpose: 'reset' } },
      ],
    ]);
  });
  it('refuses non-string or overlong operation names without calling main', async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createKioskBridge(ipc);
    expect(await bridge.request(42 as unknown as string, {})).toEqual({ status: 400, body: undefined });
    expect(await bridge.request('x'.repeat(65), {})).toEqual({ status: 400, body: undefined });
    expect(invoked).toEqual([]);
  });
  it('calls the timeout listener without handing the page the IPC event', () => {
    const { ipc, listeners } = fakeIpc();
    const bridge = createKioskBridge(ipc);
    const seen: unknown[][] = [];
    bridge.onTimeout((...args: unknown[]) => seen.push(args));
    listeners.get(bridgeChannels.timeout)?.({ sender: 'ipcRenderer' });
    expect(seen).toEqual([[]]);
  });
  it('maps a malformed answer from main to 503', async () => {
    const bridge = createKioskBridge(fakeIpc('nonsense').ipc);
    expect(await bridge.request('getFlow', {})).toEqual({ status: 503, body: undefined });
  });
});
