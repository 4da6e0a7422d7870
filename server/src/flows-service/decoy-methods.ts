// Decoy methods for users MyPass will not reset (T2, T9): derived from an HMAC of the normalized name
// with a server key, so the same name always shows the same methods and hints, in the exact hint form of
// real ones, and nobody without the key can tell them from a real user's. A decoy shows only what some
// real user could be shown through the same door (the kinds the policies allow and delivery can send,
// second methods of a kind, enrollments in resets only), so no list proves a name unknown.
import { createHmac } from 'node:crypto';
import { maskEmail, maskPhone } from '@mypass/flows/method-hints';
import {
  getCountryCallingCode,
  getExampleNumber,
  isSupportedCountry,
  type CountryCode,
} from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import type { ClientChannel } from '../policy/client-channel.js';
import type { MethodSource } from '../policy/eligibility.js';
import type { Policy } from '../policy/policy-config.js';
import type { FlowMethod, FlowPurpose, MethodKind } from '../store/store.js';

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
// Providers with national domains in many countries (hotmail.dk, web.de, yahoo.fr…): three decoy
// addresses in ten end in the decoy's country code, as people's private addresses often do.
const nationalProviders = ['hotmail', 'live', 'yahoo', 'outlook', 'gmx', 'web', 'mail', 'online'];
const letters = 'abcdefghijklmnopqrstuvwxyz';

/** What the policies let a real user be offered, for one purpose and channel. */
export interface DecoyOffer {
  /** Kinds some policy allows and delivery can send, SMS first as in real lists. */
  kinds: readonly MethodKind[];
  /**
   * Kinds a real user may show twice without MyPass enrollments: SMS through a registered mobile and
   * alternate mobile (or the profile's mobile phone), e-mail through the profile's other addresses.
   */
  second: readonly MethodKind[];
  /** Kinds MyPass enrollments add; resets only, an enroll flow's code never goes to one (T12). */
  enrolled: readonly MethodKind[];
}

/** Every kind and shape, for callers that know no policy (tests of the hint forms). */
export const fullDecoyOffer: DecoyOffer = { kinds: ['sms', 'email'], second: ['sms'], enrolled: [] };

/** The union of what the policies reachable through this door offer (eligibility.ts's rules). */
export function decoyOffer(
  policies: readonly Policy[],
  purpose: FlowPurpose,
  channel: ClientChannel | undefined,
  canDeliver: (kind: MethodKind) => boolean,
): DecoyOffer {
  const reachable = policies.filter(
    (p) => (channel === undefined || p.channels[channel]) && (purpose !== 'enroll' || p.enrollment.allowed),
  );
  const sources = (kind: MethodKind): Set<MethodSource> =>
    new Set(
      canDeliver(kind)
        ? reachable.flatMap((p) => (p.methods[kind].allowed ? p.methods[kind].sources : []))
        : [],
    );
  const sms = sources('sms');
  const email = sources('email');
  const kinds = (['sms', 'email'] as const).filter((k) => (k === 'sms' ? sms : email).size > 0);
  return {
    kinds,
    second: [
      ...(sms.has('registered') || sms.has('profile') ? (['sms'] as const) : []),
      ...(email.has('profile') ? (['email'] as const) : []),
    ],
    enrolled: purpose === 'reset' ? kinds.filter((k) => (k === 'sms' ? sms : email).has('enrolled')) : [],
  };
}

/** The per-name pseudonym used as the subject of a decoy flow's limits. */
export function decoySubject(key: string, normalizedName: string): string {
  return `decoy:${createHmac('sha256', key).update(`subject\0${normalizedName}`).digest('base64url').slice(0, 22)}`;
}

/** A valid mobile number of `region`: the example's leading digits, the tail from `bytes[from…]`. */
function decoyPhone(bytes: Buffer, region: string, from: number): string {
  const example = getExampleNumber(region as CountryCode, examples);
  const national = example?.nationalNumber ?? '20123456';
  // Keep the example's leading digits (a valid mobile prefix) and vary the tail from the HMAC.
  const keep = Math.max(1, national.length - 6);
  let tail = '';
  for (let i = 0; tail.length < national.length - keep; i++) tail += String((bytes[from + i] ?? 0) % 10);
  return `+${getCountryCallingCode(region as CountryCode)}${national.slice(0, keep)}${tail}`;
}

