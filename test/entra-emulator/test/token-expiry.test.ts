import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ accessTokenLifetimeSeconds: 3 });
});
afterAll(async () => {
  await emu.close();
});

describe('token lifetime', () => {
  it('refuses an expired access token with 401 InvalidAuthenticationToken', async () => {
    const token = await appToken(emu);
    expect((await graph(emu, token, 'GET', '/users/alex.wilber@contoso.example')).status).toBe(200);
    const exp = decodeJwt(token).exp ?? 0;
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 + 200 - Date.now())));
    const res = await graph<GraphErrorBody>(emu, token, 'GET', '/users/alex.wilber@contoso.example');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Lifetime validation failed, the token is expired.',
    });
  });
});
