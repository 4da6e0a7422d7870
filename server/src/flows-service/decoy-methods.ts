// Decoy methods for users MyPass will not reset (T2, T9): derived from an HMAC of the normalized name
// with a server key, so the same name always shows the same methods and hints, in the exact hint form of
// real ones, and nobody without the key can tell them from a real user's. A decoy is shown under one
// policy a real user could be served under through the same door, and shows only what a member of it
// could be offered (kinds, second methods, enrollments in resets only), so no list proves a name unknown.
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
import { reachablePolicies, type MethodSource } from '../policy/eligibility.js';
import type { PoliciesConfig, Policy } from '../policy/policy-config.js';
import type { FlowMethod, FlowPurpose, MethodKind } from '../store/store.js';
import {
  decoySharesSchema,
  defaultDecoyEmailDomains,
  defaultDecoyEmailInitials,
  type DecoyCountries,
  type DecoyEmailDomains,
  type DecoyEmailInitials,
  type DecoyShares,
} from './flows-config.js';

/** The shares a configuration without `flows.decoyShares` gets. */
export const defaultDecoyShares: DecoyShares = decoySharesSchema.parse(undefined);

/**
 * Whether a name falls within `share` of all names: `byte % modulus` puts it in one of `modulus`
 * equal slices, `fine` places it within its slice. A share of k/modulus picks exactly the names
 * `byte % modulus < k` picked before shares were configurable, so the defaults keep every decoy.
 */
function within(share: number, byte: number | undefined, modulus: number, fine: number | undefined): boolean {
  const scaled = share * modulus;
  const threshold = Math.abs(scaled - Math.round(scaled)) < 1e-9 ? Math.round(scaled) : scaled;
  return ((byte ?? 0) % modulus) + (fine ?? 0) / 256 < threshold;
}

/** Which byte of a name's `shares` HMAC places it within each slice (see `within`). */
const fineByte = {
  shape: 0,
  region: 1,
  smsSource: 2,
  emailSource: 3,
  secondSmsSource: 4,
  alternateMobile: 5,
  secondEmail: 6,
  nationalEmail: 7,
  nationalSecondEmail: 8,
  /** Plus the enrollment's index (at most 10). */
  enrollment: 9,
  nationalEnrolledEmail: 19,
  policy: 29,
  /** Plus the enrollment's index, in a second HMAC (`sharesHmac` with `kind`). */
  enrolledKind: 0,
} as const;

const sharesHmac = (key: string, name: string, part = ''): Buffer =>
  createHmac('sha256', key).update(`shares${part}\0${name}`).digest();

// Providers with national domains in many countries (hotmail.dk, web.de, yahoo.fr…): three decoy
// addresses in ten end in the decoy's country code, as people's private addresses often do.
const nationalProviders = ['hotmail', 'live', 'yahoo', 'outlook', 'gmx', 'web', 'mail', 'online'];
const letters = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Where a real list shows a method (eligibility.ts `candidateMethods`): registered methods first,
 * then MyPass enrollments, then profile fields; SMS before e-mail within each.
 */
type Rank = 0 | 1 | 2;

/** Where a method of one kind can come from, as ranks in a real list. */
interface KindSources {
  kind: MethodKind;
  /** Registered (0) and/or profile (2), in that order. */
  ranks: readonly Rank[];
}

/** What a real user under one policy could be offered, for one purpose. */
export interface DecoyOffer {
  /** Kinds a source held by the directory (registered methods, profile fields) can give, and where. */
  kinds: readonly KindSources[];
  /**
   * Where a real user may have a second method of a kind without MyPass enrollments: SMS through a
   * registered alternate mobile (0) or a profile mobile beside a registered one (2), e-mail through
   * the profile's other addresses (2).
   */
  second: readonly KindSources[];
  /** Kinds MyPass enrollments add; resets only, an enroll flow's code never goes to one (T12). */
  enrolled: readonly MethodKind[];
  /** How many MyPass enrollments one person may hold under the policy (0 where none are offered). */
  maxEnrollments: number;
  /** Methods the policy requires: a real user offered fewer is refused, so a decoy shows at least this many. */
  methodsRequired: number;
}

