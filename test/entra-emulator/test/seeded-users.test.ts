// startEmulator({ extraUsers }): users of shapes a test controls, beside the demo tenant — exactly
// the methods and profile fields they name, in the groups they name (created when new).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph } from './emulator-http.js';

let emu: RunningEmulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({
    extraUsers: [
      {
        upnLocal: 'seeded.one',
        usageLocation: 'SE',
        phoneMethods: [
          { phoneNumber: '+46 70 123 45 67', phoneType: 'mobile' },
          { phoneNumber: '+46 70 123 45 68', phoneType: 'alternateMobile' },
        ],
        emailMethods: ['one@web.de'],
        mobilePhone: '+46701234569',
        otherMails: ['one@outlook.com'],
        groups: ['Seeded Group', 'MyPass Two Methods'],
      },
      { upnLocal: 'seeded.bare', groups: ['Seeded Group'], extra: { accountEnabled: false } },
    ],
  });
  token = await appToken(emu);
});
afterAll(async () => {
  await emu.close();
});

type Page = { value: Record<string, unknown>[] };

describe('seeded users', () => {
  it('have exactly the methods and profile fields the seed names', async () => {
    const one = emu.inspectUser('seeded.one@contoso.example');
    expect(one).toMatchObject({
      usageLocation: 'SE',
      mobilePhone: '+46701234569',
      otherMails: ['one@outlook.com'],
      accountEnabled: true,
      userType: 'Member',
    });
    const phones = await graph<Page>(
      emu,
      token,
      'GET',
      `/users/${one?.id ?? ''}/authentication/phoneMethods`,
    );
    expect(phones.body.value.map((p) => [p['phoneNumber'], p['phoneType']])).toEqual([
      ['+46 70 123 45 67', 'mobile'],
      ['+46 70 123 45 68', 'alternateMobile'],
    ]);
    const emails = await graph<Page>(
      emu,
      token,
      'GET',
      `/users/${one?.id ?? ''}/authentication/emailMethods`,
    );
    expect(emails.body.value.map((e) => e['emailAddress'])).toEqual(['one@web.de']);

    const bare = emu.inspectUser('seeded.bare@contoso.example');
    expect(bare).toMatchObject({
      accountEnabled: false,
      mobilePhone: null,
      otherMails: [],
      usageLocation: null,
      phoneMethods: [],
      emailMethods: [],
    });
  });

  it('join the groups they name, new or existing', async () => {
    const id = emu.groups['Seeded Group'] ?? '';
    const members = await graph<Page>(
      emu,
      token,
      'GET',
      `/groups/${id}/transitiveMembers/microsoft.graph.user?$select=userPrincipalName`,
    );
    expect(members.body.value.map((u) => u['userPrincipalName']).sort()).toEqual([
      'seeded.bare@contoso.example',
      'seeded.one@contoso.example',
    ]);
    expect(emu.inspectUser('seeded.one@contoso.example')?.groups).toEqual([
      'MyPass Two Methods',
      'Seeded Group',
    ]);
  });

  it('refuses a seed that collides with an existing user', async () => {
    await expect(startEmulator({ extraUsers: [{ upnLocal: 'adele.vance' }] })).rejects.toThrow(
      'seeded user adele.vance exists already',
    );
  });
});
