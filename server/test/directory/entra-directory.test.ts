// The connector against the emulator: real msal-node and Graph client over HTTPS on loopback.
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEntraDirectory, type EntraDirectory } from '../../src/directory/entra-directory.js';
import { emulatorDirectoryConfig } from './emulator-config.js';

let emu: RunningEmulator;
let directory: EntraDirectory;
const upn = (local: string) => `${local}@contoso.example`;

async function connector(
  overrides: Parameters<typeof emulatorDirectoryConfig>[1] = {},
): Promise<EntraDirectory> {
  const created = await createEntraDirectory(emulatorDirectoryConfig(emu, overrides));
  if (!created.ok) throw new Error(`connector: ${created.code}`);
  return created.value;
}

async function userId(local: string): Promise<string> {
  const found = await directory.lookupUser(upn(local));
  if (!found.ok || found.value.kind !== 'found') throw new Error(`no ${local}`);
  return found.value.user.id;
}

const tokenRequests = () => emu.counters()['POST /{tenant}/oauth2/v2.0/token'] ?? 0;

beforeAll(async () => {
  emu = await startEmulator();
  directory = await connector();
});
afterAll(async () => {
  await directory.close();
  await emu.close();
});
afterEach(() => emu.faults.clear());

describe('token', () => {
  it('is obtained once and then served from the cache (0 token requests in steady state)', async () => {
    expect(await directory.isReady()).toBe(true);
    emu.resetCounters();
    for (let i = 0; i < 3; i++) expect((await directory.lookupUser(upn('alex.wilber'))).ok).toBe(true);
    expect(tokenRequests()).toBe(0);
    expect(emu.counters()['GET /v1.0/users']).toBe(3);
  });

  it('asks once for the token when many operations start together, and renews it ahead of its expiry', async () => {
    // 200 s is inside the 300 s renewal margin: such a token is never used, so every operation renews it.
    const shortLived = await startEmulator({ accessTokenLifetimeSeconds: 200 });
    const requests = () => shortLived.counters()['POST /{tenant}/oauth2/v2.0/token'] ?? 0;
    const created = await createEntraDirectory(emulatorDirectoryConfig(shortLived));
    if (!created.ok) throw new Error(created.code);
    const fresh = await connector();
    try {
      emu.resetCounters();
      const looked = await Promise.all(Array.from({ length: 8 }, () => fresh.lookupUser(upn('alex.wilber'))));
      expect(looked.every((r) => r.ok)).toBe(true);
      expect(tokenRequests()).toBe(1);

      expect((await created.value.lookupUser(upn('alex.wilber'))).ok).toBe(true);
      const afterOne = requests();
      expect((await created.value.lookupUser(upn('alex.wilber'))).ok).toBe(true);
      expect(requests()).toBeGreaterThan(afterOne);
    } finally {
      await fresh.close();
      await created.value.close();
      await shortLived.close();
    }
  });

  it('works with the certificate credential (thumbprint + private key)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const pem = join(mkdtempSync(join(tmpdir(), 'mypass-cert-')), 'app.pem');
    writeFileSync(pem, `${emu.apiApp.certificate.keyPem}\n${emu.apiApp.certificate.certPem}`, {
      mode: 0o600,
    });
    const withCert = await connector({ clientSecret: undefined, clientCertificatePath: pem });
    const found = await withCert.lookupUser(upn('adele.vance'));
    expect(found.ok && found.value.kind).toBe('found');
    await withCert.close();
  });

  it('answers a wrong client secret with configuration_error and is not ready', async () => {
    const wrong = await connector({ clientSecret: 'not-the-secret' });
    expect(await wrong.isReady()).toBe(false);
    expect(await wrong.lookupUser(upn('adele.vance'))).toEqual({
      ok: false,
      code: 'configuration_error',
      upstreamCode: 'AADSTS7000215',
    });
    await wrong.close();
  });
});

