// The guidance `mypass branding` writes into Microsoft's sign-in pages, in every language: present,
// one {{url}}, the product name, the language's word for the password, and inside Microsoft's limits
// (signInPageText 1024, customForgotMyPasswordText 256) even with the longest URL Graph accepts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillBrandingText, loadBrandingText } from '../src/branding.js';
import { languageTags } from '../src/index.js';
import { localesDir } from './resource-files.js';

/** The password pattern of each GLOSSARY.md row (second column, in backticks). */
const passwordTerm = new Map(
  readFileSync(`${localesDir}GLOSSARY.md`, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Tag') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
      const pattern = /`([^`]+)`/.exec(cells[2] ?? '')?.[1] ?? '';
      return [cells[1] ?? '', new RegExp(pattern.replace(/\\\|/g, '|'), 'iu')] as const;
    }),
);

const longestUrl = `https://${'a'.repeat(120)}`;

describe('branding text', () => {
  it.each([...languageTags])(
    '%s: both strings, one {{url}}, MyPass, the glossary word, within limits',
    (tag) => {
      const text = loadBrandingText(tag);
      expect(text, `locales/${tag}/branding.json`).toBeDefined();
      if (!text) return;
      expect(Object.keys(text).sort()).toEqual(['forgotMyPasswordText', 'signInPageText']);
      expect(text.signInPageText.split('{{url}}')).toHaveLength(2);
      expect(text.forgotMyPasswordText).not.toContain('{{');
      for (const s of [text.signInPageText, text.forgotMyPasswordText]) {
        expect(s).toMatch(/MyPass/);
        expect(s).toMatch(passwordTerm.get(tag) ?? /^$/);
        expect(s).toBe(s.trim());
      }
      expect(fillBrandingText(text.signInPageText, longestUrl).length).toBeLessThanOrEqual(1024);
      expect(text.forgotMyPasswordText.length).toBeLessThanOrEqual(256);
    },
  );

  it('knows only shipped tags, spelled as their folders', () => {
    expect(loadBrandingText('de')?.signInPageText).toContain('Kennwort');
    expect(loadBrandingText('de-DE')).toBeUndefined();
    expect(loadBrandingText('../en')).toBeUndefined();
  });
});