/** Every kind and shape, for callers that know no policy (tests of the hint forms). */
export const fullDecoyOffer: DecoyOffer = {
  kinds: [
    { kind: 'sms', ranks: [0] },
    { kind: 'email', ranks: [0] },
  ],
  second: [{ kind: 'sms', ranks: [0] }],
  enrolled: [],
  maxEnrollments: 0,
  methodsRequired: 1,
};

/**
 * Whether any real user under the policy could get through this door: one it gives no method, or
 * fewer than it requires, refuses every one of its users (no_methods), so no decoy is shown under it.
 */
export function offerServes(offer: DecoyOffer): boolean {
  const capacity = offer.kinds.length + offer.second.length + offer.maxEnrollments;
  return offer.kinds.length + offer.enrolled.length > 0 && capacity >= offer.methodsRequired;
}

/**
 * The policies some real user is served under through a door: matchable (eligibility.ts
 * `reachablePolicies`), open to the channel and purpose, and able to give a member enough methods.
 */
export function servingPolicies(
  config: PoliciesConfig,
  purpose: FlowPurpose,
  channel: ClientChannel | undefined,
  canDeliver: (kind: MethodKind) => boolean,
): Policy[] {
  return reachablePolicies(config, purpose, channel).filter((p) =>
    offerServes(decoyOffer(p, purpose, canDeliver)),
  );
}

/**
 * One policy of `policies`, fixed per name like a decoy's methods: `shares.lastPolicy` of names get
 * the last (the catch-all most users fall under; three in four by default), the others one of the
 * rest. Undefined for an empty list.
 */
