import { describe, expect, it } from 'vitest';
import { dirOf, isLanguageTag, languages, resolveLanguage } from '../src/index.js';

describe('resolveLanguage', () => {
  it.each([
    [['de-DE'], 'de'],
    [['ar-SA'], 'ar'],
    [['da'], 'da'],
    [['en-GB'], 'en'],
    [['zh-CN'], 'zh-Hans'],
    [['zh-SG'], 'zh-Hans'],
    [['zh'], 'zh-Hans'],
    [['zh-TW'], 'zh-Hant'],
    [['zh-HK'], 'zh-Hant'],
    [['zh-MO'], 'zh-Hant'],
    [['zh-Hant-HK'], 'zh-Hant'],
    [['no'], 'nb'],
    [['nn-NO'], 'nb'],
    [['nb-NO'], 'nb'],
    [['pt'], 'pt-BR'], // CLDR: "pt" is Brazilian Portuguese
    [['pt-BR'], 'pt-BR'],
    [['pt-PT'], 'pt-PT'],
    [['pt-AO'], 'pt-PT'], // CLDR parent of every non-Brazilian Portuguese is pt-PT
    [['pt_br'], 'pt-BR'],
    [['iw-IL'], 'he'], // deprecated code, canonicalized
    [['fa-IR'], 'fa'],
    [['sv-FI'], 'sv'],
    [['es-MX'], 'es'],
    [['xx-XX', 'fr-CA'], 'fr'],
    [['not a tag', '*', 'ko-KR'], 'ko'],
    [['sr-Latn-RS'], 'en'],
    [[], 'en'],
    [[undefined, null, ''], 'en'],
  ] as const)('%j → %s', (requested, expected) => {
    expect(resolveLanguage(requested)).toBe(expected);
  });

  it('honours the order of preference', () => {
    expect(resolveLanguage(['ja', 'de'])).toBe('ja');
    expect(resolveLanguage(['klingon', 'de', 'ja'])).toBe('de');
  });

  it('matches only the allowed languages, falling back to English', () => {
    expect(resolveLanguage(['de-AT'], ['en', 'da'])).toBe('en');
    expect(resolveLanguage(['da-DK'], ['en', 'da'])).toBe('da');
    expect(resolveLanguage(['de'], ['da', 'sv'])).toBe('da');
  });
});

describe('dirOf', () => {
  it.each([
    ['ar', 'rtl'],
    ['he', 'rtl'],
    ['fa', 'rtl'],
    ['ar-SA', 'rtl'],
    ['ur', 'rtl'],
    ['en', 'ltr'],
    ['de', 'ltr'],
    ['zh-Hant', 'ltr'],
    ['qps-ploc', 'ltr'],
    ['not a tag', 'ltr'],
  ] as const)('%s is %s', (tag, dir) => {
    expect(dirOf(tag)).toBe(dir);
  });

  it('agrees with the language list', () => {
    expect(languages.filter((l) => l.dir === 'rtl').map((l) => l.tag)).toEqual(['ar', 'he', 'fa']);
  });
});

describe('isLanguageTag', () => {
  it('accepts shipped tags as spelled by their folders, nothing else', () => {
    expect(isLanguageTag('pt-BR')).toBe(true);
    expect(isLanguageTag('zh-Hant')).toBe(true);
    expect(isLanguageTag('pt-br')).toBe(false);
    expect(isLanguageTag('de-DE')).toBe(false);
    expect(isLanguageTag('qps-ploc')).toBe(false);
  });
});
