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

/**
 * Where a real list shows a method (eligibility.ts `candidateMethods`): registered methods first,
 * then MyPass enrollments, then profile fields; SMS before e-mail within each.
 */
type Rank = 0 | 1 | 2;
const rankOf: Record<MethodSource, Rank> = { registered: 0, enrolled: 1, profile: 2 };

/** What a real user under one policy could be offered, for one purpose. */
export interface DecoyOffer {
  /**
   * Kinds a source held by the directory (registered methods, profile fields) can give, each with
   * the rank of its first such source; only kinds the policy allows and delivery can send.
   */
  kinds: readonly { kind: MethodKind; rank: Rank }[];
  /**
   * Kinds a real user may show twice without MyPass enrollments: SMS through a registered mobile and
   * alternate mobile, e-mail through the profile's other addresses.
   */
  second: readonly MethodKind[];
  /** Kinds MyPass enrollments add; resets only, an enroll flow's code never goes to one (T12). */
  enrolled: readonly MethodKind[];
  /** Methods the policy requires: a real user offered fewer is refused, so a decoy shows at least this many. */
  methodsRequired: number;
}

/** Every kind and shape, for callers that know no policy (tests of the hint forms). */
export const fullDecoyOffer: DecoyOffer = {
  kinds: [
    { kind: 'sms', rank: 0 },
    { kind: 'email', rank: 0 },
  ],
  second: ['sms'],
  enrolled: [],
  methodsRequired: 1,
};

/**
 * The policy a decoy is shown under, fixed per name like its methods: three names in four get the
 * last reachable policy (the catch-all most users fall under), the others one of the rest. Its
 * password rules, enrollment proof and methods required are what the decoy flow then shows. The
 * shares are a guess at a typical tenant. Undefined when no real user is served through this door.
 */
export function decoyPolicy(key: string, name: string, reachable: readonly Policy[]): Policy | undefined {
  if (reachable.length <= 1) return reachable[0];
  const bytes = createHmac('sha256', key).update(`policy\0${name}`).digest();
  const others = reachable.slice(0, -1);
  return (bytes[0] ?? 0) % 4 !== 0 ? reachable.at(-1) : others[(bytes[1] ?? 0) % others.length];
}

/** What a real user under `policy` could be offered (eligibility.ts's rules). */
export function decoyOffer(
  policy: Policy,
  purpose: FlowPurpose,
  canDeliver: (kind: MethodKind) => boolean,
): DecoyOffer {
  const sources = (kind: MethodKind): ReadonlySet<MethodSource> =>
    new Set(canDeliver(kind) && policy.methods[kind].allowed ? policy.methods[kind].sources : []);
  const byKind = { sms: sources('sms'), email: sources('email') };
  const kinds = (['sms', 'email'] as const).flatMap((kind) => {
    const held = (['registered', 'profile'] as const).filter((source) => byKind[kind].has(source));
    return held.length > 0 ? [{ kind, rank: rankOf[held[0] as MethodSource] }] : [];
  });
  return {
    kinds,
    second: [
      ...(byKind.sms.has('registered') ? (['sms'] as const) : []),
      ...(byKind.email.has('profile') ? (['email'] as const) : []),
    ],
    enrolled: purpose === 'reset' ? (['sms', 'email'] as const).filter((k) => byKind[k].has('enrolled')) : [],
    methodsRequired: policy.methodsRequired,
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
  // Keep all but the example's last four digits: mobile ranges are set by leading digits (varying
  // six made some Bulgarian decoys landlines, formatted unlike any mobile). The hint shows two.
  const keep = Math.max(1, national.length - 4);
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
 * real user. A default region the allow-list leaves out never shows: no real number from it can.
 */
function decoyRegion(bytes: Buffer, defaultRegion: string, smsCountries: readonly string[]): string {
  const allowed: string[] = smsCountries.filter((c) => isSupportedCountry(c));
  if (allowed.length > 0 && !allowed.includes(defaultRegion)) {
    return allowed[(bytes[31] ?? 0) % allowed.length] ?? defaultRegion;
  }
  const others = allowed.filter((c) => c !== defaultRegion);
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
  // Where the policies offer only enrollments, real users show those alone: the decoy's own
  // methods stand for them. Nothing offered at all: every user is refused, any shape will do.
  const base: readonly { kind: MethodKind; rank: Rank }[] =
    offer.kinds.length > 0
      ? offer.kinds
      : offer.enrolled.length > 0
        ? offer.enrolled.map((kind) => ({ kind, rank: 1 as const }))
        : fullDecoyOffer.kinds;
  const shape = (bytes[0] ?? 0) % 10;
  // Half show an SMS and an e-mail method, three in ten an SMS method alone, two in ten an e-mail
  // alone; where only one kind can be offered, that kind; where two methods are required, both.
  const wanted =
    base.length === 1 || offer.methodsRequired >= 2 || shape < 5
      ? ['sms', 'email']
      : shape < 8
        ? ['sms']
        : ['email'];
  const kinds = base.filter((k) => wanted.includes(k.kind));
  const has = (kind: MethodKind) => kinds.find((k) => k.kind === kind);

  const drawn: { kind: MethodKind; rank: Rank; destination: string }[] = [];
  const add = (kind: MethodKind, rank: Rank, destination: string) => {
    if (!drawn.some((m) => m.kind === kind && m.destination === destination))
      drawn.push({ kind, rank, destination });
  };
  // A real user offered fewer methods than the policy requires is refused, so a decoy never is.
  const short = () => drawn.length < offer.methodsRequired;
  const sms = has('sms');
  const email = has('email');
  if (sms) add('sms', sms.rank, decoyPhone(bytes, region, 8));
  if (email) add('email', email.rank, decoyEmail(bytes, region, 20));
  // One in twenty: an alternate mobile registered beside the mobile.
  if (sms && offer.second.includes('sms') && ((extra[0] ?? 0) % 20 === 0 || short()))
    add('sms', 0, decoyPhone(extra, region, 8));
  // One in twenty: a second address from the profile's other mails.
  if (email && offer.second.includes('email') && ((extra[3] ?? 0) % 20 === 0 || short()))
    add('email', 2, decoyEmail(extra, region, 27));
  // One in eight: a MyPass enrollment (resets only), of any kind enrollments may add.
  if (offer.kinds.length > 0 && offer.enrolled.length > 0 && ((extra[1] ?? 0) % 8 === 0 || short())) {
    const kind = offer.enrolled[(extra[2] ?? 0) % offer.enrolled.length] as MethodKind;
    add(kind, 1, kind === 'sms' ? decoyPhone(extra, region, 16) : decoyEmail(extra, region, 22));
  }

  // Real lists: by source (registered, enrolled, profile), SMS before e-mail within one source.
  const kindOrder: Record<MethodKind, number> = { sms: 0, email: 1 };
  drawn.sort((a, b) => a.rank - b.rank || kindOrder[a.kind] - kindOrder[b.kind]);
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
