// Password rules for the live checklist (UI) and the server's check: the same code on both sides (api.md).
// The zxcvbn dictionaries are not imported here: pass a checker from loadCommonPasswordChecker().
import {
  codePointLength,
  defaultPasswordPolicy,
  type PasswordPolicy,
  type PasswordViolation,
} from './contract.js';
import type { CommonPasswordChecker } from './common-passwords.js';

export {
  defaultPasswordPolicy,
  passwordPolicySchema,
  type PasswordPolicy,
  type PasswordViolation,
} from './contract.js';
export type { CommonPasswordChecker, StrengthScore } from './common-passwords.js';

/** Rules of the checklist; `rejected_by_directory` only ever comes from the server. */
export type PasswordRule = Exclude<PasswordViolation, 'rejected_by_directory'>;

export interface PasswordCheck {
  rule: PasswordRule;
  passed: boolean;
  /** The rule needs the common-password checker, which was not given (still loading); `passed` is false. */
  pending?: true;
}

export interface PasswordEvaluation {
  /** Every rule passed and every rule could be checked. */
  ok: boolean;
  violations: PasswordViolation[];
  checks: PasswordCheck[];
}

export interface EvaluatePasswordOptions {
  /** UPN, mail, display name…: split into parts; parts of 3+ characters must not appear (Entra's rule). */
  userNameParts?: readonly string[];
  checker?: CommonPasswordChecker | null;
}

export type CharacterClass = 'lowercase' | 'uppercase' | 'digits' | 'symbols';

/** Which of the four classes a password uses. Letters of any script count by case; caseless ones as symbols. */
export function characterClasses(password: string): Set<CharacterClass> {
  const classes = new Set<CharacterClass>();
  for (const ch of password) {
    if (/\p{Ll}/u.test(ch)) classes.add('lowercase');
    else if (/[\p{Lu}\p{Lt}]/u.test(ch)) classes.add('uppercase');
    else if (/\p{Nd}/u.test(ch)) classes.add('digits');
    else classes.add('symbols');
  }
  return classes;
}

/** Parts of user names of 3+ characters, case-folded; the domain of a UPN or address is not a name part. */
export function userNameTokens(names: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const name of names) {
    const at = name.lastIndexOf('@');
    const local = at > 0 ? name.slice(0, at) : name;
    for (const part of local.normalize('NFKC').split(/[^\p{L}\p{N}]+/u)) {
      if (codePointLength(part) >= 3) tokens.add(part.toLowerCase());
    }
  }
  return [...tokens];
}

export function evaluatePassword(
  password: string,
  policy: PasswordPolicy = defaultPasswordPolicy,
  options: EvaluatePasswordOptions = {},
): PasswordEvaluation {
  const checks: PasswordCheck[] = [];
  const length = codePointLength(password);
  checks.push({ rule: 'too_short', passed: length >= policy.minLength });
  checks.push({ rule: 'too_long', passed: length <= policy.maxLength });
  if (policy.minCharacterClasses > 0) {
    checks.push({
      rule: 'too_few_character_classes',
      passed: characterClasses(password).size >= policy.minCharacterClasses,
    });
  }
  const tokens = userNameTokens(options.userNameParts ?? []);
  if (policy.forbidUserNameParts) {
    const lower = password.normalize('NFKC').toLowerCase();
    checks.push({ rule: 'contains_user_name', passed: !tokens.some((t) => lower.includes(t)) });
  }
  const checkerRule = (rule: PasswordRule, passed: (c: CommonPasswordChecker) => boolean): void => {
    if (length === 0) checks.push({ rule, passed: false });
    else if (options.checker) checks.push({ rule, passed: passed(options.checker) });
    else checks.push({ rule, passed: false, pending: true });
  };
  if (policy.blockCommonPasswords) checkerRule('common_password', (c) => !c.isCommon(password));
  const minScore = policy.minStrengthScore;
  if (minScore !== undefined) checkerRule('too_weak', (c) => c.score(password, tokens) >= minScore);
  const violations = checks.filter((c) => !c.passed && !c.pending).map((c) => c.rule);
  return { ok: checks.every((c) => c.passed), violations, checks };
}

const checkerPromises = new Map<'common' | 'strength', Promise<CommonPasswordChecker>>();

/**
 * Loads the common-password list on first use (a separate chunk in the UI bundle) and caches the
 * checker; with `strength` (the default) also zxcvbn's scorer for minStrengthScore. The server asks
 * for the scorer only when a policy sets minStrengthScore: it is most of the dictionaries' memory.
 */
export function loadCommonPasswordChecker(
  options: { strength?: boolean } = {},
): Promise<CommonPasswordChecker> {
  const kind = options.strength === false ? 'common' : 'strength';
  let promise = checkerPromises.get(kind);
  if (!promise) {
    promise = Promise.all([
      import('./common-passwords.js'),
      kind === 'strength' ? import('./strength-scorer.js').then((m) => m.createStrengthScorer()) : undefined,
    ]).then(([m, scorer]) => m.createCommonPasswordChecker(scorer));
    checkerPromises.set(kind, promise);
    promise.catch(() => checkerPromises.delete(kind));
  }
  return promise;
}
