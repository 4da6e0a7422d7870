// Doctor's `decoy.shares` check (T2): the finding on its own (thresholds, each field, rounding, the
// YAML to paste), then the sample read from the emulator as a reset reads it, with a tenant whose
// shapes the test controls, then a whole doctor run, whose report names no sampled user.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_API_APP_ROLES,
  startEmulator,
  type EmulatorSeedUser,
  type RunningEmulator,
} from '@mypass/entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/commands.js';
import { doctor } from '../../src/cli/doctor-command.js';
import {
  DEFAULT_DECOY_SAMPLE,
  decoyShareFindings,
  doctorSampleKey,
  measureDecoyShares,
  measureSample,
  measureSharesOfLists,
  sampleLicensedUsers,
  shareTolerance,
  withEnrollmentReader,
  type MeasuredSample,
  type MeasuredShares,
  type PolicyShares,
  type ShareField,
  type ShareSettings,
} from '../../src/cli/doctor-decoy-shares.js';
import type { Finding } from '../../src/cli/doctor-findings.js';
import type { MyPassConfig } from '../../src/config/schema.js';
import { createEntraConnection, type EntraConnection } from '../../src/directory/entra-connection.js';
import { isNationalEmailDomain } from '../../src/flows-service/decoy-methods.js';
import { decoySharesSchema, type DecoyShares } from '../../src/flows-service/flows-config.js';
import type { CandidateMethod } from '../../src/policy/eligibility.js';
import { policiesConfigSchema, type Policy } from '../../src/policy/policy-config.js';
import { openStore } from '../../src/store/open-store.js';
import { checkPhoneNumber } from '../../src/delivery/phone-numbers.js';
import { emulatorDirectoryConfig, emulatorDirectorySection } from '../directory/emulator-config.js';

const defaults: DecoyShares = decoySharesSchema.parse(undefined);
const fields = Object.keys(defaults) as ShareField[];
const only = (finding: Finding[]): Finding => {
  expect(finding).toHaveLength(1);
  return finding[0] as Finding;
};
/** The `flows.decoyShares` block of a warn's fix, parsed, as an administrator would paste it. */
const pasted = (f: Finding): Record<string, number> => {
  const lines = (f.fix ?? '').split('\n');
  const at = lines.indexOf('flows:');
  if (at < 0) return {};
  const block = [
    lines[at],
    ...lines.slice(at + 1).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('  '))),
  ];
  return (parseYaml(block.join('\n')) as { flows: { decoyShares: Record<string, number> } }).flows
    .decoyShares;
};
/** The `flows.decoyEmailDomains` block of a warn's fix, parsed, as an administrator would paste it. */
const pastedDomains = (f: Finding): Record<string, number> => {
  const lines = (f.fix ?? '').split('\n');
  const at = lines.indexOf('  decoyEmailDomains:');
  if (at < 0) return {};
  const entries = lines
    .slice(at + 1)
    .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('    ')));
  return parseYaml(entries.map((l) => l.slice(4)).join('\n')) as Record<string, number>;
};
/** The `flows.decoyEmailInitials` line of a warn's fix, parsed. */
const pastedInitials = (f: Finding): Record<string, number> => {
  const line = (f.fix ?? '').split('\n').find((l) => l.startsWith('  decoyEmailInitials: '));
  return line ? (parseYaml(line.slice('  decoyEmailInitials: '.length)) as Record<string, number>) : {};
};
/** The per-policy lines of a warn's fix, parsed: policy name → its own decoyShares. */
const pastedPolicies = (f: Finding): Record<string, Record<string, number>> =>
  Object.fromEntries(
    (f.fix ?? '').split('\n').flatMap((line) => {
      const m = /^access\.policies\[\d+\] "(.+)" → decoyShares: (\{.*\})$/.exec(line);
      return m ? [[m[1], parseYaml(m[2] ?? '') as Record<string, number>]] : [];
    }),
  );
const VISIBLE =
  "Applying new shares is visible: many decoys change at once while real users' lists stay, so anyone who looked at the same names before and after learns which are unknown. Tune them before the service is open to users, or change them rarely.";

const one = { name: 'default' } as const;
const settingsOf = (
  policies: readonly Pick<Policy, 'name' | 'decoyShares' | 'decoyCountries'>[] = [one],
  extra: Partial<ShareSettings> = {},
): ShareSettings => ({
  decoyShares: defaults,
  policies,
  defaultRegion: 'DK',
  smsCountries: ['DK'],
  ...extra,
});
/** A sample of `n` served users under one policy named "default". */
const single = (measured: MeasuredShares, n: number): MeasuredSample => {
  const { lastPolicy: _all, ...shares } = measured;
  return {
    shares: measured,
    byPolicy: [{ policy: 'default', served: n, shares }],
    eligible: n,
    sms: { users: 0, regions: [] },
  };
};
/** A sample of several policies (served, shares); the overall shares are not needed by the finding but lastPolicy. */
const several = (parts: PolicyShares[], extra: Partial<MeasuredSample> = {}): MeasuredSample => ({
  shares: {},
  byPolicy: parts,
  eligible: parts.reduce((sum, p) => sum + p.served, 0),
  sms: { users: 0, regions: [] },
  ...extra,
});

describe('the decoy.shares finding', () => {
  it('passes when every share is within its tolerance, saying the sample size', () => {
    const measured: MeasuredShares = Object.fromEntries(
      fields.map((f) => [f, { value: defaults[f], n: 500 }]),
    );
    expect(only(decoyShareFindings(single(measured, 500), settingsOf()))).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares match a sample of 500 served users.',
    });
  });

  it('uses max(0.01, 2·√(p(1−p)/n)) as the tolerance', () => {
    expect(shareTolerance(0.5, 100)).toBeCloseTo(0.1, 10);
    expect(shareTolerance(0.05, 400)).toBeCloseTo(2 * Math.sqrt((0.05 * 0.95) / 400), 10);
    expect(shareTolerance(0, 300)).toBe(0.01);
    expect(shareTolerance(1, 300)).toBe(0.01);
    // p = 0.5, n = 100: 0.1 either side.
    const at = (value: number) =>
      only(decoyShareFindings(single({ smsAndEmail: { value, n: 100 } }, 100), settingsOf())).status;
    expect(at(0.59)).toBe('pass');
    expect(at(0.41)).toBe('pass');
    expect(at(0.61)).toBe('warn');
    expect(at(0.39)).toBe('warn');
    // p = 0.05, n = 400: the statistical tolerance (0.022) applies, not a floor of 0.05.
    const alt = (value: number, n = 400) =>
      only(decoyShareFindings(single({ alternateMobile: { value, n } }, n), settingsOf())).status;
    expect(alt(0.07)).toBe('pass');
    expect(alt(0.075)).toBe('warn');
    expect(alt(0.03)).toBe('pass');
    // No alternate mobile among 300 users: decoys showing one in twenty would mark themselves.
    expect(alt(0, 300)).toBe('warn');
    // A configured 0 or 1 tolerates 0.01 of noise and no more.
    const never = { ...defaults, secondEmail: 0 };
    const second = (value: number) =>
      only(
        decoyShareFindings(single({ secondEmail: { value, n: 300 } }, 300), {
          ...settingsOf(),
          decoyShares: never,
        }),
      ).status;
    expect(second(0.01)).toBe('pass');
    expect(second(0.02)).toBe('warn');
  });

  it('judges no share measured on fewer than 30 users, and says so', () => {
    const f = only(decoyShareFindings(single({ secondEmail: { value: 0.9, n: 29 } }, 200), settingsOf()));
    expect(f.status).toBe('pass');
    expect(f.details).toEqual(['Too few users to judge: secondEmail (n = 29).']);
  });

  it.each(fields)('reports %s alone when only it is off, with a fix that pastes', (field) => {
    const p = defaults[field];
    const value = p > 0.5 ? p - 0.4 : p + 0.4;
    const f = only(decoyShareFindings(single({ [field]: { value, n: 1000 } }, 1000), settingsOf()));
    expect(f.status).toBe('warn');
    expect(f.summary).toBe(
      '1 decoy share differs from a sample of 1000 served users: a shape more common among real users than among decoys marks a name as probably real (T2).',
    );
    expect(f.details).toEqual([
      `${field}: configured ${p}, measured ${Math.round(value * 100) / 100} (n = 1000)`,
    ]);
    const values = pasted(f);
    // One of the pair moved beside the other's configured value would pass 1: the other comes along.
    expect(values).toEqual(
      field === 'smsAndEmail'
        ? { smsAndEmail: 0.9, smsOnly: 0.1 }
        : field === 'smsOnly'
          ? { smsAndEmail: 0.3, smsOnly: 0.7 }
          : { [field]: Math.round(value * 100) / 100 },
    );
    // One policy: everything goes under flows.decoyShares.
    expect(pastedPolicies(f)).toEqual({});
    // What doctor says to paste is a valid configuration.
    expect(decoySharesSchema.safeParse({ ...defaults, ...values }).success).toBe(true);
    // And applying it is visible to anyone who looks at the same names before and after.
    expect(f.fix?.split('\n').at(-1)).toBe(VISIBLE);
  });

  it('rounds to two decimals and keeps smsAndEmail + smsOnly at most 1 after rounding', () => {
    const f = only(
      decoyShareFindings(
        single(
          {
            smsAndEmail: { value: 0.625, n: 800 },
            smsOnly: { value: 0.375, n: 800 },
            defaultRegion: { value: 0.87654, n: 800 },
          },
          800,
        ),
        settingsOf(),
      ),
    );
    expect(f.status).toBe('warn');
    expect(f.details).toEqual([
      'smsAndEmail: configured 0.5, measured 0.63 (n = 800)',
      'smsOnly: configured 0.3, measured 0.38 (n = 800)',
      'defaultRegion: configured 0.7, measured 0.88 (n = 800)',
    ]);
    expect(f.fix).toBe(
      [
        'Put the measured values in the configuration, then run doctor again:',
        'flows:',
        '  decoyShares:',
        '    smsAndEmail: 0.63',
        '    smsOnly: 0.37',
        '    defaultRegion: 0.88',
        VISIBLE,
      ].join('\n'),
    );
    expect(decoySharesSchema.safeParse({ ...defaults, ...pasted(f) }).success).toBe(true);
  });

  it('advises both of smsAndEmail and smsOnly when one moves, so e-mail alone keeps its measured share', () => {
    // smsAndEmail alone is within its tolerance; smsOnly is not. Beside 0.5, 0.49 would leave 1 %
    // of decoys with e-mail alone where no real list has it.
    const f = only(
      decoyShareFindings(
        single({ smsAndEmail: { value: 0.51, n: 500 }, smsOnly: { value: 0.49, n: 500 } }, 500),
        settingsOf(),
      ),
    );
    expect(f.status).toBe('warn');
    expect(pasted(f)).toEqual({ smsAndEmail: 0.51, smsOnly: 0.49 });
  });

  it("warns where real users' kinds depend on the country of their number, which shares cannot express", () => {
    const withKinds = (home: { hits: number; n: number }, abroad: { hits: number; n: number }) => ({
      ...single({}, 300),
      kindsByCountry: [{ policy: 'default', home, abroad }],
    });
    // Danes have an address beside their number, Swedes never: decoys would pair them the other way too.
    const apart = only(
      decoyShareFindings(withKinds({ hits: 150, n: 150 }, { hits: 0, n: 150 }), settingsOf()),
    );
    expect(apart.status).toBe('warn');
    expect(apart.details).toContain(
      'policy "default": an e-mail method beside the number for 1 of 150 users with numbers from the default region, 0 of 150 with numbers from elsewhere',
    );
    expect(apart.fix).toContain('a policy of their own');
    // Within chance, or too few abroad to say: nothing.
    expect(
      only(decoyShareFindings(withKinds({ hits: 75, n: 150 }, { hits: 80, n: 150 }), settingsOf())).status,
    ).toBe('pass');
    expect(
      only(decoyShareFindings(withKinds({ hits: 150, n: 150 }, { hits: 0, n: 29 }), settingsOf())).status,
    ).toBe('pass');
  });

  it('splits the kinds by the country of the first number, per policy, for users who need one method', () => {
    const access = policiesConfigSchema.parse({ policies: [{ name: 'default' }] });
    const policy = access.policies[0] as Policy;
    const list = (number: string, email: boolean, methodsRequired = 1) => ({
      policy,
      usageLocation: null,
      methodsRequired,
      methods: [
        { kind: 'sms' as const, source: 'registered' as const, destination: number },
        ...(email ? [{ kind: 'email' as const, source: 'registered' as const, destination: 'a@b.dk' }] : []),
      ],
    });
    const sample = measureSample(
      [
        list('+4520123456', true),
        list('+4520123457', false),
        list('+46701234567', false),
        list('+46701234568', true, 2),
      ],
      { access, defaultRegion: 'DK', enrollmentsRead: false },
    );
    expect(sample.kindsByCountry).toEqual([
      { policy: 'default', home: { hits: 1, n: 2 }, abroad: { hits: 0, n: 1 } },
    ]);
  });

  it('is info, never fail, when the sample is too small or the directory could not be read', () => {
    const small = only(decoyShareFindings(single({ smsAndEmail: { value: 1, n: 29 } }, 29), settingsOf()));
    expect(small).toEqual({
      check: 'decoy.shares',
      status: 'info',
      summary: 'Too few served users in the sample (29) to measure the decoy shares; at least 30 are needed.',
    });
    const failed = only(
      decoyShareFindings(
        { ok: false, code: 'permission_denied', upstreamCode: 'Authorization_RequestDenied' },
        settingsOf(),
      ),
    );
    expect(failed.status).toBe('info');
    expect(failed.summary).toBe(
      'The decoy shares could not be measured: the directory could not be read (Authorization_RequestDenied).',
    );
  });
});