/** Two letters, an x, and a domain; `bytes[from…from+4]` choose them. */
function decoyEmail(bytes: Buffer, region: string, from: number): string {
  const local = letters[(bytes[from] ?? 0) % letters.length] ?? 'a';
  const local2 = letters[(bytes[from + 1] ?? 0) % letters.length] ?? 'b';
  const national = (bytes[from + 3] ?? 0) % 10 < 3;
  const domain = national
    ? `${nationalProviders[(bytes[from + 4] ?? 0) % nationalProviders.length] ?? 'mail'}.${countryDomain(region)}`
    : (decoyDomains[(bytes[from + 2] ?? 0) % decoyDomains.length] ?? 'gmail.com');
  return `${local}${local2}x@${domain}`;
}

/** The country-code top-level domain of an ISO 3166 region (the United Kingdom's is .uk). */
function countryDomain(region: string): string {
  return region === 'GB' ? 'uk' : region.toLowerCase();
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

/**
 * The registered methods come from the `methods` HMAC; what real users show beyond them (a second
 * method of a kind, an enrollment) from a second one. Real lists are ordered registered SMS,
 * registered e-mail, enrollments, profile fields; decoys follow the same order.
 */
export function decoyMethods(
  key: string,
  normalizedName: string,
  defaultRegion: string,
  smsCountries: readonly string[] = [],
  offer: DecoyOffer = fullDecoyOffer,
): FlowMethod[] {
  const bytes = createHmac('sha256', key).update(`methods\0${normalizedName}`).digest();
  const extra = createHmac('sha256', key).update(`extra-methods\0${normalizedName}`).digest();
  const region = decoyRegion(bytes, defaultRegion, smsCountries);
  const shape = (bytes[0] ?? 0) % 10;
  // Half show an SMS and an e-mail method, three in ten an SMS method alone, two in ten an e-mail
  // alone; where only one kind can be offered, that kind. No kind at all: every user is refused,
  // so any shape is as good as another.
  const both = offer.kinds.length !== 1;
  const kinds: MethodKind[] = !both
    ? [...offer.kinds]
    : shape < 5
      ? ['sms', 'email']
      : shape < 8
        ? ['sms']
        : ['email'];

  const drawn: { kind: MethodKind; destination: string }[] = [];
  const add = (kind: MethodKind, destination: string) => {
    if (!drawn.some((m) => m.kind === kind && m.destination === destination))
      drawn.push({ kind, destination });
  };
  if (kinds.includes('sms')) {
    add('sms', decoyPhone(bytes, region, 8));
    // One in twenty: an alternate mobile registered beside the mobile.
    if (offer.second.includes('sms') && (extra[0] ?? 0) % 20 === 0) add('sms', decoyPhone(extra, region, 8));
  }
  if (kinds.includes('email')) add('email', decoyEmail(bytes, region, 20));
  // One in eight: a MyPass enrollment (resets only), of any kind enrollments may add.
  if (offer.enrolled.length > 0 && (extra[1] ?? 0) % 8 === 0) {
    const kind = offer.enrolled[(extra[2] ?? 0) % offer.enrolled.length] as MethodKind;
    add(kind, kind === 'sms' ? decoyPhone(extra, region, 16) : decoyEmail(extra, region, 22));
  }
  // One in twenty: a second address from the profile's other mails.
  if (kinds.includes('email') && offer.second.includes('email') && (extra[3] ?? 0) % 20 === 0) {
    add('email', decoyEmail(extra, region, 27));
  }

  const ordinal: Record<MethodKind, number> = { sms: 0, email: 0 };
  return drawn.map(({ kind, destination }) => {
    ordinal[kind] += 1;
    return {
      id: `${kind}:${ordinal[kind]}`,
      kind,
      hint: kind === 'sms' ? maskPhone(destination) : maskEmail(destination),
      source: 'registered',
      destination,
    };
  });
}
