// Method hints (masked numbers and addresses), normalization of what users type, and the identifier key.
//
// libphonenumber-js/min on purpose: it parses, validates by length and formats exactly like /max, but its
// metadata is about a third of the size, and this module also ships in the kiosk's first screens (≤ 200 KB
// gzip). What /max adds — the number's type (mobile or fixed line) — is not needed to confirm a number the
// directory already holds; the server's SMS country allow-list does the gating.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { boundedMemo } from './bounded-memo.js';

export const maskBullet = '•';
const emailBullets = maskBullet.repeat(3);
/** Inputs longer than this are never a phone number; refuse before parsing. */
const phoneInputMax = 64;
const emailMax = 320;

function regionOrUndefined(region: string | null | undefined): CountryCode | undefined {
  if (!region) return undefined;
  const upper = region.toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

/**
 * E.164 (`+4520123456`) or null. National formats are read with `defaultRegion` (the user's usageLocation or
 * the kiosk's region), so a Dane may type `20 12 34 56`. Never throws.
 */
export function normalizePhone(input: string, defaultRegion?: string | null): string | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > phoneInputMax) return null;
  return normalizedPhone(`${regionOrUndefined(defaultRegion) ?? ''}\0${input}`);
}

// Keyed "REGION\0input" (a region is two letters or empty).
const normalizedPhone = boundedMemo(1024, (key: string): string | null => {
  const split = key.indexOf('\0');
  const region = key.slice(0, split) as CountryCode | '';
  try {
    const parsed = parsePhoneNumberFromString(
      key
        .slice(split + 1)
        .normalize('NFKC')
        .trim(),
      region || undefined,
    );
    if (!parsed || !parsed.isValid()) return null;
    return parsed.number;
  } catch {
    return null;
  }
});

/**
 * `+45 •• •• •• 78`: the country calling code and the last two digits; every other digit masked, grouped as
 * libphonenumber-js formats the number internationally. A number that cannot be parsed shows its last two
 * digits only (never more). Never throws.
 */
export function maskPhone(e164: string): string {
  const digits = typeof e164 === 'string' ? e164.replace(/[^0-9]/g, '') : '';
  // Only what can be a number is remembered (E.164 has at most 15 digits; 17 leaves room).
  return digits.length <= 17 ? maskedPhone(digits) : maskUnparsed(digits);
}

/** The last two digits of a long enough string, every other position masked. */
function maskUnparsed(digits: string): string {
  const last2 = digits.length >= 6 ? digits.slice(-2) : maskBullet.repeat(2);
  return `${maskBullet.repeat(2)} ${maskBullet.repeat(2)} ${last2}`;
}

const maskedPhone = boundedMemo(1024, (digits: string): string => {
  let parsed;
  try {
    parsed = digits.length > 0 ? parsePhoneNumberFromString(`+${digits}`) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) return maskUnparsed(digits);
  const prefix = `+${parsed.countryCallingCode}`;
  const international = parsed.formatInternational();
  const rest = international.startsWith(prefix)
    ? international.slice(prefix.length)
    : ` ${parsed.nationalNumber}`;
  const restDigits = rest.replace(/[^0-9]/g, '').length;
  let seen = 0;
  const masked = rest.replace(/[^ ]/g, (ch) => {
    if (!/[0-9]/.test(ch)) return ch === '-' ? ' ' : '';
    seen++;
    return seen > restDigits - 2 ? ch : maskBullet;
  });
  return `${prefix}${masked}`.replace(/ {2,}/g, ' ');
});

/**
 * A plausible address, trimmed and case-folded (api.md: "case-folded address"), or null. Not a full RFC 5322
 * parser: it accepts what the directory can hold and refuses what is clearly not an address.
 */
export function normalizeEmail(input: string): string | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > emailMax * 2) return null;
  const value = input.normalize('NFKC').trim().toLowerCase();
  if (value.length > emailMax) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || at > 64) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (/[\s@<>()[\]\\,;:"]/u.test(domain) || /[\s<>()[\]\\,;:"]/u.test(local) || local.includes('@'))
    return null;
  if (!/^[^.]+(\.[^.]+)+$/u.test(domain)) return null;
  return `${local}@${domain}`;
}

/** The first character of a part, unless it would blur the hint's form (a bullet, `@`, a dot or a space). */
function shownChar(part: string): string {
  const first = Array.from(part)[0] ?? '';
  return /^[^\s@.•]$/u.test(first) ? first.toLowerCase() : '';
}

/**
 * `a•••@g•••.com`: the first character of the local part and of the domain, then the top-level domain. The
 * bullet count is constant so the length never leaks. Never throws.
 */
export function maskEmail(address: string): string {
  const value = typeof address === 'string' ? address.trim() : '';
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return `${emailBullets}@${emailBullets}`;
  const localFirst = shownChar(value.slice(0, at));
  const domain = value.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const domainFirst = shownChar(labels[0] ?? '');
  const tld = labels.length > 1 ? labels[labels.length - 1] : '';
  // A top-level domain is letters (or an IDN's xn-- form); anything else would leak what is not a TLD.
  const tldShown = tld && /^(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u.test(tld) ? `.${tld}` : '';
  return `${localFirst}${emailBullets}@${domainFirst}${emailBullets}${tldShown}`;
}

/**
 * The key for rate limits, failure budgets and decoys (api.md): NFKC, trimmed, case-folded. JavaScript has no
 * full case folding; upper-then-lower covers ß→ss and the like, and final sigma is folded explicitly.
 */
export function normalizeIdentifier(name: string): string {
  if (typeof name !== 'string') return '';
  return name.normalize('NFKC').trim().toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFKC');
}

export type ConfirmationKind = 'sms' | 'email';

/** The comparable form of a typed or stored destination, or null when it cannot be parsed. */
export function normalizeConfirmation(
  kind: ConfirmationKind,
  value: string,
  region?: string | null,
): string | null {
  return kind === 'sms' ? normalizePhone(value, region) : normalizeEmail(value);
}

/**
 * Whether the typed confirmation names the stored destination. Both are normalized first; a value that
 * cannot be parsed is simply a mismatch. The server passes a constant-time `equals` (node:crypto's
 * timingSafeEqual over the normalized strings); the default is fine for a client-side hint.
 */
export function confirmationMatches(
  kind: ConfirmationKind,
  typed: string,
  stored: string,
  region?: string | null,
  equals: (a: string, b: string) => boolean = (a, b) => a === b,
): boolean {
  const a = normalizeConfirmation(kind, typed, region);
  const b = normalizeConfirmation(kind, stored, region);
  if (a === null || b === null) return false;
  return equals(a, b);
}
