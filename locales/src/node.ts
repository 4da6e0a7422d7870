// Node-only: reads the SMS/e-mail templates from disk for the server's delivery code.
// Also re-exported by the package's "node" export condition of "@mypass/locales".
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { languageTags } from './languages.js';
import type { MessageResources } from './message-types.js';
import { resolveLanguage } from './resolve-language.js';

export * from './index.js';

/** Languages with a messages.json: every shipped language. */
export const messageLanguages: readonly string[] = languageTags;

const cache = new Map<string, MessageResources>();

/**
 * The language for a user's messages: their directory preferredLanguage (ar-SA → ar),
 * else the language on screen, else English.
 */
export function messageLanguageFor(
  preferredLanguage?: string | null,
  screenLanguage?: string | null,
): string {
  return resolveLanguage([preferredLanguage, screenLanguage], messageLanguages);
}

/** The SMS/e-mail templates for a language tag (any BCP 47 tag; falls back to English). Server-side only. */
export function loadMessages(tag: string): MessageResources {
  const lang = resolveLanguage([tag], messageLanguages);
  let resources = cache.get(lang);
  if (!resources) {
    const file = fileURLToPath(new URL(`../${lang}/messages.json`, import.meta.url));
    resources = JSON.parse(readFileSync(file, 'utf8')) as MessageResources;
    cache.set(lang, resources);
  }
  return resources;
}