describe('the decoy.shares finding, per policy', () => {
  const field: Pick<Policy, 'name' | 'decoyShares'> = { name: 'field' };
  const office: Pick<Policy, 'name' | 'decoyShares'> = { name: 'office' };

  it('gives each policy its own shares where their members differ, and lastPolicy globally', () => {
    const f = only(
      decoyShareFindings(
        several(
          [
            {
              policy: 'field',
              served: 60,
              shares: { smsAndEmail: { value: 0, n: 60 }, smsOnly: { value: 1, n: 60 } },
            },
            {
              policy: 'office',
              served: 140,
              shares: { smsAndEmail: { value: 1, n: 140 }, smsOnly: { value: 0, n: 140 } },
            },
          ],
          { shares: { lastPolicy: { value: 0.7, n: 200 } } },
        ),
        settingsOf([field, office]),
      ),
    );
    expect(f.status).toBe('warn');
    expect(f.details).toEqual([
      'policy "field" smsAndEmail: configured 0.5, measured 0 (n = 60)',
      'policy "office" smsAndEmail: configured 0.5, measured 1 (n = 140)',
      'policy "field" smsOnly: configured 0.3, measured 1 (n = 60)',
      'policy "office" smsOnly: configured 0.3, measured 0 (n = 140)',
    ]);
    // No single value fits both (pooled, 0.7 fits neither): each its own, nothing global.
    expect(pasted(f)).toEqual({});
    expect(pastedPolicies(f)).toEqual({
      field: { smsAndEmail: 0, smsOnly: 1 },
      office: { smsAndEmail: 1, smsOnly: 0 },
    });
    expect(f.fix).toContain('access.policies[0] "field" → decoyShares: { smsAndEmail: 0, smsOnly: 1 }');
    expect(f.fix).toContain('access.policies[1] "office" → decoyShares: { smsAndEmail: 1, smsOnly: 0 }');
  });

  it('puts a value every policy shares under flows.decoyShares, with lastPolicy', () => {
    const f = only(
      decoyShareFindings(
        several(
          [
            { policy: 'field', served: 60, shares: { defaultRegion: { value: 1, n: 60 } } },
            { policy: 'office', served: 140, shares: { defaultRegion: { value: 0.99, n: 140 } } },
          ],
          { shares: { lastPolicy: { value: 0.5, n: 200 } } },
        ),
        settingsOf([field, office]),
      ),
    );
    expect(f.details).toEqual([
      'lastPolicy: configured 0.75, measured 0.5 (n = 200)',
      'policy "field" defaultRegion: configured 0.7, measured 1 (n = 60)',
      'policy "office" defaultRegion: configured 0.7, measured 0.99 (n = 140)',
    ]);
    expect(pasted(f)).toEqual({ lastPolicy: 0.5, defaultRegion: 0.99 });
    expect(pastedPolicies(f)).toEqual({});
  });

  it('judges a policy against its own shares, and keeps the old global value for one that fits it', () => {
    const own = { name: 'field', decoyShares: { smsOnly: 1, smsAndEmail: 0 } };
    const judge = (officeEmails: number, fieldEmails: number) =>
      only(
        decoyShareFindings(
          several([
            // Matches its own shares: nothing to say, though the global ones differ.
            {
              policy: 'field',
              served: 60,
              shares: {
                smsAndEmail: { value: 0, n: 60 },
                smsOnly: { value: 1, n: 60 },
                ...(fieldEmails > 0 ? { nationalEmailDomain: { value: 0.3, n: fieldEmails } } : {}),
              },
            },
            {
              policy: 'office',
              served: officeEmails,
              shares: {
                smsAndEmail: { value: 0.5, n: officeEmails },
                smsOnly: { value: 0.3, n: officeEmails },
                nationalEmailDomain: { value: 0.9, n: officeEmails },
              },
            },
          ]),
          settingsOf([own, office]),
        ),
      );
    // "field" has no addresses: office's value is everyone's, under flows.decoyShares.
    const alone = judge(300, 0);
    expect(alone.details).toEqual([
      'policy "office" nationalEmailDomain: configured 0.3, measured 0.9 (n = 300)',
    ]);
    expect(pasted(alone)).toEqual({ nationalEmailDomain: 0.9 });
    expect(pastedPolicies(alone)).toEqual({});
    // Pooled with field's 0.3 the value (0.89) still fits "office", so it goes global; "field" fits
    // the old 0.3, not 0.89: it keeps 0.3, and its decoys stay.
    const both = judge(3000, 30);
    expect(pasted(both)).toEqual({ nationalEmailDomain: 0.89 });
    expect(pastedPolicies(both)).toEqual({ field: { nationalEmailDomain: 0.3 } });
    // Pooled (0.8) fits neither: "office" gets its own value, the global one stays.
    const apart = judge(300, 60);
    expect(pasted(apart)).toEqual({});
    expect(pastedPolicies(apart)).toEqual({ office: { nationalEmailDomain: 0.9 } });
  });

  it('judges the members of small policies together against the global values', () => {
    const f = only(
      decoyShareFindings(
        several([
          { policy: 'a', served: 20, shares: { smsAndEmail: { value: 1, n: 20 } } },
          { policy: 'b', served: 20, shares: { smsAndEmail: { value: 1, n: 20 } } },
          { policy: 'office', served: 100, shares: { smsAndEmail: { value: 0.5, n: 100 } } },
        ]),
        settingsOf([{ name: 'a' }, { name: 'b' }, office]),
      ),
    );
    expect(f.details).toEqual([
      'smsAndEmail (policies with fewer than 30 served): configured 0.5, measured 1 (n = 40)',
      'Too few users to judge: policy "a" alone (20 served), policy "b" alone (20 served).',
    ]);
    // The small ones take the global value (the pair at most 1); "office" keeps the old one it fits.
    expect(pasted(f)).toEqual({ smsAndEmail: 1, smsOnly: 0 });
    expect(pastedPolicies(f)).toEqual({ office: { smsAndEmail: 0.5 } });
  });

  it('keeps smsAndEmail + smsOnly at most 1 in every policy after the merge', () => {
    // "field" keeps smsOnly 0.6 of its own; the global smsAndEmail moving to 0.7 would make 1.3.
    const own = { name: 'field', decoyShares: { smsOnly: 0.6 } };
    const f = only(
      decoyShareFindings(
        several([
          { policy: 'field', served: 10, shares: {} },
          {
            policy: 'office',
            served: 300,
            shares: { smsAndEmail: { value: 0.7, n: 300 }, smsOnly: { value: 0.3, n: 300 } },
          },
        ]),
        settingsOf([own, office]),
      ),
    );
    expect(pasted(f)).toEqual({ smsAndEmail: 0.7 });
    expect(pastedPolicies(f)).toEqual({ field: { smsAndEmail: 0.4 } });
  });

  it('lists SMS countries no sampled number is from, once 30 sampled users have numbers', () => {
    const settings = settingsOf([one], { smsCountries: ['DK', 'SE', 'NO', 'FI'] });
    const sample = (users: number): MeasuredSample => ({
      ...single({ defaultRegion: { value: 0.7, n: users } }, 100),
      sms: { users, regions: ['DK', 'SE'] },
    });
    const f = only(decoyShareFindings(sample(30), settings));
    expect(f).toEqual({
      check: 'decoy.shares',
      status: 'warn',
      summary:
        "2 countries on the SMS allow-list are not where any of 30 sampled users' numbers are from: a decoy number from one marks the name as unknown (T2).",
      details: ['SMS allow-list countries no sampled number is from: NO, FI'],
      fix: [
        "Decoys draw their foreign numbers evenly over the SMS allow-list, so a country no real user's number is from marks every decoy that shows it. Drop NO, FI from delivery.smsCountries unless real users abroad need them (a shorter list also narrows SMS pumping, T4):",
        'delivery:',
        '  smsCountries: [DK, SE]',
      ].join('\n'),
    });
    expect(only(decoyShareFindings(sample(29), settings)).status).toBe('pass');
    // The default region is never advised away, even where no number is from it.
    const home = only(
      decoyShareFindings({ ...sample(40), sms: { users: 40, regions: ['SE', 'NO', 'FI'] } }, settings),
    );
    expect(home.status).toBe('pass');
  });
});

