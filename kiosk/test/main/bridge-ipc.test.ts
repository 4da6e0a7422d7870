import { describe, expect, it } from 'vitest';
import { isTrustedSender, registerBridgeHandlers, type InvokeEventLike } from '../../src/main/bridge-ipc.js';
import { bridgeChannels } from '../../src/preload/bridge-contract.js';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

function setup(
  request: () => Promise<{ status: number; body: unknown }> = async () => ({ status: 200, body: { ok: 1 } }),
  leave?: () => Promise<boolean>,
) {
  const handlers = new Map<string, Handler>();
  const observed: unknown[] = [];
  registerBridgeHandlers(
    { handle: (channel, listener) => handlers.set(channel, listener) },
    {
      request,
      config: () => ({ host: { demo: false } }),
      observe: (op) => observed.push(op),
      ...(leave ? { leave } : {}),
    },
  );
  return { handlers, observed };
}

const top = { senderFrame: { url: 'app://mypass/index.html', parent: null } };

describe('isTrustedSender', () => {
  it('accepts only the top frame on app://mypass', () => {
    expect(isTrustedSender(top)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'app://mypass/index.html', parent: {} } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'https://evil.example/', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: { url: 'file:///C:/x.html', parent: null } })).toBe(false);
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
  });
});

describe('registerBridgeHandlers', () => {
  it('registers exactly the request, config and leave channels', () => {
    expect([...setup().handlers.keys()].sort()).toEqual(
      [bridgeChannels.config, bridgeChannels.leave, bridgeChannels.request].sort(),
    );
  });
  it("leave: only the app's top frame reaches main, and a missing or throwing handler answers false", async () => {
    let calls = 0;
    const { handlers } = setup(undefined, async () => {
      calls += 1;
      return true;
    });
    const leave = handlers.get(bridgeChannels.leave);
    expect(await leave?.({ senderFrame: { url: 'app://mypass/index.html', parent: {} } })).toBe(false);
    expect(await leave?.({ senderFrame: { url: 'https://evil.example/', parent: null } })).toBe(false);
    expect(calls).toBe(0);
    expect(await leave?.(top)).toBe(true);
    expect(calls).toBe(1);
    expect(await setup().handlers.get(bridgeChannels.leave)?.(top)).toBe(false);
    const throwing = setup(undefined, async () => {
      throw new Error('secret detail');
    });
    expect(await throwing.handlers.get(bridgeChannels.leave)?.(top)).toBe(false);
  });
  it('carries requests from the app and lets the outcome tracker see them', async () => {
    const { handlers, observed } = setup();
    expect(await handlers.get(bridgeChannels.request)?.(top, 'startFlow', {})).toEqual({
      status: 200,
      body: { ok: 1 },
    });
    expect(observed).toEqual(['startFlow']);
  });
  it('answers an untrusted sender with invalid_request and never calls the API', async () => {
    let calls = 0;
    const { handlers } = setup(async () => {
      calls += 1;
      return { status: 200, body: {} };
    });
    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await handlers.get(bridgeChannels.request)?.(foreign, 'startFlow', {})).toMatchObject({
      status: 400,
      body: { code: 'invalid_request' },
    });
    expect(await handlers.get(bridgeChannels.config)?.(foreign)).toBeNull();
    expect(calls).toBe(0);
  });
  it('turns an exception into internal_error without a message or stack', async () => {
    const { handlers } = setup(async () => {
      throw new Error('secret detail at /home/x');
    });
    const answer = await handlers.get(bridgeChannels.request)?.(top, 'startFlow', {});
    expect(answer).toMatchObject({ status: 500, body: { code: 'internal_error' } });
    expect(JSON.stringify(answer)).not.toContain('secret detail');
  });
});
