import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/api.js';
import { startEmulator } from '../src/index.js';
import { appToken, graph, usersFilter, type GraphErrorBody } from './emulator-http.js';

let emu: RunningEmulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator();
  token = await appToken(emu);
});
afterAll(async () => {
  await emu.close();
});

type List<T = Record<string, unknown>> = { value: T[]; '@odata.count'?: number };
const eventual = { ConsistencyLevel: 'eventual' };

async function userId(upn: string): Promise<string> {
  const res = await graph(emu, token, 'GET', `/users/${encodeURIComponent(upn)}`);
  return String(res.body.id);
}

describe('bearer validation', () => {
  it("answers 401 InvalidAuthenticationToken in Graph's envelope without a token, echoing client-request-id", async () => {
    const res = await graph<GraphErrorBody>(emu, null, 'GET', '/users', {
      headers: { 'client-request-id': 'abc-123' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('InvalidAuthenticationToken');
    expect(res.body.error.innerError['client-request-id']).toBe('abc-123');
    expect(res.headers.get('request-id')).toBe(res.body.error.innerError['request-id']);
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('answers 401 for a token signed by someone else, and for garbage', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${emu.tenantId}/`,
      roles: ['User.Read.All'],
      exp: now + 600,
    })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const bad = await graph<GraphErrorBody>(emu, forged, 'GET', '/users');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('InvalidAuthenticationToken');
    const garbage = await graph<GraphErrorBody>(emu, 'not.a.jwt', 'GET', '/users');
    expect(garbage.status).toBe(401);
  });

  it('answers 403 Authorization_RequestDenied once the permission is removed', async () => {
    emu.setApiAppRoles(['GroupMember.Read.All']);
    try {
      const limited = await appToken(emu);
      const res = await graph<GraphErrorBody>(emu, limited, 'GET', '/users/alex.wilber@contoso.example');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      });
      const methods = await graph(
        emu,
        limited,
        'GET',
        '/users/alex.wilber@contoso.example/authentication/phoneMethods',
      );
      expect(methods.status).toBe(403);
    } finally {
      emu.setApiAppRoles([
        'User.Read.All',
        'GroupMember.Read.All',
        'User-PasswordProfile.ReadWrite.All',
        'UserAuthenticationMethod.Read.All',
        'IdentityRiskyUser.ReadWrite.All',
        'User.RevokeSessions.All',
        'Application.Read.All',
        'RoleManagement.Read.Directory',
      ]);
    }
  });

  it('answers unknown segments like Graph', async () => {
    const res = await graph<GraphErrorBody>(emu, token, 'GET', '/frobnicators');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'frobnicators'.",
    });
  });
});

describe('users', () => {
  it('filters on userPrincipalName case-insensitively, with the default property set', async () => {
    const res = await graph<List>(
      emu,
      token,
      'GET',
      usersFilter("userPrincipalName eq 'ADELE.VANCE@contoso.example'"),
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toHaveLength(1);
    expect(Object.keys(res.body.value[0] ?? {}).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    expect(res.body.value[0]?.mobilePhone).toBe('20 12 34 56');
  });

  it('combines mail, employeeId and UPN with or', async () => {
    const f =
      "mail eq 'johanna.lorenz@contoso.example' or employeeId eq '100123' or userPrincipalName eq 'nobody@contoso.example'";
    const res = await graph<List>(emu, token, 'GET', usersFilter(f, '&$select=userPrincipalName,employeeId'));
    expect(res.body.value.map((u) => u.userPrincipalName).sort()).toEqual([
      'johanna.lorenz@contoso.example',
      'lynne.robbins@contoso.example',
    ]);
  });

  it("reads '' as one quote, so o'brien is found and an injection attempt neither fails nor widens", async () => {
    const ok = await graph<List>(
      emu,
      token,
      'GET',
      usersFilter("userPrincipalName eq 'o''brien@contoso.example'"),
    );
    expect(ok.body.value.map((u) => u.displayName)).toEqual(["Conor O'Brien"]);
    const escaped = await graph<List>(emu, token, 'GET', usersFilter("userPrincipalName eq 'x'' or 1 eq 1'"));
    expect(escaped.status).toBe(200);
    expect(escaped.body.value).toEqual([]);
    const unescaped = await graph<GraphErrorBody>(
      emu,
      token,
      'GET',
      usersFilter("userPrincipalName eq 'x' or 1 eq 1'"),
    );
    expect(unescaped.status).toBe(400);
  });

  it('needs ConsistencyLevel: eventual and $count=true for otherMails/any, then finds both owners', async () => {
    const f = "otherMails/any(m:m eq 'shared.desk@contoso.example')";
    const plain = await graph<GraphErrorBody>(emu, token, 'GET', usersFilter(f));
    expect(plain.status).toBe(400);
    expect(plain.body.error.code).toBe('Request_UnsupportedQuery');
    const noCount = await graph<GraphErrorBody>(emu, token, 'GET', usersFilter(f), { headers: eventual });
    expect(noCount.status).toBe(400);
    const res = await graph<List>(emu, token, 'GET', usersFilter(f, '&$count=true'), { headers: eventual });
    expect(res.status).toBe(200);
    expect(res.body['@odata.count']).toBe(2);
    expect(res.body.value.map((u) => u.displayName).sort()).toEqual(['Henrietta Mueller', 'Henry Mueller']);
  });

  it('refuses anything outside the supported filter grammar', async () => {
    for (const f of [
      "startswith(displayName,'A')",
      "displayName ne 'x'",
      "mail eq 'a' and mail eq 'b'",
      "city eq 'Oslo'",
      "mail eq 'x",
    ]) {
      const res = await graph<GraphErrorBody>(emu, token, 'GET', usersFilter(f));
      expect(res.status, f).toBe(400);
      expect(['BadRequest', 'Request_UnsupportedQuery']).toContain(res.body.error.code);
    }
  });

  it('returns only the $selected properties plus id, and refuses unknown ones', async () => {
    const res = await graph(
      emu,
      token,
      'GET',
      '/users/nestor.wilke@contoso.example?$select=onPremisesSyncEnabled,accountEnabled,lastPasswordChangeDateTime',
    );
    expect(
      Object.keys(res.body)
        .filter((k) => !k.startsWith('@'))
        .sort(),
    ).toEqual(['accountEnabled', 'id', 'lastPasswordChangeDateTime', 'onPremisesSyncEnabled'].sort());
    expect(res.body.onPremisesSyncEnabled).toBe(true);
    expect(Date.parse(String(res.body.lastPasswordChangeDateTime))).toBeLessThan(Date.now());
    const bad = await graph<GraphErrorBody>(
      emu,
      token,
      'GET',
      '/users/nestor.wilke@contoso.example?$select=shoeSize',
    );
    expect(bad.status).toBe(400);
  });

  it('honours $top with a next link', async () => {
    const res = await graph<List & { '@odata.nextLink'?: string }>(emu, token, 'GET', '/users?$top=3');
    expect(res.body.value).toHaveLength(3);
    const next = res.body['@odata.nextLink'] ?? '';
    expect(next).toContain('$skiptoken=3');
    const page2 = await graph<List>(emu, token, 'GET', next.slice(`${emu.origin}/v1.0`.length));
    expect(page2.body.value).toHaveLength(3);
    expect(page2.body.value[0]?.id).not.toBe(res.body.value[0]?.id);
  });

  it('gets a user by id or UPN and answers 404 Request_ResourceNotFound otherwise', async () => {
    const id = await userId('grady.archie@contoso.example');
    const byId = await graph(emu, token, 'GET', `/users/${id}?$select=accountEnabled`);
    expect(byId.body.accountEnabled).toBe(false);
    const guest = await graph(
      emu,
      token,
      'GET',
      `/users/${encodeURIComponent('guest.user_fabrikam.example#EXT#@contoso.example')}?$select=userType,mail`,
    );
    expect(guest.body).toMatchObject({ userType: 'Guest', mail: 'guest.user@fabrikam.example' });
    const missing = await graph<GraphErrorBody>(emu, token, 'GET', '/users/nobody@contoso.example');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });

  it('seeds every user with mail = UPN (except the guest), a country and valid mobile numbers', async () => {
    const res = await graph<List>(
      emu,
      token,
      'GET',
      '/users?$select=userPrincipalName,mail,usageLocation,userType&$top=999',
    );
    expect(res.body.value.length).toBeGreaterThanOrEqual(20);
    for (const u of res.body.value) {
      if (u.userType !== 'Guest') expect(u.mail).toBe(u.userPrincipalName);
      expect(u.usageLocation).toMatch(/^[A-Z]{2}$/);
      const methods = await graph<List<{ phoneNumber: string; phoneType: string }>>(
        emu,
        token,
        'GET',
        `/users/${String(u.id)}/authentication/phoneMethods`,
      );
      for (const m of methods.body.value) {
        const parsed = parsePhoneNumberFromString(m.phoneNumber.replace(' ', ''));
        expect(parsed?.isValid(), m.phoneNumber).toBe(true);
        expect(['MOBILE', 'FIXED_LINE_OR_MOBILE']).toContain(parsed?.getType());
        expect(parsed?.country).toBe(u.usageLocation);
        expect(m.phoneNumber).toMatch(/^\+\d{1,3} \d+$/);
      }
    }
  });
});

describe('methods, memberships, privilege and risk', () => {
  it("lists phone and e-mail methods in Graph's shapes", async () => {
    const id = await userId('lee.gu@contoso.example');
    const phones = await graph<List>(emu, token, 'GET', `/users/${id}/authentication/phoneMethods`);
    expect(phones.body.value).toEqual([
      {
        id: '3179e48a-750b-4051-897c-87b9720928f7',
        phoneNumber: '+44 7400123456',
        phoneType: 'mobile',
        smsSignInState: 'notAllowedByPolicy',
      },
    ]);
    const emails = await graph<List>(emu, token, 'GET', `/users/${id}/authentication/emailMethods`);
    expect(emails.body.value[0]).toMatchObject({ emailAddress: 'lee.gu@personal.example' });
    const megan = await userId('megan.bowen@contoso.example');
    expect(
      (await graph<List>(emu, token, 'GET', `/users/${megan}/authentication/phoneMethods`)).body.value,
    ).toEqual([]);
  });

  it('checkMemberObjects answers transitive groups and directory roles', async () => {
    const licensed = emu.groups['MyPass Licensed'] ?? '';
    const twoMethods = emu.groups['MyPass Two Methods'] ?? '';
    const adele = await userId('adele.vance@contoso.example');
    const res = await graph<List<string>>(emu, token, 'POST', `/users/${adele}/checkMemberObjects`, {
      body: { ids: [licensed, twoMethods] },
    });
    // Adele is licensed only through the nested Copenhagen Office group.
    expect(res.body.value).toEqual([licensed]);
    const irvin = await userId('irvin.sayers@contoso.example');
    const none = await graph<List<string>>(
      emu,
      token,
      'POST',
      `/directoryObjects/${irvin}/checkMemberObjects`,
      {
        body: { ids: [licensed] },
      },
    );
    expect(none.body.value).toEqual([]);
  });

  it('transitiveMemberOf shows role-assignable groups and directory roles', async () => {
    const patti = await userId('patti.fernandez@contoso.example');
    const res = await graph<List>(emu, token, 'GET', `/users/${patti}/transitiveMemberOf`);
    const role = res.body.value.find((o) => o['@odata.type'] === '#microsoft.graph.directoryRole');
    expect(role).toMatchObject({
      displayName: 'Global Administrator',
      roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
    });
    const ids = await graph<List<string>>(emu, token, 'POST', `/users/${patti}/checkMemberObjects`, {
      body: { ids: [String(role?.id)] },
    });
    expect(ids.body.value).toEqual([role?.id]);

    const selected = await graph<List>(
      emu,
      token,
      'GET',
      `/users/${patti}/transitiveMemberOf?$select=id,roleTemplateId,isAssignableToRole`,
    );
    expect(selected.body.value).toContainEqual({
      '@odata.type': '#microsoft.graph.directoryRole',
      id: role?.id,
      roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
    });
    expect(selected.body.value.every((o) => !('displayName' in o))).toBe(true);

    const raul = await userId('raul.razo@contoso.example');
    const raulRes = await graph<List>(emu, token, 'GET', `/users/${raul}/transitiveMemberOf`);
    expect(raulRes.body.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.group',
          displayName: 'Helpdesk Operators',
          isAssignableToRole: true,
        }),
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.directoryRole',
          roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
        }),
      ]),
    );
  });

  it('lists PIM eligibility by principalId', async () => {
    const pradeep = await userId('pradeep.gupta@contoso.example');
    const res = await graph<List>(
      emu,
      token,
      'GET',
      `/roleManagement/directory/roleEligibilitySchedules?$filter=${encodeURIComponent(`principalId eq '${pradeep}'`)}`,
    );
    expect(res.body.value).toHaveLength(1);
    expect(res.body.value[0]).toMatchObject({
      principalId: pradeep,
      roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
      directoryScopeId: '/',
    });
    const alex = await userId('alex.wilber@contoso.example');
    const none = await graph<List>(
      emu,
      token,
      'GET',
      `/roleManagement/directory/roleEligibilitySchedules?$filter=${encodeURIComponent(`principalId eq '${alex}'`)}`,
    );
    expect(none.body.value).toEqual([]);
  });

  it('reads risk (404 when none) and dismisses it', async () => {
    const diego = await userId('diego.siciliani@contoso.example');
    const risky = await graph(emu, token, 'GET', `/identityProtection/riskyUsers/${diego}`);
    expect(risky.body).toMatchObject({ riskState: 'atRisk', riskLevel: 'medium' });
    const alex = await userId('alex.wilber@contoso.example');
    expect((await graph(emu, token, 'GET', `/identityProtection/riskyUsers/${alex}`)).status).toBe(404);
    const dismiss = await graph(emu, token, 'POST', '/identityProtection/riskyUsers/dismiss', {
      body: { userIds: [diego] },
    });
    expect(dismiss.status).toBe(204);
    expect(emu.inspectUser(diego)?.riskState).toBe('dismissed');
  });
});

describe('service principals and applications (doctor)', () => {
  it('finds the API app, its Graph app role assignments and directory role', async () => {
    const sps = await graph<List>(
      emu,
      token,
      'GET',
      `/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${emu.apiApp.clientId}'`)}`,
    );
    expect(sps.body.value).toHaveLength(1);
    const spId = String(sps.body.value[0]?.id);
    const graphSp = await graph<List<{ id: string; appRoles: { id: string; value: string }[] }>>(
      emu,
      token,
      'GET',
      `/servicePrincipals?$filter=${encodeURIComponent("appId eq '00000003-0000-0000-c000-000000000000'")}`,
    );
    const appRoles = graphSp.body.value[0]?.appRoles ?? [];
    expect(appRoles.find((r) => r.value === 'User.Read.All')?.id).toBe(
      'df021288-bdef-4463-88db-98f22de89214',
    );
    const assignments = await graph<List<{ appRoleId: string; resourceId: string }>>(
      emu,
      token,
      'GET',
      `/servicePrincipals/${spId}/appRoleAssignments`,
    );
    expect(assignments.body.value.map((a) => a.appRoleId)).toContain('cc117bb9-00cf-4eb8-b580-ea2a878fe8f7');
    expect(assignments.body.value.every((a) => a.resourceId === graphSp.body.value[0]?.id)).toBe(true);
    const roles = await graph<List>(
      emu,
      token,
      'GET',
      `/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${spId}'`)}`,
    );
    expect(roles.body.value).toEqual([
      expect.objectContaining({
        roleDefinitionId: '966707d0-3269-4727-9be2-8c3a10f19b9d',
        directoryScopeId: '/',
      }),
    ]);
    emu.setApiDirectoryRoles([{ roleName: 'Helpdesk Administrator', scope: '/administrativeUnits/au-1' }]);
    const changed = await graph<List>(
      emu,
      token,
      'GET',
      `/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${spId}'`)}`,
    );
    expect(changed.body.value).toEqual([
      expect.objectContaining({
        roleDefinitionId: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
        directoryScopeId: '/administrativeUnits/au-1',
      }),
    ]);
    emu.setApiDirectoryRoles([{ roleName: 'Password Administrator' }]);
  });

  it('shows credential expiry on the application and the licensed groups', async () => {
    const apps = await graph<
      List<{ passwordCredentials: { endDateTime: string }[]; keyCredentials: { endDateTime: string }[] }>
    >(emu, token, 'GET', `/applications?$filter=${encodeURIComponent(`appId eq '${emu.apiApp.clientId}'`)}`);
    const app = apps.body.value[0];
    const days = (iso: string | undefined): number => (Date.parse(iso ?? '') - Date.now()) / 86_400_000;
    expect(days(app?.keyCredentials[0]?.endDateTime)).toBeGreaterThan(364);
    expect(days(app?.passwordCredentials[0]?.endDateTime)).toBeGreaterThan(30);
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
    emu.updateApiApp({ secretEndDateTime: soon });
    const again = await graph<List<{ passwordCredentials: { endDateTime: string }[] }>>(
      emu,
      token,
      'GET',
      `/applications?$filter=${encodeURIComponent(`appId eq '${emu.apiApp.clientId}'`)}`,
    );
    expect(again.body.value[0]?.passwordCredentials[0]?.endDateTime).toBe(soon);

    const group = await graph(emu, token, 'GET', `/groups/${emu.groups['MyPass Licensed'] ?? ''}`);
    expect(group.body).toMatchObject({ displayName: 'MyPass Licensed', securityEnabled: true });
    emu.deleteGroup('MyPass Two Methods');
    expect((await graph(emu, token, 'GET', `/groups/${emu.groups['MyPass Two Methods'] ?? ''}`)).status).toBe(
      404,
    );
  });
});
