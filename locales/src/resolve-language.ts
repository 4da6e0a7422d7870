// BCP 47 matching of requested tags (Accept-Language, navigator.languages, a user's preferredLanguage)
// against the languages MyPass ships. Uses CLDR likely subtags (Intl.Locale#maximize), so zh-CN → zh-Hans,
// zh-TW/zh-HK → zh-Hant, ar-SA → ar, pt → pt-BR (CLDR's default for "pt").
import { languageTags } from './languages.js';

export const fallbackLanguage = 'en';

// Norwegian: "no" is the macrolanguage, "nn" is Nynorsk; Bokmål is the nearest we have for both.
const languageAliases: Readonly<Record<string, string>> = { no: 'nb', nn: 'nb' };

// CLDR parent locales: every Portuguese region except Brazil follows European Portuguese.
function preferredRegionalVariant(language: string, region: string | undefined): string | undefined {
  if (language === 'pt' && region !== undefined && region !== 'BR') return 'PT';
  return region;
}

interface Parsed {
  readonly tag: string;
  readonly language: string;
  readonly script: string | undefined;
  readonly region: string | undefined;
  readonly hasRegion: boolean;
}

// Requested tags repeat (a few languages per deployment); each parse maximizes through Intl. Bounded,
// since Accept-Language is anyone's to send: the oldest entry goes first.
const parsedTags = new Map<string, Parsed | null>();

function parse(tag: string): Parsed | undefined {
  const known = parsedTags.get(tag);
  if (known !== undefined) return known ?? undefined;
  const parsed = parseUncached(tag);
  if (parsedTags.size >= 256) parsedTags.delete(parsedTags.keys().next().value as string);
  parsedTags.set(tag, parsed ?? null);
  return parsed;
}

function parseUncached(tag: string): Parsed | undefined {
  try {
    const canonical = Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'))[0];
    if (canonical === undefined) return undefined;
    const given = new Intl.Locale(canonical);
    const language = languageAliases[given.language] ?? given.language;
    const max = new Intl.Locale(language, {
      ...(given.script ? { script: given.script } : {}),
      ...(given.region ? { region: given.region } : {}),
    }).maximize();
    return {
      tag,
      language,
      script: max.script,
      region: preferredRegionalVariant(language, max.region),
      hasRegion: given.region !== undefined,
    };
  } catch {
    return undefined;
  }
}

// The parsed allowed languages per list (the shipped list or a host's allow-list): parsing maximizes
// each tag through Intl, and re-parsing all 36 on every call was 2.5 % of the API's CPU in the bench.
// Keyed by the list itself, so the cache holds only lists the program keeps, never requested tags.
const parsedAllowed = new WeakMap<readonly string[], Parsed[]>();

/**
 * The best supported language for a list of requested tags, in order of preference.
 * Invalid tags and "*" are skipped; when nothing matches the result is English
 * (or the first allowed language when English is not allowed).
 */
export function resolveLanguage(
  requested: readonly (string | null | undefined)[],
  allowed: readonly string[] = languageTags,
): string {
  let candidates = parsedAllowed.get(allowed);
  if (!candidates) {
    candidates = allowed.map(parse).filter((c): c is Parsed => c !== undefined);
    parsedAllowed.set(allowed, candidates);
  }
  for (const wanted of requested) {
    if (!wanted || wanted === '*') continue;
    const exact = allowed.find((a) => a.toLowerCase() === wanted.toLowerCase());
    if (exact) return exact;
    const want = parse(wanted);
    if (!want) continue;
    const sameScript = candidates.filter((c) => c.language === want.language && c.script === want.script);
    const best =
      sameScript.find((c) => c.region === want.region) ??
      sameScript.find((c) => !c.hasRegion) ??
      sameScript[0];
    if (best) return best.tag;
  }
  return allowed.includes(fallbackLanguage) ? fallbackLanguage : (allowed[0] ?? fallbackLanguage);
}