describe('lookupUser', () => {
  it('finds a user by UPN, mail, otherMails and employeeId with the $selected properties', async () => {
    const byUpn = await directory.lookupUser(upn('lynne.robbins'));
    expect(byUpn.ok && byUpn.value.kind === 'found' && byUpn.value.user).toMatchObject({
      userPrincipalName: upn('lynne.robbins'),
      employeeId: '100123',
      preferredLanguage: 'ar-SA',
      accountEnabled: true,
    });
    const byEmployeeId = await directory.lookupUser('100123');
    expect(
      byEmployeeId.ok && byEmployeeId.value.kind === 'found' && byEmployeeId.value.user.userPrincipalName,
    ).toBe(upn('lynne.robbins'));
    const byOtherMail = await directory.lookupUser('megan.bowen@outlook.example');
    expect(
      byOtherMail.ok && byOtherMail.value.kind === 'found' && byOtherMail.value.user.userPrincipalName,
    ).toBe(upn('megan.bowen'));
    const adele = await directory.lookupUser(upn('adele.vance'));
    expect(adele.ok && adele.value.kind === 'found' && adele.value.user).toMatchObject({
      usageLocation: 'DK',
      lastPasswordChangeDateTime: expect.any(String),
    });
    const synced = await directory.lookupUser(upn('nestor.wilke'));
    expect(synced.ok && synced.value.kind === 'found' && synced.value.user.onPremisesSyncEnabled).toBe(true);
  });

  it("finds o'brien: a quote in the input neither fails nor widens the look-up", async () => {
    const r = await directory.lookupUser("o'brien@contoso.example");
    expect(r.ok && r.value.kind === 'found' && r.value.user.displayName).toBe("Conor O'Brien");
  });

  it.each([["x' or 1 eq 1"], ["' or userPrincipalName ne '"], ['a&$top=999'], ['x#frag'], ['%27 or 1 eq 1']])(
    'an injection attempt (%s) matches nobody',
    async (input) => {
      expect(await directory.lookupUser(input)).toEqual({ ok: true, value: { kind: 'none' } });
    },
  );

  it('reports two holders of the same otherMails address as ambiguous', async () => {
    const r = await directory.lookupUser('shared.desk@contoso.example');
    expect(r).toEqual({ ok: true, value: { kind: 'ambiguous', count: 2 } });
  });

  it('answers none for an unknown or empty identifier', async () => {
    expect(await directory.lookupUser('nobody@contoso.example')).toEqual({
      ok: true,
      value: { kind: 'none' },
    });
    expect(await directory.lookupUser('   ')).toEqual({ ok: true, value: { kind: 'none' } });
  });
});

describe('getUserContext', () => {
  it('reads methods, memberships, privilege and risk in one $batch', async () => {
    const id = await userId('diego.siciliani');
    emu.resetCounters();
    const r = await directory.getUserContext(id, [
      emu.groups['MyPass Licensed'] as string,
      emu.groups['MyPass Two Methods'] as string,
    ]);
    // One HTTP request; the emulator also counts the requests inside the batch by route.
    expect(emu.counters()).toEqual({
      'POST /v1.0/$batch': 1,
      'GET /v1.0/users/{id}/authentication/phoneMethods': 1,
      'GET /v1.0/users/{id}/authentication/emailMethods': 1,
      'GET /v1.0/users/{id}/transitiveMemberOf': 1,
      'POST /v1.0/users/{id}/checkMemberObjects': 1,
      'GET /v1.0/roleManagement/directory/roleEligibilitySchedules': 1,
      'GET /v1.0/identityProtection/riskyUsers/{id}': 1,
    });
    expect(r.ok && r.value).toEqual({
      memberOfGroupIds: [emu.groups['MyPass Licensed']],
      privilegedBy: [],
      phoneMethods: [
        expect.objectContaining({ phoneNumber: expect.stringMatching(/^\+45/), phoneType: 'mobile' }),
      ],
      emailMethods: [expect.objectContaining({ emailAddress: 'diego.siciliani@mail.example' })],
      riskState: 'atRisk',
    });
  });

  it('sees nested licensed membership, and risk none for a user never at risk (404)', async () => {
    const r = await directory.getUserContext(await userId('adele.vance'), [
      emu.groups['MyPass Licensed'] as string,
    ]);
    expect(r.ok && r.value.memberOfGroupIds).toEqual([emu.groups['MyPass Licensed']]);
    expect(r.ok && r.value.riskState).toBe('none');
  });

  it('marks a Global Administrator, a PIM-eligible user and a role-assignable group member as privileged', async () => {
    const patti = await directory.getUserContext(await userId('patti.fernandez'), []);
    expect(patti.ok && patti.value.privilegedBy).toContain('directory_role');
    const pradeep = await directory.getUserContext(await userId('pradeep.gupta'), []);
    expect(pradeep.ok && pradeep.value.privilegedBy).toEqual(['pim_eligible_role']);
    const raul = await directory.getUserContext(await userId('raul.razo'), []);
    expect(raul.ok && raul.value.privilegedBy).toContain('role_assignable_group');
    const alex = await directory.getUserContext(await userId('alex.wilber'), []);
    expect(alex.ok && alex.value.privilegedBy).toEqual([]);
  });

  it('answers not_found for an unknown id and for something that is not an id', async () => {
    expect((await directory.getUserContext('00000000-0000-4000-8000-000000000000', [])).ok).toBe(false);
    expect(await directory.getUserContext('../me', [])).toMatchObject({ ok: false, code: 'not_found' });
  });
});

