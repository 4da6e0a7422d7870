// THROWAWAY review test (R5) — delete before finishing.
import { describe, expect, it } from 'vitest';
import { decoyMethods, decoyOffer } from '../../src/flows-service/decoy-methods.js';
import { policySchema } from '../../src/policy/policy-config.js';
import { candidateMethods } from '../../src/policy/eligibility.js';
import { makeContext, makeUser } from '../app/scripted-directory.js';

const key = 'k'.repeat(32);
const all = () => true;
const names = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@contoso.example`);
const G = '22222222-2222-4222-8222-222222222222';
const tally = (lists: string[][]) => {
  const t = new Map<string, number>();
  for (const l of lists) t.set(l.join(','), (t.get(l.join(',')) ?? 0) + 1);
  return Object.fromEntries([...t].sort((a, b) => b[1] - a[1]));
};

describe('R5 decoy tells', () => {
  it('A: union of policies: both kinds though no single policy allows both', () => {
    const smsOnly = policySchema.parse({ name: 'sms-only', groups: [G], methods: { email: { allowed: false } } });
    const emailOnly = policySchema.parse({ name: 'default', methods: { sms: { allowed: false } } });
    const offer = decoyOffer([smsOnly, emailOnly], 'reset', 'web', all);
    const lists = names(400).map((n) => decoyMethods(key, n, 'DK', ['DK'], offer).map((m) => m.id));
    console.log('A offer', JSON.stringify(offer), 'shapes', tally(lists));
  });
  it('B: every policy requires two methods; decoys show one', () => {
    const two = policySchema.parse({ name: 'default', methodsRequired: 2 });
    const offer = decoyOffer([two], 'reset', 'web', all);
    const lists = names(400).map((n) => decoyMethods(key, n, 'DK', ['DK'], offer).map((m) => m.id));
    console.log('B shapes', tally(lists));
    const twoSmsOnly = policySchema.parse({ name: 'default', methodsRequired: 2 });
    const smsOffer = decoyOffer([twoSmsOnly], 'reset', 'web', (k) => k === 'sms');
    const l2 = names(400).map((n) => decoyMethods(key, n, 'DK', ['DK'], smsOffer).map((m) => m.id));
    console.log('B sms-only delivery shapes', tally(l2));
  });
  it('C: SMS only from the profile: one mobilePhone, yet decoys show sms:2', () => {
    const p = policySchema.parse({ name: 'default', methods: { sms: { sources: ['profile'] } } });
    const offer = decoyOffer([p], 'enroll', 'web', all);
    const lists = names(2000).map((n) => decoyMethods(key, n, 'DK', ['DK'], offer).map((m) => m.id));
    console.log('C offer', JSON.stringify(offer), 'with sms:2', lists.filter((l) => l.includes('sms:2')).length, 'of', lists.length);
    // The most a real user can show under this policy (enroll: no enrollments):
    const user = makeUser({ id: 'u', userPrincipalName: 'u@x', mobilePhone: '+4520123456' });
    const ctx = makeContext({ phoneMethods: [{ id: 'p', phoneNumber: '+4520999999', phoneType: 'mobile' }, { id: 'q', phoneNumber: '+4520888888', phoneType: 'alternateMobile' }], emailMethods: [{ id: 'e', emailAddress: 'a@b.dk' }] });
    console.log('C real candidates', JSON.stringify(candidateMethods(p, user, ctx, [])));
  });
  it('D: SMS only through enrollments; an enroll decoy still shows SMS', () => {
    const p = policySchema.parse({ name: 'default', methods: { sms: { sources: ['enrolled'] } } });
    const offer = decoyOffer([p], 'enroll', 'web', all);
    const lists = names(400).map((n) => decoyMethods(key, n, 'DK', ['DK'], offer).map((m) => m.id));
    console.log('D offer', JSON.stringify(offer), 'shapes', tally(lists));
  });
  it('E: order: SMS from profile, e-mail registered: real lists put e-mail first, decoys SMS first', () => {
    const p = policySchema.parse({ name: 'default', methods: { sms: { sources: ['profile'] }, email: { sources: ['registered'] } } });
    const user = makeUser({ id: 'u', userPrincipalName: 'u@x', mobilePhone: '+4520123456' });
    const ctx = makeContext({ emailMethods: [{ id: 'e', emailAddress: 'a@b.dk' }] });
    console.log('E real order', candidateMethods(p, user, ctx, []).map((m) => m.kind).join(','));
    const offer = decoyOffer([p], 'reset', 'web', all);
    const lists = names(400).map((n) => decoyMethods(key, n, 'DK', ['DK'], offer).map((m) => m.id));
    console.log('E decoy shapes', tally(lists));
  });
  it('F: smsCountries without the default region', () => {
    const p = policySchema.parse({ name: 'default' });
    const offer = decoyOffer([p], 'reset', 'web', all);
    const hints = names(200).flatMap((n) => decoyMethods(key, n, 'DK', ['SE', 'NO'], offer).filter((m) => m.kind === 'sms').map((m) => m.hint.split(' ')[0]));
    console.log('F sms prefixes', tally(hints.map((h) => [h ?? ''])));
    const empty = names(200).flatMap((n) => decoyMethods(key, n, 'DK', [], offer).filter((m) => m.kind === 'sms').map((m) => m.hint.split(' ')[0]));
    console.log('F smsCountries=[] sms prefixes', tally(empty.map((h) => [h ?? ''])));
  });
});
