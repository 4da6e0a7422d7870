// Decoy methods for users MyPass will not reset (T2, T9): derived from an HMAC of the normalized name
// with a server key, so the same name always shows the same methods and hints, in the exact hint form of
// real ones, and nobody without the key can tell them from a real user's.
import { createHmac } from 'node:crypto';
import { maskEmail, maskPhone } from '@mypass/flows/method-hints';
import {
  getCountryCallingCode,
  getExampleNumber,
  isSupportedCountry,
  type CountryCode,
} from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import type { FlowMethod, MethodKind } from '../store/store.js';

// Where private addresses of a typical workforce live; a real user's registered e-mail method looks the same.
const decoyDomains = [
  'gmail.com',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'icloud.com',
  'live.com',
  'gmx.net',
];
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** The per-name pseudonym used as the subject of a decoy flow's limits. */
export function decoySubject(key: string, normalizedName: string): string {
  return `decoy:${createHmac('sha256', key).update(`subject\0${normalizedName}`).digest('base64url').slice(0, 22)}`;
}

function decoyPhone(bytes: Buffer, region: string): string {
  const example = getExampleNumber(region as CountryCode, examples);
  const national = example?.nationalNumber ?? '20123456';
  // Keep the example's leading digits (a valid mobile prefix) and vary the tail from the HMAC.
  const keep = Math.max(1, national.length - 6);
  let tail = '';
  for (let i = 0; tail.length < national.length - keep; i++) tail += String((bytes[8 + i] ?? 0) % 10);
  return `+${getCountryCallingCode(region as CountryCode)}${national.slice(0, keep)}${tail}`;
}

function decoyEmail(bytes: Buffer): string {
  const local = letters[(bytes[20] ?? 0) % letters.length] ?? 'a';
  const local2 = letters[(bytes[21] ?? 0) % letters.length] ?? 'b';
  const domain = decoyDomains[(bytes[22] ?? 0) % decoyDomains.length] ?? 'gmail.com';
  return `${local}${local2}x@${domain}`;
}

/**
 * Mostly the default region, like most of a workforce; three in ten from the rest of the SMS
 * allow-list, where every real number offered must be too, so a foreign number does not prove a
 * real user.
 */
function decoyRegion(bytes: Buffer, defaultRegion: string, smsCountries: readonly string[]): string {
  const others = smsCountries.filter((c) => c !== defaultRegion && isSupportedCountry(c));
  if (others.length === 0 || (bytes[30] ?? 0) % 10 < 7) return defaultRegion;
  return others[(bytes[31] ?? 0) % others.length] ?? defaultRegion;
}

export function decoyMethods(
  key: string,
  normalizedName: string,
  defaultRegion: string,
  smsCountries: readonly string[] = [],
): FlowMethod[] {
  const bytes = createHmac('sha256', key).update(`methods\0${normalizedName}`).digest();
  const region = decoyRegion(bytes, defaultRegion, smsCountries);
  const shape = (bytes[0] ?? 0) % 10;
  // Half show an SMS and an e-mail method, three in ten an SMS method alone, two in ten an e-mail alone.
  const kinds: MethodKind[] = shape < 5 ? ['sms', 'email'] : shape < 8 ? ['sms'] : ['email'];
  return kinds.map((kind) => {
    const destination = kind === 'sms' ? decoyPhone(bytes, region) : decoyEmail(bytes);
    return {
      id: `${kind}:1`,
      kind,
      hint: kind === 'sms' ? maskPhone(destination) : maskEmail(destination),
      source: 'registered',
      destination,
    };
  });
}
