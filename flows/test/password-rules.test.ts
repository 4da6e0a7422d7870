import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  characterClasses,
  defaultPasswordPolicy,
  evaluatePassword,
  loadCommonPasswordChecker,
  userNameTokens,
  type CommonPasswordChecker,
  type PasswordPolicy,
} from '../src/password-rules.js';

let checker: CommonPasswordChecker;
beforeAll(async () => {
  checker = await loadCommonPasswordChecker();
});

const policy: PasswordPolicy = { ...defaultPasswordPolicy, minStrengthScore: 3 };
const names = ['adele.vance@contoso.example', 'Adele Vance'];

describe('evaluatePassword', () => {
  it.each<[string, string[]]>([
    ['Bl8ckCoffee!Morning', []],
    ['Ørsted-Fjord-17', []],
    ['Ab1!', ['too_short', 'too_weak']],
    ['Password123!', ['common_password', 'too_weak']],
    ['P@ssw0rd', ['common_password', 'too_weak']],
    ['Welcome1!', ['common_password', 'too_weak']],
    ['Summer2024!', ['common_password', 'too_weak']],
    ['l3tm31n!', ['common_password', 'too_weak']],
    ['iloveyou', ['too_few_character_classes', 'common_password', 'too_weak']],
    ['Adele2024!x', ['contains_user_name']],
    ['x!9VANCEvance', ['contains_user_name']],
    ['zebra-ocean-window', ['too_few_character_classes']],
    [`Aa1!${'Bl8ckCoffee!Morning'.repeat(14)}`, ['too_long']],
  ])('%s → %j', (password, violations) => {
    const r = evaluatePassword(password, policy, { userNameParts: names, checker });
    expect(r.violations).toEqual(violations);
    expect(r.ok).toBe(violations.length === 0);
    expect(r.checks.map((c) => c.rule)).toEqual([
      'too_short',
      'too_long',
      'too_few_character_classes',
      'contains_user_name',
      'common_password',
      'too_weak',
    ]);
  });

  it('counts characters, not UTF-16 units', () => {
    const p = { ...defaultPasswordPolicy, minLength: 4, minCharacterClasses: 0, blockCommonPasswords: false };
    expect(evaluatePassword('😀😀😀😀', p).ok).toBe(true);
    expect(evaluatePassword('😀😀😀', p).violations).toEqual(['too_short']);
  });

  it('marks checker rules pending until the checker is loaded, never ok', () => {
    const r = evaluatePassword('Bl8ckCoffee!Morning', policy, { userNameParts: names });
    expect(r.ok).toBe(false);
    expect(r.violations).toEqual([]);
    expect(r.checks.filter((c) => c.pending).map((c) => c.rule)).toEqual(['common_password', 'too_weak']);
  });

  it('leaves out the rules a policy switches off', () => {
    const p: PasswordPolicy = {
      minLength: 1,
      maxLength: 256,
      minCharacterClasses: 0,
      forbidUserNameParts: false,
      blockCommonPasswords: false,
    };
    const r = evaluatePassword('adele', p, { userNameParts: names });
    expect(r.ok).toBe(true);
    expect(r.checks.map((c) => c.rule)).toEqual(['too_short', 'too_long']);
  });

  it('fails every rule for an empty password, with or without the checker', () => {
    for (const c of [checker, undefined]) {
      const r = evaluatePassword('', policy, { checker: c });
      expect(r.ok).toBe(false);
      expect(r.violations).toContain('too_short');
      expect(r.checks.some((x) => x.pending)).toBe(false);
    }
  });
});

describe('character classes', () => {
  it('counts non-ASCII letters by case and caseless scripts as symbols', () => {
    expect([...characterClasses('æØ')].sort()).toEqual(['lowercase', 'uppercase']);
    expect([...characterClasses('ßΣ٣')].sort()).toEqual(['digits', 'lowercase', 'uppercase']);
    expect([...characterClasses('密码 ')]).toEqual(['symbols']);
  });
});

describe('user name parts', () => {
  it('splits the local part and display name into parts of 3+ characters', () => {
    expect(userNameTokens(['lee.gu@contoso.example', 'Lee Gu'])).toEqual(['lee']);
    expect(userNameTokens(['adele.vance@contoso.example'])).toEqual(['adele', 'vance']);
    expect(userNameTokens(['100123'])).toEqual(['100123']);
  });
});

describe('loadCommonPasswordChecker', () => {
  it('caches the checker', async () => {
    expect(await loadCommonPasswordChecker()).toBe(checker);
  });

  it('loads zxcvbn and its English dictionaries only when a strength score is wanted', async () => {
    const listOnly = await loadCommonPasswordChecker({ strength: false });
    expect(listOnly).not.toBe(checker);
    expect(listOnly.isCommon('P@ssw0rd1!')).toBe(true);
    expect(() => listOnly.score('Lantern-Harbor-7')).toThrow(/strength scorer/);
    expect(checker.score('Lantern-Harbor-7-Kestrel')).toBeGreaterThanOrEqual(3);
    const source = readFileSync(new URL('../src/common-passwords.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import (?!type )[^;]*from '@zxcvbn-ts\/(core|language-en)'/m);
  });

  it('keeps the dictionaries out of the rules module (loaded on demand, first screen stays small)', () => {
    const source = readFileSync(new URL('../src/password-rules.ts', import.meta.url), 'utf8');
    const staticImports = [...source.matchAll(/^import (?!type )[^;]*from '([^']+)'/gm)].map((m) => m[1]);
    expect(staticImports).toEqual(['./contract.js']);
    expect(source).toContain("import('./common-passwords.js')");
  });

  it('tells common passwords from strong ones, also dressed up', () => {
    for (const p of ['password', 'P@ssw0rd1!', 'qwerty123', 'iloveyou', '123456789', 'M0nkey!!']) {
      expect(checker.isCommon(p), p).toBe(true);
    }
    for (const p of ['Bl8ckCoffee!Morning', 'Xk9#mQ2$vL', 'Ørsted-Fjord-17'])
      expect(checker.isCommon(p), p).toBe(false);
    expect(checker.score('Bl8ckCoffee!Morning')).toBe(4);
    expect(checker.score('password1')).toBe(0);
  });
});