export function decoyPolicy(
  key: string,
  name: string,
  policies: readonly Policy[],
  shares: DecoyShares = defaultDecoyShares,
): Policy | undefined {
  if (policies.length <= 1) return policies[0];
  const bytes = createHmac('sha256', key).update(`policy\0${name}`).digest();
  const other = within(1 - shares.lastPolicy, bytes[0], 4, sharesHmac(key, name)[fineByte.policy]);
  const others = policies.slice(0, -1);
  return other ? others[(bytes[1] ?? 0) % others.length] : policies.at(-1);
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
  const held = (kind: MethodKind): Rank[] => [
    ...(byKind[kind].has('registered') ? ([0] as const) : []),
    ...(byKind[kind].has('profile') ? ([2] as const) : []),
  ];
  const kinds = (['sms', 'email'] as const).flatMap((kind) =>
    held(kind).length > 0 ? [{ kind, ranks: held(kind) }] : [],
  );
  const enrolled =
    purpose === 'reset' ? (['sms', 'email'] as const).filter((k) => byKind[k].has('enrolled')) : [];
  const sms = byKind.sms;
  const secondSms: Rank[] = sms.has('registered') ? (sms.has('profile') ? [0, 2] : [0]) : [];
  return {
    kinds,
    second: [
      ...(secondSms.length > 0 ? [{ kind: 'sms' as const, ranks: secondSms }] : []),
      ...(byKind.email.has('profile') ? [{ kind: 'email' as const, ranks: [2 as const] }] : []),
    ],
    enrolled,
    maxEnrollments: enrolled.length > 0 ? policy.enrollment.maxMethods : 0,
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

/**
 * Two-letter top-level domains that work as global ones: Google's list of "generic ccTLDs" (country
 * codes it treats like .com because most registrants are not in the country: .io, .co, .me, .tv…,
 * plus .ai), and .eu, a region rather than a country. Decoys' national addresses end in their
 * region's country code (hotmail.dk, web.de); these are not what they imitate.
 */
const GLOBAL_TWO_LETTER_TLDS: ReadonlySet<string> = new Set([
  'ad',
  'ai',
  'as',
  'bz',
  'cc',
  'cd',
  'co',
  'dj',
  'eu',
  'fm',
  'gg',
  'io',
  'la',
  'me',
  'ms',
  'nu',
  'sc',
  'sr',
  'su',
  'tk',
  'tv',
  'ws',
]);

/** The country code an address's domain ends in (dk for hotmail.dk, uk for mail.co.uk), else undefined. */
function nationalEnding(address: string): string | undefined {
  const tld = /\.([a-z]+)$/i.exec(address.trim())?.[1]?.toLowerCase();
  return tld !== undefined && tld.length === 2 && !GLOBAL_TWO_LETTER_TLDS.has(tld) ? tld : undefined;
}

/** Whether an address is at a national domain (its top-level domain is a country code: .dk, .co.uk…). */
export const isNationalEmailDomain = (address: string): boolean => nationalEnding(address) !== undefined;

/** Keys (domains, letters) with their weights, and a fixed 32-bit mix of each key for the draw. */
interface Weighted {
  keys: readonly string[];
  weights: readonly number[];
  mixes: readonly number[];
}

/** murmur3's 32-bit finalizer: every input bit moves about half the output bits. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A key's own 32 bits (FNV-1a of its UTF-16 units, mixed). */
function keyMix(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mix32(h);
}

function weighted(entries: readonly [string, number][]): Weighted {
  return {
    keys: entries.map(([k]) => k),
    weights: entries.map(([, w]) => w),
    mixes: entries.map(([k]) => keyMix(k)),
  };
}

/**
 * One of `list`, as often as its weight says, by weighted rendezvous hashing: each key scores
 * -ln(u)/weight with u uniform from the address's secret `seed` and the key, the lowest wins. A
 * change of weights moves only the addresses whose winner changes (about the share that moved),
 * so re-tuning the list shows in few decoys. Undefined for an empty list.
 */
function pickWeighted(list: Weighted, seed: number): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (let i = 0; i < list.keys.length; i++) {
    const u = (mix32(seed ^ (list.mixes[i] ?? 0)) + 0.5) / 4294967296;
    const score = -Math.log(u) / (list.weights[i] ?? 1);
    if (score < bestScore) {
      bestScore = score;
      best = list.keys[i];
    }
  }
  return best;
}

/**
 * Whether a configured list is the default one: the same keys, equally weighted, in any order (the
 * default draws in its own order, so writing the list out differently moves no decoy).
 */
function isDefaultList(
  weights: Readonly<Record<string, number>>,
  defaults: Readonly<Record<string, number>>,
): boolean {
  const entries = Object.entries(weights);
  const keys = new Set(Object.keys(defaults));
  return entries.length === keys.size && entries.every(([k, w]) => keys.has(k) && w === entries[0]?.[1]);
}

/**
 * The configured lists decoys draw from: `flows.decoyEmailDomains`, `flows.decoyEmailInitials` and
 * `flows.decoyCountries` (absent: numbers abroad spread evenly over the SMS allow-list).
 */
export interface DecoyLists {
  domains: DecoyEmailDomains;
  initials: DecoyEmailInitials;
  countries?: DecoyCountries;
}

/** What e-mail addresses draw from. */
type DecoyEmailStyle = Pick<DecoyLists, 'domains' | 'initials'>;

/** The defaults: the old draws (seven global providers, a–z, the allow-list), evenly. */
export const defaultDecoyLists: DecoyLists = {
  domains: defaultDecoyEmailDomains,
  initials: defaultDecoyEmailInitials,
};

/**
 * A list as decoys draw from it, or null for the default one, which draws as before it was
 * configurable (`byte % n`, national providers for `nationalEmailDomain`), so no default decoy moves.
 */
const listDraws = new WeakMap<Readonly<Record<string, number>>, Weighted | null>();

function listDraw(
  weights: Readonly<Record<string, number>>,
  defaults: Readonly<Record<string, number>>,
): Weighted | null {
  let draw = listDraws.get(weights);
  if (draw === undefined) {
    draw = isDefaultList(weights, defaults) ? null : weighted(Object.entries(weights));
    listDraws.set(weights, draw);
  }
  return draw;
}

/** Whether `flows.decoyEmailDomains` is the default list (which alone uses `nationalEmailDomain`). */
export const isDefaultDomainList = (weights: DecoyEmailDomains): boolean =>
  listDraw(weights, defaultDecoyEmailDomains) === null;

const defaultGlobalDomains = Object.keys(defaultDecoyEmailDomains);
const defaultLetters = Object.keys(defaultDecoyEmailInitials);

/**
 * What decoys draw domains from, with weights: a configured list as it is; the default one as the
 * seven global providers and, for `nationalShare` of addresses, the eight providers' domains with
 * the decoy's country code (`ending`; doctor gives the default region's).
 */
export function decoyDomainWeights(
  weights: DecoyEmailDomains,
  nationalShare: number,
  ending: string,
): Map<string, number> {
  const list = listDraw(weights, defaultDecoyEmailDomains);
  if (list) {
    return new Map(list.keys.map((d, i) => [d, list.weights[i] ?? 0]));
  }
  const out = new Map<string, number>();
  const add = (domain: string, weight: number) => out.set(domain, (out.get(domain) ?? 0) + weight);
  for (const d of defaultGlobalDomains) add(d, (1 - nationalShare) / defaultGlobalDomains.length);
  for (const p of nationalProviders) add(`${p}.${ending}`, nationalShare / nationalProviders.length);
  return out;
}

/** Where an address comes from: its bytes, and the shares, domains and letters it draws with. */
interface EmailDraw {
  bytes: Buffer;
  from: number;
  /** The share of addresses at a national domain, and the fine byte that places this one. */
  nationalShare: number;
  nationalFine: number | undefined;
  style: DecoyEmailStyle;
  /** The address's own secret 32 bits for a configured list's draw (see pickWeighted). */
  domainSeed: () => number;
  initialSeed: () => number;
}

/**
 * A first letter, a second, an x, and a domain; `bytes[from…from+4]` choose them. The first letter
 * and the domain by the weights of `decoyEmailInitials` and `decoyEmailDomains`; with the default
 * domains, `nationalShare` of addresses are at a provider's domain of the decoy's country
 * (hotmail.dk, web.de), the rest at a global provider's.
 */
function decoyEmail(region: string, draw: EmailDraw): string {
  const { bytes, from } = draw;
  const initials = listDraw(draw.style.initials, defaultDecoyEmailInitials);
  const local =
    (initials
      ? pickWeighted(initials, draw.initialSeed())
      : defaultLetters[(bytes[from] ?? 0) % defaultLetters.length]) ?? 'a';
  const local2 = letters[(bytes[from + 1] ?? 0) % letters.length] ?? 'b';
  const domains = listDraw(draw.style.domains, defaultDecoyEmailDomains);
  let domain: string;
  if (domains) {
    // A measured list says how often each ending shows, national ones included, whatever the
    // decoy's country: real users' addresses are not all at their own country's domains either.
    domain = pickWeighted(domains, draw.domainSeed()) ?? 'gmail.com';
  } else if (within(draw.nationalShare, bytes[from + 3], 10, draw.nationalFine)) {
    const provider = nationalProviders[(bytes[from + 4] ?? 0) % nationalProviders.length] ?? 'mail';
    domain = `${provider}.${countryDomain(region)}`;
  } else {
    domain = defaultGlobalDomains[(bytes[from + 2] ?? 0) % defaultGlobalDomains.length] ?? 'gmail.com';
  }
  return `${local}${local2}x@${domain}`;
}

/** The country-code top-level domain of an ISO 3166 region (the United Kingdom's is .uk). */
function countryDomain(region: string): string {
  return region === 'GB' ? 'uk' : region.toLowerCase();
}

/** `flows.decoyCountries` as drawn where the SMS allow-list is `allowed`, by list and allow-list. */
const countryDraws = new WeakMap<DecoyCountries & object, { allowed: readonly string[]; draw: Weighted }>();

function countryDraw(countries: DecoyCountries & object, allowed: readonly string[]): Weighted {
  const cached = countryDraws.get(countries);
  if (cached?.allowed === allowed) return cached.draw;
  const draw = weighted(
    Object.entries(countries).filter(([region]) => isSupportedCountry(region) && allowed.includes(region)),
  );
  countryDraws.set(countries, { allowed, draw });
  return draw;
}

/**
 * Mostly the default region (`defaultShare`, seven in ten by default), like most of a workforce; the
 * others from the rest of the SMS allow-list, where every real number offered must be too, so a
 * foreign number does not prove a real user: by the weights of `flows.decoyCountries` where set (its
 * countries on the allow-list), else evenly. A default region the allow-list leaves out never shows:
 * no real number from it can.
 */
function decoyRegion(
  bytes: Buffer,
  defaultRegion: string,
  smsCountries: readonly string[],
  defaultShare: number,
  fine: number | undefined,
  countries: DecoyCountries,
  /** The name's own secret 32 bits for the weighted draw (see pickWeighted). */
  countrySeed: () => number,
): string {
  const allowed: string[] = smsCountries.filter((c) => isSupportedCountry(c));
  const listed = countries ? countryDraw(countries, smsCountries) : undefined;
  const others = allowed.filter((c) => c !== defaultRegion);
  const abroad = () =>
    (listed && listed.keys.length > 0 ? pickWeighted(listed, countrySeed()) : undefined) ??
    others[(bytes[31] ?? 0) % others.length] ??
    defaultRegion;
  if (allowed.length > 0 && !allowed.includes(defaultRegion)) return abroad();
  if (others.length === 0 || within(defaultShare, bytes[30], 10, fine)) return defaultRegion;
  return abroad();
}

/**
 * A member's own region only where a real number of theirs could be from it (a known country in the
 * SMS allow-list); else the region is drawn per name like anyone's.
 */
function usableRegion(region: string | undefined, smsCountries: readonly string[]): region is string {
  return (
    region !== undefined &&
    isSupportedCountry(region) &&
    (smsCountries.length === 0 || smsCountries.includes(region))
  );
}

/**
 * The region a name's invented numbers are from under `shares` and `countries` (as decoyMethods draws
 * it without a fixed region): a decoy topped up at a door under another policy keeps it, as a member's
 * top-up keeps their own region, so its numbers never mix countries where real lists do not (R16 F4).
 */
export function decoyRegionFor(
  key: string,
  normalizedName: string,
  defaultRegion: string,
  smsCountries: readonly string[],
  shares: DecoyShares,
  countries: DecoyCountries,
  /** A member's own region, which decoyMethods keeps where usable. */
  fixedRegion?: string,
): string {
  if (usableRegion(fixedRegion, smsCountries)) return fixedRegion;
  return decoyRegion(
    createHmac('sha256', key).update(`methods\0${normalizedName}`).digest(),
    defaultRegion,
    smsCountries,
    shares.defaultRegion,
    sharesHmac(key, normalizedName)[fineByte.region],
    countries,
    () => sharesHmac(key, normalizedName, '-region').readUInt32BE(0),
  );
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
  /** The region of every number drawn (a member's own, for their top-up); else drawn per name. */
  fixedRegion?: string,
  shares: DecoyShares = defaultDecoyShares,
  /** `flows.decoyEmailDomains`, `decoyEmailInitials` and `decoyCountries` (the defaults where left out). */
  lists: Partial<DecoyLists> = defaultDecoyLists,
): FlowMethod[] {
  const bytes = createHmac('sha256', key).update(`methods\0${normalizedName}`).digest();
  const extra = createHmac('sha256', key).update(`extra-methods\0${normalizedName}`).digest();
  const fine = sharesHmac(key, normalizedName);
  const region = usableRegion(fixedRegion, smsCountries)
    ? fixedRegion
    : decoyRegion(
        bytes,
        defaultRegion,
        smsCountries,
        shares.defaultRegion,
        fine[fineByte.region],
        lists.countries,
        () => sharesHmac(key, normalizedName, '-region').readUInt32BE(0),
      );
  // Mostly the first place a method can come from (registered), `profileSource` of them (one in four
  // by default) the other (profile).
  const rankFrom = (ranks: readonly Rank[], byte: number | undefined, fineAt: number): Rank =>
    ranks.length === 1 || !within(shares.profileSource, byte, 4, fine[fineAt])
      ? (ranks[0] ?? 0)
      : (ranks.at(-1) ?? 0);
  const emailStyle: DecoyEmailStyle = {
    domains: lists.domains ?? defaultDecoyLists.domains,
    initials: lists.initials ?? defaultDecoyLists.initials,
  };
  // Each address's own secret seeds for configured lists, computed only when a list is drawn.
  const seed = (part: string) => () => sharesHmac(key, normalizedName, part).readUInt32BE(0);
  const email = (from: Buffer, at: number, addressAt: number) =>
    decoyEmail(region, {
      bytes: from,
      from: at,
      nationalShare: shares.nationalEmailDomain,
      nationalFine: fine[addressAt],
      style: emailStyle,
      domainSeed: seed(`-domain-${addressAt}`),
      initialSeed: seed(`-initial-${addressAt}`),
    });
  // Where the policy offers only enrollments, real users show those alone: the decoy's own methods
  // stand for them. Nothing offered at all: every user is refused, any shape will do.
  const base: readonly KindSources[] =
    offer.kinds.length > 0
      ? offer.kinds
      : offer.enrolled.length > 0
        ? offer.enrolled.map((kind) => ({ kind, ranks: [1 as const] }))
        : fullDecoyOffer.kinds;
  // `smsAndEmail` show an SMS and an e-mail method (half by default), `smsOnly` an SMS method alone
  // (three in ten), the rest an e-mail alone; where only one kind can be offered, that kind.
  const shaped = (share: number) => within(share, bytes[0], 10, fine[fineByte.shape]);
  const wanted =
    base.length === 1 || shaped(shares.smsAndEmail)
      ? ['sms', 'email']
      : shaped(shares.smsAndEmail + shares.smsOnly)
        ? ['sms']
        : ['email'];

  const drawn: { kind: MethodKind; rank: Rank; destination: string }[] = [];
  const add = (kind: MethodKind, rank: Rank, destination: string) => {
    if (!drawn.some((m) => m.kind === kind && m.destination === destination))
      drawn.push({ kind, rank, destination });
  };
  const baseMethod = (k: KindSources) =>
    k.kind === 'sms'
      ? add('sms', rankFrom(k.ranks, extra[4], fineByte.smsSource), decoyPhone(bytes, region, 8))
      : add(
          'email',
          rankFrom(k.ranks, extra[5], fineByte.emailSource),
          email(bytes, 20, fineByte.nationalEmail),
        );
  for (const k of base) if (wanted.includes(k.kind)) baseMethod(k);

  // A real user offered fewer methods than the policy requires is refused, so a decoy never is.
  const short = () => drawn.length < offer.methodsRequired;
  const has = (kind: MethodKind) => drawn.some((m) => m.kind === kind);
  const second = (kind: MethodKind) => offer.second.find((s) => s.kind === kind);
  const addSecond = (kind: MethodKind, force: boolean) => {
    const from = second(kind);
    if (!from || !has(kind)) return;
    // A person has one profile mobile: beside a profile one, the second number is a registered one.
    const profileSms = drawn.some((m) => m.kind === 'sms' && m.rank === 2);
    if (
      kind === 'sms' &&
      (within(shares.alternateMobile, extra[0], 20, fine[fineByte.alternateMobile]) || force)
    )
      add(
        'sms',
        profileSms ? 0 : rankFrom(from.ranks, extra[6], fineByte.secondSmsSource),
        decoyPhone(extra, region, 8),
      );
    if (kind === 'email' && (within(shares.secondEmail, extra[3], 20, fine[fineByte.secondEmail]) || force))
      add('email', 2, email(extra, 27, fineByte.nationalSecondEmail));
  };
  // MyPass enrollments (resets only): `enrollment` of names have one (one in eight by default),
  // `anotherEnrollment` of those a second (one in eight), and so on up to the policy's maximum, as
  // people who enroll now and then do; `enrolledSms` of them numbers where both kinds can be
  // enrolled (half). Each from its own HMAC, so a name's enrollments stay fixed.
  const fineKind = sharesHmac(key, normalizedName, '-kind');
  const addEnrolled = (force: () => boolean) => {
    if (offer.enrolled.length === 0) return;
    for (let i = enrolledCount; i < offer.maxEnrollments; i++) {
      const bytes =
        i === 0 ? extra : createHmac('sha256', key).update(`enrolled-${i}\0${normalizedName}`).digest();
      const share = i === 0 ? shares.enrollment : shares.anotherEnrollment;
      if (!within(share, bytes[1], 8, fine[fineByte.enrollment + i]) && !force()) return;
      // Both kinds: the first (SMS) below the share, as `offer.enrolled[byte % 2]` picked before.
      const kind: MethodKind =
        offer.enrolled.length === 1
          ? (offer.enrolled[0] as MethodKind)
          : within(shares.enrolledSms, bytes[2], 2, fineKind[fineByte.enrolledKind + i])
            ? 'sms'
            : 'email';
      add(
        kind,
        1,
        kind === 'sms' ? decoyPhone(bytes, region, 16) : email(bytes, 22, fineByte.nationalEnrolledEmail + i),
      );
      enrolledCount++;
    }
  };
  // Where the policy offers only enrollments, the decoy's own methods already stand for them.
  let enrolledCount = offer.kinds.length === 0 ? drawn.length : 0;
  // An alternate mobile, or a second address (one in twenty each by default).
  addSecond('sms', false);
  addSecond('email', false);
  // Still short of the policy's count: what a real user under it has, in an order drawn per name
  // (a second of the same kind first, or the other kind first). Enrollments mostly come last, on
  // top of the same directory-held list, so an enroll list is the reset list without them.
  const otherKind = () => {
    for (const k of base) if (!has(k.kind) && short()) baseMethod(k);
  };
  const sameKind = () => {
    for (const kind of ['sms', 'email'] as const) if (short()) addSecond(kind, true);
  };
  // One name in four that is short reaches the count through an enrollment (resets only), as a
  // member whose second method is one does; in an enroll list the directory-held fill then shows.
  if (offer.enrolled.length > 0 && (bytes[2] ?? 0) % 4 === 0) addEnrolled(short);
  if ((extra[7] ?? 0) % 2 === 0) {
    sameKind();
    otherKind();
  } else {
    otherKind();
    sameKind();
  }
  // A MyPass enrollment (resets only; one in eight by default); any name still short gets one.
  addEnrolled(short);

  return inRealOrder(
    drawn.map(({ kind, rank, destination }) => ({
      id: '',
      kind,
      hint: kind === 'sms' ? maskPhone(destination) : maskEmail(destination),
      source: sourceOfRank[rank],
      destination,
    })),
  );
}

const sourceOfRank: Record<Rank, MethodSource> = { 0: 'registered', 1: 'enrolled', 2: 'profile' };
const rankOfSource: Record<string, number> = { registered: 0, enrolled: 1, profile: 2 };
const kindOrder: Record<MethodKind, number> = { sms: 0, email: 1 };

/** Ordered as real lists are (by source, SMS before e-mail within one), ids numbered per kind. */
function inRealOrder(methods: readonly FlowMethod[]): FlowMethod[] {
  const sorted = [...methods].sort(
    (a, b) =>
      (rankOfSource[a.source ?? 'registered'] ?? 0) - (rankOfSource[b.source ?? 'registered'] ?? 0) ||
      kindOrder[a.kind] - kindOrder[b.kind],
  );
  const ordinal: Record<MethodKind, number> = { sms: 0, email: 0 };
  return sorted.map((m) => ({ ...m, id: `${m.kind}:${(ordinal[m.kind] += 1)}` }));
}

/**
 * The list a decoy shows at a door, the same way for everyone: the name's own list (a member's real
 * methods, or the invented list under their home policy), kept where the shown policy offers that
 * kind from that source, topped up from `invented` (drawn under the shown policy) to the count it
 * requires, kinds the list lacks first, in the order of real lists.
 */
export function decoyListAtDoor(
  own: readonly FlowMethod[],
  shown: Policy,
  canDeliver: (kind: MethodKind) => boolean,
  purpose: FlowPurpose,
  invented: readonly FlowMethod[],
): FlowMethod[] {
  const kept = own.filter((m) => {
    const rule = shown.methods[m.kind];
    const source = m.source as MethodSource;
    return (
      rule.allowed &&
      rule.sources.includes(source) &&
      canDeliver(m.kind) &&
      (purpose === 'reset' || source !== 'enrolled')
    );
  });
  if (kept.length === 0) return [...invented];
  const list = [...kept];
  const needed = Math.max(1, shown.methodsRequired);
  const fresh = invented.filter(
    (m) => !list.some((k) => k.kind === m.kind && k.destination === m.destination),
  );
  const lacking = fresh.filter((m) => !list.some((k) => k.kind === m.kind));
  for (const m of [...lacking, ...fresh.filter((f) => !lacking.includes(f))]) {
    if (list.length >= needed) break;
    list.push(m);
  }
  return inRealOrder(list);
}
