// Doctor's `decoy.shares` check (T2): the finding on its own (thresholds, each field, rounding, the
// YAML to paste), then the sample read from the emulator as a reset reads it, with a tenant whose
// shapes the test controls, then a whole doctor run, whose report names no sampled user.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  decoyShareFindings,
  isNationalEmailDomain,
  measureDecoyShares,
  measureSharesOfLists,
  shareTolerance,
  withEnrollmentReader,
  type MeasuredShares,
  type ShareField,
} from '../../src/cli/doctor-decoy-shares.js';
import type { Finding } from '../../src/cli/doctor-findings.js';
import type { MyPassConfig } from '../../src/config/schema.js';
import { createEntraConnection, type EntraConnection } from '../../src/directory/entra-connection.js';
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
/** The YAML block of a warn's fix, parsed, as an administrator would paste it. */
const pasted = (f: Finding): Record<string, number> => {
  const block = (f.fix ?? '').split('\n').slice(1).join('\n');
  return (parseYaml(block) as { flows: { decoyShares: Record<string, number> } }).flows.decoyShares;
};

describe('the decoy.shares finding', () => {
  it('passes when every share is within its tolerance, saying the sample size', () => {
    const measured: MeasuredShares = Object.fromEntries(
      fields.map((f) => [f, { value: defaults[f], n: 500 }]),
    );
    expect(only(decoyShareFindings(measured, defaults, 500))).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares match a sample of 500 served users.',
    });
  });

  it('uses max(0.05, 2·√(p(1−p)/n)) as the tolerance', () => {
    expect(shareTolerance(0.5, 100)).toBeCloseTo(0.1, 10);
    expect(shareTolerance(0.05, 400)).toBe(0.05);
    // p = 0.5, n = 100: 0.1 either side.
    const at = (value: number) =>
      only(decoyShareFindings({ smsAndEmail: { value, n: 100 } }, defaults, 100)).status;
    expect(at(0.59)).toBe('pass');
    expect(at(0.41)).toBe('pass');
    expect(at(0.61)).toBe('warn');
    expect(at(0.39)).toBe('warn');
    // p = 0.05, n = 400: the floor of 0.05 applies (the statistical one is 0.022).
    const alt = (value: number) =>
      only(decoyShareFindings({ alternateMobile: { value, n: 400 } }, defaults, 400)).status;
    expect(alt(0.09)).toBe('pass');
    expect(alt(0.11)).toBe('warn');
  });

  it('judges no share measured on fewer than 30 users, and says so', () => {
    const f = only(decoyShareFindings({ secondEmail: { value: 0.9, n: 29 } }, defaults, 200));
    expect(f.status).toBe('pass');
    expect(f.details).toEqual(['Too few users to judge: secondEmail (n = 29).']);
  });

  it.each(fields)('reports %s alone when only it is off, with a fix that pastes', (field) => {
    const p = defaults[field];
    const value = p > 0.5 ? p - 0.4 : p + 0.4;
    const f = only(decoyShareFindings({ [field]: { value, n: 1000 } }, defaults, 1000));
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
    // What doctor says to paste is a valid configuration.
    expect(decoySharesSchema.safeParse({ ...defaults, ...values }).success).toBe(true);
  });

  it('rounds to two decimals and keeps smsAndEmail + smsOnly at most 1 after rounding', () => {
    const f = only(
      decoyShareFindings(
        {
          smsAndEmail: { value: 0.625, n: 800 },
          smsOnly: { value: 0.375, n: 800 },
          defaultRegion: { value: 0.87654, n: 800 },
        },
        defaults,
        800,
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
      ].join('\n'),
    );
    expect(decoySharesSchema.safeParse({ ...defaults, ...pasted(f) }).success).toBe(true);
  });

  it('is info, never fail, when the sample is too small or the directory could not be read', () => {
    const small = only(decoyShareFindings({ smsAndEmail: { value: 1, n: 29 } }, defaults, 29));
    expect(small).toEqual({
      check: 'decoy.shares',
      status: 'info',
      summary: 'Too few served users in the sample (29) to measure the decoy shares; at least 30 are needed.',
    });
    const failed = only(
      decoyShareFindings(
        { ok: false, code: 'permission_denied', upstreamCode: 'Authorization_RequestDenied' },
        defaults,
        0,
      ),
    );
    expect(failed.status).toBe('info');
    expect(failed.summary).toBe(
      'The decoy shares could not be measured: the directory could not be read (Authorization_RequestDenied).',
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
  emu = await startEmulator({ extraUsers: [...shapes, ...crowd] });
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

  it('samples the first users of /users without licensed groups', async () => {
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

function writeConfig(name: string, licensedGroup: string, store = storeUrl): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      directory: emulatorDirectorySection(emu),
      access: { licensedGroups: [licensedGroup] },
      store: { url: store, codeKeys },
      flows: { decoyKey: 'decoy-shares-test-decoy-key-0123456789abcdef' },
      // Both kinds deliverable (demo providers), SMS to the tenant's countries: every method counts.
      delivery: { sms: { provider: 'demo' }, email: { provider: 'demo' }, smsCountries: ['DK', 'SE', 'US'] },
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

describe('mypass doctor, decoy.shares', () => {
  it('warns where the tenant differs from the configured shares, with the YAML to paste', async () => {
    const file = writeConfig('crowd.json', emu.groups[CROWD] ?? '');
    const run = await runDoctor(file);
    const finding = run.findings.find((f) => f.check === 'decoy.shares');
    expect(finding).toEqual({
      check: 'decoy.shares',
      status: 'warn',
      summary:
        '2 decoy shares differ from a sample of 40 served users: a shape more common among real users than among decoys marks a name as probably real (T2).',
      details: [
        'smsAndEmail: configured 0.5, measured 0.75 (n = 40)',
        'defaultRegion: configured 0.7, measured 0.9 (n = 40)',
      ],
      fix: [
        'Put the measured values in the configuration, then run doctor again:',
        'flows:',
        '  decoyShares:',
        '    smsAndEmail: 0.75',
        '    smsOnly: 0.25',
        '    defaultRegion: 0.9',
      ].join('\n'),
    });
    // Advice: the exit code is that of the other checks.
    expect(run.exitCode).toBe(0);
    // The block prints as it is, ready to paste.
    expect(run.stdout).toContain(
      '        flows:\n          decoyShares:\n            smsAndEmail: 0.75\n            smsOnly: 0.25\n            defaultRegion: 0.9\n',
    );

    // Pasted into the configuration, the same tenant passes (enrollment: 5 of 40, as configured).
    const fixed = join(dir, 'crowd-fixed.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { flows: Record<string, unknown> };
    raw.flows['decoyShares'] = pasted(finding as Finding);
    writeFileSync(fixed, JSON.stringify(raw));
    const again = await runDoctor(fixed);
    expect(again.findings.find((f) => f.check === 'decoy.shares')).toEqual({
      check: 'decoy.shares',
      status: 'pass',
      summary: 'The decoy shares match a sample of 40 served users.',
    });
  });

  it('says so when the store cannot be read, and measures everything else', async () => {
    const run = await runDoctor(
      writeConfig('nostore.json', emu.groups[CROWD] ?? '', `sqlite:${join(dir, 'absent.db')}`),
    );
    const finding = run.findings.find((f) => f.check === 'decoy.shares');
    expect(finding?.status).toBe('warn');
    expect(finding?.details).toEqual([
      'smsAndEmail: configured 0.5, measured 0.75 (n = 40)',
      'defaultRegion: configured 0.7, measured 0.9 (n = 40)',
      'MyPass enrollments could not be read from the store: enrollment is not measured.',
    ]);
  });

  it('names no phone number, address, name or user id of the sampled users', async () => {
    const run = await runDoctor(writeConfig('privacy.json', emu.groups[CROWD] ?? ''));
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
