// Node-only: the guidance `mypass branding` proposes for Microsoft's sign-in pages (company
// branding), one locales/<tag>/branding.json per shipped language. `{{url}}` is the MyPass web page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type englishBranding from '../en/branding.json';
import { languageTags } from './languages.js';

/** signInPageText (guidance under the sign-in box) and forgotMyPasswordText (the link's text). */
export type BrandingText = typeof englishBranding;

const cache = new Map<string, BrandingText>();

/** The branding text of a shipped language tag exactly as its folder is named; undefined otherwise. */
export function loadBrandingText(tag: string): BrandingText | undefined {
  if (!(languageTags as readonly string[]).includes(tag)) return undefined;
  let text = cache.get(tag);
  if (!text) {
    const file = fileURLToPath(new URL(`../${tag}/branding.json`, import.meta.url));
    text = JSON.parse(readFileSync(file, 'utf8')) as BrandingText;
    cache.set(tag, text);
  }
  return text;
}

/** Fills `{{url}}` (the only variable). */
export function fillBrandingText(template: string, url: string): string {
  return template.split('{{url}}').join(url);
}