/** The `flows.decoyCountries` line of a warn's fix, parsed. */
const pastedCountries = (f: Finding): Record<string, number> => {
  const line = (f.fix ?? '').split('\n').find((l) => l.startsWith('  decoyCountries: '));
  return line ? (parseYaml(line.slice('  decoyCountries: '.length)) as Record<string, number>) : {};
};

describe('countries of numbers abroad (flows.decoyCountries)', () => {
  const allowList = ['DK', 'SE', 'NO', 'DE', 'MT'];
  const abroad = (entries: [string, number][]): MeasuredSample => ({
    ...single({ defaultRegion: { value: 0.7, n: 200 } }, 200),
    countriesAbroad: { entries: entries.map(([region, users]) => ({ region, users })) },
  });

  it('measures the region of each served user’s first number outside the default region', () => {
    const access = policiesConfigSchema.parse({ policies: [{ name: 'default' }] });
    const list = (usageLocation: string | null, ...numbers: string[]) => ({
      policy: access.policies[0] as Policy,
      usageLocation,
      methodsRequired: 1,
      methods: numbers.map((destination) => ({
        kind: 'sms' as const,
        source: 'registered' as const,
        destination,
      })),
    });
    const sample = measureSample(
      [
        list(null, '+4520123456', '+46701234567'),
        list(null, '+46701234568'),
        // Typed without a country code: read in the user's usage location, as delivery reads it.
        list('SE', '0701234569'),
        list('NO', '+4791234567', '+4520123457'),
        list(null),
      ],
      { access, defaultRegion: 'DK', enrollmentsRead: false },
    );
    expect(sample.countriesAbroad).toEqual({
      entries: [
        { region: 'SE', users: 2 },
        { region: 'NO', users: 1 },
      ],
    });
    // And per policy, for a policy's own list.
    expect(sample.byPolicy[0]?.countriesAbroad).toEqual(sample.countriesAbroad);
  });

  it('warns where numbers abroad cluster, which an even spread over the allow-list does not show', () => {
    const measured = abroad([
      ['SE', 40],
      ['DE', 15],
      ['NO', 5],
    ]);
    const finding = only(decoyShareFindings(measured, settingsOf([one], { smsCountries: allowList })));
    expect(finding.status).toBe('warn');
    expect(finding.summary).toBe(
      "The countries of decoys' numbers from outside the default region differ from real users': a country code decoys show far less often than real users marks a name as probably real, one real users' numbers are seldom from marks it unknown (T2).",
    );
    expect(finding.details).toEqual([
      'numbers from SE among those abroad: configured 0.25, measured 0.667 (n = 60)',
      'numbers from MT among those abroad: configured 0.25, measured 0 (n = 60)',
      'numbers from NO among those abroad: configured 0.25, measured 0.083 (n = 60)',
    ]);
    expect(finding.fix).toContain('they replace the even spread over the SMS allow-list');
    expect(finding.fix).toContain('decoyShares.defaultRegion still says how many numbers are from DK');
    expect(finding.fix).toContain('Applying a new list is visible');
    const advised = pastedCountries(finding);
    expect(advised).toEqual({ SE: 0.667, DE: 0.25, NO: 0.083 });
    // Pasted, the same sample passes.
    expect(
      only(
        decoyShareFindings(measured, settingsOf([one], { smsCountries: allowList, decoyCountries: advised })),
      ).status,
    ).toBe('pass');
  });

  it('passes numbers abroad as common as the list says, within chance, and judges none on too few', () => {
    const even = abroad([
      ['SE', 16],
      ['NO', 13],
      ['DE', 17],
      ['MT', 14],
    ]);
    expect(only(decoyShareFindings(even, settingsOf([one], { smsCountries: allowList })))).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares and countries of numbers abroad match a sample of 200 served users.',
    });
    const few = abroad([
      ['SE', 25],
      ['NO', 4],
    ]);
    expect(only(decoyShareFindings(few, settingsOf([one], { smsCountries: allowList })))).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares match a sample of 200 served users.',
      details: [
        'Too few users with a number from outside the default region to judge decoyCountries (n = 29).',
      ],
    });
  });

  it('judges a configured list instead of the allow-list, whose countries off the list decoys never show', () => {
    const measured = {
      ...abroad([
        ['SE', 45],
        ['NO', 15],
      ]),
      sms: { users: 200, regions: ['DK', 'NO', 'SE'] },
    };
    // Evenly over the allow-list: SE is too common, and DE and MT show in no real number.
    const spread = only(decoyShareFindings(measured, settingsOf([one], { smsCountries: allowList })));
    expect(spread.details).toContain('SMS allow-list countries no sampled number is from: DE, MT');
    const listed = settingsOf([one], { smsCountries: allowList, decoyCountries: { SE: 3, NO: 1 } });
    expect(only(decoyShareFindings(measured, listed)).status).toBe('pass');
    const wrong = settingsOf([one], { smsCountries: allowList, decoyCountries: { NO: 3, SE: 1 } });
    const off = only(decoyShareFindings(measured, wrong));
    expect(off.details).toEqual([
      'numbers from SE among those abroad: configured 0.25, measured 0.75 (n = 60)',
      'numbers from NO among those abroad: configured 0.75, measured 0.25 (n = 60)',
    ]);
    expect(off.fix).toContain('they replace the list;');
  });

  it('warns where a listed country has no sampled number, which half the chi-square sees only late (R15 F1)', () => {
    const measured = abroad([
      ['SE', 40],
      ['DE', 20],
    ]);
    const listed = settingsOf([one], {
      smsCountries: allowList,
      decoyCountries: { SE: 0.6, DE: 0.3, MT: 0.1 },
    });
    const finding = only(decoyShareFindings(measured, listed));
    expect(finding.status).toBe('warn');
    expect(finding.details).toEqual([
      'numbers from MT among those abroad: configured 0.1, measured 0 (n = 60)',
    ]);
    expect(pastedCountries(finding)).toEqual({ SE: 0.667, DE: 0.333 });
    // A rare listed country that chance leaves empty often enough is no finding.
    const rare = settingsOf([one], {
      smsCountries: allowList,
      decoyCountries: { SE: 0.66, DE: 0.33, MT: 0.01 },
    });
    expect(only(decoyShareFindings(measured, rare)).status).toBe('pass');
  });

  it('judges a one-country list on its own users, leaving one or two elsewhere to the unlisted rule (R15 F2)', () => {
    const settings = settingsOf([one], { smsCountries: allowList, decoyCountries: { SE: 1 } });
    const oneElsewhere = abroad([
      ['SE', 40],
      ['NO', 1],
    ]);
    expect(only(decoyShareFindings(oneElsewhere, settings)).status).toBe('pass');
    const threeElsewhere = abroad([
      ['SE', 40],
      ['NO', 3],
    ]);
    expect(only(decoyShareFindings(threeElsewhere, settings)).details).toEqual([
      'numbers from SE among those abroad: configured 1, measured 0.93 (n = 43)',
      'numbers from NO among those abroad: configured 0, measured 0.07 (n = 43)',
    ]);
  });

  it('judges every number where the default region is off the allow-list, as decoys draw them all abroad', () => {
    const settings = settingsOf([one], { defaultRegion: 'DK', smsCountries: ['SE', 'NO'] });
    const allAbroad = abroad([
      ['SE', 50],
      ['NO', 50],
    ]);
    expect(only(decoyShareFindings(allAbroad, settings)).status).toBe('pass');
    const lopsided = abroad([
      ['SE', 90],
      ['NO', 10],
    ]);
    expect(pastedCountries(only(decoyShareFindings(lopsided, settings)))).toEqual({ SE: 0.9, NO: 0.1 });
  });

  it('judges a lone policy’s own list, and says when too few of its members are abroad (R16 F2, F3)', () => {
    const sample = (users: number): MeasuredSample => ({
      ...single({}, 200),
      byPolicy: [
        {
          policy: 'default',
          served: 200,
          shares: {},
          countriesAbroad: { entries: [{ region: 'SE', users }] },
        },
      ],
      countriesAbroad: { entries: [{ region: 'SE', users }] },
    });
    const ownGerman = settingsOf([{ name: 'default', decoyCountries: { DE: 1 } }], {
      smsCountries: ['DK', 'SE', 'DE'],
    });
    expect(only(decoyShareFindings(sample(40), ownGerman)).details).toContain(
      'policy "default": numbers from SE among those abroad: configured 0, measured 1 (n = 40)',
    );
    expect(only(decoyShareFindings(sample(12), ownGerman)).details).toContain(
      'Too few users with a number from outside the default region to judge policy "default"\'s decoyCountries (n = 12).',
    );
  });

  it('gives a policy whose members abroad differ its own list, and passes once pasted (R15 F3)', () => {
    // A Danish policy whose members abroad are Swedes and Germans, and a Swedish subsidiary's policy
    // whose members all have Swedish numbers.
    const policies = [{ name: 'denmark' }, { name: 'sweden' }];
    const tally = (entries: [string, number][]) => ({
      entries: entries.map(([region, users]) => ({ region, users })),
    });
    const measured = several(
      [
        {
          policy: 'denmark',
          served: 150,
          shares: {},
          countriesAbroad: tally([
            ['SE', 24],
            ['DE', 16],
          ]),
        },
        { policy: 'sweden', served: 60, shares: {}, countriesAbroad: tally([['SE', 60]]) },
      ],
      {
        countriesAbroad: tally([
          ['SE', 84],
          ['DE', 16],
        ]),
      },
    );
    /** The named policies, some with their own list, and the global list where given. */
    const withLists = (
      names: string[],
      own: Record<string, Record<string, number>> = {},
      global?: Record<string, number>,
    ) =>
      settingsOf(
        names.map((name) => (own[name] ? { name, decoyCountries: own[name] } : { name })),
        { smsCountries: ['DK', 'SE', 'DE'], ...(global ? { decoyCountries: global } : {}) },
      );
    const settings = (own?: Record<string, Record<string, number>>, global?: Record<string, number>) =>
      withLists(
        policies.map((p) => p.name),
        own,
        global,
      );
    const finding = only(decoyShareFindings(measured, settings()));
    expect(finding.status).toBe('warn');
    expect(finding.details).toEqual([
      'policy "denmark": numbers from DE among those abroad: configured 0.16, measured 0.4 (n = 40)',
      'policy "denmark": numbers from SE among those abroad: configured 0.84, measured 0.6 (n = 40)',
      'policy "sweden": numbers from SE among those abroad: configured 0.84, measured 1 (n = 60)',
      'policy "sweden": numbers from DE among those abroad: configured 0.16, measured 0 (n = 60)',
    ]);
    // Each policy is judged against the global list as advised from everyone (0.84 SE), and both
    // take their own; no member keeps the global list, so none is advised (R16 F1).
    const fix = (finding.fix ?? '').split('\n');
    expect(fix).toContain('access.policies[0] "denmark" → decoyCountries: { SE: 0.6, DE: 0.4 }');
    expect(fix).toContain('access.policies[1] "sweden" → decoyCountries: { SE: 1 }');
    expect(fix.some((line) => line.startsWith('  decoyCountries:'))).toBe(false);
    expect(finding.fix).toContain('a larger --decoy-sample measures it closer');
    // Pasted, the same sample passes.
    const pasted = settings({ denmark: { SE: 0.6, DE: 0.4 }, sweden: { SE: 1 } });
    expect(only(decoyShareFindings(measured, pasted)).status).toBe('pass');
    // With a third policy of even members, judged like the others against the global list as advised
    // from everyone (0.743 SE): the Swedish one and it take their own; the Danish one, judged alone,
    // fits the even spread, which stays (no global block to paste).
    const rest = {
      policy: 'rest',
      served: 100,
      shares: {},
      countriesAbroad: tally([
        ['DE', 20],
        ['SE', 20],
      ]),
    };
    const withRest = several([...measured.byPolicy, rest], {
      countriesAbroad: tally([
        ['SE', 104],
        ['DE', 36],
      ]),
    });
    const threePolicies = (own?: Record<string, Record<string, number>>) =>
      withLists(['denmark', 'sweden', 'rest'], own);
    const three = only(decoyShareFindings(withRest, threePolicies()));
    expect(three.details).toEqual([
      'policy "sweden": numbers from SE among those abroad: configured 0.743, measured 1 (n = 60)',
      'policy "sweden": numbers from DE among those abroad: configured 0.257, measured 0 (n = 60)',
      'policy "rest": numbers from DE among those abroad: configured 0.257, measured 0.5 (n = 40)',
      'policy "rest": numbers from SE among those abroad: configured 0.743, measured 0.5 (n = 40)',
    ]);
    const threeFix = (three.fix ?? '').split('\n');
    expect(threeFix.filter((line) => line.includes('decoyCountries:'))).toEqual([
      'access.policies[1] "sweden" → decoyCountries: { SE: 1 }',
      'access.policies[2] "rest" → decoyCountries: { DE: 0.5, SE: 0.5 }',
    ]);
    const pastedThree = threePolicies({ sweden: { SE: 1 }, rest: { DE: 0.5, SE: 0.5 } });
    expect(only(decoyShareFindings(withRest, pastedThree)).status).toBe('pass');
    // A policy's own list is judged against its members alone.
    const wrongOwn = settings({ denmark: { SE: 0.6, DE: 0.4 }, sweden: { DE: 1 } }, { SE: 0.84, DE: 0.16 });
    expect(only(decoyShareFindings(measured, wrongOwn)).details).toContain(
      'policy "sweden": numbers from SE among those abroad: configured 0, measured 1 (n = 60)',
    );
  });
});