describe('resetPassword', () => {
  it('sets the password with one PATCH and the grant then accepts it', async () => {
    const id = await userId('johanna.lorenz');
    emu.resetCounters();
    expect(await directory.resetPassword(id, 'Fresh-Meadow-4821!')).toEqual({ ok: true, value: undefined });
    expect(emu.counters()['PATCH /v1.0/users/{id}']).toBe(1);
    expect(await directory.checkPassword(upn('johanna.lorenz'), 'Fresh-Meadow-4821!')).toEqual({
      ok: true,
      value: { proven: true, factor: 'full', reason: 'ok' },
    });
    expect(emu.inspectUser(upn('johanna.lorenz'))?.passwordProfile).toEqual({
      forceChangePasswordNextSignIn: false,
    });
  });

  it('answers password_rejected for a password that fails the complexity rule', async () => {
    const r = await directory.resetPassword(await userId('johanna.lorenz'), 'short');
    expect(r).toMatchObject({ ok: false, code: 'password_rejected' });
  });

  it('resolves a 504 after the change was applied by re-reading lastPasswordChangeDateTime', async () => {
    const id = await userId('alex.wilber');
    emu.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status_after_apply', status: 504 },
      times: 1,
    });
    emu.resetCounters();
    expect(await directory.resetPassword(id, 'Harbour-Lights-7734!')).toEqual({ ok: true, value: undefined });
    expect(emu.counters()['PATCH /v1.0/users/{id}']).toBe(1);
    expect(emu.counters()['GET /v1.0/users/{id}']).toBe(1);
  });

  it('re-reads after a dropped connection on the PATCH, and reports unavailable when nothing changed', async () => {
    const id = await userId('alex.wilber');
    emu.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'drop_connection' },
      times: 1,
    });
    emu.resetCounters();
    const r = await directory.resetPassword(
      id,
      'Dropped-Lantern-3310!',
      emu.inspectUser(id)?.lastPasswordChangeDateTime,
    );
    expect(r).toMatchObject({ ok: false, code: 'directory_unavailable' });
    expect(emu.counters()['GET /v1.0/users/{id}']).toBe(1);
  });

  it('answers directory_unavailable when a 504 came before any change', async () => {
    const id = await userId('alex.wilber');
    emu.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status', status: 504 },
      times: 1,
    });
    const r = await directory.resetPassword(
      id,
      'Another-Lantern-5521!',
      emu.inspectUser(id)?.lastPasswordChangeDateTime,
    );
    expect(r).toMatchObject({ ok: false, code: 'directory_unavailable' });
  });
});

