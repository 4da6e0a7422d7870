// Message and UI resources per language. Each language is a folder named by its BCP 47 tag.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type englishMessages from '../en/messages.json';

export type MessageResources = typeof englishMessages;

/** Languages with a messages.json, in addition to English. Extended as languages are added. */
export const messageLanguages = ['en'] as const;

const cache = new Map<string, MessageResources>();

/** The SMS/e-mail templates for one language (falls back to English). Server-side only. */
export function loadMessages(tag: string): MessageResources {
  const lang = (messageLanguages as readonly string[]).includes(tag) ? tag : 'en';
  let resources = cache.get(lang);
  if (!resources) {
    const file = fileURLToPath(new URL(`../${lang}/messages.json`, import.meta.url));
    resources = JSON.parse(readFileSync(file, 'utf8')) as MessageResources;
    cache.set(lang, resources);
  }
  return resources;
}
