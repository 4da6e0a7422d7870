// Decoys show only what some real user could be shown through the same door (T2): the kinds the
// policies allow and delivery can send, second methods of a kind and enrollments where real users
// may have them, enrollments in resets only, and e-mail hints that end in a national domain too.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { defaultSmsCountries } from '../../src/delivery/delivery-config.js';
import {
  decoyListAtDoor,
  decoyMethods,
  decoyRegionFor,
  defaultDecoyShares,
  decoyOffer,
  decoyPolicy,
  fullDecoyOffer,
  offerServes,
  type DecoyOffer,
} from '../../src/flows-service/decoy-methods.js';
import {
  defaultDecoyEmailDomains,
  defaultDecoyEmailInitials,
  flowsConfigSchema,
  type DecoyShares,
} from '../../src/flows-service/flows-config.js';
import { reachablePolicies } from '../../src/policy/eligibility.js';
import { policiesConfigSchema, policySchema } from '../../src/policy/policy-config.js';
import type { FlowMethod } from '../../src/store/store.js';

const key = 'k'.repeat(32);
const both = () => true;
const kindsOf = (offer: DecoyOffer) => offer.kinds.map((k) => k.kind);
const names = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@contoso.example`);

/** Whether `small` is `large` with some entries left out, in the same order. */
function isOrderedSubset(small: FlowMethod[], large: FlowMethod[]): boolean {
  let at = 0;
  for (const m of large) if (at < small.length && small[at]?.destination === m.destination) at++;
  return at === small.length;
}

const g1 = '11111111-1111-4111-8111-111111111111';
const g2 = '22222222-2222-4222-8222-222222222222';
const names_ = (ps: { name: string }[]) => ps.map((p) => p.name);

describe('reachablePolicies', () => {
  it('leaves out policies no licensed user can match, or that refuse the channel or enrollment', () => {
    const policies = [
      policySchema.parse({ name: 'staff', groups: [g1], channels: { web: false } }),
      policySchema.parse({ name: 'shadowed', groups: [g1] }),
      policySchema.parse({ name: 'two', groups: [g2], enrollment: { allowed: false } }),
      policySchema.parse({ name: 'default' }),
      policySchema.parse({ name: 'never', groups: [g2] }),
    ];
    const config = policiesConfigSchema.parse({ policies });
    expect(names_(reachablePolicies(config, 'reset', 'kiosk'))).toEqual(['staff', 'two', 'default']);
    expect(names_(reachablePolicies(config, 'reset', 'web'))).toEqual(['two', 'default']);
    expect(names_(reachablePolicies(config, 'enroll', 'web'))).toEqual(['default']);
    // Every licensed group is covered before the catch-all: no licensed user reaches it.
    const licensed = policiesConfigSchema.parse({ policies, licensedGroups: [g1, g2] });
    expect(names_(reachablePolicies(licensed, 'reset', 'kiosk'))).toEqual(['staff', 'two']);
    // Nor any group policy after that point.
    const onlyG1 = policiesConfigSchema.parse({ policies, licensedGroups: [g1] });
    expect(names_(reachablePolicies(onlyG1, 'reset', 'kiosk'))).toEqual(['staff']);
  });

  it('refuses two policies of one name', () => {
    const twice = [policySchema.parse({ name: 'p', groups: [g1] }), policySchema.parse({ name: 'p' })];
    expect(policiesConfigSchema.safeParse({ policies: twice }).success).toBe(false);
  });
});

describe('decoyPolicy', () => {
  it('is fixed per name, mostly the last reachable policy, sometimes another', () => {
    const reachable = [
      policySchema.parse({ name: 'two', groups: [g2] }),
      policySchema.parse({ name: 'default' }),
    ];
    const counts = new Map<string, number>();
    for (const n of names(1000)) {
      const shown = decoyPolicy(key, n, reachable)?.name ?? '';
      expect(decoyPolicy(key, n, reachable)?.name).toBe(shown);
      counts.set(shown, (counts.get(shown) ?? 0) + 1);
    }
    expect(counts.get('default') ?? 0).toBeGreaterThan(650);
    expect(counts.get('two') ?? 0).toBeGreaterThan(150);
    expect(decoyPolicy(key, 'x', [])).toBeUndefined();
  });
});

describe('decoyOffer', () => {
  it('offers only kinds delivery can send and the policy allows', () => {
    const policy = policySchema.parse({ name: 'default' });
    expect(kindsOf(decoyOffer(policy, 'reset', (k) => k === 'email'))).toEqual(['email']);
    const noSms = policySchema.parse({ name: 'p', methods: { sms: { allowed: false } } });
    expect(kindsOf(decoyOffer(noSms, 'reset', both))).toEqual(['email']);
    expect(kindsOf(decoyOffer(policy, 'reset', both))).toEqual(['sms', 'email']);
    expect(
      decoyOffer(policySchema.parse({ name: 'p', methodsRequired: 2 }), 'reset', both).methodsRequired,
    ).toBe(2);
  });

  it('adds enrollments for resets only, and second methods where a source can give them', () => {
    const policy = policySchema.parse({ name: 'default' });
    expect(decoyOffer(policy, 'reset', both)).toEqual({
      kinds: [
        { kind: 'sms', ranks: [0] },
        { kind: 'email', ranks: [0] },
      ],
      second: [{ kind: 'sms', ranks: [0] }],
      enrolled: ['sms', 'email'],
      maxEnrollments: 5,
      methodsRequired: 1,
    });
    expect(decoyOffer(policy, 'enroll', both).enrolled).toEqual([]);
    // SMS only through enrollments: never in an enroll list, only as an enrollment in a reset.
    const profile = policySchema.parse({
      name: 'p',
      methods: { sms: { sources: ['enrolled'] }, email: { sources: ['registered', 'profile'] } },
    });
    expect(decoyOffer(profile, 'reset', both)).toMatchObject({
      kinds: [{ kind: 'email', ranks: [0, 2] }],
      second: [{ kind: 'email', ranks: [2] }],
      enrolled: ['sms'],
    });
    expect(decoyOffer(profile, 'enroll', both)).toMatchObject({
      kinds: [{ kind: 'email', ranks: [0, 2] }],
      second: [{ kind: 'email', ranks: [2] }],
      enrolled: [],
    });
    // The profile's one mobile phone gives no second number, and ranks after registered methods.
    const profileSms = policySchema.parse({ name: 'p', methods: { sms: { sources: ['profile'] } } });
    expect(decoyOffer(profileSms, 'enroll', both)).toMatchObject({
      kinds: [
        { kind: 'sms', ranks: [2] },
        { kind: 'email', ranks: [0] },
      ],
      second: [],
      enrolled: [],
    });
    // A registered and a profile mobile: either can come first, and the second may be the profile's.
    const bothSms = policySchema.parse({
      name: 'p',
      methods: { sms: { sources: ['registered', 'profile'] } },
    });
    expect(decoyOffer(bothSms, 'enroll', both)).toMatchObject({
      kinds: [
        { kind: 'sms', ranks: [0, 2] },
        { kind: 'email', ranks: [0] },
      ],
      second: [{ kind: 'sms', ranks: [0, 2] }],
    });
  });

  it('says whether a policy can serve anyone: some method, and as many as it requires', () => {
    const policy = policySchema.parse({ name: 'p', methods: { sms: { allowed: false } } });
    expect(offerServes(decoyOffer(policy, 'reset', both))).toBe(true);
    expect(offerServes(decoyOffer(policy, 'reset', (k) => k === 'sms'))).toBe(false);
    const two = policySchema.parse({ name: 'p', methods: { sms: { allowed: false } }, methodsRequired: 2 });
    // One registered address, and enrollments in resets only.
    expect(offerServes(decoyOffer(two, 'reset', both))).toBe(true);
    expect(offerServes(decoyOffer(two, 'enroll', both))).toBe(false);
  });
});

describe('decoyMethods', () => {
  const wide: DecoyOffer = {
    kinds: [
      { kind: 'sms', ranks: [0] },
      { kind: 'email', ranks: [0] },
    ],
    second: [
      { kind: 'sms', ranks: [0] },
      { kind: 'email', ranks: [2] },
    ],
    enrolled: ['sms', 'email'],
    maxEnrollments: 1,
    methodsRequired: 1,
  };

  it('shows only the offered kinds', () => {
    const emailOnly: DecoyOffer = {
      kinds: [{ kind: 'email', ranks: [0] }],
      second: [],
      enrolled: ['email'],
      maxEnrollments: 1,
      methodsRequired: 1,
    };
    const kinds = new Set(
      names(300).flatMap((n) => decoyMethods(key, n, 'DK', [], emailOnly).map((m) => m.kind)),
    );
    expect([...kinds]).toEqual(['email']);
    for (const n of names(300)) expect(decoyMethods(key, n, 'DK', [], emailOnly).length).toBeGreaterThan(0);
  });

  it('sometimes shows a second method of a kind, numbered as real lists are', () => {
    const ids = new Map<string, number>();
    for (const n of names(2000)) {
      const methods = decoyMethods(key, n, 'DK', [], wide);
      for (const kind of ['sms', 'email']) {
        const mine = methods.filter((m) => m.kind === kind).map((m) => m.id);
        expect(mine).toEqual(mine.map((_, i) => `${kind}:${i + 1}`));
      }
      expect(new Set(methods.map((m) => m.destination)).size).toBe(methods.length);
      for (const m of methods) ids.set(m.id, (ids.get(m.id) ?? 0) + 1);
    }
    // Alternate mobiles and profile addresses (1 in 20) and enrollments (1 in 8): a minority.
    expect(ids.get('sms:2') ?? 0).toBeGreaterThan(60);
    expect(ids.get('email:2') ?? 0).toBeGreaterThan(60);
    expect((ids.get('sms:2') ?? 0) + (ids.get('email:2') ?? 0)).toBeLessThan(700);
  });

  it('shows no second method where no source can give one', () => {
    const single: DecoyOffer = { ...wide, second: [], enrolled: [] };
    for (const n of names(1000)) {
      expect(decoyMethods(key, n, 'DK', [], single).map((m) => m.id)).not.toContain('sms:2');
      expect(decoyMethods(key, n, 'DK', [], single).map((m) => m.id)).not.toContain('email:2');
    }
  });

  it('shows an enrollment in a reset and not in an enrollment, like a real user (T12)', () => {
    const enrollOffer: DecoyOffer = { ...wide, enrolled: [] };
    let differ = 0;
    for (const n of names(1000)) {
      const reset = decoyMethods(key, n, 'DK', [], wide);
      const enroll = decoyMethods(key, n, 'DK', [], enrollOffer);
      expect(isOrderedSubset(enroll, reset)).toBe(true);
      expect(reset.length - enroll.length).toBeLessThanOrEqual(1);
      if (reset.length !== enroll.length) differ++;
    }
    expect(differ).toBeGreaterThan(80);
    expect(differ).toBeLessThan(200);
  });

  it('orders methods as real lists do: registered, then enrollments, then profile fields', () => {
    const profileSms: DecoyOffer = {
      kinds: [
        { kind: 'sms', ranks: [2] },
        { kind: 'email', ranks: [0] },
      ],
      second: [],
      enrolled: ['email'],
      maxEnrollments: 1,
      methodsRequired: 1,
    };
    const orders = new Set<string>();
    for (const n of names(1000)) {
      const kinds = decoyMethods(key, n, 'DK', [], profileSms).map((m) => m.kind);
      // The profile's number comes after every registered and enrolled address.
      if (kinds.includes('sms')) expect(kinds.at(-1)).toBe('sms');
      orders.add(kinds.join(','));
    }
    expect(orders).toContain('email,sms');
    expect(orders).toContain('email,email,sms');
    // Only enrollments offered: the decoy's methods stand for them (nothing would be a tell).
    const onlyEnrolled: DecoyOffer = {
      kinds: [],
      second: [],
      enrolled: ['sms'],
      maxEnrollments: 1,
      methodsRequired: 1,
    };
    for (const n of names(50)) {
      expect(decoyMethods(key, n, 'DK', [], onlyEnrolled).map((m) => m.id)).toEqual(['sms:1']);
    }
  });

  it('shows at least the methods the policy requires, wherever a real user could have them', () => {
    const two = { ...wide, methodsRequired: 2 };
    const smsOnly: DecoyOffer = {
      kinds: [{ kind: 'sms', ranks: [0] }],
      second: [{ kind: 'sms', ranks: [0] }],
      enrolled: [],
      maxEnrollments: 0,
      methodsRequired: 2,
    };
    const emailOnly: DecoyOffer = {
      kinds: [{ kind: 'email', ranks: [0] }],
      second: [],
      enrolled: ['sms'],
      maxEnrollments: 1,
      methodsRequired: 2,
    };
    const twoShapes = new Map<string, number>();
    for (const n of names(400)) {
      const methods = decoyMethods(key, n, 'DK', [], two);
      expect(methods.length).toBeGreaterThanOrEqual(2);
      const shape = methods.map((m) => m.kind).join('+');
      twoShapes.set(shape, (twoShapes.get(shape) ?? 0) + 1);
      expect(decoyMethods(key, n, 'DK', [], smsOnly).map((m) => m.id)).toEqual(['sms:1', 'sms:2']);
      // The one e-mail address and a MyPass enrollment, as a real user under this policy has them.
      expect(decoyMethods(key, n, 'DK', [], emailOnly).map((m) => m.id)).toEqual(['email:1', 'sms:1']);
    }
    // Like real users under such a policy: mostly a number and an address, sometimes two numbers.
    expect(twoShapes.get('sms+email') ?? 0).toBeGreaterThan(200);
    expect(twoShapes.get('sms+sms') ?? 0).toBeGreaterThan(20);
  });

  it('draws numbers only from the SMS allow-list, and real mobile numbers in every allowed country', () => {
    const regions = new Set<string>();
    for (const n of names(300)) {
      for (const m of decoyMethods(key, n, 'DK', ['SE', 'NO'])) {
        if (m.kind === 'sms') regions.add(parsePhoneNumberFromString(m.destination)?.country ?? '');
      }
    }
    expect([...regions].sort()).toEqual(['NO', 'SE']);
    for (const region of defaultSmsCountries) {
      for (const n of names(100)) {
        for (const m of decoyMethods(key, n, region, [region])) {
          if (m.kind !== 'sms') continue;
          const phone = parsePhoneNumberFromString(m.destination);
          expect(phone?.isValid(), m.destination).toBe(true);
          expect(['MOBILE', 'FIXED_LINE_OR_MOBILE'], m.destination).toContain(phone?.getType());
        }
      }
    }
  });

  /** SMS from registered methods and the profile's mobile phone, e-mail registered. */
  const profileMobileOffer: DecoyOffer = {
    kinds: [
      { kind: 'sms', ranks: [0, 2] },
      { kind: 'email', ranks: [0] },
    ],
    second: [{ kind: 'sms', ranks: [0, 2] }],
    enrolled: [],
    maxEnrollments: 0,
    methodsRequired: 1,
  };

  it('shows a profile mobile after the registered address, or beside a registered mobile, as real lists do', () => {
    const offer = profileMobileOffer;
    const shapes = new Set<string>();
    for (const n of names(4000))
      shapes.add(
        decoyMethods(key, n, 'DK', [], offer)
          .map((m) => m.kind)
          .join('+'),
      );
    expect(shapes).toContain('email+sms');
    expect(shapes).toContain('sms+email+sms');
    expect(shapes).toContain('sms+sms+email');
  });

  it('shows several enrollments for a few names, up to the policy’s maximum', () => {
    const many: DecoyOffer = { ...wide, second: [], maxEnrollments: 5 };
    const counts = new Map<number, number>();
    for (const n of names(4000)) {
      const enrolled =
        decoyMethods(key, n, 'DK', [], many).length -
        decoyMethods(key, n, 'DK', [], { ...many, enrolled: [], maxEnrollments: 0 }).length;
      counts.set(enrolled, (counts.get(enrolled) ?? 0) + 1);
    }
    expect(counts.get(1) ?? 0).toBeGreaterThan(300);
    expect(counts.get(2) ?? 0).toBeGreaterThan(20);
    expect(Math.max(...counts.keys())).toBeLessThanOrEqual(5);
  });

  it('never shows two profile mobiles: beside a profile number the second is registered', () => {
    const offer: DecoyOffer = { ...profileMobileOffer, methodsRequired: 2 };
    for (const n of names(20000)) {
      expect(
        decoyMethods(key, n, 'DK', [], offer)
          .map((m) => m.kind)
          .join(','),
      ).not.toBe('email,sms,sms');
    }
  });

  it('keeps at a door what the shown policy offers of a list, tops it up with kinds it lacks, in real order', () => {
    const own: FlowMethod[] = [
      { id: 'email:1', kind: 'email', hint: 'a•••@o•••.com', destination: 'a@o.com', source: 'registered' },
      { id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 01', destination: '+4520000001', source: 'enrolled' },
    ];
    const invented = decoyMethods(key, 'x', 'DK', [], wide);
    const two = policySchema.parse({ name: 'two', methodsRequired: 2 });
    // At an enroll door the enrollment goes, and the list is topped up: an SMS first (it lacks one).
    const atEnroll = decoyListAtDoor(own, two, both, 'enroll', [
      { id: 'email:1', kind: 'email', hint: 'b•••@g•••.com', destination: 'b@g.com', source: 'registered' },
      { id: 'sms:1', kind: 'sms', hint: '+45 •• •• •• 99', destination: '+4520000099', source: 'registered' },
    ]);
    expect(atEnroll.map((m) => `${m.id} ${m.hint}`)).toEqual([
      'sms:1 +45 •• •• •• 99',
      'email:1 a•••@o•••.com',
    ]);
    // At a reset door both stay, registered before enrolled.
    expect(decoyListAtDoor(own, two, both, 'reset', invented).map((m) => m.id)).toEqual(['email:1', 'sms:1']);
    // Nothing the shown policy offers: the invented list.
    const smsOff = policySchema.parse({
      name: 'p',
      methods: { sms: { allowed: false }, email: { allowed: false } },
    });
    expect(decoyListAtDoor(own, smsOff, both, 'reset', invented)).toEqual(invented);
  });

  it('ends some e-mail hints in the decoy country’s domain, most in global ones', () => {
    const tlds = new Map<string, number>();
    for (const n of names(1000)) {
      for (const m of decoyMethods(key, n, 'GB', [], wide)) {
        if (m.kind !== 'email') continue;
        expect(m.hint).toMatch(/^[a-z]•••@[a-z]•••\.[a-z]+$/);
        const tld = /\.([a-z]+)$/.exec(m.hint)?.[1] ?? '';
        tlds.set(tld, (tlds.get(tld) ?? 0) + 1);
      }
    }
    const total = [...tlds.values()].reduce((a, b) => a + b, 0);
    expect((tlds.get('uk') ?? 0) / total).toBeGreaterThan(0.2);
    expect((tlds.get('uk') ?? 0) / total).toBeLessThan(0.4);
    expect(tlds.get('gb')).toBeUndefined();
    expect(tlds.get('com') ?? 0).toBeGreaterThan(total / 3);
  });
});

describe('decoy shares (flows.decoyShares)', () => {
  const wideOffer = decoyOffer(
    policySchema.parse({
      name: 'wide',
      methods: {
        sms: { sources: ['registered', 'enrolled', 'profile'] },
        email: { sources: ['registered', 'enrolled', 'profile'] },
      },
    }),
    'reset',
    both,
  );
  const countries = ['DK', 'SE', 'NO', 'DE'];
  const sample = names(4000);
  /** The share of `sample` whose decoy list (under `shares`) passes `test`. */
  const shareOf = (shares: DecoyShares, test: (methods: FlowMethod[]) => boolean): number =>
    sample.filter((n) => test(decoyMethods(key, n, 'DK', countries, wideOffer, undefined, shares))).length /
    sample.length;
  const kinds = (ms: FlowMethod[]) => [...new Set(ms.map((m) => m.kind))].sort().join();
  const directoryHeld = (ms: FlowMethod[]) => ms.filter((m) => m.source !== 'enrolled');
  const region = (ms: FlowMethod[]) =>
    parsePhoneNumberFromString(ms.find((m) => m.kind === 'sms')?.destination ?? '')?.country;
  const tests: Record<string, (ms: FlowMethod[]) => boolean> = {
    smsAndEmail: (ms) => kinds(directoryHeld(ms)) === 'email,sms',
    alternateMobile: (ms) => directoryHeld(ms).filter((m) => m.kind === 'sms').length === 2,
    secondEmail: (ms) => directoryHeld(ms).filter((m) => m.kind === 'email').length === 2,
    enrollment: (ms) => ms.some((m) => m.source === 'enrolled'),
    profileSource: (ms) => ms.some((m) => m.kind === 'sms' && m.source === 'profile'),
    defaultRegion: (ms) => region(ms) === 'DK',
    nationalEmailDomain: (ms) =>
      /\.(dk|se|no|de)$/.test(ms.find((m) => m.kind === 'email')?.destination ?? ''),
  };

  it('are the defaults the schema gives a configuration without them', () => {
    expect(flowsConfigSchema.parse({ decoyKey: key }).decoyShares).toEqual(defaultDecoyShares);
    expect(defaultDecoyShares).toMatchObject({ lastPolicy: 0.75, smsAndEmail: 0.5, alternateMobile: 0.05 });
  });

  it('refuse more than all names between the SMS-and-e-mail and the SMS-alone shares', () => {
    const bad = { decoyKey: key, decoyShares: { smsAndEmail: 0.7, smsOnly: 0.4 } };
    expect(flowsConfigSchema.safeParse(bad).success).toBe(false);
    expect(
      flowsConfigSchema.safeParse({ ...bad, decoyShares: { smsAndEmail: 0.7, smsOnly: 0.3 } }).success,
    ).toBe(true);
  });

  it('move each shape to the share configured for it', () => {
    const changed: Partial<DecoyShares> = {
      smsAndEmail: 0.85,
      smsOnly: 0.05,
      alternateMobile: 0.3,
      secondEmail: 0.4,
      enrollment: 0.5,
      profileSource: 0.6,
      defaultRegion: 0.2,
      nationalEmailDomain: 0.9,
    };
    const shares = { ...defaultDecoyShares, ...changed };
    for (const [field, test] of Object.entries(tests)) {
      const measured = shareOf(shares, test);
      const before = shareOf(defaultDecoyShares, test);
      // Shapes the defaults rarely show become common, and the reverse (within sampling error and
      // the names a policy's required count or a missing kind moves).
      expect(Math.abs(measured - before), field).toBeGreaterThan(0.1);
      if (field === 'smsAndEmail' || field === 'alternateMobile' || field === 'enrollment') {
        const want = changed[field as keyof DecoyShares] ?? 0;
        expect(measured, field).toBeGreaterThan(want - 0.05);
        expect(measured, field).toBeLessThan(want + 0.05);
      }
    }
  });

  it('move only the names across a changed share: a larger share keeps every name a smaller one picked', () => {
    const picked = (alternateMobile: number) =>
      new Set(
        sample.filter((n) =>
          tests.alternateMobile?.(
            decoyMethods(key, n, 'DK', countries, wideOffer, undefined, {
              ...defaultDecoyShares,
              alternateMobile,
            }),
          ),
        ),
      );
    const small = picked(0.05);
    const large = picked(0.12);
    expect(large.size).toBeGreaterThan(small.size);
    for (const n of small) expect(large.has(n)).toBe(true);
    // Nothing but that shape moves: every other name's list is the same.
    for (const n of sample.slice(0, 500).filter((x) => !large.has(x) || small.has(x))) {
      expect(
        decoyMethods(key, n, 'DK', countries, wideOffer, undefined, {
          ...defaultDecoyShares,
          alternateMobile: 0.12,
        }),
      ).toEqual(decoyMethods(key, n, 'DK', countries, wideOffer));
    }
  });

  it('draw the number of enrollments and their kind with their own shares', () => {
    const enrolledOf = (shares: Partial<DecoyShares>) =>
      sample.map((n) =>
        decoyMethods(key, n, 'DK', countries, wideOffer, undefined, {
          ...defaultDecoyShares,
          ...shares,
        }).filter((m) => m.source === 'enrolled'),
      );
    // Many with one enrollment, none with a second, all numbers.
    const single = enrolledOf({ enrollment: 0.6, anotherEnrollment: 0, enrolledSms: 1 });
    const withOne = single.filter((e) => e.length > 0).length / sample.length;
    expect(Math.abs(withOne - 0.6)).toBeLessThan(0.04);
    expect(single.every((e) => e.length <= 1)).toBe(true);
    expect(single.flat().every((m) => m.kind === 'sms')).toBe(true);
    // Every enrollment an address; most with enrollments have another.
    const many = enrolledOf({ enrollment: 0.6, anotherEnrollment: 0.8, enrolledSms: 0 });
    expect(many.flat().every((m) => m.kind === 'email')).toBe(true);
    const holders = many.filter((e) => e.length > 0);
    expect(holders.filter((e) => e.length >= 2).length / holders.length).toBeGreaterThan(0.7);
  });

  it('put the configured share of names under the last policy', () => {
    const reachable = [
      policySchema.parse({ name: 'two', groups: [g2] }),
      policySchema.parse({ name: 'default' }),
    ];
    const lastShare = (lastPolicy: number) =>
      sample.filter(
        (n) => decoyPolicy(key, n, reachable, { ...defaultDecoyShares, lastPolicy })?.name === 'default',
      ).length / sample.length;
    expect(lastShare(1)).toBe(1);
    expect(lastShare(0)).toBe(0);
    expect(Math.abs(lastShare(0.4) - 0.4)).toBeLessThan(0.04);
    expect(Math.abs(lastShare(0.75) - 0.75)).toBeLessThan(0.04);
  });
});

describe('decoy e-mail domains (flows.decoyEmailDomains)', () => {
  const sample = names(4000);
  // E-mail alone, never at a national domain: every address from the list.
  const globalOnly = { ...defaultDecoyShares, nationalEmailDomain: 0, smsAndEmail: 0, smsOnly: 0 };
  const addressesOf = (n: string, domains?: Record<string, number>) =>
    decoyMethods(key, n, 'DK', ['DK'], fullDecoyOffer, undefined, globalOnly, { domains }).filter(
      (m) => m.kind === 'email',
    );
  const domainsOf = (domains?: Record<string, number>) =>
    sample.flatMap((n) => addressesOf(n, domains).map((m) => m.destination.split('@')[1] ?? ''));
  const shareIn = (all: string[], domain: string) => all.filter((d) => d === domain).length / all.length;

  it('default to the seven global providers, equally often, and the schema gives them', () => {
    expect(flowsConfigSchema.parse({ decoyKey: key }).decoyEmailDomains).toEqual(defaultDecoyEmailDomains);
    const all = domainsOf();
    expect(new Set(all)).toEqual(new Set(Object.keys(defaultDecoyEmailDomains)));
    for (const domain of Object.keys(defaultDecoyEmailDomains)) {
      expect(Math.abs(shareIn(all, domain) - 1 / 7), domain).toBeLessThan(0.03);
    }
  });

  it('show each configured domain as often as its weight says, and no other', () => {
    // A tenant whose people use Gmail and Yahoo; `s.com` stands for rarer s….com domains.
    const weights = { 'gmail.com': 6, 'yahoo.com': 2, 's.com': 2 };
    const all = domainsOf(weights);
    expect(new Set(all)).toEqual(new Set(Object.keys(weights)));
    expect(Math.abs(shareIn(all, 'gmail.com') - 0.6)).toBeLessThan(0.03);
    expect(Math.abs(shareIn(all, 'yahoo.com') - 0.2)).toBeLessThan(0.03);
    expect(Math.abs(shareIn(all, 's.com') - 0.2)).toBeLessThan(0.03);
    // The hint shows the domain's first letter and its ending, never the rest.
    const hints = sample.slice(0, 50).flatMap((n) => addressesOf(n, weights).map((m) => m.hint));
    expect(
      hints.every((h) => /^[a-z]•••@[gys]•••\.com$/.test(h)),
      hints.join(),
    ).toBe(true);
  });

  it('draw a configured list by weight for every decoy, national domains included, whatever its country', () => {
    const weights = { 'gmail.com': 1, 'jubii.dk': 3 };
    const swedish = sample.flatMap((n) =>
      decoyMethods(
        key,
        n,
        'SE',
        ['SE'],
        fullDecoyOffer,
        undefined,
        { ...globalOnly, nationalEmailDomain: 1 },
        { domains: weights },
      ).flatMap((m) => (m.kind === 'email' ? [m.destination.split('@')[1] ?? ''] : [])),
    );
    // Real users' endings are not tied to their number's country: no .se a real list never shows.
    expect(new Set(swedish)).toEqual(new Set(['gmail.com', 'jubii.dk']));
    expect(Math.abs(shareIn(swedish, 'jubii.dk') - 0.75)).toBeLessThan(0.03);
  });

  it('treat the default domains written in another order, or weighted alike, as the default', () => {
    const reversed = Object.fromEntries(
      Object.keys(defaultDecoyEmailDomains)
        .reverse()
        .map((d) => [d, 2]),
    );
    const lists = (domains?: Record<string, number>) =>
      sample.slice(0, 300).map((n) =>
        decoyMethods(key, n, 'DK', ['DK', 'SE'], fullDecoyOffer, undefined, defaultDecoyShares, {
          domains,
        }),
      );
    expect(lists(reversed)).toEqual(lists());
  });

  it('keep every name’s draw: the same domain, run after run', () => {
    const weights = { 'gmail.com': 3, 'yahoo.com': 1 };
    expect(domainsOf(weights)).toEqual(domainsOf({ ...weights }));
  });

  it('refuse what is not a lower-case domain, a weight that is not positive, and an empty list', () => {
    const parse = (decoyEmailDomains: unknown) =>
      flowsConfigSchema.safeParse({ decoyKey: key, decoyEmailDomains }).success;
    expect(parse({ 'gmail.com': 1, 'øst.dk': 0.5, 'xn--80ak6aa92e.com': 1, 'mail.xn--p1ai': 1 })).toBe(true);
    expect(parse({ 'Gmail.com': 1 })).toBe(false);
    expect(parse({ 'a@gmail.com': 1 })).toBe(false);
    expect(parse({ gmail: 1 })).toBe(false);
    expect(parse({ 'gmail.com': 0 })).toBe(false);
    expect(parse({ 'gmail.com': -1 })).toBe(false);
    expect(parse({})).toBe(false);
  });
});

describe('decoy e-mail first letters (flows.decoyEmailInitials)', () => {
  const sample = names(4000);
  const firstLetters = (initials?: Record<string, number>) =>
    sample.flatMap((n) =>
      decoyMethods(key, n, 'DK', ['DK'], fullDecoyOffer, undefined, defaultDecoyShares, { initials })
        .filter((m) => m.kind === 'email')
        .map((m) => m.hint.charAt(0)),
    );
  const shareIn = (all: string[], letter: string) => all.filter((l) => l === letter).length / all.length;

  it('default to a–z, equally often, and the schema gives them', () => {
    expect(flowsConfigSchema.parse({ decoyKey: key }).decoyEmailInitials).toEqual(defaultDecoyEmailInitials);
    const all = firstLetters();
    expect(new Set(all).size).toBe(26);
    expect(Math.abs(shareIn(all, 'x') - 1 / 26)).toBeLessThan(0.015);
  });

  it('begin addresses with each configured letter as often as its weight says, and no other', () => {
    const all = firstLetters({ m: 3, j: 1 });
    expect(new Set(all)).toEqual(new Set(['m', 'j']));
    expect(Math.abs(shareIn(all, 'm') - 0.75)).toBeLessThan(0.03);
  });

  it('move few decoys when the weights move a little: applying a re-measured list shows in few hints', () => {
    // Two samples' advice for one tenant: the shares differ by 0.09 in all (total variation).
    const first = {
      m: 0.2,
      j: 0.12,
      k: 0.1,
      l: 0.1,
      a: 0.1,
      s: 0.1,
      n: 0.06,
      p: 0.06,
      t: 0.08,
      h: 0.04,
      b: 0.04,
    };
    const second = {
      m: 0.21,
      j: 0.1,
      k: 0.11,
      l: 0.09,
      a: 0.11,
      s: 0.09,
      n: 0.06,
      p: 0.07,
      t: 0.07,
      h: 0.05,
      e: 0.04,
    };
    const norm = (w: Record<string, number>) => {
      const total = Object.values(w).reduce((a, b) => a + b, 0);
      return (k: string) => (w[k] ?? 0) / total;
    };
    const [p, q] = [norm(first), norm(second)];
    const keys = new Set([...Object.keys(first), ...Object.keys(second)]);
    const distance = [...keys].reduce((sum, k) => sum + Math.abs(p(k) - q(k)), 0) / 2;
    const before = firstLetters(first);
    const after = firstLetters(second);
    const moved = before.filter((letter, i) => letter !== after[i]).length / before.length;
    // A cumulative draw moved three in four (R13); rendezvous moves about the share that moved (0.135 here).
    expect(moved).toBeLessThan(2 * distance + 0.02);
    expect(moved).toBeGreaterThan(0);
  });

  it('refuse more than one character, capitals, a weight that is not positive, and an empty list', () => {
    const parse = (decoyEmailInitials: unknown) =>
      flowsConfigSchema.safeParse({ decoyKey: key, decoyEmailInitials }).success;
    expect(parse({ m: 2, ø: 1, '7': 0.1 })).toBe(true);
    expect(parse({ mj: 1 })).toBe(false);
    expect(parse({ M: 1 })).toBe(false);
    expect(parse({ m: 0 })).toBe(false);
    expect(parse({})).toBe(false);
  });
});

describe('decoy numbers abroad (flows.decoyCountries)', () => {
  const sample = names(4000);
  const regionsOf = (
    smsCountries: readonly string[],
    countries?: Record<string, number>,
    defaultRegion = 'DK',
    shares: DecoyShares = defaultDecoyShares,
  ) =>
    sample.flatMap((n) =>
      decoyMethods(key, n, defaultRegion, smsCountries, fullDecoyOffer, undefined, shares, {
        countries,
      }).flatMap((m) => (m.kind === 'sms' ? [parsePhoneNumberFromString(m.destination)?.country ?? ''] : [])),
    );
  const shareIn = (all: string[], region: string) => all.filter((r) => r === region).length / all.length;
  const allowList = ['DK', 'SE', 'NO', 'DE', 'MT'];

  it('spread numbers abroad evenly over the allow-list when left out, which the schema does', () => {
    expect(flowsConfigSchema.parse({ decoyKey: key }).decoyCountries).toBeUndefined();
    const all = regionsOf(allowList);
    expect(Math.abs(shareIn(all, 'DK') - 0.7)).toBeLessThan(0.03);
    for (const region of ['SE', 'NO', 'DE', 'MT']) {
      expect(Math.abs(shareIn(all, region) - 0.075), region).toBeLessThan(0.02);
    }
  });

  it('draw numbers abroad by weight, and keep the default region’s share', () => {
    // A Danish workforce with Swedes and some Germans; Malta on the allow-list for one traveller.
    const all = regionsOf(allowList, { SE: 6, DE: 3, NO: 1 });
    expect(new Set(all)).toEqual(new Set(['DK', 'SE', 'DE', 'NO']));
    expect(Math.abs(shareIn(all, 'DK') - 0.7)).toBeLessThan(0.03);
    const abroad = all.filter((r) => r !== 'DK');
    expect(Math.abs(shareIn(abroad, 'SE') - 0.6)).toBeLessThan(0.04);
    expect(Math.abs(shareIn(abroad, 'DE') - 0.3)).toBeLessThan(0.04);
    expect(Math.abs(shareIn(abroad, 'NO') - 0.1)).toBeLessThan(0.03);
    // The same name, the same country, run after run.
    expect(regionsOf(allowList, { SE: 6, DE: 3, NO: 1 })).toEqual(all);
  });

  it('never draw a listed country the allow-list leaves out', () => {
    expect(new Set(regionsOf(['DK', 'SE'], { SE: 1, DE: 5 }))).toEqual(new Set(['DK', 'SE']));
    // A default region off the allow-list never shows: every number is from the list.
    expect(new Set(regionsOf(['SE', 'DE', 'NO'], { SE: 9, DE: 1 }))).toEqual(new Set(['SE', 'DE']));
  });

  it('tell the region a name’s numbers are drawn in, for a top-up at another policy’s door (R16 F4)', () => {
    const countries = { SE: 6, DE: 3, NO: 1 };
    for (const n of sample.slice(0, 300)) {
      const numbers = decoyMethods(key, n, 'DK', allowList, fullDecoyOffer, undefined, defaultDecoyShares, {
        countries,
      }).filter((m) => m.kind === 'sms');
      const region = decoyRegionFor(key, n, 'DK', allowList, defaultDecoyShares, countries);
      for (const m of numbers) expect(parsePhoneNumberFromString(m.destination)?.country, n).toBe(region);
    }
    // A member's usable region is kept; one off the allow-list is not.
    expect(decoyRegionFor(key, 'x', 'DK', allowList, defaultDecoyShares, countries, 'NO')).toBe('NO');
    expect(['DK', 'SE', 'DE', 'NO']).toContain(
      decoyRegionFor(key, 'x', 'DK', allowList, defaultDecoyShares, countries, 'US'),
    );
  });

  it('refuse what is not an upper-case region libphonenumber knows, a weight that is not positive, and an empty list', () => {
    const parse = (decoyCountries: unknown) =>
      flowsConfigSchema.safeParse({ decoyKey: key, decoyCountries }).success;
    expect(parse({ SE: 0.6, DE: 0.4 })).toBe(true);
    expect(parse({ se: 1 })).toBe(false);
    expect(parse({ SWE: 1 })).toBe(false);
    expect(parse({ ZZ: 1 })).toBe(false);
    expect(parse({ SE: 0 })).toBe(false);
    expect(parse({})).toBe(false);
  });
});

describe('decoys across versions', () => {
  it('stay what they were: a name whose decoy changes in an upgrade shows it is not a user', () => {
    // A digest of 2000 names' lists and home policies, recorded when the shares became configurable
    // (the same before it). Change it only on purpose, and say in the release notes that decoys move.
    const wideTwo = decoyOffer(
      policySchema.parse({
        name: 'wide',
        methodsRequired: 2,
        methods: {
          sms: { sources: ['registered', 'enrolled', 'profile'] },
          email: { sources: ['registered', 'enrolled', 'profile'] },
        },
      }),
      'reset',
      both,
    );
    const policies = [policySchema.parse({ name: 'a', groups: [g1] }), policySchema.parse({ name: 'b' })];
    const hash = createHash('sha256');
    for (const n of names(2000)) {
      hash.update(
        JSON.stringify([
          decoyMethods(key, n, 'DK', ['DK', 'SE', 'GB'], fullDecoyOffer),
          decoyMethods(key, n, 'DE', ['DE', 'AT'], wideTwo),
          decoyPolicy(key, n, policies)?.name,
        ]),
      );
    }
    expect(hash.digest('hex')).toBe('8fdf0a6cca9d1877280feab8bfdf4e21f2cde160730be7070165d071b4d7a391');
  });
});
