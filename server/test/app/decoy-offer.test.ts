// T2 through the app: a decoy's methods come from what the policies and delivery could offer a real
// user through the same door, so a kind no real user can be shown never marks a name as unknown,
// and a decoy's enroll list leaves out what its reset list shows as an enrollment, as a real one does.
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, testConfig, type ConfigOverrides, type TestApp } from './test-app.js';
import { accessConfig, groups, people, scriptedTenant } from './scripted-tenant.js';
import { createRecordingDelivery } from './recording-delivery.js';
import { makeContext, makeUser, type ScriptedDirectory } from './scripted-directory.js';
import { captured } from './captured-output.js';
import { expectNoSecretsCaptured } from '../security/secrets-scan.js';

type Method = { id: string; kind: string; hint?: string };
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await t.close();
  expectNoSecretsCaptured();
});

async function app(
  options: { emailOnly?: boolean; access?: ConfigOverrides['access']; directory?: ScriptedDirectory } = {},
): Promise<TestApp> {
  const t = await buildTestApp({
    directory: options.directory ?? scriptedTenant(),
    // Many names from one address: the per-address start limit is not what these tests are about.
    config: testConfig({
      access: options.access ?? accessConfig(),
      limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
    }),
    ...(options.emailOnly
      ? {
          delivery: (store) => ({
            ...createRecordingDelivery(store),
            canDeliver: (channel: string) => channel === 'email',
          }),
        }
      : {}),
  });
  opened.push(t);
  return t;
}

async function startAs(t: TestApp, username: string, purpose: 'reset' | 'enroll', client: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    headers: { 'x-mypass-client': client },
    payload: { purpose, username },
  });
  expect(res.statusCode).toBe(201);
  const body = res.json() as { flowId: string; flowToken: string; methods: Method[] };
  captured.secrets.add(body.flowToken);
  return body;
}

async function methods(t: TestApp, username: string, purpose: 'reset' | 'enroll' = 'reset') {
  return (await startAs(t, username, purpose, 'web')).methods;
}