describe('national e-mail domains', () => {
  it('counts country codes as national and the generic ones (.io, .co, .me, .tv, .ai) as global', () => {
    for (const a of ['x@hotmail.dk', 'x@web.de', 'x@mail.co.uk', 'X@YAHOO.FR'])
      expect(isNationalEmailDomain(a)).toBe(true);
    for (const a of [
      'x@gmail.com',
      'x@proton.me',
      'x@startup.io',
      'x@lab.ai',
      'x@a.co',
      'x@show.tv',
      'x@eu.eu',
      'x@contoso.example',
    ])
      expect(isNationalEmailDomain(a)).toBe(false);
  });
});

const oneDefaultPolicy = policiesConfigSchema.parse({ policies: [{ name: 'default' }] });
/** One served user of the default policy per list of registered addresses. */
const addressLists = (addresses: string[][]) =>
  addresses.map((list) => ({
    policy: oneDefaultPolicy.policies[0] as Policy,
    usageLocation: null,
    methodsRequired: 1,
    methods: list.map((destination) => ({
      kind: 'email' as const,
      source: 'registered' as const,
      destination,
    })),
  }));

describe('e-mail domains (flows.decoyEmailDomains)', () => {
  const access = oneDefaultPolicy;
  const listsOf = addressLists;
  const times = (n: number, make: (i: number) => string[]) => Array.from({ length: n }, (_, i) => make(i));

  it('measures every domain as what its hint shows (first letter and ending), and names no one’s own', () => {
    const sample = measureSample(
      listsOf([
        ...times(6, (i) => [`u${i}@gmail.com`]),
        // One user with two addresses at gmail.com.
        [`x@gmail.com`, `y@gmail.com`],
        // Families' own domains: only what a hint shows of them (s….com, z….org) is named.
        ...times(3, (i) => [`u${i}@sol-family.com`]),
        [`v1@sunny-home.com`],
        [`v2@skovvej.com`],
        ...times(2, (i) => [`w${i}@zeta-house.org`]),
        ...times(5, (i) => [`d${i}@hotmail.dk`]),
        // One person's five accounts with one private address: five users, one address (R13 F3).
        ...times(5, () => [`jane@janesmith-private.dk`]),
        // A domain a hint shows no first letter of.
        [`q@_odd.com`],
      ]),
      { access, defaultRegion: 'DK', enrollmentsRead: false },
    );
    expect(sample.emailDomains).toEqual({
      addresses: 26,
      entries: [
        { domain: 'g.com', addresses: 8 },
        { domain: 'h.dk', addresses: 5 },
        { domain: 'j.dk', addresses: 5 },
        { domain: 's.com', addresses: 5 },
        { domain: 'z.org', addresses: 2 },
      ],
      leftOut: 1,
    });
    const shown = JSON.stringify(sample);
    for (const own of [
      'gmail',
      'hotmail',
      'sol-family',
      'sunny-home',
      'skovvej',
      'zeta-house',
      'janesmith',
      '_odd',
    ])
      expect(shown).not.toContain(own);
  });

  const tally = (entries: [string, number][], leftOut = 0): MeasuredSample => ({
    ...single({}, 300),
    emailDomains: {
      addresses: entries.reduce((sum, [, n]) => sum + n, 0) + leftOut,
      entries: entries.map(([domain, addresses]) => ({ domain, addresses })),
      leftOut,
    },
  });

  it('passes when the domains are as common as the weights say, judged as one list', () => {
    // The default list: seven global providers, and three addresses in ten at providers' domains of
    // the default region (hotmail.dk…).
    // As hint shapes: outlook.dk and online.dk both show o•••.dk.
    const asDefault = tally([
      ...['g.com', 'o.com', 'h.com', 'y.com', 'i.com', 'l.com', 'g.net'].map((d): [string, number] => [
        d,
        80,
      ]),
      ...['h.dk', 'l.dk', 'y.dk', 'g.dk', 'w.dk', 'm.dk'].map((d): [string, number] => [d, 30]),
      ['o.dk', 60],
    ]);
    expect(only(decoyShareFindings(asDefault, settingsOf()))).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares and e-mail domains match a sample of 300 served users.',
    });
    const near = tally([
      ['g.com', 124],
      ['y.com', 76],
    ]);
    const configured = { 'gmail.com': 0.6, 'yahoo.com': 0.4 };
    expect(only(decoyShareFindings(near, settingsOf([one], { decoyEmailDomains: configured }))).status).toBe(
      'pass',
    );
  });

  it('warns where real users’ domains differ, with the whole measured list to paste', () => {
    const measured = tally(
      [
        ['g.com', 120],
        ['j.dk', 40],
        ['s.com', 30],
        ['h.dk', 10],
      ],
      7,
    );
    const finding = only(
      decoyShareFindings(measured, settingsOf([one], { decoyEmailDomains: { 'gmail.com': 1 } })),
    );
    expect(finding.status).toBe('warn');
    expect(finding.summary).toContain("The domains of decoys' e-mail addresses differ from real users'");
    expect(finding.details).toEqual([
      'e-mail domains shown as g•••.com: configured 1, measured 0.6 (n = 200)',
      'e-mail domains shown as j•••.dk: configured 0, measured 0.2 (n = 200)',
      'e-mail domains shown as s•••.com: configured 0, measured 0.15 (n = 200)',
      'e-mail domains shown as h•••.dk: configured 0, measured 0.05 (n = 200)',
      '7 of 207 addresses are at domains a hint shows no first letter or ending of: not measured',
    ]);
    expect(finding.fix).toContain('Applying a new list is visible');
    const advised = pastedDomains(finding);
    expect(advised).toEqual({ 'g.com': 0.6, 'j.dk': 0.2, 's.com': 0.15, 'h.dk': 0.05 });
    // Pasted, the same sample passes.
    expect(only(decoyShareFindings(measured, settingsOf([one], { decoyEmailDomains: advised }))).status).toBe(
      'pass',
    );
  });

  it('judges on enough addresses only, and says when they were too few', () => {
    const few = tally([
      ['g.com', 21],
      ['h.dk', 8],
    ]);
    const finding = only(
      decoyShareFindings(few, settingsOf([one], { decoyEmailDomains: { 'yahoo.com': 1 } })),
    );
    expect(finding).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares match a sample of 300 served users.',
      details: ['Too few addresses to judge decoyEmailDomains (n = 29).'],
    });
  });

  it('leaves nationalEmailDomain unjudged under a configured list, which says where addresses are itself', () => {
    const measured = { ...single({ nationalEmailDomain: { value: 0.9, n: 300 } }, 300) };
    expect(only(decoyShareFindings(measured, settingsOf())).status).toBe('warn');
    expect(
      only(decoyShareFindings(measured, settingsOf([one], { decoyEmailDomains: { 'gmail.com': 1 } }))).status,
    ).toBe('pass');
  });
});

