import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languageTags } from '../src/index.js';
import { flatten, localesDir, readJson } from './resource-files.js';

// Strings that name the password or the code; each must use the language's glossary term.
const passwordKeys = [
  'welcome.title',
  'password.title',
  'password.label',
  'done.title',
  'done.signIn',
  'enroll.currentPasswordLabel',
  'errors.password_policy',
];
const codeKeys = [
  'method.title',
  'method.send',
  'code.label',
  'code.resend',
  'errors.code_expired',
  'enroll.deliveryFailed',
];

interface Terms {
  readonly password: RegExp;
  readonly code: RegExp;
  readonly signIn: RegExp;
  readonly forgotLink: string;
}

/** Parses the GLOSSARY.md table: the backticked part of a cell is the pattern to look for. */
function readGlossary(): Map<string, Terms> {
  const rows = readFileSync(`${localesDir}GLOSSARY.md`, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Tag') && !line.startsWith('| ---'));
  const pattern = (cell: string): RegExp => {
    const m = /`([^`]+)`/.exec(cell);
    if (!m?.[1]) throw new Error(`no pattern in glossary cell "${cell}"`);
    return new RegExp(m[1].replace(/\\\|/g, '|'), 'iu');
  };
  return new Map(
    rows.map((line) => {
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
      return [
        cells[0] ?? '',
        {
          password: pattern(cells[1] ?? ''),
          code: pattern(cells[2] ?? ''),
          signIn: pattern(cells[3] ?? ''),
          forgotLink: cells[5] ?? '',
        },
      ];
    }),
  );
}

const glossary = readGlossary();

describe('glossary', () => {
  it('has one row for every shipped language', () => {
    expect([...glossary.keys()].sort()).toEqual([...languageTags].sort());
  });

  describe.each(languageTags)('%s', (tag) => {
    const ui = flatten(readJson(tag, 'ui'));
    const messages = flatten(readJson(tag, 'messages'));
    const terms = glossary.get(tag);

    it('uses the glossary term for "password" wherever the password is meant', () => {
      const missing = passwordKeys.filter((k) => !terms?.password.test(ui[k] ?? ''));
      expect(missing).toEqual([]);
      expect(terms?.password.test(messages['reset.email.subject'] ?? '')).toBe(true);
    });

    it('uses the glossary term for "code" wherever the verification code is meant', () => {
      const missing = codeKeys.filter((k) => !terms?.code.test(ui[k] ?? ''));
      expect(missing).toEqual([]);
      expect(terms?.code.test(messages['code.email.subject'] ?? '')).toBe(true);
    });

    it('uses Microsoft\'s term for "sign in" on the kiosk\'s Back to sign-in button', () => {
      expect(terms?.signIn.test(ui['welcome.backToSignIn'] ?? '')).toBe(true);
    });

    it('quotes Microsoft\'s "Forgot my password" link as the glossary names it', () => {
      const link = (terms?.forgotLink ?? '').replace(/[?？;؟]$/u, '');
      expect(link.length).toBeGreaterThan(0);
      expect(ui['guidance.microsoftLink']).toContain(link);
    });

    it('keeps the product name MyPass untranslated', () => {
      expect(ui['guidance.useMyPass']).toContain('MyPass');
      expect(ui['app.title']).toContain('MyPass');
    });
  });
});