/** The minimum password length the flow's policy shows (GET /password-policy). */
async function minLengthOf(t: TestApp, flow: { flowId: string; flowToken: string }): Promise<number> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/flows/${flow.flowId}/password-policy`,
    headers: { authorization: `Bearer ${flow.flowToken}` },
  });
  expect(res.statusCode).toBe(200);
  return (res.json() as { minLength: number }).minLength;
}

async function minLength(
  t: TestApp,
  username: string,
  client = 'web',
  purpose: 'reset' | 'enroll' = 'reset',
): Promise<number> {
  return minLengthOf(t, await startAs(t, username, purpose, client));
}

type AccessInput = NonNullable<ConfigOverrides['access']>;
/** The tenant's access section with some fields replaced. */
const withAccess = (overrides: AccessInput): AccessInput => ({ ...accessConfig(), ...overrides });
/** The tenant's policies after its first (the catch-all default). */
const defaultPolicies: NonNullable<AccessInput['policies']> = accessConfig().policies.slice(1);

const unknownNames = Array.from({ length: 40 }, (_, i) => `nobody.${i}@contoso.example`);

describe('decoy methods through the app (T2)', () => {
  it('offer no SMS where delivery can send only e-mail, as real users get none', async () => {
    const t = await app({ emailOnly: true });
    expect((await methods(t, people.adele.upn)).map((m) => m.kind)).toEqual(['email']);
    const kinds = new Set<string>();
    for (const name of unknownNames) for (const m of await methods(t, name)) kinds.add(m.kind);
    expect([...kinds]).toEqual(['email']);
  });

  it('show a refused user the rules of a policy the door serves, never their own (GET /password-policy)', async () => {
    // lee's policy (long passwords) serves the kiosk only: on the web lee is refused (channel).
    const t = await app({
      access: withAccess({
        policies: [
          {
            name: 'two-methods',
            groups: [groups.twoMethods],
            methodsRequired: 2,
            channels: { web: false },
            password: { minLength: 14 },
          },
          ...defaultPolicies,
        ],
      }),
    });
    expect(await minLength(t, people.lee.upn, 'kiosk')).toBe(14);
    expect(await minLength(t, people.lee.upn, 'web')).toBe(8);
    for (const name of unknownNames.slice(0, 10)) expect(await minLength(t, name, 'web')).toBe(8);
    const audit = await t.store.audit.list({ event: 'refused' });
    expect(audit.some((a) => a.detail['reason'] === 'channel' && a.detail['policy'] === 'two-methods')).toBe(
      true,
    );
  });

  it('show unknown names the rules of a policy real users can have, not a catch-all no one reaches', async () => {
    // Every licensed user is in a group of the first policy, so the catch-all serves nobody.
    const t = await app({
      access: withAccess({
        policies: [
          { name: 'staff', groups: accessConfig().licensedGroups, password: { minLength: 14 } },
          ...defaultPolicies,
        ],
      }),
    });
    expect(await minLength(t, people.adele.upn)).toBe(14);
    for (const name of unknownNames.slice(0, 10)) expect(await minLength(t, name)).toBe(14);
  });

  it('show no policy of the person’s own where no policy serves the door (enrollment off everywhere)', async () => {
    const t = await app({
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], password: { minLength: 14 } },
          { name: 'default', password: { minLength: 9 } },
        ].map((p) => ({ ...p, enrollment: { allowed: false } })),
      }),
    });
    const shown = new Set<number>();
    for (const name of [people.lee.upn, people.adele.upn, ...unknownNames.slice(0, 6)])
      shown.add(await minLength(t, name, 'web', 'enroll'));
    expect([...shown]).toEqual([9]);
  });

  it('show one policy per name at every door its policy serves, as a member’s is', async () => {
    const t = await app({
      access: withAccess({
        licensedGroups: [],
        policies: [
          { name: 'a', groups: ['aaaaaaaa-0000-4000-8000-00000000000a'], password: { minLength: 10 } },
          {
            name: 'no-enroll',
            groups: ['bbbbbbbb-0000-4000-8000-00000000000b'],
            password: { minLength: 11 },
            enrollment: { allowed: false },
          },
          { name: 'c', groups: ['cccccccc-0000-4000-8000-00000000000c'], password: { minLength: 12 } },
          { name: 'default', password: { minLength: 9 } },
        ],
      }),
    });
    for (const name of unknownNames) {
      const reset = await minLength(t, name, 'web', 'reset');
      const enroll = await minLength(t, name, 'web', 'enroll');
      // A policy that serves both doors shows at both; only no-enroll's members differ (refused there).
      if (reset !== 11) expect(enroll).toBe(reset);
      else expect(enroll).not.toBe(11);
    }
  });

  it('show no SMS where the policies that offer it can serve nobody (SMS not deliverable)', async () => {
    const t = await app({
      emailOnly: true,
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], methods: { email: { allowed: false } } },
          ...defaultPolicies,
        ],
      }),
    });
    const kinds = new Set<string>();
    for (const name of unknownNames) for (const m of await methods(t, name)) kinds.add(m.kind);
    expect([...kinds]).toEqual(['email']);
  });

  it('keep a refused member’s matched policy in the audit, and no shown policy for unknown names', async () => {
    const t = await app({
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], channels: { web: false } },
          ...defaultPolicies,
        ],
      }),
    });
    const lee = await startAs(t, people.lee.upn, 'reset', 'web');
    const nobody = await startAs(t, 'nobody.audit@contoso.example', 'reset', 'web');
    const policyOf = async (flowId: string) =>
      (await t.store.audit.list({ flowId }))
        .map((a) => `${a.event}:${String(a.detail['policy'] ?? '-')}`)
        .sort();
    expect(await policyOf(lee.flowId)).toEqual(['refused:two-methods', 'started:two-methods']);
    expect(await policyOf(nobody.flowId)).toEqual(['refused:-', 'started:-']);
  });

  it('show a member refused at one door their own methods there, as at the door that serves them', async () => {
    const t = await app({
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], methodsRequired: 2, channels: { web: false } },
          { name: 'default', enrollment: { allowed: false } },
        ],
      }),
    });
    const hints = async (name: string, purpose: 'reset' | 'enroll', client: string) =>
      (await startAs(t, name, purpose, client)).methods
        .filter((m) => m.hint !== undefined)
        .map((m) => m.hint);
    // lee: served at the kiosk, refused on the web (channel).
    expect(await hints(people.lee.upn, 'reset', 'web')).toEqual(
      await hints(people.lee.upn, 'reset', 'kiosk'),
    );
    // adele: served for resets, refused for enrollment (her policy allows none).
    expect(await hints(people.adele.upn, 'enroll', 'web')).toEqual(
      await hints(people.adele.upn, 'reset', 'web'),
    );
  });

  it('show a member refused at every door (too few methods) an invented list, as an unknown name', async () => {
    const t = await app({ access: withAccess({ policies: [{ name: 'default', methodsRequired: 2 }] }) });
    // alex has one registered address: refused for resets and enrollments alike.
    const reset = (await methods(t, people.alex.upn, 'reset')).map((m) => m.hint);
    const enroll = (await methods(t, people.alex.upn, 'enroll')).filter((m) => m.hint).map((m) => m.hint);
    expect(reset).not.toContain('a•••@o•••.com');
    expect(enroll).not.toContain('a•••@o•••.com');
    expect(reset.slice(0, enroll.length)).toEqual(enroll);
  });

  it('read a refused member’s typed number in their own region, as their real flow does', async () => {
    const directory = scriptedTenant();
    directory.add(
      makeUser({
        id: 'a0000000-0000-4000-8000-0000000000e5',
        userPrincipalName: 'sam@contoso.example',
        usageLocation: 'SE',
      }),
      makeContext({
        memberOfGroupIds: [...accessConfig().licensedGroups, groups.twoMethods],
        phoneMethods: [{ id: 'p9', phoneNumber: '+46701234567', phoneType: 'mobile' }],
        emailMethods: [{ id: 'e9', emailAddress: 'sam.private@gmail.com' }],
      }),
    );
    const t = await app({
      directory,
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], methodsRequired: 2, channels: { web: false } },
          ...defaultPolicies,
        ],
      }),
    });
    for (const client of ['kiosk', 'web']) {
      const flow = await startAs(t, 'sam@contoso.example', 'reset', client);
      const sms = flow.methods.find((m) => m.kind === 'sms');
      expect(sms?.hint).toBe('+46 •• ••• •• 67');
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/flows/${flow.flowId}/challenges`,
        headers: { authorization: `Bearer ${flow.flowToken}`, 'x-mypass-client': client },
        payload: { method: sms?.id, confirm: '070-123 45 67' },
      });
      expect(res.statusCode, `${client}: ${res.body}`).toBe(202);
      const events = (await t.store.audit.list({ flowId: flow.flowId })).map((a) => a.event);
      expect(events, client).toContain('code_queued');
      expect(events, client).not.toContain('confirmation_failed');
      // The resend cool-down is the person's and the number's, whichever flow asked.
      t.clock.advance(61_000);
    }
  });

  /** Served at the kiosk door only, SMS only; its 14-character rule tells which names it is home to. */
  const kioskOnlyStaff = {
    name: 'staff',
    groups: [groups.twoMethods],
    methods: { email: { allowed: false } },
    channels: { web: false },
    password: { minLength: 14 },
  };

  it('show an unknown name at a door its home policy refuses a part of its home list, as a member', async () => {
    const t = await app({
      access: withAccess({
        licensedGroups: [],
        policies: [kioskOnlyStaff, { name: 'default' }],
      }),
    });
    let staffHomes = 0;
    for (const name of unknownNames) {
      const kiosk = await startAs(t, name, 'reset', 'kiosk');
      if ((await minLengthOf(t, kiosk)) !== 14) continue;
      staffHomes++;
      const web = (await startAs(t, name, 'reset', 'web')).methods.map((m) => m.hint);
      expect(web).toEqual(kiosk.methods.map((m) => m.hint));
    }
    expect(staffHomes).toBeGreaterThan(0);
  });

  it('top up an unknown name at a door its home policy refuses in the home list’s country, as a member’s (R16 F4)', async () => {
    // "staff" (kiosk only) draws numbers abroad from Norway, "default" from Sweden and needs two numbers:
    // at the web door a staff name keeps its Norwegian number and is topped up under "default".
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({
        access: withAccess({
          licensedGroups: [],
          policies: [
            { ...kioskOnlyStaff, decoyCountries: { NO: 1 } },
            { name: 'default', methods: { email: { allowed: false } }, methodsRequired: 2 },
          ],
        }),
        limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
        flows: { decoyShares: { defaultRegion: 0, alternateMobile: 0 }, decoyCountries: { SE: 1 } },
      }),
    });
    opened.push(t);
    let topped = 0;
    for (const name of unknownNames) {
      const kiosk = await startAs(t, name, 'reset', 'kiosk');
      if ((await minLengthOf(t, kiosk)) !== 14) continue;
      const web = (await startAs(t, name, 'reset', 'web')).methods.filter((m) => m.kind === 'sms');
      expect(web.length).toBeGreaterThanOrEqual(2);
      topped++;
      // One country per list, as real lists have: never a Norwegian number beside a Swedish one.
      expect(new Set(web.map((m) => /^\+\d+/.exec(m.hint ?? '')?.[0])), name).toEqual(new Set(['+47']));
    }
    expect(topped).toBeGreaterThan(0);
  });

  it('show invented methods for a member served at no door (too few methods, or at risk), as an unknown name', async () => {
    const directory = scriptedTenant();
    const licensed = accessConfig().licensedGroups;
    const add = (id: string, upn: string, phone: string, extra: Parameters<typeof makeContext>[0] = {}) =>
      directory.add(
        makeUser({ id, userPrincipalName: upn }),
        makeContext({
          memberOfGroupIds: [...licensed, groups.twoMethods],
          phoneMethods: [{ id: `p-${id}`, phoneNumber: phone, phoneType: 'mobile' }],
          ...extra,
        }),
      );
    add('a0000000-0000-4000-8000-0000000000f1', 'pat@contoso.example', '+4520111147');
    // rik is at risk (two methods) with one number, in the default policy only.
    directory.add(
      makeUser({ id: 'a0000000-0000-4000-8000-0000000000f4', userPrincipalName: 'rik@contoso.example' }),
      makeContext({
        memberOfGroupIds: licensed,
        riskState: 'atRisk',
        phoneMethods: [{ id: 'p-rik', phoneNumber: '+4520111192', phoneType: 'mobile' }],
      }),
    );
    const t = await app({
      directory,
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], methodsRequired: 2, channels: { web: false } },
          ...defaultPolicies,
        ],
      }),
    });
    // pat has one number under a kiosk-only two-method policy: refused at the kiosk (too few) and on the web.
    for (const client of ['kiosk', 'web']) {
      const hints = (await startAs(t, 'pat@contoso.example', 'reset', client)).methods.map((m) => m.hint);
      expect(hints, client).not.toContain('+45 •• •• •• 47');
    }
    for (const purpose of ['reset', 'enroll'] as const) {
      const hints = (await startAs(t, 'rik@contoso.example', purpose, 'web')).methods.map((m) => m.hint);
      expect(hints, purpose).not.toContain('+45 •• •• •• 92');
    }
  });

  it('never fails a start for a member whose usage location has no calling code, nor invents numbers there', async () => {
    const directory = scriptedTenant();
    for (const [id, upn, location] of [
      ['a0000000-0000-4000-8000-0000000000f2', 'aq@contoso.example', 'AQ'],
      ['a0000000-0000-4000-8000-0000000000f3', 'br@contoso.example', 'BR'],
    ] as const) {
      directory.add(
        makeUser({ id, userPrincipalName: upn, usageLocation: location }),
        makeContext({
          memberOfGroupIds: [...accessConfig().licensedGroups, groups.twoMethods],
          phoneMethods: [{ id: `p-${id}`, phoneNumber: '+4520111194', phoneType: 'mobile' }],
        }),
      );
    }
    const t = await app({
      directory,
      access: withAccess({
        policies: [
          { name: 'two-methods', groups: [groups.twoMethods], channels: { web: false } },
          { name: 'default', methodsRequired: 2 },
        ],
      }),
    });
    for (const upn of ['aq@contoso.example', 'br@contoso.example']) {
      // Served at the kiosk; on the web refused (channel) under a two-method policy: topped up.
      const web = (await startAs(t, upn, 'reset', 'web')).methods.map((m) => m.hint ?? '');
      expect(web).toContain('+45 •• •• •• 94');
      expect(web.filter((h) => h.startsWith('+55') || h.startsWith('+672'))).toEqual([]);
    }
  });

  it('show a member whose only method is an enrollment that method at the enroll door too', async () => {
    const directory = scriptedTenant();
    const eveId = 'a0000000-0000-4000-8000-0000000000f6';
    directory.add(
      makeUser({ id: eveId, userPrincipalName: 'eve@contoso.example' }),
      makeContext({ memberOfGroupIds: accessConfig().licensedGroups }),
    );
    const t = await app({ directory });
    await t.store.enrollments.create({
      id: 'e_eve',
      userId: eveId,
      kind: 'email',
      destination: 'eve.enrolled@mail.example',
      hint: 'e•••@m•••.example',
      flowId: 'f_old',
      challengeId: 'c_old',
    });
    await t.store.enrollments.confirm('e_eve', new Date(t.clock.now().getTime() - 3600_000));
    const reset = (await methods(t, 'eve@contoso.example', 'reset')).map((m) => m.hint);
    const enroll = (await methods(t, 'eve@contoso.example', 'enroll'))
      .filter((m) => m.hint)
      .map((m) => m.hint);
    expect(reset).toEqual(['e•••@m•••.example']);
    expect(enroll).toContain('e•••@m•••.example');
  });

  it('show at least the methods the policy requires', async () => {
    const t = await app({ access: withAccess({ policies: [{ name: 'default', methodsRequired: 2 }] }) });
    expect((await methods(t, people.adele.upn)).length).toBe(2);
    for (const name of unknownNames) expect((await methods(t, name)).length).toBeGreaterThanOrEqual(2);
  });

  it('leave out of an enroll list what the reset list shows as enrollments, like a real user', async () => {
    const t = await app();
    let differ = 0;
    let gained = 0;
    const names = unknownNames.concat(unknownNames.map((n) => n.replace('nobody', 'someone')));
    for (const name of names) {
      const reset = (await methods(t, name, 'reset')).map((m) => m.hint);
      // An enroll list ends with the password (no hint); the methods before it are compared.
      const enroll = (await methods(t, name, 'enroll'))
        .filter((m) => m.hint !== undefined)
        .map((m) => m.hint);
      if (reset.slice(0, enroll.length).join() === enroll.join()) {
        if (reset.length > enroll.length) differ++;
      } else {
        // A member of the two-method policy whose second method is an enrollment gets another
        // method of their own in an enroll list; some decoys of that policy do the same.
        gained++;
        expect(enroll).toHaveLength(2);
      }
    }
    // One decoy in eight shows an enrollment; 80 names make one very likely, not certain by chance.
    expect(differ).toBeGreaterThan(0);
    expect(gained).toBeLessThan(names.length * 0.2);
  });

  it('take their shapes from flows.decoyShares', async () => {
    const build = async (decoyShares: Record<string, number>) => {
      const t = await buildTestApp({
        directory: scriptedTenant(),
        config: testConfig({
          access: accessConfig(),
          limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
          flows: { decoyShares },
        }),
      });
      opened.push(t);
      return t;
    };
    const everyName = await build({ smsAndEmail: 1, smsOnly: 0, alternateMobile: 1 });
    const usual = await build({});
    let withAlternate = 0;
    for (const name of unknownNames) {
      const ids = (await methods(everyName, name)).map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['sms:1', 'sms:2', 'email:1']));
      if ((await methods(usual, name)).some((m) => m.id === 'sms:2')) withAlternate++;
    }
    // One in twenty by default.
    expect(withAlternate).toBeLessThan(unknownNames.length / 4);
  });

  it('take their e-mail domains and first letters from flows.decoyEmailDomains and decoyEmailInitials', async () => {
    const t = await buildTestApp({
      directory: scriptedTenant(),
      config: testConfig({
        access: accessConfig(),
        limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
        flows: {
          decoyShares: { smsAndEmail: 1, smsOnly: 0, nationalEmailDomain: 0 },
          decoyEmailDomains: { 'proton.me': 1, 'zoho.com': 1 },
          decoyEmailInitials: { k: 1, m: 1 },
        },
      }),
    });
    opened.push(t);
    const domains = new Set<string>();
    const initials = new Set<string>();
    for (const name of unknownNames) {
      for (const m of await methods(t, name)) {
        if (m.kind !== 'email') continue;
        domains.add(m.hint?.split('@')[1] ?? '');
        initials.add(m.hint?.charAt(0) ?? '');
      }
    }
    // Only the configured domains' first letters and endings, never a default provider's (g•••.com),
    // and only the configured first letters.
    expect(domains).toEqual(new Set(['p•••.me', 'z•••.com']));
    expect(initials).toEqual(new Set(['k', 'm']));
  });

  it("take the countries of their numbers abroad from flows.decoyCountries, or their policy's own", async () => {
    const build = async (flows: Record<string, unknown>, access: AccessInput = accessConfig()) => {
      const t = await buildTestApp({
        directory: scriptedTenant(),
        config: testConfig({
          access,
          limits: { startsPerAddress: { max: 1000, windowSeconds: 900 } },
          // Every number abroad, so each name shows where the draw sends it.
          flows: { decoyShares: { smsAndEmail: 0, smsOnly: 1, defaultRegion: 0 }, ...flows },
        }),
      });
      opened.push(t);
      return t;
    };
    const callingCodes = async (t: TestApp) => {
      const codes = new Set<string>();
      for (const name of unknownNames) {
        for (const m of await methods(t, name)) {
          if (m.kind === 'sms') codes.add(/^\+\d+/.exec(m.hint ?? '')?.[0] ?? '');
        }
      }
      return codes;
    };
    // Sweden and Norway only, though the allow-list has many more countries.
    expect(await callingCodes(await build({ decoyCountries: { SE: 1, NO: 1 } }))).toEqual(
      new Set(['+46', '+47']),
    );
    expect((await callingCodes(await build({}))).size).toBeGreaterThan(5);
    // Every name's home is the first policy, whose own list (Norway) replaces the global one.
    const [twoMethods, rest] = accessConfig().policies;
    const norwegian = await build(
      {
        decoyCountries: { SE: 1 },
        decoyShares: { smsAndEmail: 0, smsOnly: 1, defaultRegion: 0, lastPolicy: 0 },
      },
      {
        ...accessConfig(),
        policies: [{ ...twoMethods, decoyCountries: { NO: 1 } }, rest] as AccessInput['policies'],
      },
    );
    expect(await callingCodes(norwegian)).toEqual(new Set(['+47']));
  });

  it("draw a policy's own shares under that policy: its rules and its members' shapes go together", async () => {
    // Members of the field policy (long passwords) have SMS alone; everyone else both kinds.
    const t = await app({
      access: withAccess({
        policies: [
          {
            name: 'field',
            groups: [groups.twoMethods],
            password: { minLength: 14 },
            decoyShares: { smsAndEmail: 0, smsOnly: 1, alternateMobile: 0, enrollment: 0 },
          },
          { name: 'default', decoyShares: { smsAndEmail: 1, smsOnly: 0, alternateMobile: 0, enrollment: 0 } },
        ],
      }),
    });
    const shown = new Map<number, Set<string>>();
    for (const name of unknownNames) {
      const flow = await startAs(t, name, 'reset', 'web');
      const kinds = flow.methods.map((m) => m.kind).join();
      const min = await minLengthOf(t, flow);
      shown.set(min, (shown.get(min) ?? new Set()).add(kinds));
    }
    expect(shown.get(14)).toEqual(new Set(['sms']));
    expect(shown.get(8)).toEqual(new Set(['sms,email']));
  });
});
