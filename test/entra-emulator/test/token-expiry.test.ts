import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ accessTokenLifetimeSeconds: 1 });
});
afterAll(async () => {
  await emu.close();
});

describe('token lifetime', () => {
  it('refuses an expired access token with 401 InvalidAuthenticationToken', async () => {
    const token = await appToken(emu);
    expect((await graph(emu, token, 'GET', '/users/alex.wilber@contoso.example')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await graph<GraphErrorBody>(emu, token, 'GET', '/users/alex.wilber@contoso.example');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Lifetime validation failed, the token is expired.',
    });
  });
});
