import { describe, expect, it } from 'vitest';
import { createApiClient } from '@mypass/flows';
import { disablePrint } from '../../src/electron-renderer/disable-print.js';
import { createBridgeTransport, findBridge } from '../../src/electron-renderer/bridge-transport.js';

describe('disablePrint', () => {
  it('replaces print() with a no-op nobody can put back', () => {
    let printed = 0;
    const target = { print: () => (printed += 1) } as unknown as Window;
    disablePrint(target);
    target.print();
    expect(printed).toBe(0);
    expect(() => Object.defineProperty(target, 'print', { value: () => (printed += 1) })).toThrow(TypeError);
    expect(() => {
      'use strict';
      (target as { print: unknown }).print = () => (printed += 1);
    }).toThrow(TypeError);
  });
});

describe('createBridgeTransport', () => {
  it('is a flows Transport: the API client works over it', async () => {
    const calls: unknown[][] = [];
    const transport = createBridgeTransport({
      request: async (op, params) => {
        calls.push([op, params]);
        return { status: 204, body: undefined };
      },
    });
    const client = createApiClient(transport);
    expect(await client.cancelFlow({ flowId: 'f_1', flowToken: 'tok_abcdefghijklmnop' })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(calls).toEqual([['cancelFlow', { flowId: 'f_1', flowToken: 'tok_abcdefghijklmnop' }]]);
  });
});

describe('findBridge', () => {
  it('finds a complete bridge only', () => {
    const fn = async () => ({ status: 200, body: undefined });
    expect(
      findBridge({ mypass: { request: fn, config: fn, leave: fn, onTimeout: () => undefined } }),
    ).toBeDefined();
    expect(findBridge({ mypass: { request: fn, config: fn, onTimeout: () => undefined } })).toBeUndefined();
    expect(findBridge({ mypass: { request: fn } })).toBeUndefined();
    expect(findBridge({})).toBeUndefined();
  });
});
