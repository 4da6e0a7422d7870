// @mypass/locales, browser-safe entry: language list, BCP 47 matching, UI resources for i18next.
// The Node-only message reader is in ./node.ts (@mypass/locales/node).
export type { UiResources } from './i18next-types.js';
export type { MessageResources } from './message-types.js';
export { languages, languageTags, pseudoLocale, dirOf, isLanguageTag } from './languages.js';
export type { Language, LanguageTag } from './languages.js';
export { resolveLanguage, fallbackLanguage } from './resolve-language.js';
export { pseudoLocalize, pseudoLocalizeText } from './pseudo-locale.js';
export { bundledUi, defaultNS, loadUiResources, loadLanguage } from './ui-resources.js';
export type { ResourceTarget } from './ui-resources.js';
