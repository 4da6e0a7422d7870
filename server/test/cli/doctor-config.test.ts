// Doctor's checks of MyPass's own configuration (issue 5 part 6): weaker-than-default policies,
// method sources, licensing, code-key age, and the password grant as a canary account sees it —
// each finding on its own, then a whole doctor run against the emulator.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeKeyFindings,
  sealedKeyFindings,
  conditionalAccessAuditFinding,
  licensingFindings,
  methodSourceFindings,
  passwordGrantCanaryFinding,
  weakPolicyFindings,
  enrollmentEnumerationFindings,
  unreachablePolicyFindings,
} from '../../src/cli/doctor-config-checks.js';
import { doctor } from '../../src/cli/doctor-command.js';
import { runDoctorChecks, type DoctorProbe } from '../../src/cli/doctor-checks.js';
import { runCli } from '../../src/cli/commands.js';
import type { Finding } from '../../src/cli/doctor-findings.js';
import { loadConfig } from '../../src/config/load-config.js';
import { policiesConfigSchema } from '../../src/policy/policy-config.js';
import type { SealedKeyUsage } from '../../src/store/maintenance-repository.js';
import { openStore } from '../../src/store/open-store.js';
import { keyC, sealRows } from '../store/sealed-rows.js';
import { emulatorDirectorySection } from '../directory/emulator-config.js';

const access = (policies: unknown[], extra: Record<string, unknown> = {}) =>
  policiesConfigSchema.parse({ policies, ...extra });
const checks = (findings: Finding[]) => findings.map((f) => `${f.check}:${f.status}`);

describe('policies weaker than the default', () => {
  it('finds nothing in the default policy', () => {
    expect(weakPolicyFindings(access([{ name: 'default' }]))).toEqual([]);
  });

  it('flags each weakened field, naming the policy', () => {
    const findings = weakPolicyFindings(
      access([
        { name: 'strict' },
        {
          name: 'lax',
          enrollment: { proof: 'password', holdHours: 1 },
          atRiskMethodsRequired: 1,
          allowPrivileged: true,
          password: {
            minLength: 6,
            minCharacterClasses: 1,
            forbidUserNameParts: false,
            blockCommonPasswords: false,
          },
        },
      ]),
    );
    expect(checks(findings)).toEqual([
      'policy.enrollment:warn',
      'policy.enrollment-hold:warn',
      'policy.at-risk:warn',
      'policy.privileged:warn',
      'policy.password:warn',
    ]);
    expect(findings.every((f) => f.summary.includes('access.policies[1] "lax"') && f.fix)).toBe(true);
    expect(findings[0]?.summary).toContain('the password alone');
    expect(findings[4]?.summary).toContain('minLength 6 < 8');
    expect(findings[4]?.summary).toContain('blockCommonPasswords off');
  });

  it('flags code-only enrollment, and not a weak proof where enrollment is off', () => {
    expect(checks(weakPolicyFindings(access([{ name: 'c', enrollment: { proof: 'code' } }])))).toEqual([
      'policy.enrollment:warn',
    ]);
    expect(
      weakPolicyFindings(
        access([{ name: 'off', enrollment: { allowed: false, proof: 'password', holdHours: 0 } }]),
      ),
    ).toEqual([]);
  });
});

