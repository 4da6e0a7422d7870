// GET /groups/{id}/transitiveMembers/microsoft.graph.user: the users of a group through nested
// groups, each once, with $select, $top and nextLink paging (mypass licenses counts seats with it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { DEFAULT_API_APP_ROLES, startEmulator } from '../src/index.js';
import { appToken, graph, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({ generatedUsers: 5 });
  token = await appToken(emu);
});
afterAll(async () => {
  await emu.close();
});

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
const path = (group: string, query = '') =>
  `/groups/${emu.groups[group] ?? ''}/transitiveMembers/microsoft.graph.user${query}`;

describe('transitive user members of a group', () => {
  it('lists users of nested groups once, never the groups themselves', async () => {
    const res = await graph<Page>(
      emu,
      token,
      'GET',
      path('MyPass Licensed', '?$select=id,userPrincipalName,userType'),
    );
    expect(res.status).toBe(200);
    const upns = res.body.value.map((u) => String(u['userPrincipalName']));
    // Adele is licensed only through the nested Copenhagen Office group.
    expect(upns).toContain('adele.vance@contoso.example');
    expect(new Set(upns).size).toBe(upns.length);
    expect(res.body.value.every((u) => u['@odata.type'] === '#microsoft.graph.user')).toBe(true);
    expect(Object.keys(res.body.value[0] ?? {}).sort()).toEqual([
      '@odata.type',
      'id',
      'userPrincipalName',
      'userType',
    ]);
    // The generated bench users are licensed too.
    expect(upns.filter((u) => /^user\d+@/.test(u)).length).toBeGreaterThanOrEqual(5);
  });

  it('pages with $top and @odata.nextLink to the same set', async () => {
    const all = (await graph<Page>(emu, token, 'GET', path('MyPass Licensed', '?$select=id'))).body.value;
    const paged: Record<string, unknown>[] = [];
    let next: string | undefined = `${emu.origin}/v1.0${path('MyPass Licensed', '?$select=id&$top=3')}`;
    let pages = 0;
    while (next) {
      const res: { body: Page } = await graph<Page>(
        emu,
        token,
        'GET',
        next.slice(`${emu.origin}/v1.0`.length),
      );
      paged.push(...res.body.value);
      next = res.body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect(paged.map((u) => u['id'])).toEqual(all.map((u) => u['id']));
  });

  it('answers 404 for an unknown group and 403 without a membership permission', async () => {
    const missing = await graph<GraphErrorBody>(
      emu,
      token,
      'GET',
      '/groups/00000000-0000-4000-8000-000000000000/transitiveMembers/microsoft.graph.user',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    emu.setApiAppRoles(['User.Read.All']);
    try {
      const denied = await graph<GraphErrorBody>(emu, await appToken(emu), 'GET', path('MyPass Licensed'));
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('Authorization_RequestDenied');
    } finally {
      emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
    }
  });
});
