import { describe, expect, it } from 'vitest';
import { languages, languageTags } from '../src/index.js';
import {
  categoriesOf,
  flatten,
  localeFolders,
  readJson,
  singleNumberCategories,
  splitPlural,
  variablesOf,
  type Flat,
} from './resource-files.js';

const english = { ui: flatten(readJson('en', 'ui')), messages: flatten(readJson('en', 'messages')) };
const others = languageTags.filter((t) => t !== 'en');

// Strings that may read the same as English in a language: brand names, loanwords Microsoft's own
// UI uses unchanged, and keyboard keys printed on that language's keyboards.
const mayEqualEnglish: Readonly<Record<string, readonly string[]>> = {
  '*': [],
  da: ['welcome.start', 'keyboard.enter'], // Danish "Start" and the Enter key's label
  nl: ['keyboard.letters'], // Dutch "Letters"
};

/** English's keys, with each plural base expanded to the language's CLDR categories. */
function expectedKeys(reference: Flat, tag: string): string[] {
  const keys = new Set<string>();
  for (const key of Object.keys(reference)) {
    const plural = splitPlural(key);
    if (!plural) keys.add(key);
    else for (const c of categoriesOf(tag)) keys.add(`${plural.base}_${c}`);
  }
  return [...keys].sort();
}

/** The variables English uses for a key (for a plural key: across its forms). */
function englishVariables(reference: Flat, key: string): string[] {
  const plural = splitPlural(key);
  if (!plural) return variablesOf(reference[key] ?? '');
  const forms = Object.keys(reference).filter((k) => splitPlural(k)?.base === plural.base);
  return [...new Set(forms.flatMap((k) => variablesOf(reference[k] ?? '')))].sort();
}

describe.each(['ui', 'messages'] as const)('%s.json in every language', (file) => {
  const reference = english[file];

  it('exists for every shipped language and no other folder', () => {
    expect(localeFolders().sort()).toEqual([...languageTags].sort());
  });

  it('English uses exactly the plural categories CLDR gives English', () => {
    expect(Object.keys(reference).sort()).toEqual(expectedKeys(reference, 'en'));
  });

  describe.each(others)('%s', (tag) => {
    const strings = flatten(readJson(tag, file));

    it('has exactly English keys, plural keys with exactly the CLDR categories of the language', () => {
      expect(Object.keys(strings).sort()).toEqual(expectedKeys(reference, tag));
    });

    it('uses the same {{variables}} as English in every string (count may become a word only for one-number forms)', () => {
      const single = singleNumberCategories(tag);
      const wrong: string[] = [];
      for (const [key, text] of Object.entries(strings)) {
        const want = englishVariables(reference, key);
        const got = variablesOf(text);
        const plural = splitPlural(key);
        const countOptional = plural !== undefined && single.has(plural.category);
        const comparable = countOptional ? want.filter((v) => v !== 'count' || got.includes('count')) : want;
        if (JSON.stringify(got) !== JSON.stringify(comparable))
          wrong.push(`${key}: ${got.join(',')} ≠ ${want.join(',')}`);
      }
      expect(wrong).toEqual([]);
    });

    it('has no empty strings', () => {
      expect(
        Object.entries(strings)
          .filter(([, v]) => v.trim() === '')
          .map(([k]) => k),
      ).toEqual([]);
    });

    it('has no string left in English', () => {
      const allowed = new Set([...(mayEqualEnglish['*'] ?? []), ...(mayEqualEnglish[tag] ?? [])]);
      const untranslated = Object.entries(strings)
        .filter(([k, v]) => reference[k] === v && !allowed.has(k))
        .filter(([, v]) => /\p{L}/u.test(v.replace(/\{\{[^}]*\}\}/g, '')))
        .map(([k]) => k);
      expect(untranslated).toEqual([]);
    });
  });
});

describe('language list', () => {
  it('names every language in itself, as its ui.json does', () => {
    for (const { tag, name } of languages) {
      expect(flatten(readJson(tag, 'ui'))['app.languageName'], tag).toBe(name);
    }
  });

  it('ships at least 36 languages, with unique tags', () => {
    expect(new Set(languageTags).size).toBe(languageTags.length);
    expect(languageTags.length).toBeGreaterThanOrEqual(36);
  });
});

describe('singleNumberCategories', () => {
  it('lets only forms for one exact number drop {{count}}', () => {
    expect([...singleNumberCategories('ar')].sort()).toEqual(['one', 'two', 'zero']);
    expect([...singleNumberCategories('en')]).toEqual(['one']);
    expect(singleNumberCategories('fr').has('one')).toBe(false); // 0 and 1
    expect(singleNumberCategories('lv').has('zero')).toBe(false); // 0, 10–20, 30 …
  });
});