describe('enrollment proofs that tell members from unknown names (T2)', () => {
  const staffGroup = '6a0f3c1e-0b7d-4a61-9d3e-2f5c8b1a7e40';
  it('flags a per-group password proof where unknown names follow a code-first proof, and the reverse', () => {
    const perGroup = enrollmentEnumerationFindings(
      access([
        { name: 'staff', groups: [staffGroup], enrollment: { proof: 'password' } },
        { name: 'default' },
      ]),
    );
    expect(checks(perGroup)).toEqual(['policy.enrollment-enumeration:warn']);
    expect(perGroup[0]?.summary).toContain('access.policies[0] "staff"');
    expect(perGroup[0]?.summary).toContain('tell members from unknown names');
    const reverse = enrollmentEnumerationFindings(
      access([
        { name: 'staff', groups: [staffGroup] },
        { name: 'default', enrollment: { proof: 'password' } },
      ]),
    );
    expect(checks(reverse)).toEqual(['policy.enrollment-enumeration:warn']);
  });

  it('compares with the policy most decoys are shown, not one that serves no enroll flow', () => {
    const other = '7b1f4d2e-1c8e-4b72-8e4f-3a6d9c2b8f51';
    // The catch-all gives methods only through enrollments: no enroll flow is served under it.
    const findings = enrollmentEnumerationFindings(
      access([
        { name: 'a', groups: [staffGroup] },
        { name: 'b', groups: [other], enrollment: { proof: 'password' } },
        {
          name: 'c',
          methods: { sms: { sources: ['enrolled'] }, email: { sources: ['enrolled'] } },
        },
      ]),
    );
    expect(checks(findings)).toEqual(['policy.enrollment-enumeration:warn']);
    expect(findings[0]?.summary).toContain('access.policies[0] "a"');
    expect(findings[0]?.summary).toContain('access.policies[1] "b", which most unknown names are shown');
  });

  it('stays quiet when every proof answers a password before a code alike', () => {
    expect(
      enrollmentEnumerationFindings(
        access([{ name: 'staff', groups: [staffGroup], enrollment: { proof: 'code' } }, { name: 'default' }]),
      ),
    ).toEqual([]);
    expect(
      enrollmentEnumerationFindings(
        access([
          { name: 'staff', groups: [staffGroup], enrollment: { allowed: false, proof: 'password' } },
          { name: 'default' },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('policies that never apply', () => {
  const staffGroup = '6a0f3c1e-0b7d-4a61-9d3e-2f5c8b1a7e40';
  const licensed = '11111111-1111-4111-8111-111111111111';
  it('flags a policy after a catch-all, one shadowed by earlier groups, and a catch-all no licensed user reaches', () => {
    const findings = unreachablePolicyFindings(
      access([
        { name: 'staff', groups: [staffGroup] },
        { name: 'again', groups: [staffGroup] },
        { name: 'default' },
        { name: 'late', groups: [licensed] },
      ]),
    );
    expect(checks(findings)).toEqual(['policy.unreachable:warn', 'policy.unreachable:warn']);
    expect(findings.map((f) => f.summary.split(' never')[0])).toEqual([
      'access.policies[1] "again"',
      'access.policies[3] "late"',
    ]);
    const covered = unreachablePolicyFindings({
      ...access([{ name: 'staff', groups: [licensed] }, { name: 'default' }]),
      licensedGroups: [licensed],
    });
    expect(findings.length + covered.length).toBe(3);
    expect(covered[0]?.summary).toContain('access.policies[1] "default"');
  });

  it('stays quiet when every policy can apply', () => {
    expect(
      unreachablePolicyFindings(access([{ name: 'staff', groups: [staffGroup] }, { name: 'default' }])),
    ).toEqual([]);
  });
});

describe('method sources', () => {
  it('lists the sources per policy and warns on profile fields (T13)', () => {
    const clean = methodSourceFindings(access([{ name: 'default' }]));
    expect(checks(clean)).toEqual(['methods.sources:info']);
    expect(clean[0]?.details).toEqual([
      'access.policies[0] "default": sms from registered, enrolled; email from registered, enrolled',
    ]);
    const profile = methodSourceFindings(
      access([
        { name: 'p', methods: { sms: { sources: ['registered', 'profile'] }, email: { allowed: false } } },
      ]),
    );
    expect(checks(profile)).toEqual(['methods.sources:info', 'methods.sources:warn']);
    expect(profile[1]?.summary).toContain('mobilePhone');
    expect(profile[0]?.details?.[0]).toContain('sms from registered, profile');
    // A profile source on a kind that is not allowed opens nothing.
    expect(
      checks(
        methodSourceFindings(
          access([{ name: 'q', methods: { email: { allowed: false, sources: ['profile'] } } }]),
        ),
      ),
    ).toEqual(['methods.sources:info']);
  });
});

describe('what the code keys sealed', () => {
  const usage = (
    keys: [string, number, number, number, number?][],
    malformed = 0,
    unsealedFlows = 0,
  ): SealedKeyUsage => ({
    keys: keys.map(([keyId, enrollmentsConfirmed, enrollmentsPending, outbox, flows = 0]) => ({
      keyId,
      enrollmentsConfirmed,
      enrollmentsPending,
      outbox,
      liveChallenges: 0,
      flows,
    })),
    malformed: { enrollments: 0, outbox: 0, flows: malformed },
    unsealed: { flows: unsealedFlows, outbox: 0 },
  });
  const keys = [{ id: 'k2' }, { id: 'k1' }];
  it('passes when everything is under the current key, warns on an older one, fails on a missing one', () => {
    expect(checks(sealedKeyFindings(usage([['k2', 3, 1, 2]]), keys))).toEqual(['code-keys.sealed:pass']);
    const older = sealedKeyFindings(
      usage([
        ['k1', 2, 0, 0],
        ['k2', 3, 0, 0],
      ]),
      keys,
    );
    expect(checks(older)).toEqual(['code-keys.sealed:warn']);
    expect(older[0]?.details).toEqual([
      'key "k1": 2 enrolled methods, 0 pending, 0 queued messages, 0 flows',
    ]);
    expect(older[0]?.fix).toContain('mypass keys reseal');
    const missing = sealedKeyFindings(
      usage([
        ['k0', 1, 0, 0],
        ['k1', 2, 0, 0],
      ]),
      keys,
    );
    expect(checks(missing)).toEqual(['code-keys.sealed:fail']);
    expect(missing[0]?.details).toEqual([
      'key "k0": 1 enrolled methods, 0 pending, 0 queued messages, 0 flows',
    ]);
    expect(checks(sealedKeyFindings(usage([['k2', 1, 0, 0]], 1), keys))).toEqual(['code-keys.sealed:fail']);
  });
  it('counts flows like the rest: an old key sealing only flows is still needed, and unsealed flows warn', () => {
    const flowsOnly = sealedKeyFindings(
      usage([
        ['k0', 0, 0, 0, 3],
        ['k2', 1, 0, 0, 0],
      ]),
      keys,
    );
    expect(checks(flowsOnly)).toEqual(['code-keys.sealed:fail']);
    expect(flowsOnly[0]?.details).toEqual([
      'key "k0": 0 enrolled methods, 0 pending, 0 queued messages, 3 flows',
    ]);
    expect(checks(sealedKeyFindings(usage([['k1', 0, 0, 0, 2]]), keys))).toEqual(['code-keys.sealed:warn']);
    const unsealed = sealedKeyFindings(usage([['k2', 1, 0, 0, 1]], 0, 4), keys);
    expect(checks(unsealed)).toEqual(['code-keys.sealed:warn']);
    expect(unsealed[0]?.details).toEqual(['not sealed yet: 4 flows, 0 outbox messages']);
    expect(unsealed[0]?.summary).toContain('in clear');
  });
  it('says nothing about a key that only signed codes, or a store doctor cannot read', () => {
    expect(checks(sealedKeyFindings(usage([['k0', 0, 0, 0]]), keys))).toEqual(['code-keys.sealed:pass']);
    expect(sealedKeyFindings(null, keys)).toEqual([]);
  });
});

describe('code key age', () => {
  const now = new Date('2026-11-28T00:00:00Z');
  it('passes a young key, warns on one older than a year, and reads a date from the key id', () => {
    expect(checks(codeKeyFindings([{ id: 'k2', createdAt: '2026-06-01' }, { id: 'k1' }], now))).toEqual([
      'code-keys.age:pass',
    ]);
    const old = codeKeyFindings([{ id: 'k1', createdAt: '2025-10-01' }], now);
    expect(checks(old)).toEqual(['code-keys.age:warn']);
    expect(old[0]?.summary).toContain('423 days old');
    expect(checks(codeKeyFindings([{ id: 'k20240101' }], now))).toEqual(['code-keys.age:warn']);
    expect(checks(codeKeyFindings([{ id: 'k-2026-11-01' }], now))).toEqual(['code-keys.age:pass']);
  });
  it('says when the age is unknown', () => {
    expect(checks(codeKeyFindings([{ id: 'k1' }], now))).toEqual(['code-keys.age:info']);
  });
  it('reads the date from MYPASS_CODE_KEYS=id:secret:YYYY-MM-DD', async () => {
    const loaded = await loadConfig({
      env: {
        AZURE_TENANT_ID: '11111111-1111-4111-8111-111111111111',
        AZURE_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
        AZURE_CLIENT_SECRET: 'secret-value',
        MYPASS_CODE_KEYS:
          'k2:abcdefghijklmnopqrstuvwxyz0123456789AB:2026-11-01,k1:abcdefghijklmnopqrstuvwxyz0123456789CD',
        MYPASS_DECOY_KEY: 'decoy-key-0123456789abcdef0123456789',
      },
    });
    if (!loaded.ok) throw loaded.error;
    expect(loaded.config.store.codeKeys).toEqual([
      { id: 'k2', secret: 'abcdefghijklmnopqrstuvwxyz0123456789AB', createdAt: '2026-11-01' },
      { id: 'k1', secret: 'abcdefghijklmnopqrstuvwxyz0123456789CD' },
    ]);
  });
});

describe('licensing', () => {
  const licensed = ['11111111-1111-4111-8111-111111111111'];
  const counted = (used: number) => ({ ok: true as const, value: { used, perGroup: [] } });
  it('passes within the seats, warns over them, informs without a seat count', () => {
    expect(
      checks(licensingFindings(access([{ name: 'd' }], { licensedGroups: licensed, seats: 10 }), counted(8))),
    ).toEqual(['licensing:pass']);
    const over = licensingFindings(
      access([{ name: 'd' }], { licensedGroups: licensed, seats: 10 }),
      counted(12),
    );
    expect(checks(over)).toEqual(['licensing:warn']);
    expect(over[0]?.summary).toContain('2 over. Nobody is refused');
    expect(
      checks(licensingFindings(access([{ name: 'd' }], { licensedGroups: licensed }), counted(8))),
    ).toEqual(['licensing:info']);
  });
  it('warns when the groups cannot be read or seats have no groups', () => {
    expect(
      checks(
        licensingFindings(access([{ name: 'd' }], { licensedGroups: licensed, seats: 5 }), {
          ok: false,
          code: 'permission_denied',
        }),
      ),
    ).toEqual(['licensing:warn']);
    expect(checks(licensingFindings(access([{ name: 'd' }], { seats: 5 }), null))).toEqual([
      'licensing:warn',
    ]);
    expect(licensingFindings(access([{ name: 'd' }]), null)).toEqual([]);
  });
});

describe('Conditional Access refusals in the audit', () => {
  it('passes at zero, warns with the count, informs when the store was not read', () => {
    expect(conditionalAccessAuditFinding(0, 7).status).toBe('pass');
    expect(conditionalAccessAuditFinding(1, 7).summary).toContain('1 password check was refused');
    expect(conditionalAccessAuditFinding(1, 7).fix).toContain('named location');
    expect(conditionalAccessAuditFinding(null, 7).status).toBe('info');
  });
});

describe('the password grant for a canary account', () => {
  it('maps each answer to a finding', () => {
    expect(passwordGrantCanaryFinding('c@x', { ok: true }).status).toBe('pass');
    const ca = passwordGrantCanaryFinding('c@x', { aadsts: '53003' });
    expect(ca.status).toBe('warn');
    expect(ca.summary).toContain('AADSTS53003');
    expect(ca.fix).toContain('Named locations');
    expect(passwordGrantCanaryFinding('c@x', { aadsts: '50076' }).summary).toContain('one factor only');
    expect(passwordGrantCanaryFinding('c@x', { aadsts: '50126' }).summary).toContain('probe password');
    expect(passwordGrantCanaryFinding('c@x', { code: 'directory_unavailable' }).summary).toContain(
      'directory_unavailable',
    );
  });
});

describe('mypass doctor with the configuration checks (emulator)', () => {
  let emu: RunningEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'mypass-doctor-config-'));
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  function writeConfig(
    name: string,
    accessSection: Record<string, unknown>,
    keyDate?: string,
    storeUrl = 'sqlite::memory:',
  ): string {
    const path = join(dir, name);
    writeFileSync(
      path,
      JSON.stringify({
        directory: emulatorDirectorySection(emu),
        access: accessSection,
        store: {
          url: storeUrl,
          codeKeys: [
            {
              id: 'k1',
              secret: 'doctor-test-code-key-0123456789abcdef',
              ...(keyDate ? { createdAt: keyDate } : {}),
            },
          ],
        },
        flows: { decoyKey: 'doctor-test-decoy-key-0123456789abcdef' },
      }),
    );
    return path;
  }

  const run = async (
    file: string,
    options: { probeUser?: string } = {},
    env: Record<string, string> = {},
  ) => {
    let stdout = '';
    const result = await doctor(
      file,
      { stdout: (t) => (stdout += t), stderr: () => undefined, env: { NODE_ENV: 'test', ...env } },
      new Date('2026-11-28T00:00:00Z'),
      options,
    );
    return { ...result, stdout };
  };

  it('reports weak policies, profile sources, seats over the count and an old key in one run', async () => {
    const file = writeConfig(
      'weak.json',
      {
        licensedGroups: [emu.groups['MyPass Licensed']],
        seats: 1,
        policies: [{ name: 'lax', allowPrivileged: true, methods: { sms: { sources: ['profile'] } } }],
      },
      '2024-01-01',
    );
    const result = await run(file);
    const got = checks(result.findings);
    expect(got).toEqual(
      expect.arrayContaining([
        'policy.privileged:warn',
        'methods.sources:warn',
        'licensing:warn',
        'code-keys.age:warn',
      ]),
    );
    expect(result.stdout).toContain(
      'WARN  access.policies[0] "lax" lets holders of privileged directory roles',
    );
    // Warnings alone never fail doctor.
    expect(result.exitCode).toBe(0);
  });

  it('sees Conditional Access block the password grant for the canary account (AADSTS53003)', async () => {
    const file = writeConfig(
      'healthy.json',
      { licensedGroups: [emu.groups['MyPass Licensed']] },
      '2026-11-01',
    );
    const env = { MYPASS_DOCTOR_PROBE_PASSWORD: 'Contoso-Harbour-2026!' };
    const upn = 'adele.vance@contoso.example';
    const open = await run(file, { probeUser: upn }, env);
    expect(open.findings.find((f) => f.check === 'password-grant.conditional-access')?.status).toBe('pass');

    emu.setPasswordGrantOutcome(upn, 'conditional_access');
    const blocked = await run(file, { probeUser: upn }, env);
    const finding = blocked.findings.find((f) => f.check === 'password-grant.conditional-access');
    expect(finding?.status).toBe('warn');
    expect(finding?.summary).toContain('AADSTS53003');
    expect(blocked.stdout).not.toContain('Contoso-Harbour-2026!');
  });

  it('reads the permissions from the app role assignments, with the need of each feature', async () => {
    const file = writeConfig(
      'grants.json',
      { licensedGroups: [emu.groups['MyPass Licensed']] },
      '2026-11-01',
    );
    const result = await run(file);
    const pass = result.findings.find((f) => f.check === 'permissions.missing');
    expect(pass?.status).toBe('pass');
    expect(pass?.summary).toContain('according to the app role assignments');
    expect(pass?.details).toContain('User-PasswordProfile.ReadWrite.All: reset passwords');
    expect(result.findings.some((f) => f.check === 'permissions.token')).toBe(false);
  });

  it('counts the password checks Conditional Access refused in the audit of the last 7 days', async () => {
    const url = `sqlite:${join(dir, 'audit.sqlite')}`;
    const store = await openStore(url, {
      keys: [{ id: 'k1', secret: 'doctor-test-code-key-0123456789abcdef' }],
    });
    await store.migrate();
    const day = 86_400_000;
    const now = Date.parse('2026-11-28T00:00:00Z');
    for (const [reason, ago] of [
      ['conditional_access', 1],
      ['conditional_access', 6],
      ['conditional_access', 9],
      ['bad_password', 1],
    ] as const) {
      await store.audit.record({
        event: 'password_failed',
        at: new Date(now - ago * day),
        detail: { reason },
      });
    }
    await store.close();
    const result = await run(writeConfig('audit.json', {}, '2026-11-01', url));
    const finding = result.findings.find((f) => f.check === 'password-grant.audit');
    expect(finding?.status).toBe('warn');
    expect(finding?.summary).toContain(
      '2 password checks were refused by Conditional Access in the last 7 days',
    );
    // A store doctor cannot read (no tables: doctor never migrates) is said, not failed.
    const memory = await run(writeConfig('memory.json', {}, '2026-11-01'));
    expect(memory.findings.find((f) => f.check === 'password-grant.audit')?.status).toBe('info');
    // Doctor only reads: a database file that is not there is not created.
    const missing = join(dir, 'not-yet.db');
    const none = await run(writeConfig('missing.json', {}, '2026-11-01', `sqlite:${missing}`));
    expect(none.findings.find((f) => f.check === 'password-grant.audit')?.status).toBe('info');
    expect(existsSync(missing)).toBe(false);
  });

  it('fails when enrolled methods are sealed with a code key the configuration no longer holds', async () => {
    const url = `sqlite:${join(dir, 'sealed.sqlite')}`;
    const store = await openStore(url, { keys: [keyC] });
    await store.migrate();
    await sealRows(store, 'doctor', 1);
    await store.close();
    const result = await run(writeConfig('sealed.json', {}, '2026-11-01', url));
    const finding = result.findings.find((f) => f.check === 'code-keys.sealed');
    expect(finding?.status).toBe('fail');
    expect(finding?.details).toEqual(['key "kC": 2 enrolled methods, 1 pending, 2 queued messages, 1 flows']);
    expect(result.stdout).not.toContain(keyC.secret);
  });

  it('refuses --probe-user without the password in the environment', async () => {
    let stderr = '';
    const code = await runCli(['doctor', '--probe-user', 'adele.vance@contoso.example'], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      env: { NODE_ENV: 'test' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('MYPASS_DOCTOR_PROBE_PASSWORD');
  });
});

describe('granted permissions against the token', () => {
  const probe = (granted: string[], tokenRoles: string[]): DoctorProbe => ({
    appToken: () =>
      Promise.resolve({
        ok: true,
        claims: { roles: tokenRoles, oid: '33333333-3333-4333-8333-333333333333' },
        expiresOn: null,
      }),
    application: () => Promise.resolve({ ok: false, code: 'permission_denied' }),
    roleAssignments: () => Promise.resolve({ ok: true, value: [] }),
    group: () => Promise.resolve({ ok: false, code: 'not_found' }),
    grantedPermissions: () => Promise.resolve({ ok: true, value: granted }),
    passwordGrantProbe: () => Promise.resolve({ aadsts: '50034' }),
  });
  const settings = {
    features: {
      dismissRisk: false,
      revokeSessions: false,
      passwordGrant: false,
      licensedGroupIds: [],
      policyGroupIds: [],
    },
    credential: { kind: 'secret' as const, hint: 'abc' },
    now: new Date('2026-11-28T00:00:00Z'),
  };
  const base = [
    'User.Read.All',
    'GroupMember.Read.All',
    'UserAuthenticationMethod.Read.All',
    'IdentityRiskyUser.Read.All',
  ];

  it('judges by what is granted now and says what the token does not carry yet', async () => {
    const findings = await runDoctorChecks(
      probe([...base, 'User-PasswordProfile.ReadWrite.All'], [...base, 'Directory.ReadWrite.All']),
      settings,
    );
    expect(findings.find((f) => f.check === 'permissions.missing')?.status).toBe('pass');
    // The excess permission was revoked: no longer reported although the old token still has it.
    expect(findings.some((f) => f.check === 'permissions.excess')).toBe(false);
    expect(findings.find((f) => f.check === 'permissions.token')?.details).toEqual([
      'granted, not yet in the token: User-PasswordProfile.ReadWrite.All',
      'in the token, no longer granted: Directory.ReadWrite.All',
    ]);
  });

  it('reports a permission missing from the grant even when an old token still has it', async () => {
    const findings = await runDoctorChecks(
      probe(base, [...base, 'User-PasswordProfile.ReadWrite.All']),
      settings,
    );
    const missing = findings.find((f) => f.check === 'permissions.missing');
    expect(missing?.status).toBe('fail');
    expect(missing?.summary).toContain('User-PasswordProfile.ReadWrite.All');
    expect(missing?.details).toContain('read from the app role assignments');
  });
});
