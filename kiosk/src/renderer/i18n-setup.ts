// One i18next instance per renderer, English bundled, every other language loaded on demand,
// and <html lang dir> kept in step so screen readers, fonts and mirroring follow the language.
import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import {
  bundledUi,
  defaultNS,
  dirOf,
  languages,
  loadLanguage,
  loadUiResources,
  pseudoLocale,
  resolveLanguage,
  type LanguageTag,
} from '@mypass/locales';

export interface PickerLanguage {
  readonly tag: string;
  /** The language named in itself. */
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
}

const pseudo: PickerLanguage = { tag: pseudoLocale, name: 'Ƥšéûðö (qps-ploc)', dir: 'ltr' };

/** The languages the picker offers: the host's allow-list in MyPass's order, or every shipped language. */
export function pickerLanguages(allowed: readonly string[]): readonly PickerLanguage[] {
  if (allowed.length === 0) return languages;
  const wanted = new Set(allowed.map((t) => t.toLowerCase()));
  const list: PickerLanguage[] = languages.filter((l) => wanted.has(l.tag.toLowerCase()));
  if (wanted.has(pseudoLocale)) list.push(pseudo);
  return list.length > 0 ? list : languages;
}

/** The first language to show: what the browser or Windows asks for, else the host's default. */
export function initialLanguage(
  requested: readonly string[],
  defaultLanguage: string,
  offered: readonly PickerLanguage[],
): string {
  const tags = offered.map((l) => l.tag);
  const requestedPseudo = requested.find((t) => t.toLowerCase() === pseudoLocale);
  if (requestedPseudo && tags.includes(pseudoLocale)) return pseudoLocale;
  // The host's default only counts when nothing the user's system asks for is offered.
  return resolveLanguage(
    [...requested, defaultLanguage],
    tags.filter((t) => t !== pseudoLocale),
  );
}

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: 'en',
    fallbackLng: 'en',
    ns: [defaultNS],
    defaultNS,
    resources: { en: { [defaultNS]: bundledUi } },
    // React escapes text; escaping twice would show &amp; on screen.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

/** Switches language (loading it first when needed) and updates <html lang dir>. */
export async function switchLanguage(instance: i18n, tag: string): Promise<void> {
  if (tag === pseudoLocale) {
    // i18next looks "qps-ploc" up as "qps-Ploc" (it reads "ploc" as a script subtag), so the
    // pseudo-locale's bundle must be stored under that spelling or English shows instead.
    const code = instance.services.languageUtils.formatLanguageCode(tag);
    if (!instance.hasResourceBundle(code, defaultNS)) {
      instance.addResourceBundle(code, defaultNS, await loadUiResources(pseudoLocale));
    }
  }
  await loadLanguage(instance, tag as LanguageTag | typeof pseudoLocale);
  syncDocumentLanguage(tag);
}

export function syncDocumentLanguage(tag: string): void {
  const root = document.documentElement;
  root.lang = tag;
  root.dir = dirOf(tag);
}
