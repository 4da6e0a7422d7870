// T12 as a rule table: which proofs make an enroll flow verified. A password alone never does under the
// default; "MFA required"/"expired" (first factor only) never does alone under any policy.
import { describe, expect, it } from 'vitest';
import {
  passwordAcceptedNow,
  proofSatisfied,
  proofsRemaining,
  type ProofState,
} from '../../src/enrollment/enrollment-proof.js';

const state = (over: Partial<ProofState>): ProofState => ({
  proof: 'code-then-password',
  codesRequired: 1,
  codesVerified: 0,
  passwordFactor: null,
  ...over,
});

describe('enrollment proof (T12)', () => {
  it('default: a password alone, full or first factor, never suffices', () => {
    expect(proofSatisfied(state({ passwordFactor: 'full' }))).toBe(false);
    expect(proofSatisfied(state({ passwordFactor: 'first_factor_only' }))).toBe(false);
    expect(passwordAcceptedNow(state({}))).toBe(false);
  });

  it('default: a code, then the password (MFA required counts beside the code)', () => {
    expect(passwordAcceptedNow(state({ codesVerified: 1 }))).toBe(true);
    expect(proofsRemaining(state({ codesVerified: 1 }))).toBe(1);
    expect(proofSatisfied(state({ codesVerified: 1, passwordFactor: 'first_factor_only' }))).toBe(true);
    expect(proofSatisfied(state({ codesVerified: 1 }))).toBe(false);
  });

  it('at-risk users prove two codes beside the password', () => {
    const twoCodes = state({ codesRequired: 2, codesVerified: 1, passwordFactor: 'full' });
    expect(proofSatisfied(twoCodes)).toBe(false);
    expect(proofsRemaining(twoCodes)).toBe(1);
    expect(proofSatisfied({ ...twoCodes, codesVerified: 2 })).toBe(true);
  });

  it('password-only (weaker, flagged by doctor) accepts only a password Entra accepted outright', () => {
    expect(passwordAcceptedNow(state({ proof: 'password' }))).toBe(true);
    expect(proofSatisfied(state({ proof: 'password', passwordFactor: 'first_factor_only' }))).toBe(false);
    expect(proofsRemaining(state({ proof: 'password', passwordFactor: 'first_factor_only' }))).toBe(1);
    expect(proofSatisfied(state({ proof: 'password', passwordFactor: 'full' }))).toBe(true);
  });

  it('code-only (weaker) never checks a password', () => {
    expect(passwordAcceptedNow(state({ proof: 'code', codesVerified: 1 }))).toBe(false);
    expect(proofSatisfied(state({ proof: 'code', codesVerified: 1 }))).toBe(true);
    expect(proofSatisfied(state({ proof: 'code' }))).toBe(false);
  });
});
