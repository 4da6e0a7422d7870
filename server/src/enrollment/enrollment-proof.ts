// When an enroll flow counts as verified (T12). Pure, so the rule is tested on its own: a password
// alone never enrolls under the default proof, and a password Entra answered with "MFA required" or
// "expired" proves only a first factor, never enough without a code.
import type { EnrollmentProof } from '../policy/policy-config.js';

export type PasswordFactor = 'full' | 'first_factor_only';

export interface ProofState {
  proof: EnrollmentProof;
  /** Codes the user's policy requires (1, or 2 for at-risk and privileged users). */
  codesRequired: number;
  /** Distinct directory-held methods proven by a code in this flow. */
  codesVerified: number;
  /** What the password check proved, or null before (or without) one. */
  passwordFactor: PasswordFactor | null;
}

export function codesNeeded(state: Pick<ProofState, 'proof' | 'codesRequired'>): number {
  return state.proof === 'password' ? 0 : state.codesRequired;
}

export function passwordNeeded(proof: EnrollmentProof): boolean {
  return proof !== 'code';
}

/** Whether the password check proved enough for this proof. */
export function passwordSuffices(proof: EnrollmentProof, factor: PasswordFactor | null): boolean {
  if (factor === null) return false;
  // Alone, only a password Entra accepted outright counts; beside a code, a first factor is what it is.
  return proof === 'password' ? factor === 'full' : true;
}

/** Whether the password may be checked now: after a code where the proof starts with one (api.md). */
export function passwordAcceptedNow(state: ProofState): boolean {
  if (!passwordNeeded(state.proof)) return false;
  return state.proof === 'password' || state.codesVerified >= 1;
}

export function proofSatisfied(state: ProofState): boolean {
  if (state.codesVerified < codesNeeded(state)) return false;
  return !passwordNeeded(state.proof) || passwordSuffices(state.proof, state.passwordFactor);
}

/** Proofs still missing (`methodsRemaining`): codes, plus one for a password not yet proven enough. */
export function proofsRemaining(state: ProofState): number {
  const codes = Math.max(0, codesNeeded(state) - state.codesVerified);
  const password =
    passwordNeeded(state.proof) && !passwordSuffices(state.proof, state.passwordFactor) ? 1 : 0;
  return codes + password;
}
