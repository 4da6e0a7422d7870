// The languages MyPass ships, each named in itself. Browser-safe: no Node imports.

export interface Language {
  /** BCP 47 tag, also the folder name under locales/. */
  readonly tag: string;
  /** The language's name in that language (the language picker shows this). */
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
}

export const languages = [
  { tag: 'en', name: 'English', dir: 'ltr' },
  { tag: 'da', name: 'Dansk', dir: 'ltr' },
  { tag: 'sv', name: 'Svenska', dir: 'ltr' },
  { tag: 'nb', name: 'Norsk bokmål', dir: 'ltr' },
  { tag: 'fi', name: 'Suomi', dir: 'ltr' },
  { tag: 'is', name: 'Íslenska', dir: 'ltr' },
  { tag: 'de', name: 'Deutsch', dir: 'ltr' },
  { tag: 'nl', name: 'Nederlands', dir: 'ltr' },
  { tag: 'fr', name: 'Français', dir: 'ltr' },
  { tag: 'es', name: 'Español', dir: 'ltr' },
  { tag: 'it', name: 'Italiano', dir: 'ltr' },
  { tag: 'pt-BR', name: 'Português (Brasil)', dir: 'ltr' },
  { tag: 'pt-PT', name: 'Português (Portugal)', dir: 'ltr' },
  { tag: 'ca', name: 'Català', dir: 'ltr' },
  { tag: 'pl', name: 'Polski', dir: 'ltr' },
  { tag: 'cs', name: 'Čeština', dir: 'ltr' },
  { tag: 'sk', name: 'Slovenčina', dir: 'ltr' },
  { tag: 'hu', name: 'Magyar', dir: 'ltr' },
  { tag: 'ro', name: 'Română', dir: 'ltr' },
  { tag: 'hr', name: 'Hrvatski', dir: 'ltr' },
  { tag: 'sl', name: 'Slovenščina', dir: 'ltr' },
  { tag: 'bg', name: 'Български', dir: 'ltr' },
  { tag: 'el', name: 'Ελληνικά', dir: 'ltr' },
  { tag: 'et', name: 'Eesti', dir: 'ltr' },
  { tag: 'lv', name: 'Latviešu', dir: 'ltr' },
  { tag: 'lt', name: 'Lietuvių', dir: 'ltr' },
  { tag: 'tr', name: 'Türkçe', dir: 'ltr' },
  { tag: 'uk', name: 'Українська', dir: 'ltr' },
  { tag: 'ar', name: 'العربية', dir: 'rtl' },
  { tag: 'he', name: 'עברית', dir: 'rtl' },
  { tag: 'fa', name: 'فارسی', dir: 'rtl' },
  { tag: 'ja', name: '日本語', dir: 'ltr' },
  { tag: 'ko', name: '한국어', dir: 'ltr' },
  { tag: 'zh-Hans', name: '简体中文', dir: 'ltr' },
  { tag: 'zh-Hant', name: '繁體中文', dir: 'ltr' },
  { tag: 'vi', name: 'Tiếng Việt', dir: 'ltr' },
] as const satisfies readonly Language[];

export type LanguageTag = (typeof languages)[number]['tag'];

/** Microsoft's pseudo-locale: English, accented and about 40 % longer, to find truncation and hard-coded text. */
export const pseudoLocale = 'qps-ploc';

export const languageTags: readonly LanguageTag[] = languages.map((l) => l.tag);

const byTag = new Map<string, Language>(languages.map((l) => [l.tag.toLowerCase(), l]));

/** True for a shipped tag spelled exactly as its folder (use resolveLanguage for anything else). */
export function isLanguageTag(tag: string): tag is LanguageTag {
  return languageTags.includes(tag as LanguageTag);
}

/** Text direction for a tag (any tag: ar-SA, fa-IR and he-IL are rtl too). */
export function dirOf(tag: string): 'ltr' | 'rtl' {
  const known = byTag.get(tag.toLowerCase());
  if (known) return known.dir;
  try {
    const locale = new Intl.Locale(tag).maximize();
    return rtlScripts.has(locale.script ?? '') ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

// Scripts written right to left (ISO 15924) among those a directory may name.
const rtlScripts = new Set(['Arab', 'Hebr', 'Syrc', 'Thaa', 'Nkoo', 'Adlm', 'Rohg']);