describe('a whole reset', () => {
  it('costs three Graph HTTP requests: the look-up, one $batch, the PATCH', async () => {
    emu.resetCounters();
    const found = await directory.lookupUser(upn('lee.gu'));
    if (!found.ok || found.value.kind !== 'found') throw new Error('lee.gu not found');
    const context = await directory.getUserContext(found.value.user.id, [
      emu.groups['MyPass Two Methods'] as string,
    ]);
    expect(context.ok && context.value.memberOfGroupIds).toEqual([emu.groups['MyPass Two Methods']]);
    expect(
      await directory.resetPassword(
        found.value.user.id,
        'Quiet-Harbour-9912!',
        found.value.user.lastPasswordChangeDateTime,
      ),
    ).toEqual({
      ok: true,
      value: undefined,
    });
    const outer = Object.entries(emu.counters()).filter(
      ([k]) => k === 'GET /v1.0/users' || k === 'POST /v1.0/$batch' || k === 'PATCH /v1.0/users/{id}',
    );
    expect(Object.fromEntries(outer)).toEqual({
      'GET /v1.0/users': 1,
      'POST /v1.0/$batch': 1,
      'PATCH /v1.0/users/{id}': 1,
    });
    // Everything else counted was inside the batch, and no token was requested.
    expect(tokenRequests()).toBe(0);
  });
});

describe('sessions and risk', () => {
  it('revokes sign-in sessions', async () => {
    const id = await userId('lee.gu');
    const before = emu.inspectUser(id)?.signInSessionsValidFromDateTime;
    expect(await directory.revokeSignInSessions(id)).toEqual({ ok: true, value: undefined });
    expect(emu.inspectUser(id)?.signInSessionsValidFromDateTime).not.toBe(before);
  });

  it('dismisses user risk', async () => {
    const id = await userId('diego.siciliani');
    expect(await directory.dismissUserRisk(id)).toEqual({ ok: true, value: undefined });
    expect(emu.inspectUser(id)?.riskState).toBe('dismissed');
  });
});

describe('checkPassword (password grant)', () => {
  it.each([
    ['alex.wilber', 'wrong-password', { proven: false, reason: 'bad_password', aadsts: '50126' }],
    ['no.such.user', 'whatever-1A!', { proven: false, reason: 'no_such_user', aadsts: '50034' }],
    ['isaiah.langer', 'wrong-password', { proven: false, reason: 'locked', aadsts: '50053' }],
    ['grady.archie', 'Contoso-Canyon-2026!', { proven: false, reason: 'disabled', aadsts: '50057' }],
    [
      'miriam.graham',
      'Contoso-Cedar-2026!',
      { proven: true, factor: 'first_factor_only', reason: 'mfa_required' },
    ],
  ])('%s → %j', async (local, password, outcome) => {
    expect(await directory.checkPassword(upn(local), password)).toEqual({ ok: true, value: outcome });
  });

  it.each([
    ['password_expired', { proven: true, factor: 'first_factor_only', reason: 'password_expired' }],
    [
      'mfa_registration_required',
      { proven: true, factor: 'first_factor_only', reason: 'mfa_registration_required' },
    ],
    ['conditional_access', { proven: false, reason: 'conditional_access', aadsts: '53003' }],
  ] as const)('the right password answered with %s', async (kind, outcome) => {
    emu.setPasswordGrantOutcome(upn('lynne.robbins'), kind);
    try {
      expect(await directory.checkPassword(upn('lynne.robbins'), 'Contoso-Oasis-2026!')).toEqual({
        ok: true,
        value: outcome,
      });
    } finally {
      emu.setPasswordGrantOutcome(upn('lynne.robbins'), 'success');
    }
  });

  it('refuses to check when the password grant is switched off in the configuration', async () => {
    const off = await connector({ passwordGrant: { enabled: false } });
    expect(await off.checkPassword(upn('lynne.robbins'), 'Contoso-Oasis-2026!')).toEqual({
      ok: false,
      code: 'configuration_error',
      upstreamCode: 'password_grant_disabled',
    });
    await off.close();
  });

  it('removes the account from the msal cache after every check', async () => {
    expect(await directory.checkPassword(upn('lynne.robbins'), 'Contoso-Oasis-2026!')).toMatchObject({
      ok: true,
      value: { proven: true },
    });
    expect(await directory.connection.credentials.cachedAccountCount()).toBe(0);
  });
});
