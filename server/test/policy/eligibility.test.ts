import { describe, expect, it } from 'vitest';
import {
  candidateMethods,
  decideEligibility,
  groupIdsOfInterest,
  matchPolicy,
} from '../../src/policy/eligibility.js';
import { policiesConfigSchema, policySchema } from '../../src/policy/policy-config.js';
import { makeContext, makeUser } from '../app/scripted-directory.js';

const licensed = '11111111-1111-4111-8111-111111111111';
const two = '22222222-2222-4222-8222-222222222222';
const config = policiesConfigSchema.parse({
  licensedGroups: [licensed],
  denyList: ['break.glass@contoso.example', 'c0000000-0000-4000-8000-000000000009'],
  policies: [{ name: 'two', groups: [two], methodsRequired: 2 }, { name: 'default' }],
});
const user = (over: Partial<Parameters<typeof makeUser>[0]> = {}) =>
  makeUser({ id: 'c0000000-0000-4000-8000-000000000001', userPrincipalName: 'pat@contoso.example', ...over });
const phone = { id: 'p', phoneNumber: '+4520123456', phoneType: 'mobile' };
const email = { id: 'e', emailAddress: 'pat@gmail.com' };
const ctx = (over: Parameters<typeof makeContext>[0] = {}) =>
  makeContext({ memberOfGroupIds: [licensed], phoneMethods: [phone], emailMethods: [email], ...over });

describe('the default policy', () => {
  it('has the product defaults', () => {
    const p = policySchema.parse({ name: 'x' });
    expect(p.password).toMatchObject({
      minLength: 8,
      maxLength: 256,
      minCharacterClasses: 3,
      forbidUserNameParts: true,
      blockCommonPasswords: true,
    });
    expect(p.methods.sms.sources).toEqual(['registered', 'enrolled']);
    expect(p.methods.email.sources).toEqual(['registered', 'enrolled']);
    expect(p.methodsRequired).toBe(1);
    expect(p.atRiskMethodsRequired).toBe(2);
    expect(p.afterReset).toEqual({ dismissRisk: true, revokeSessions: false });
    expect(p.allowPrivileged).toBe(false);
  });

  it('rejects unknown fields and impossible rules', () => {
    expect(policiesConfigSchema.safeParse({ policies: [{ name: 'x', methodsRequried: 2 }] }).success).toBe(
      false,
    );
    expect(
      policiesConfigSchema.safeParse({
        policies: [{ name: 'x', password: { minLength: 20, maxLength: 10 } }],
      }).success,
    ).toBe(false);
    expect(policiesConfigSchema.safeParse({ policies: [] }).success).toBe(false);
  });
});

describe('matching', () => {
  it('takes the first policy whose group the user is in, the default otherwise', () => {
    expect(matchPolicy(config, [licensed, two])?.name).toBe('two');
    expect(matchPolicy(config, [licensed])?.name).toBe('default');
    expect(groupIdsOfInterest(config).sort()).toEqual([licensed, two].sort());
  });
});

describe('eligibility', () => {
  it('lets a licensed member with a registered method reset under the matching policy', () => {
    const d = decideEligibility(config, user(), ctx());
    expect(d).toMatchObject({ eligible: true, methodsRequired: 1 });
  });

  it.each([
    ['deny_listed', user({ userPrincipalName: 'Break.Glass@contoso.example' }), ctx()],
    ['deny_listed', user({ id: 'c0000000-0000-4000-8000-000000000009' }), ctx()],
    ['guest', user({ userType: 'Guest' }), ctx()],
    ['guest', user({ userPrincipalName: 'x_fabrikam.com#EXT#@contoso.example', userType: null }), ctx()],
    ['disabled', user({ accountEnabled: false }), ctx()],
    ['synced', user({ onPremisesSyncEnabled: true }), ctx()],
    ['unlicensed', user(), ctx({ memberOfGroupIds: [] })],
    ['privileged', user(), ctx({ privilegedBy: ['directory_role'] })],
    ['privileged', user(), ctx({ privilegedBy: ['pim_eligible_role'] })],
    ['privileged', user(), ctx({ privilegedBy: ['role_assignable_group'] })],
    ['no_methods', user(), ctx({ phoneMethods: [], emailMethods: [] })],
    ['no_methods', user(), ctx({ memberOfGroupIds: [licensed, two], emailMethods: [] })],
  ])('refuses %s', (reason, u, c) => {
    expect(decideEligibility(config, u, c)).toMatchObject({ eligible: false, reason });
  });

  it('asks two methods of at-risk users by default, and of privileged users a policy allows', () => {
    expect(decideEligibility(config, user(), ctx({ riskState: 'atRisk' }))).toMatchObject({
      eligible: true,
      methodsRequired: 2,
    });
    const allowing = policiesConfigSchema.parse({ policies: [{ name: 'admins', allowPrivileged: true }] });
    expect(decideEligibility(allowing, user(), ctx({ privilegedBy: ['directory_role'] }))).toMatchObject({
      eligible: true,
      methodsRequired: 2,
    });
  });

  it('never lets a synced user through, even where privileged users are allowed', () => {
    const allowing = policiesConfigSchema.parse({ policies: [{ name: 'all', allowPrivileged: true }] });
    expect(decideEligibility(allowing, user({ onPremisesSyncEnabled: true }), ctx())).toMatchObject({
      eligible: false,
      reason: 'synced',
    });
  });
});

describe('method sources (T13)', () => {
  const profileUser = user({ mobilePhone: '+4520999999', otherMails: ['pat.home@gmail.com'] });

  it('ignores profile fields by default', () => {
    const methods = candidateMethods(
      policySchema.parse({ name: 'x' }),
      profileUser,
      ctx({ phoneMethods: [], emailMethods: [] }),
    );
    expect(methods).toEqual([]);
  });

  it('uses profile fields where the policy enables them, marked as such', () => {
    const p = policySchema.parse({
      name: 'x',
      methods: { sms: { sources: ['registered', 'profile'] }, email: { sources: ['profile'] } },
    });
    const methods = candidateMethods(p, profileUser, ctx());
    expect(methods).toEqual([
      { kind: 'sms', source: 'registered', destination: '+4520123456' },
      { kind: 'sms', source: 'profile', destination: '+4520999999' },
      { kind: 'email', source: 'profile', destination: 'pat.home@gmail.com' },
    ]);
  });

  it('offers no office phone for SMS and no method a policy disallows', () => {
    const office = { id: 'o', phoneNumber: '+4533333333', phoneType: 'office' };
    const p = policySchema.parse({ name: 'x', methods: { email: { allowed: false } } });
    expect(candidateMethods(p, user(), ctx({ phoneMethods: [office, phone] }))).toEqual([
      { kind: 'sms', source: 'registered', destination: '+4520123456' },
    ]);
  });
});
