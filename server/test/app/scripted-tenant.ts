// A small tenant mirroring the emulator's demo users, for the scripted directory.
import { makeContext, makeUser, ScriptedDirectory } from './scripted-directory.js';

export const groups = {
  licensed: '11111111-1111-4111-8111-111111111111',
  twoMethods: '22222222-2222-4222-8222-222222222222',
} as const;

export const people = {
  adele: { upn: 'adele.vance@contoso.example', phone: '+4520123478', email: 'adele.private@gmail.com' },
  alex: { upn: 'alex.wilber@contoso.example', email: 'alex.w@outlook.com' },
  lee: { upn: 'lee.gu@contoso.example', phone: '+4520993311', email: 'lee.private@gmail.com' },
  diego: { upn: 'diego.siciliani@contoso.example', phone: '+4520445566', email: 'diego.s@gmail.com' },
  obrien: { upn: "o'brien@contoso.example", phone: '+4520776655' },
} as const;

export function accessConfig() {
  return {
    licensedGroups: [groups.licensed],
    denyList: ['break.glass@contoso.example'],
    policies: [
      { name: 'two-methods', groups: [groups.twoMethods], methodsRequired: 2 },
      { name: 'default', afterReset: { dismissRisk: true, revokeSessions: true } },
    ],
  };
}

export function scriptedTenant(): ScriptedDirectory {
  const licensed = [groups.licensed];
  const phone = (id: string, phoneNumber: string) => ({ id, phoneNumber, phoneType: 'mobile' });
  const email = (id: string, emailAddress: string) => ({ id, emailAddress });
  const d = new ScriptedDirectory();
  d.add(
    makeUser({
      id: 'a0000000-0000-4000-8000-000000000001',
      userPrincipalName: people.adele.upn,
      displayName: 'Adele Vance',
      employeeId: 'E1001',
    }),
    makeContext({
      memberOfGroupIds: licensed,
      phoneMethods: [phone('p1', '+45 20 12 34 78')],
      emailMethods: [email('e1', people.adele.email)],
    }),
  );
  d.add(
    makeUser({
      id: 'a0000000-0000-4000-8000-000000000002',
      userPrincipalName: people.alex.upn,
      displayName: 'Alex Wilber',
      usageLocation: 'US',
    }),
    makeContext({ memberOfGroupIds: licensed, emailMethods: [email('e2', people.alex.email)] }),
  );
  d.add(
    makeUser({
      id: 'a0000000-0000-4000-8000-000000000003',
      userPrincipalName: people.lee.upn,
      displayName: 'Lee Gu',
    }),
    makeContext({
      memberOfGroupIds: [...licensed, groups.twoMethods],
      phoneMethods: [phone('p3', people.lee.phone)],
      emailMethods: [email('e3', people.lee.email)],
    }),
  );
  d.add(
    makeUser({
      id: 'a0000000-0000-4000-8000-000000000004',
      userPrincipalName: people.diego.upn,
      displayName: 'Diego Siciliani',
    }),
    makeContext({
      memberOfGroupIds: licensed,
      phoneMethods: [phone('p4', people.diego.phone)],
      emailMethods: [email('e4', people.diego.email)],
      riskState: 'atRisk',
    }),
  );
  d.add(
    makeUser({
      id: 'a0000000-0000-4000-8000-000000000005',
      userPrincipalName: people.obrien.upn,
      displayName: "Pat O'Brien",
    }),
    makeContext({ memberOfGroupIds: licensed, phoneMethods: [phone('p5', people.obrien.phone)] }),
  );
  // Decoy categories.
  const withPhone = (id: string, n: string) =>
    makeContext({ memberOfGroupIds: licensed, phoneMethods: [phone(id, n)] });
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000001',
      userPrincipalName: 'disabled.user@contoso.example',
      accountEnabled: false,
    }),
    withPhone('q1', '+4520000001'),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000002',
      userPrincipalName: 'guest_fabrikam.example#EXT#@contoso.example',
      userType: 'Guest',
      mail: 'guest@fabrikam.example',
    }),
    withPhone('q2', '+4520000002'),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000003',
      userPrincipalName: 'break.glass@contoso.example',
    }),
    withPhone('q3', '+4520000003'),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000004',
      userPrincipalName: 'synced.user@contoso.example',
      onPremisesSyncEnabled: true,
    }),
    withPhone('q4', '+4520000004'),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000005',
      userPrincipalName: 'megan.admin@contoso.example',
      employeeId: 'E9001',
    }),
    makeContext({
      memberOfGroupIds: licensed,
      privilegedBy: ['directory_role'],
      phoneMethods: [phone('q5', '+4520000005')],
    }),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000006',
      userPrincipalName: 'pim.eligible@contoso.example',
    }),
    makeContext({
      memberOfGroupIds: licensed,
      privilegedBy: ['pim_eligible_role'],
      phoneMethods: [phone('q6', '+4520000006')],
    }),
  );
  d.add(
    makeUser({ id: 'b0000000-0000-4000-8000-000000000007', userPrincipalName: 'raul.razo@contoso.example' }),
    makeContext({
      memberOfGroupIds: licensed,
      privilegedBy: ['role_assignable_group'],
      phoneMethods: [phone('q7', '+4520000007')],
    }),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000008',
      userPrincipalName: 'unlicensed.user@contoso.example',
    }),
    makeContext({ phoneMethods: [phone('q8', '+4520000008')] }),
  );
  d.add(
    makeUser({ id: 'b0000000-0000-4000-8000-000000000009', userPrincipalName: 'no.methods@contoso.example' }),
    makeContext({ memberOfGroupIds: licensed }),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000010',
      userPrincipalName: 'henrietta.mueller@contoso.example',
      otherMails: ['shared.desk@contoso.example'],
    }),
    withPhone('q10', '+4520000010'),
  );
  d.add(
    makeUser({
      id: 'b0000000-0000-4000-8000-000000000011',
      userPrincipalName: 'henry.mueller@contoso.example',
      otherMails: ['shared.desk@contoso.example'],
    }),
    withPhone('q11', '+4520000011'),
  );
  return d;
}

/** Every decoy category with a name that lands in it, and the reason the audit must record. */
export const decoyNames: { name: string; reason: string }[] = [
  { name: 'nobody.here@contoso.example', reason: 'not_found' },
  { name: 'shared.desk@contoso.example', reason: 'ambiguous' },
  { name: 'disabled.user@contoso.example', reason: 'disabled' },
  { name: 'guest@fabrikam.example', reason: 'guest' },
  { name: 'break.glass@contoso.example', reason: 'deny_listed' },
  { name: 'synced.user@contoso.example', reason: 'synced' },
  { name: 'megan.admin@contoso.example', reason: 'privileged' },
  { name: 'pim.eligible@contoso.example', reason: 'privileged' },
  { name: 'raul.razo@contoso.example', reason: 'privileged' },
  { name: 'unlicensed.user@contoso.example', reason: 'unlicensed' },
  { name: 'no.methods@contoso.example', reason: 'no_methods' },
];