describe('first letters of addresses (flows.decoyEmailInitials)', () => {
  const access = oneDefaultPolicy;
  const listsOf = (addresses: string[]) => addressLists(addresses.map((a) => [a]));
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}@gmail.com`);
  const initials = (entries: [string, number][]): MeasuredSample => ({
    ...single({}, 300),
    emailInitials: {
      addresses: entries.reduce((sum, [, n]) => sum + n, 0),
      entries: entries.map(([initial, addresses]) => ({ initial, addresses })),
      leftOut: 0,
    },
  });

  it('counts every first letter as the hint shows it (lower-case), and only counts other characters', () => {
    const sample = measureSample(
      listsOf([...many(20, 'M'), ...many(10, 'j'), ...many(1, 'q'), ...many(6, '_')]),
      {
        access,
        defaultRegion: 'DK',
        enrollmentsRead: false,
      },
    );
    expect(sample.emailInitials).toEqual({
      addresses: 37,
      entries: [
        { initial: 'm', addresses: 20 },
        { initial: 'j', addresses: 10 },
        { initial: 'q', addresses: 1 },
      ],
      leftOut: 6,
    });
  });

  it('warns where real first letters differ from the configured ones, and passes with the list pasted', () => {
    const measured = initials([
      ['m', 120],
      ['j', 80],
    ]);
    const finding = only(decoyShareFindings(measured, settingsOf()));
    expect(finding.status).toBe('warn');
    // The letters that stray most, at most ten: m and j, then the letters decoys show and no real
    // address begins with.
    expect(finding.details).toEqual([
      'addresses beginning with m: configured 0.038, measured 0.6 (n = 200)',
      'addresses beginning with j: configured 0.038, measured 0.4 (n = 200)',
      ...[...'abcdefgh'].map((l) => `addresses beginning with ${l}: configured 0.038, measured 0 (n = 200)`),
      '… and 16 more',
    ]);
    expect(pastedInitials(finding)).toEqual({ m: 0.6, j: 0.4 });
    expect(
      only(decoyShareFindings(measured, settingsOf([one], { decoyEmailInitials: pastedInitials(finding) })))
        .status,
    ).toBe('pass');
  });

  it('passes a sample that follows the configured letters within chance, as one test over the list', () => {
    // 26 letters each judged at 2σ warned on nearly every fitting sample (R13 F4); one chi-square does not.
    const configured = Object.fromEntries([...'abcdefghijklmnopqrstuvwxyz'].map((l, i) => [l, 1 + (i % 5)]));
    const total = Object.values(configured).reduce((a, b) => a + b, 0);
    // Expected counts of 600 addresses, each nudged by up to one standard deviation either way.
    const counts = Object.entries(configured).map(([l, w], i): [string, number] => {
      const e = (600 * w) / total;
      return [l, Math.max(0, Math.round(e + (i % 2 === 0 ? 1 : -1) * Math.sqrt(e)))];
    });
    expect(
      only(decoyShareFindings(initials(counts), settingsOf([one], { decoyEmailInitials: configured })))
        .status,
    ).toBe('pass');
    // The same sample against evenly weighted letters: unlikely, so a warning.
    expect(only(decoyShareFindings(initials(counts), settingsOf())).status).toBe('warn');
  });
});

// ---------------------------------------------------------------------------------------------
// The sample, against the emulator: real msal-node and Graph client over loopback HTTPS.

const SHAPES = 'Decoy Shapes';
const FIELD = 'Decoy Field Staff';
const CROWD = 'Decoy Crowd';
const NOT_LICENSED = 'Decoy Outside';

const shapes: EmulatorSeedUser[] = [
  // Field policy (SMS and e-mail from registered methods and the profile).
  {
    upnLocal: 'shape.u1',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 20111101', phoneType: 'mobile' }],
    emailMethods: ['a1@gmail.com'],
    groups: [SHAPES, FIELD],
  },
  {
    upnLocal: 'shape.u2',
    usageLocation: 'SE',
    mobilePhone: '+46701234501',
    otherMails: ['b2@web.de', 'b2b@outlook.com'],
    groups: [SHAPES, FIELD],
  },
  {
    upnLocal: 'shape.u3',
    usageLocation: 'DK',
    phoneMethods: [
      { phoneNumber: '+45 20111103', phoneType: 'mobile' },
      { phoneNumber: '+45 20111113', phoneType: 'alternateMobile' },
    ],
    groups: [SHAPES, FIELD],
  },
  // No method at all: refused (no_methods), not part of the shapes.
  { upnLocal: 'shape.u11', usageLocation: 'DK', groups: [SHAPES, FIELD] },
  // The catch-all policy (SMS registered or enrolled; e-mail registered, profile or enrolled).
  {
    upnLocal: 'shape.u4',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 20111104', phoneType: 'mobile' }],
    emailMethods: ['c4@hotmail.dk'],
    otherMails: ['c4b@mail.co.uk'],
    groups: [SHAPES],
  },
  { upnLocal: 'shape.u5', usageLocation: 'DK', groups: [SHAPES] },
  {
    upnLocal: 'shape.u6',
    usageLocation: 'DK',
    emailMethods: ['d6@icloud.com'],
    groups: [SHAPES],
  },
  {
    upnLocal: 'shape.u7',
    phoneMethods: [{ phoneNumber: '+1 206 555 0107', phoneType: 'mobile' }],
    groups: [SHAPES],
  },
  // Refused (disabled), skipped (guest), not licensed.
  {
    upnLocal: 'shape.u9',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 20111109', phoneType: 'mobile' }],
    groups: [SHAPES],
    extra: { accountEnabled: false },
  },
  {
    upnLocal: 'shape.g8',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 20111108', phoneType: 'mobile' }],
    groups: [SHAPES],
    extra: { userType: 'Guest' },
  },
  {
    upnLocal: 'shape.u10',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 20111110', phoneType: 'mobile' }],
    groups: [NOT_LICENSED],
  },
];

// 40 served users: 30 with an SMS and an e-mail method, 10 with SMS alone; 4 numbers from Sweden;
// 9 of the 30 addresses at a national domain; 5 with a usable enrollment.
const crowd: EmulatorSeedUser[] = Array.from({ length: 40 }, (_, i) => {
  const nn = String(i).padStart(2, '0');
  const swedish = i % 10 === 0;
  return {
    upnLocal: `crowd.${nn}`,
    usageLocation: swedish ? 'SE' : 'DK',
    phoneMethods: [
      { phoneNumber: swedish ? `+46 70 123 45 ${nn}` : `+45 201234${nn}`, phoneType: 'mobile' as const },
    ],
    ...(i < 30 ? { emailMethods: [i < 9 ? `crowd${nn}@hotmail.dk` : `crowd${nn}@gmail.com`] } : {}),
    groups: [CROWD],
  };
});

// Two licensed groups of different shapes, listed one after the other: 150 Danes with a number and
// a national address, 150 Swedes with a number alone (ten of them in both groups), and a guest.
const DANES = 'Decoy Danes';
const SWEDES = 'Decoy Swedes';
const twoGroups: EmulatorSeedUser[] = [
  ...Array.from({ length: 150 }, (_, i) => ({
    upnLocal: `dane.${i}`,
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: `+45 40${String(100000 + i)}`, phoneType: 'mobile' as const }],
    emailMethods: [`dane${i}@hotmail.dk`],
    groups: [DANES],
  })),
  ...Array.from({ length: 150 }, (_, i) => ({
    upnLocal: `swede.${i}`,
    usageLocation: 'SE',
    phoneMethods: [{ phoneNumber: `+46 70${String(1000000 + i)}`, phoneType: 'mobile' as const }],
    groups: i < 10 ? [SWEDES, DANES] : [SWEDES],
  })),
  {
    upnLocal: 'dane.guest',
    usageLocation: 'DK',
    phoneMethods: [{ phoneNumber: '+45 40999999', phoneType: 'mobile' }],
    groups: [DANES],
    extra: { userType: 'Guest' },
  },
];

// Two policies whose members differ (R11's loop): 40 field workers with a number alone, 40 office
// workers with a number and an address.
const TEAM = 'Decoy Team';
const TEAM_FIELD = 'Decoy Team Field';
const team: EmulatorSeedUser[] = Array.from({ length: 80 }, (_, i) => ({
  upnLocal: `team.${i}`,
  usageLocation: 'DK',
  phoneMethods: [{ phoneNumber: `+45 50${String(100000 + i)}`, phoneType: 'mobile' as const }],
  ...(i < 40 ? { groups: [TEAM, TEAM_FIELD] } : { emailMethods: [`team${i}@gmail.com`], groups: [TEAM] }),
}));

let emu: RunningEmulator;
let connection: EntraConnection;
const dir = mkdtempSync(join(tmpdir(), 'mypass-decoy-shares-'));
const storeUrl = `sqlite:${join(dir, 'mypass.db')}`;
const codeKeys = [{ id: 'k1', secret: 'decoy-shares-test-code-key-0123456789' }];
const now = new Date();
const idOf = (local: string) => emu.inspectUser(`${local}@contoso.example`)?.id ?? '';

async function enroll(
  local: string,
  kind: 'sms' | 'email',
  destination: string,
  usableInHours: number,
  n: number,
): Promise<void> {
  const store = await openStore(storeUrl, { keys: codeKeys });
  try {
    await store.enrollments.create({
      id: `e_${local}_${n}`,
      userId: idOf(local),
      kind,
      destination,
      hint: 'h',
      flowId: `f_${n}`,
      challengeId: `c_${n}`,
    });
    await store.enrollments.confirm(`e_${local}_${n}`, new Date(now.getTime() + usableInHours * 3600_000));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  emu = await startEmulator({ extraUsers: [...shapes, ...crowd, ...twoGroups, ...team] });
  const created = await createEntraConnection(emulatorDirectoryConfig(emu));
  if (!created.ok) throw new Error(`connector: ${created.code}`);
  connection = created.value;
  const store = await openStore(storeUrl, { keys: codeKeys });
  await store.migrate();
  await store.close();
  await enroll('shape.u5', 'email', 'c5@example.io', -1, 1);
  await enroll('shape.u6', 'sms', '+4520111106', -1, 2);
  // Still in its hold: a reset does not offer it yet.
  await enroll('shape.u6', 'email', 'd6.held@web.de', 5, 3);
  // The field policy takes no enrollments: not in u1's list.
  await enroll('shape.u1', 'email', 'a1.enrolled@web.de', -1, 4);
  for (let i = 30; i < 35; i++) await enroll(`crowd.${i}`, 'sms', `+45 3012 34${i}`, -1, 10 + i);
  await enroll('crowd.35', 'sms', '+45 30123435', 24, 50);
}, 60_000);

afterAll(async () => {
  await connection.close();
  await emu.close();
});

/** Delivery of both kinds, SMS to the countries the tenant's numbers are in. */
const delivery = (kinds: readonly ('sms' | 'email')[], smsCountries: string[]) => ({
  smsCountries,
  canDeliver: (kind: 'sms' | 'email') => kinds.includes(kind),
  checkPhone: (raw: string, region?: string | null) => checkPhoneNumber(raw, region, new Set(smsCountries)),
});
const everywhere = delivery(['sms', 'email'], ['DK', 'SE', 'US']);

const shapesAccess = () =>
  policiesConfigSchema.parse({
    licensedGroups: [emu.groups[SHAPES]],
    policies: [
      {
        name: 'field',
        groups: [emu.groups[FIELD]],
        methods: {
          sms: { sources: ['registered', 'profile'] },
          email: { sources: ['registered', 'profile'] },
        },
      },
      {
        name: 'default',
        methods: {
          sms: { sources: ['registered', 'enrolled'] },
          email: { sources: ['registered', 'profile', 'enrolled'] },
        },
      },
    ],
  });

describe('measureSharesOfLists', () => {
  it('measures the shapes a share draws only on users who need one method', () => {
    const access = policiesConfigSchema.parse({ policies: [{ name: 'default' }] });
    const policy = access.policies[0] as Policy;
    const both: CandidateMethod[] = [
      { kind: 'sms', source: 'registered', destination: '+4520123456' },
      { kind: 'email', source: 'registered', destination: 'a@web.de' },
    ];
    const smsAlone: CandidateMethod[] = [{ kind: 'sms', source: 'registered', destination: '+4520123457' }];
    const lists = [
      { policy, methods: both, usageLocation: 'DK', methodsRequired: 1 },
      { policy, methods: smsAlone, usageLocation: 'DK', methodsRequired: 1 },
      // At risk: two required, so a decoy would be filled to both kinds whatever the share.
      { policy, methods: both, usageLocation: 'DK', methodsRequired: 2 },
    ];
    const shares = measureSharesOfLists(lists, { access, defaultRegion: 'DK', enrollmentsRead: true });
    expect(shares.smsAndEmail).toEqual({ value: 1 / 2, n: 2 });
    expect(shares.alternateMobile).toEqual({ value: 0, n: 2 });
    expect(shares.enrollment).toEqual({ value: 0, n: 2 });
    // Where the numbers and addresses are from does not depend on the count.
    expect(shares.defaultRegion).toEqual({ value: 1, n: 3 });
    expect(shares.nationalEmailDomain).toEqual({ value: 1, n: 2 });
  });

  it('measures how many enrollments users hold, and of which kind', () => {
    const access = policiesConfigSchema.parse({ policies: [{ name: 'default' }] });
    const policy = access.policies[0] as Policy;
    const sms = (n: number): CandidateMethod => ({
      kind: 'sms',
      source: 'enrolled',
      destination: `+452012345${n}`,
    });
    const email = (n: number): CandidateMethod => ({
      kind: 'email',
      source: 'enrolled',
      destination: `e${n}@x.io`,
    });
    const registered: CandidateMethod = { kind: 'sms', source: 'registered', destination: '+4520123450' };
    const lists = [
      { policy, methods: [registered, sms(1), email(1)], usageLocation: 'DK', methodsRequired: 1 },
      { policy, methods: [sms(2)], usageLocation: 'DK', methodsRequired: 1 },
      { policy, methods: [registered], usageLocation: 'DK', methodsRequired: 1 },
      // Two required: the count is not the user's choice, the kinds are.
      { policy, methods: [email(3), email(4)], usageLocation: 'DK', methodsRequired: 2 },
    ];
    const shares = measureSharesOfLists(lists, { access, defaultRegion: 'DK', enrollmentsRead: true });
    expect(shares.enrollment).toEqual({ value: 2 / 3, n: 3 });
    // Of the two who need one method and hold an enrollment, one holds another.
    expect(shares.anotherEnrollment).toEqual({ value: 1 / 2, n: 2 });
    // sms(1), sms(2) of the five enrollments.
    expect(shares.enrolledSms).toEqual({ value: 2 / 5, n: 5 });

    // One enrollment at most, SMS alone from enrollments: decoys draw neither share there.
    const narrow = policiesConfigSchema.parse({
      policies: [
        {
          name: 'narrow',
          methods: { email: { sources: ['registered'] } },
          enrollment: { maxMethods: 1 },
        },
      ],
    });
    const narrowShares = measureSharesOfLists(
      lists.map((l) => ({ ...l, policy: narrow.policies[0] as Policy })),
      { access: narrow, defaultRegion: 'DK', enrollmentsRead: true },
    );
    expect(narrowShares.enrollment?.n).toBe(3);
    expect(narrowShares.anotherEnrollment).toBeUndefined();
    expect(narrowShares.enrolledSms).toBeUndefined();
    // Without the store nothing about enrollments is measured.
    const unread = measureSharesOfLists(lists, { access, defaultRegion: 'DK', enrollmentsRead: false });
    expect([unread.enrollment, unread.anotherEnrollment, unread.enrolledSms]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('measureDecoyShares against the emulator', () => {
  it('measures each share on the served users of the licensed groups, as a reset lists them', async () => {
    const sample = await withEnrollmentReader(
      { store: { url: storeUrl, codeKeys } } as unknown as MyPassConfig,
      now,
      (enrollments) =>
        measureDecoyShares({
          connection,
          access: shapesAccess(),
          defaultRegion: 'DK',
          delivery: everywhere,
          ...(enrollments ? { enrollments } : {}),
        }),
    );
    expect(sample.ok).toBe(true);
    if (!sample.ok) return;
    // 9 licensed members read (the guest skipped, the outsider not listed); u9 (disabled) and u11
    // (no method) refused.
    expect(sample.value).toMatchObject({ sampled: 9, eligible: 7, enrollmentsRead: true });
    // Served users per policy; numbers from DK, SE and US (only the countries leave).
    expect(sample.value.byPolicy.map((p) => [p.policy, p.served])).toEqual([
      ['field', 3],
      ['default', 4],
    ]);
    expect(sample.value.byPolicy[0]?.shares.smsAndEmail).toEqual({ value: 2 / 3, n: 3 });
    expect(sample.value.byPolicy[1]?.shares.lastPolicy).toBeUndefined();
    expect(sample.value.sms).toEqual({ users: 6, regions: ['DK', 'SE', 'US'] });
    expect(sample.value.shares).toEqual({
      // u4–u7 under the last of the two policies.
      lastPolicy: { value: 4 / 7, n: 7 },
      // Of u1–u4, u6, u7 (u5 holds only an enrollment): u1, u2, u4 both kinds; u3, u7 SMS alone.
      smsAndEmail: { value: 3 / 6, n: 6 },
      smsOnly: { value: 2 / 6, n: 6 },
      // First numbers: u1, u3, u4 and u6's enrollment Danish; u2 Swedish; u7 American.
      defaultRegion: { value: 4 / 6, n: 6 },
      // Kinds taken from both registered and profile: u2's SMS and e-mail come from the profile.
      profileSource: { value: 2 / 7, n: 7 },
      // Registered SMS under a policy taking them: u1, u3 (two), u4, u7.
      alternateMobile: { value: 1 / 4, n: 4 },
      // E-mail held under a policy taking the profile's: u1, u2 (two), u4 (two), u6.
      secondEmail: { value: 2 / 4, n: 4 },
      // The catch-all takes enrollments: u5 and u6 hold a usable one of u4–u7.
      enrollment: { value: 2 / 4, n: 4 },
      // Neither holds a second usable one (u6's second is still in its hold).
      anotherEnrollment: { value: 0, n: 2 },
      // u6's number and u5's address: the catch-all takes both kinds from enrollments.
      enrolledSms: { value: 1 / 2, n: 2 },
      // web.de, hotmail.dk, mail.co.uk of the 7 addresses (example.io is global).
      nationalEmailDomain: { value: 3 / 7, n: 7 },
    });
  });

  it('measures only what delivery can reach, as a reset offers it', async () => {
    const measure = async (reach: ReturnType<typeof delivery>) => {
      const sample = await measureDecoyShares({
        connection,
        access: shapesAccess(),
        defaultRegion: 'DK',
        delivery: reach,
      });
      if (!sample.ok) throw new Error(sample.code);
      return sample.value;
    };
    // E-mail only: no SMS shape is measured (decoys show none), and users with SMS alone are refused.
    const emailOnly = await measure(delivery(['email'], []));
    for (const field of ['smsAndEmail', 'smsOnly', 'defaultRegion', 'alternateMobile'] as const) {
      expect(emailOnly.shares[field], field).toBeUndefined();
    }
    expect(emailOnly.eligible).toBeLessThan(7);
    expect(emailOnly.shares.nationalEmailDomain?.n).toBeGreaterThan(0);
    // Danish numbers only: the Swedish and American ones are never offered, so every first number is Danish.
    const danish = await measure(delivery(['sms', 'email'], ['DK']));
    expect(danish.shares.defaultRegion?.value).toBe(1);
    expect(danish.eligible).toBeLessThan(7);
  });

  it('leaves enrollments out without a store, and stops at the sample size', async () => {
    const sample = await measureDecoyShares({
      connection,
      access: shapesAccess(),
      defaultRegion: 'DK',
      delivery: everywhere,
      sampleSize: 3,
    });
    expect(sample.ok).toBe(true);
    if (!sample.ok) return;
    expect(sample.value).toMatchObject({ sampled: 3, enrollmentsRead: false });
    expect(sample.value.shares.enrollment).toBeUndefined();
    expect(sample.value.shares.lastPolicy?.n).toBe(sample.value.eligible);
  });

  it('samples every licensed group at random, each user once, guests skipped', async () => {
    const groups = [emu.groups[DANES] ?? '', emu.groups[SWEDES] ?? ''];
    const all = await sampleLicensedUsers(connection, groups, 1000);
    if (!all.ok) throw new Error(all.code);
    // 300 people: the ten Swedes in both groups once, the guest not at all.
    expect(all.value).toHaveLength(300);
    expect(new Set(all.value.map((u) => u.id)).size).toBe(300);
    expect(all.value.some((u) => u.userPrincipalName.startsWith('dane.guest'))).toBe(false);
    // A sample smaller than the tenant draws from both groups, and differs from run to run.
    const ids = async () => {
      const some = await sampleLicensedUsers(connection, groups, 50);
      if (!some.ok) throw new Error(some.code);
      expect(some.value).toHaveLength(50);
      return some.value.map((u) => u.userPrincipalName);
    };
    const first = await ids();
    const second = await ids();
    expect(first.some((upn) => upn.startsWith('dane.'))).toBe(true);
    expect(first.some((upn) => upn.startsWith('swede.'))).toBe(true);
    expect(new Set([...first, ...second]).size).toBeGreaterThan(50);
    // Doctor's key (from the decoy key) picks the same users run after run, another key others.
    const keyed = async (decoyKey: string) => {
      const some = await sampleLicensedUsers(connection, groups, 50, doctorSampleKey(decoyKey));
      if (!some.ok) throw new Error(some.code);
      return some.value.map((u) => u.id).sort();
    };
    const key = 'decoy-shares-test-decoy-key-0123456789abcdef';
    expect(await keyed(key)).toEqual(await keyed(key));
    expect(await keyed(key)).not.toEqual(await keyed(`${key}-other`));
  });

  it('measures both of two licensed groups of different shapes (R11: the first group alone was read)', async () => {
    const sample = await measureDecoyShares({
      connection,
      access: policiesConfigSchema.parse({
        licensedGroups: [emu.groups[DANES] ?? '', emu.groups[SWEDES] ?? ''],
        policies: [{ name: 'default' }],
      }),
      defaultRegion: 'DK',
      delivery: everywhere,
    });
    if (!sample.ok) throw new Error(sample.code);
    // The default sample (200) of 300: half Danes, half Swedes, give or take a few.
    expect(sample.value).toMatchObject({ sampled: DEFAULT_DECOY_SAMPLE, eligible: DEFAULT_DECOY_SAMPLE });
    const { defaultRegion, smsOnly, nationalEmailDomain } = sample.value.shares;
    expect(defaultRegion?.value).toBeGreaterThan(0.3);
    expect(defaultRegion?.value).toBeLessThan(0.7);
    expect(smsOnly?.value).toBeGreaterThan(0.3);
    expect(smsOnly?.value).toBeLessThan(0.7);
    // Every address is a Dane's, at a national domain.
    expect(nationalEmailDomain?.value).toBe(1);
    expect(sample.value.sms.regions).toEqual(['DK', 'SE']);
  });

  it('samples /users without licensed groups', async () => {
    const sample = await measureDecoyShares({
      connection,
      access: policiesConfigSchema.parse({ policies: [{ name: 'default' }] }),
      defaultRegion: 'DK',
      delivery: everywhere,
      sampleSize: 5,
    });
    expect(sample.ok).toBe(true);
    if (!sample.ok) return;
    expect(sample.value.sampled).toBe(5);
    // One policy: no choice of policy to measure.
    expect(sample.value.shares.lastPolicy).toBeUndefined();
  });

  it('returns the directory failure when Graph refuses the reads', async () => {
    emu.setApiAppRoles(['User-PasswordProfile.ReadWrite.All']);
    try {
      const fresh = await createEntraConnection(emulatorDirectoryConfig(emu));
      if (!fresh.ok) throw new Error(fresh.code);
      const sample = await measureDecoyShares({
        connection: fresh.value,
        access: shapesAccess(),
        defaultRegion: 'DK',
        delivery: everywhere,
      });
      await fresh.value.close();
      expect(sample).toMatchObject({ ok: false, code: 'permission_denied' });
    } finally {
      emu.setApiAppRoles([...DEFAULT_API_APP_ROLES]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A whole doctor run.

function writeConfig(
  name: string,
  licensedGroup: string | string[],
  store = storeUrl,
  more: {
    policies?: unknown[];
    decoyShares?: Record<string, number>;
    decoyEmailDomains?: Record<string, number>;
    decoyEmailInitials?: Record<string, number>;
    decoyCountries?: Record<string, number>;
    smsCountries?: string[];
  } = {},
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      directory: emulatorDirectorySection(emu),
      access: {
        licensedGroups: [licensedGroup].flat(),
        ...(more.policies ? { policies: more.policies } : {}),
      },
      store: { url: store, codeKeys },
      flows: {
        decoyKey: 'decoy-shares-test-decoy-key-0123456789abcdef',
        ...(more.decoyShares ? { decoyShares: more.decoyShares } : {}),
        ...(more.decoyEmailDomains ? { decoyEmailDomains: more.decoyEmailDomains } : {}),
        ...(more.decoyEmailInitials ? { decoyEmailInitials: more.decoyEmailInitials } : {}),
        ...(more.decoyCountries ? { decoyCountries: more.decoyCountries } : {}),
      },
      // Both kinds deliverable (demo providers), SMS to the tenant's countries and the US.
      delivery: {
        sms: { provider: 'demo' },
        email: { provider: 'demo' },
        smsCountries: more.smsCountries ?? ['DK', 'SE', 'US'],
      },
    }),
  );
  return path;
}

async function runDoctor(file: string, options: { decoySample?: number } = {}) {
  let stdout = '';
  let stderr = '';
  const result = await doctor(
    file,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { NODE_ENV: 'test' } },
    now,
    options,
  );
  return { ...result, stdout, stderr };
}

const crowdCountries = [
  "Decoys draw their foreign numbers evenly over the SMS allow-list, so a country no real user's number is from marks every decoy that shows it. Drop US from delivery.smsCountries unless real users abroad need it (a shorter list also narrows SMS pumping, T4):",
  'delivery:',
  '  smsCountries: [DK, SE]',
];
// Five of the crowd hold one enrollment each: too few to say how many or which kind.
const crowdTooFew = 'Too few users to judge: anotherEnrollment (n = 5), enrolledSms (n = 5).';
// Four of the crowd have Swedish numbers: too few to say where numbers abroad are from.
const crowdAbroadTooFew =
  'Too few users with a number from outside the default region to judge decoyCountries (n = 4).';
// Every crowd address begins with c, 21 are at Gmail and 9 at hotmail.dk: configured so, as these
// tests are about the shares.
const crowdInitials = {
  decoyEmailInitials: { c: 1 },
  decoyEmailDomains: { 'gmail.com': 0.7, 'hotmail.dk': 0.3 },
};

describe('mypass doctor, decoy.shares', () => {
  it('warns where the tenant differs from the configured shares, with the YAML to paste', async () => {
    const file = writeConfig('crowd.json', emu.groups[CROWD] ?? '', storeUrl, crowdInitials);
    const run = await runDoctor(file);
    const finding = run.findings.find((f) => f.check === 'decoy.shares');
    expect(finding).toEqual({
      check: 'decoy.shares',
      status: 'warn',
      summary:
        "2 decoy shares differ from a sample of 40 served users: a shape more common among real users than among decoys marks a name as probably real (T2). 1 country on the SMS allow-list is not where any of 40 sampled users' numbers are from: a decoy number from it marks the name as unknown (T2).",
      details: [
        'smsAndEmail: configured 0.5, measured 0.75 (n = 40)',
        'defaultRegion: configured 0.7, measured 0.9 (n = 40)',
        'SMS allow-list countries no sampled number is from: US',
        crowdTooFew,
        crowdAbroadTooFew,
      ],
      fix: [
        'Put the measured values in the configuration, then run doctor again:',
        'flows:',
        '  decoyShares:',
        '    smsAndEmail: 0.75',
        '    smsOnly: 0.25',
        '    defaultRegion: 0.9',
        VISIBLE,
        ...crowdCountries,
      ].join('\n'),
    });
    // Advice: the exit code is that of the other checks.
    expect(run.exitCode).toBe(0);
    // The block prints as it is, ready to paste.
    expect(run.stdout).toContain(
      '        flows:\n          decoyShares:\n            smsAndEmail: 0.75\n            smsOnly: 0.25\n            defaultRegion: 0.9\n',
    );

    // Pasted into the configuration, the US dropped, the same tenant passes (enrollment: 5 of 40, as configured).
    const fixed = writeConfig('crowd-fixed.json', emu.groups[CROWD] ?? '', storeUrl, {
      ...crowdInitials,
      decoyShares: pasted(finding as Finding),
      smsCountries: ['DK', 'SE'],
    });
    const again = await runDoctor(fixed);
    expect(again.findings.find((f) => f.check === 'decoy.shares')).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary:
        "The decoy shares, e-mail domains and addresses' first letters match a sample of 40 served users.",
      details: [crowdTooFew, crowdAbroadTooFew],
    });
  });

  it('proposes shares per policy where members differ, and passes once they are applied (R11 loop)', async () => {
    const policies = [
      { name: 'field', groups: [emu.groups[TEAM_FIELD] ?? ''], password: { minLength: 12 } },
      { name: 'default' },
    ];
    const file = writeConfig('team.json', emu.groups[TEAM] ?? '', storeUrl, {
      policies,
      smsCountries: ['DK'],
    });
    const run = await runDoctor(file);
    const finding = run.findings.find((f) => f.check === 'decoy.shares') as Finding;
    expect(finding.status).toBe('warn');
    expect(finding.details).toEqual([
      'lastPolicy: configured 0.75, measured 0.5 (n = 80)',
      'policy "field" smsAndEmail: configured 0.5, measured 0 (n = 40)',
      'policy "default" smsAndEmail: configured 0.5, measured 1 (n = 40)',
      'policy "field" smsOnly: configured 0.3, measured 1 (n = 40)',
      'policy "default" smsOnly: configured 0.3, measured 0 (n = 40)',
      'policy "field" defaultRegion: configured 0.7, measured 1 (n = 40)',
      'policy "default" defaultRegion: configured 0.7, measured 1 (n = 40)',
      'policy "field" enrollment: configured 0.125, measured 0 (n = 40)',
      'policy "default" enrollment: configured 0.125, measured 0 (n = 40)',
      'policy "default" nationalEmailDomain: configured 0.3, measured 0 (n = 40)',
      // The default list as hints show it: seven global providers for seven addresses in ten, the
      // other three at providers' .dk domains (within the tolerance of 0); theirs are all at Gmail.
      'e-mail domains shown as g•••.com: configured 0.1, measured 1 (n = 40)',
      ...['o•••.com', 'h•••.com', 'y•••.com', 'i•••.com', 'l•••.com', 'g•••.net'].map(
        (d) => `e-mail domains shown as ${d}: configured 0.1, measured 0 (n = 40)`,
      ),
      // Every letter a–z equally by default; theirs all begin with t. The other letters' 0 is within
      // 2·√(p(1−p)/40) of 1/26.
      'addresses beginning with t: configured 0.038, measured 1 (n = 40)',
    ]);
    expect(pastedDomains(finding)).toEqual({ 'g.com': 1 });
    expect(pastedInitials(finding)).toEqual({ t: 1 });
    // What both policies' members share goes under flows.decoyShares; the shapes that differ, per policy.
    expect(pasted(finding)).toEqual({
      lastPolicy: 0.5,
      defaultRegion: 1,
      enrollment: 0,
      nationalEmailDomain: 0,
    });
    const perPolicy = pastedPolicies(finding);
    expect(perPolicy).toEqual({
      field: { smsAndEmail: 0, smsOnly: 1 },
      default: { smsAndEmail: 1, smsOnly: 0 },
    });
    expect(finding.fix).toContain(
      'access.policies[0] "field" → decoyShares: { smsAndEmail: 0, smsOnly: 1 }\naccess.policies[1] "default" → decoyShares: { smsAndEmail: 1, smsOnly: 0 }',
    );

    const applied = writeConfig('team-fixed.json', emu.groups[TEAM] ?? '', storeUrl, {
      policies: policies.map((p) => ({ ...p, decoyShares: perPolicy[p.name] })),
      decoyShares: pasted(finding),
      decoyEmailDomains: pastedDomains(finding),
      decoyEmailInitials: pastedInitials(finding),
      smsCountries: ['DK'],
    });
    const again = await runDoctor(applied);
    expect(again.findings.find((f) => f.check === 'decoy.shares')).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary:
        "The decoy shares, e-mail domains and addresses' first letters match a sample of 80 served users.",
    });
  });

  it('samples both licensed groups, and the same users again after the values are pasted', async () => {
    const groups = [emu.groups[DANES] ?? '', emu.groups[SWEDES] ?? ''];
    const file = writeConfig('two-groups.json', groups, storeUrl, { smsCountries: ['DK', 'SE'] });
    // 100 of 300: a sample of the tenant, not of its first group.
    const run = await runDoctor(file, { decoySample: 100 });
    const finding = run.findings.find((f) => f.check === 'decoy.shares') as Finding;
    expect(finding.status).toBe('warn');
    const values = pasted(finding);
    expect(values['defaultRegion']).toBeGreaterThan(0.3);
    expect(values['defaultRegion']).toBeLessThan(0.7);
    // Pasted, the next run reads the same users (doctor's sample key) and finds every share fitting;
    // but Danes have an address and Swedes never (R12), which no share can make decoys do: it says
    // so, and to give each country's group a policy of its own.
    // The Danes' addresses are all at hotmail.dk (h•••.dk), not spread over eight providers' .dk domains.
    expect(pastedDomains(finding)).toEqual({ 'h.dk': 1 });
    const fixed = writeConfig('two-groups-fixed.json', groups, storeUrl, {
      decoyShares: values,
      decoyEmailDomains: pastedDomains(finding),
      decoyEmailInitials: pastedInitials(finding),
      smsCountries: ['DK', 'SE'],
    });
    const again = await runDoctor(fixed, { decoySample: 100 });
    const left = again.findings.find((f) => f.check === 'decoy.shares') as Finding;
    expect(left.status).toBe('warn');
    expect(left.details?.filter((d) => d.includes('configured'))).toEqual([]);
    expect(
      left.details?.some((d) => d.startsWith('policy "default": an e-mail method beside the number')),
    ).toBe(true);
    expect(left.fix).toContain('a policy of their own');
  });

  it('says so when the store cannot be read, and measures everything else', async () => {
    const run = await runDoctor(
      writeConfig('nostore.json', emu.groups[CROWD] ?? '', `sqlite:${join(dir, 'absent.db')}`, crowdInitials),
    );
    const finding = run.findings.find((f) => f.check === 'decoy.shares');
    expect(finding?.status).toBe('warn');
    expect(finding?.details).toEqual([
      'smsAndEmail: configured 0.5, measured 0.75 (n = 40)',
      'defaultRegion: configured 0.7, measured 0.9 (n = 40)',
      'SMS allow-list countries no sampled number is from: US',
      crowdAbroadTooFew,
      'MyPass enrollments could not be read from the store: enrollment, anotherEnrollment and enrolledSms are not measured.',
    ]);
  });

  it('names no unused allow-list country under flows.decoyCountries, whose countries alone decoys draw abroad', async () => {
    const run = await runDoctor(
      writeConfig('crowd-countries.json', emu.groups[CROWD] ?? '', storeUrl, {
        ...crowdInitials,
        decoyCountries: { SE: 1 },
      }),
    );
    const finding = run.findings.find((f) => f.check === 'decoy.shares');
    expect(finding?.status).toBe('warn');
    expect(finding?.details).toEqual([
      'smsAndEmail: configured 0.5, measured 0.75 (n = 40)',
      'defaultRegion: configured 0.7, measured 0.9 (n = 40)',
      crowdTooFew,
      crowdAbroadTooFew,
    ]);
  });

  it('names no phone number, address, name or user id of the sampled users', async () => {
    const run = await runDoctor(writeConfig('privacy.json', emu.groups[CROWD] ?? ''));
    // Every crowd address begins with c: the one letter the report may name.
    expect(pastedInitials(run.findings.find((f) => f.check === 'decoy.shares') as Finding)).toEqual({ c: 1 });
    const report = run.stdout + run.stderr + JSON.stringify(run.findings);
    for (const seed of crowd) {
      const user = emu.inspectUser(`${seed.upnLocal}@contoso.example`);
      expect(user).toBeDefined();
      for (const secret of [
        user?.id ?? '',
        seed.upnLocal,
        ...(seed.emailMethods ?? []),
        ...(seed.phoneMethods ?? []).flatMap((p) => [
          p.phoneNumber,
          p.phoneNumber.replace(/\D/g, '').slice(-8),
        ]),
      ]) {
        expect(report).not.toContain(secret);
      }
    }
    expect(report).not.toMatch(/\+\d{6,}/);
    expect(report).not.toMatch(/@(gmail\.com|hotmail\.dk)/);
  });

  it('is info on the small demo sample, and off with --decoy-sample 0', async () => {
    const file = writeConfig('demo.json', emu.groups['MyPass Licensed'] ?? '');
    const run = await runDoctor(file);
    expect(run.findings.find((f) => f.check === 'decoy.shares')?.status).toBe('info');
    const off = await runDoctor(file, { decoySample: 0 });
    expect(off.findings.some((f) => f.check === 'decoy.shares')).toBe(false);
  });

  it('takes --decoy-sample on the command line and refuses anything but a count', async () => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (t: string) => (stdout += t),
      stderr: (t: string) => (stderr += t),
      env: { NODE_ENV: 'test' },
    };
    const file = writeConfig('cli.json', emu.groups[CROWD] ?? '');
    expect(await runCli(['doctor', '--config', file, '--decoy-sample', 'many'], io)).toBe(2);
    expect(stderr).toContain('--decoy-sample takes a whole number of users');
    expect(await runCli(['doctor', '--config', file, '--decoy-sample', '0'], io)).toBe(0);
    expect(stdout).not.toContain('decoy share');
    expect(await runCli(['doctor', '--help'], io)).toBe(0);
    expect(stdout).toContain('--decoy-sample N');
  });
});
