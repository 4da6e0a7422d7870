// The dictionary part of the password rules: large lists, so the UI loads this module on demand through
// loadCommonPasswordChecker() (password-rules.ts) and the first screen stays small. The server imports the same.
// Only the common-password list is here; zxcvbn's scorer (strength-scorer.ts) comes when a policy needs it.
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import type { StrengthScorer } from './strength-scorer.js';

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface CommonPasswordChecker {
  /** A well-known password, also dressed up with l33t substitutions or digits and symbols around it. */
  isCommon(password: string): boolean;
  /** zxcvbn's score, 0 (guessable) to 4 (very unguessable). Costly: only for policies with minStrengthScore. */
  score(password: string, userInputs?: readonly string[]): StrengthScore;
}

const l33t: Readonly<Record<string, string>> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '9': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

/** The forms of a password that are looked up in the list: as typed, de-l33ted, and without the filler. */
function candidates(password: string): string[] {
  const lower = password.normalize('NFKC').toLowerCase();
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const forms = new Set([lower]);
  for (const form of [lower, core]) {
    if (form.length < 4) continue;
    forms.add(form);
    const deL33t = [...form].map((c) => l33t[c] ?? c).join('');
    forms.add(deL33t);
    forms.add(deL33t.replace(/i/g, 'l'));
  }
  // "P@ssw0rd1!": strip the filler after de-l33ting the letters inside.
  const inner = [...lower]
    .map((c, i, all) => (/[\p{L}]/u.test(all[i - 1] ?? '') ? (l33t[c] ?? c) : c))
    .join('');
  const innerCore = inner.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (innerCore.length >= 4) forms.add(innerCore);
  return [...forms];
}

/** `scorer` is needed only where a policy sets minStrengthScore; without it score() throws. */
export function createCommonPasswordChecker(scorer?: StrengthScorer): CommonPasswordChecker {
  const list = zxcvbnCommon.dictionary['passwords-common'];
  const common = new Set(list.map((p) => p.toLowerCase()));
  return {
    isCommon(password) {
      return candidates(password).some((c) => common.has(c));
    },
    score(password, userInputs = []) {
      if (!scorer)
        throw new Error('the strength scorer was not loaded (loadCommonPasswordChecker({ strength: true }))');
      return scorer(password, userInputs);
    },
  };
}
