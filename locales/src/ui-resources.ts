// UI text per language. English is bundled; every other language is a separate chunk
// loaded on demand, so the first screen stays small.
import englishUi from '../en/ui.json' with { type: 'json' };
import type { UiResources } from './i18next-types.js';
import { pseudoLocale, type LanguageTag } from './languages.js';
import { pseudoLocalize } from './pseudo-locale.js';

export const defaultNS = 'ui';
export const bundledUi: UiResources = englishUi;

type Loader = () => Promise<{ default: unknown }>;

// One literal import per language: bundlers split each JSON into its own chunk.
const loaders: Record<Exclude<LanguageTag, 'en'>, Loader> = {
  da: () => import('../da/ui.json', { with: { type: 'json' } }),
  sv: () => import('../sv/ui.json', { with: { type: 'json' } }),
  nb: () => import('../nb/ui.json', { with: { type: 'json' } }),
  fi: () => import('../fi/ui.json', { with: { type: 'json' } }),
  is: () => import('../is/ui.json', { with: { type: 'json' } }),
  de: () => import('../de/ui.json', { with: { type: 'json' } }),
  nl: () => import('../nl/ui.json', { with: { type: 'json' } }),
  fr: () => import('../fr/ui.json', { with: { type: 'json' } }),
  es: () => import('../es/ui.json', { with: { type: 'json' } }),
  it: () => import('../it/ui.json', { with: { type: 'json' } }),
  'pt-BR': () => import('../pt-BR/ui.json', { with: { type: 'json' } }),
  'pt-PT': () => import('../pt-PT/ui.json', { with: { type: 'json' } }),
  ca: () => import('../ca/ui.json', { with: { type: 'json' } }),
  pl: () => import('../pl/ui.json', { with: { type: 'json' } }),
  cs: () => import('../cs/ui.json', { with: { type: 'json' } }),
  sk: () => import('../sk/ui.json', { with: { type: 'json' } }),
  hu: () => import('../hu/ui.json', { with: { type: 'json' } }),
  ro: () => import('../ro/ui.json', { with: { type: 'json' } }),
  hr: () => import('../hr/ui.json', { with: { type: 'json' } }),
  sl: () => import('../sl/ui.json', { with: { type: 'json' } }),
  bg: () => import('../bg/ui.json', { with: { type: 'json' } }),
  el: () => import('../el/ui.json', { with: { type: 'json' } }),
  et: () => import('../et/ui.json', { with: { type: 'json' } }),
  lv: () => import('../lv/ui.json', { with: { type: 'json' } }),
  lt: () => import('../lt/ui.json', { with: { type: 'json' } }),
  tr: () => import('../tr/ui.json', { with: { type: 'json' } }),
  uk: () => import('../uk/ui.json', { with: { type: 'json' } }),
  ar: () => import('../ar/ui.json', { with: { type: 'json' } }),
  he: () => import('../he/ui.json', { with: { type: 'json' } }),
  fa: () => import('../fa/ui.json', { with: { type: 'json' } }),
  ja: () => import('../ja/ui.json', { with: { type: 'json' } }),
  ko: () => import('../ko/ui.json', { with: { type: 'json' } }),
  'zh-Hans': () => import('../zh-Hans/ui.json', { with: { type: 'json' } }),
  'zh-Hant': () => import('../zh-Hant/ui.json', { with: { type: 'json' } }),
  vi: () => import('../vi/ui.json', { with: { type: 'json' } }),
};

/**
 * The UI resources for a supported tag or the pseudo-locale. Plural keys differ per language
 * (CLDR), so the shape is English's only up to plural suffixes; the test suite checks the rest.
 */
export async function loadUiResources(tag: LanguageTag | typeof pseudoLocale): Promise<UiResources> {
  if (tag === 'en') return englishUi;
  if (tag === pseudoLocale) return pseudoLocalize(englishUi);
  const loader = loaders[tag];
  return (await loader()).default as UiResources;
}

/** The minimal i18next surface loadLanguage needs (i18n instances satisfy it). */
export interface ResourceTarget {
  hasResourceBundle(lng: string, ns: string): boolean;
  addResourceBundle(lng: string, ns: string, resources: object): unknown;
  changeLanguage(lng: string): Promise<unknown>;
}

/** Loads a language into an i18next instance (once) and switches to it. */
export async function loadLanguage(
  i18n: ResourceTarget,
  tag: LanguageTag | typeof pseudoLocale,
): Promise<void> {
  if (!i18n.hasResourceBundle(tag, defaultNS)) {
    i18n.addResourceBundle(tag, defaultNS, await loadUiResources(tag));
  }
  await i18n.changeLanguage(tag);
}
