// Reads the locale folders for the tests (test-only; the package itself reads them through import()).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const localesDir = fileURLToPath(new URL('..', import.meta.url));

export type Flat = Record<string, string>;

export function localeFolders(): string[] {
  return readdirSync(localesDir).filter(
    (name) =>
      /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(name) &&
      statSync(`${localesDir}${name}`).isDirectory() &&
      name !== 'src' &&
      name !== 'test' &&
      name !== 'dist' &&
      name !== 'node_modules',
  );
}

/** A language's resource file, or null when it is missing (the key tests then report every key). */
export function readJson(tag: string, file: 'ui' | 'messages'): unknown {
  const path = `${localesDir}${tag}/${file}.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : null;
}

/** Nested resources as dotted keys; a non-string leaf is reported as the key with a marker value. */
export function flatten(value: unknown, prefix = ''): Flat {
  const out: Flat = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (v !== null && typeof v === 'object') Object.assign(out, flatten(v, key));
    else out[key] = `<not a string: ${JSON.stringify(v)}>`;
  }
  return out;
}

export const pluralSuffixes = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const pluralPattern = new RegExp(`^(.*)_(${pluralSuffixes.join('|')})$`);

/** Splits "code.attemptsLeft_few" into base and CLDR category. */
export function splitPlural(key: string): { base: string; category: string } | undefined {
  const m = pluralPattern.exec(key);
  return m?.[1] !== undefined && m[2] !== undefined ? { base: m[1], category: m[2] } : undefined;
}

export function variablesOf(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();
}

export function categoriesOf(tag: string): string[] {
  return [...new Intl.PluralRules(tag).resolvedOptions().pluralCategories].sort();
}

/**
 * The plural categories that stand for exactly one integer in a language (Arabic zero/one/two,
 * English one, but not French one = 0 and 1, nor Latvian zero = 0, 10–20, 30 …). Only these forms may
 * leave out {{count}} and spell the number as a word ("one more", "يومان").
 */
export function singleNumberCategories(tag: string): Set<string> {
  const rules = new Intl.PluralRules(tag);
  const seen = new Map<string, number>();
  for (let n = 0; n <= 1000; n++) {
    const c = rules.select(n);
    seen.set(c, (seen.get(c) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, count]) => count === 1).map(([c]) => c));
}
