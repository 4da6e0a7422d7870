// zxcvbn's strength score, only for policies with minStrengthScore: zxcvbn's core and the English
// dictionaries are the larger part of the password lists (about 8 MB of heap on the server), so this
// module is loaded on demand by loadCommonPasswordChecker({ strength: true }).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import type { StrengthScore } from './common-passwords.js';

export type StrengthScorer = (password: string, userInputs: readonly string[]) => StrengthScore;

export function createStrengthScorer(): StrengthScorer {
  let zxcvbn: ZxcvbnFactory | undefined;
  return (password, userInputs) => {
    zxcvbn ??= new ZxcvbnFactory({
      dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
      graphs: zxcvbnCommon.adjacencyGraphs,
      translations: zxcvbnEn.translations,
      // zxcvbn's matching grows steeply with length and l33t combinations (seconds at 256 characters); the
      // server runs it on untrusted input, and characters beyond the first 64 only make a password stronger.
      maxLength: 64,
      l33tMaxSubstitutions: 4,
    });
    return zxcvbn.check(password, [...userInputs]).score as StrengthScore;
  };
}
