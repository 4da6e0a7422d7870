// Doctor's `decoy.shares` check (T2): decoys draw their shapes with the shares of
// `flows.decoyShares`; a shape far more common among real users than among decoys makes a name that
// shows it probably real. So doctor reads a sample of licensed users the way a reset does, builds
// each served user's real reset list, measures every share as decoy-methods.ts uses it, and says
// which configured values are off and what to put in: per policy where members' lists differ
// (a policy's own `decoyShares`), else under `flows.decoyShares`; likewise the e-mail domains and
// first letters of `flows.decoyEmailDomains` and `flows.decoyEmailInitials`, and the countries of
// numbers abroad of `flows.decoyCountries`. Shares, counts, country codes and what hints show (a first
// letter, an ending) only ever leave this module: never a number, address, domain, name or id of a
// sampled user.
import { createHmac, randomBytes } from 'node:crypto';
import type { PoliciesConfig, Policy } from '../policy/policy-config.js';
import {
  decideEligibility,
  groupIdsOfInterest,
  type CandidateMethod,
  type MethodKind,
  type MethodSource,
} from '../policy/eligibility.js';
import type { DirectoryFailure, DirectoryResult } from '../directory/directory.js';
import type { EntraConnection } from '../directory/entra-connection.js';
import { EntraDirectory } from '../directory/entra-directory.js';
import { isGuid } from '../directory/odata-filter.js';
import { checkPhoneNumber } from '../delivery/phone-numbers.js';
import {
  decoyDomainWeights,
  isDefaultDomainList,
  isNationalEmailDomain,
  servingPolicies,
} from '../flows-service/decoy-methods.js';
import { deliverableMethods } from '../flows-service/deliverable-methods.js';
import {
  defaultDecoyEmailDomains,
  defaultDecoyEmailInitials,
  emailDomainSchema,
  type DecoyCountries,
  type DecoyEmailDomains,
  type DecoyEmailInitials,
  type DecoyShares,
} from '../flows-service/flows-config.js';
import type { Delivery } from '../delivery/delivery.js';
import type { MyPassConfig } from '../config/schema.js';
import { openExistingStore } from '../store/open-store.js';
import type { Finding } from './doctor-findings.js';

/** Users sampled when `--decoy-sample` is not given. */
export const DEFAULT_DECOY_SAMPLE = 200;
/** Below this many users a share says nothing (and below this many served users, no share is judged). */
export const MIN_SHARE_SAMPLE = 30;
/** The sample's reads run a few users at a time: fast enough, and gentle on Graph's throttling. */
const PARALLEL_USERS = 4;
/**
 * Cap on listing the sample's users. The sample is drawn from every licensed user, so every page of
 * every licensed group is read: a tenant of 100 000 users is about 100 pages of 999, each of which
 * can take seconds on a large transitive listing, more when Graph throttles.
 */
const LISTING_MS = 300_000;

/** The fields in the order of `flows.decoyShares` (reports and the fix follow it). */
const SHARE_FIELDS = [
  'lastPolicy',
  'smsAndEmail',
  'smsOnly',
  'defaultRegion',
  'profileSource',
  'alternateMobile',
  'secondEmail',
  'enrollment',
  'anotherEnrollment',
  'enrolledSms',
  'nationalEmailDomain',
] as const satisfies readonly (keyof DecoyShares)[];

export type ShareField = (typeof SHARE_FIELDS)[number];

/** The fields a policy may carry itself (all but `lastPolicy`, which says how policies are picked). */
type PolicyShareField = Exclude<ShareField, 'lastPolicy'>;
const POLICY_SHARE_FIELDS = SHARE_FIELDS.filter((f): f is PolicyShareField => f !== 'lastPolicy');

/** One measured share: `value` of the `n` users (or methods, addresses) it is about. */
export interface MeasuredShare {
  value: number;
  n: number;
}

/** What the sample measured; a field is absent when no user of the sample was about it. */
export type MeasuredShares = Partial<Record<ShareField, MeasuredShare>>;

/** One served user's real reset list, as a reset offers it (decideEligibility, then deliverable ones). */
export interface SampledList {
  policy: Policy;
  methods: readonly CandidateMethod[];
  /** The user's usageLocation: the default region of their numbers typed without a country code. */
  usageLocation: string | null;
  /** Methods a reset of this user requires (the policy's count, two for at-risk or privileged users). */
  methodsRequired: number;
}

/** The shares measured on one policy's served members (no `lastPolicy`: that is about all names). */
export interface PolicyShares {
  policy: string;
  /** Served users of the sample under this policy. */
  served: number;
  shares: MeasuredShares;
  /** Where its members' first numbers abroad are from (a policy's own `decoyCountries`). */
  countriesAbroad?: CountryTally;
}

/** What the finding judges: no user, number or address, only shares, counts and regions. */
export interface MeasuredSample {
  /** Over every served user of the sample. */
  shares: MeasuredShares;
  /** Per policy that served someone of the sample, in the configuration's order. */
  byPolicy: PolicyShares[];
  /** Served users of the sample: the sample of shapes. */
  eligible: number;
  /** Served users offered an SMS method, and the regions (ISO 3166) of every number offered. */
  sms: { users: number; regions: string[] };
  /**
   * Per policy, of members with a number who could have both kinds: how many have an e-mail method
   * beside it, for numbers from the default region and from elsewhere. Decoys draw the country and
   * the kinds apart, so where real users' kinds depend on their country, shares alone cannot match.
   */
  kindsByCountry?: { policy: string; home: Tally; abroad: Tally }[];
  /** The domains of served users' addresses (`flows.decoyEmailDomains`). */
  emailDomains?: EmailDomainTally;
  /** The first characters of served users' addresses (`flows.decoyEmailInitials`). */
  emailInitials?: EmailInitialTally;
  /** Where served users' first numbers from outside the default region are from (`flows.decoyCountries`). */
  countriesAbroad?: CountryTally;
}

/** The regions of served users' first numbers from outside the default region, as decoys draw one. */
export interface CountryTally {
  /** An ISO 3166 region, with the users whose first number is from it; most first. */
  entries: { region: string; users: number }[];
}

/** The first characters of served users' addresses, as a hint shows them. */
export interface EmailInitialTally {
  /** Addresses in served users' lists. */
  addresses: number;
  /** A lower-case letter or digit, with the addresses that begin with it; most first. */
  entries: { initial: string; addresses: number }[];
  /** Addresses beginning with a character a hint does not show as a letter or digit. */
  leftOut: number;
}

/** The domains of served users' addresses, as their hint shapes (see hintShape). */
export interface EmailDomainTally {
  /** Addresses in served users' lists. */
  addresses: number;
  /** A hint shape (`g.com`), with the addresses it stands for; most first. */
  entries: { domain: string; addresses: number }[];
  /** Addresses whose domain a hint shows no letter or ending of: counted, never named. */
  leftOut: number;
}

/** `hits` of `n`. */
export interface Tally {
  hits: number;
  n: number;
}

export interface DecoySample extends MeasuredSample {
  /** Users read (licensed members, guests skipped). */
  sampled: number;
  /** Whether MyPass enrollments were read from the store (else no enrollment share is measured). */
  enrollmentsRead: boolean;
}

/** The region of a valid number (as delivery parses it), whether or not the SMS allow-list has it. */
function phoneRegion(raw: string, defaultRegion: string): string | undefined {
  const checked = checkPhoneNumber(raw, defaultRegion, new Set());
  return checked.region;
}

/** The sources a policy takes a kind from (none where the kind is not allowed or cannot be offered). */
function sourcesOf(
  policy: Policy,
  kind: MethodKind,
  canOffer: (kind: MethodKind) => boolean,
): ReadonlySet<MethodSource> {
  const rule = policy.methods[kind];
  return new Set(rule.allowed && canOffer(kind) ? rule.sources : []);
}

const heldByDirectory = (sources: ReadonlySet<MethodSource>): boolean =>
  sources.has('registered') || sources.has('profile');

/**
 * Every share as decoy-methods.ts draws it, measured on served users' real lists (pure).
 * `enrollmentsRead`: the lists include the users' usable enrollments (else `enrollment` is left out).
 */
export function measureSharesOfLists(
  lists: readonly SampledList[],
  options: {
    access: PoliciesConfig;
    defaultRegion: string;
    enrollmentsRead: boolean;
    /** Kinds decoys may show (delivery sends them; SMS with a non-empty allow-list): its serving policies. */
    canOffer?: (kind: MethodKind) => boolean;
  },
): MeasuredShares {
  const tally = new Map<ShareField, { hits: number; n: number }>();
  const count = (field: ShareField, hit: boolean): void => {
    const t = tally.get(field) ?? { hits: 0, n: 0 };
    t.n += 1;
    if (hit) t.hits += 1;
    tally.set(field, t);
  };
  // Decoys get the last policy that serves resets, or one of the rest; with one there is no choice.
  const canOffer = options.canOffer ?? (() => true);
  const serving = servingPolicies(options.access, 'reset', undefined, canOffer);
  const last = serving.length >= 2 ? serving.at(-1) : undefined;

  for (const { policy, methods, usageLocation, methodsRequired } of lists) {
    if (last) count('lastPolicy', policy.name === last.name);
    // As decoys see a policy (decoyOffer): a kind delivery cannot send is not offered at all.
    const sms = sourcesOf(policy, 'sms', canOffer);
    const email = sourcesOf(policy, 'email', canOffer);
    // Decoys' shapes are drawn from what the directory holds; enrollments are drawn apart.
    const held = methods.filter((m) => m.source !== 'enrolled');
    const heldSms = held.filter((m) => m.kind === 'sms');
    const heldEmail = held.filter((m) => m.kind === 'email');

    // A decoy short of a count above one is filled up to it whatever the shares say, so the
    // shapes a share draws are measured on users who need one method, as they chose them.
    const free = methodsRequired <= 1;

    // A user whose list is enrollments alone shows none of the three shapes.
    if (free && heldByDirectory(sms) && heldByDirectory(email) && held.length > 0) {
      count('smsAndEmail', heldSms.length > 0 && heldEmail.length > 0);
      count('smsOnly', heldSms.length > 0 && heldEmail.length === 0);
    }

    const firstSms = methods.find((m) => m.kind === 'sms');
    if (firstSms) {
      const region = phoneRegion(firstSms.destination, usageLocation ?? options.defaultRegion);
      // A number delivery cannot parse is never offered; it has no region to count.
      if (region !== undefined) count('defaultRegion', region === options.defaultRegion);
    }

    // Real lists show registered methods before profile ones: the first of a kind is from the
    // profile only where nothing is registered, as a decoy's first method of the kind is.
    for (const [sources, ofKind] of [
      [sms, heldSms],
      [email, heldEmail],
    ] as const) {
      const first = ofKind[0];
      if (sources.has('registered') && sources.has('profile') && first) {
        count('profileSource', first.source === 'profile');
      }
    }

    const registeredSms = heldSms.filter((m) => m.source === 'registered');
    if (free && sms.has('registered') && registeredSms.length > 0)
      count('alternateMobile', registeredSms.length >= 2);

    if (free && email.has('profile') && heldEmail.length > 0) count('secondEmail', heldEmail.length >= 2);

    const enrolled = methods.filter((m) => m.source === 'enrolled');
    if (free && options.enrollmentsRead && (sms.has('enrolled') || email.has('enrolled'))) {
      count('enrollment', enrolled.length > 0);
      // Decoys draw a further enrollment only where the policy allows more than one.
      if (enrolled.length > 0 && policy.enrollment.maxMethods >= 2)
        count('anotherEnrollment', enrolled.length >= 2);
    }
    // Each enrollment's kind is drawn where the policy takes both kinds from enrollments, whatever
    // the count the user needs (a decoy filled up with an enrollment draws its kind the same way).
    if (options.enrollmentsRead && sms.has('enrolled') && email.has('enrolled')) {
      for (const m of enrolled) count('enrolledSms', m.kind === 'sms');
    }

    for (const m of methods) {
      if (m.kind === 'email') count('nationalEmailDomain', isNationalEmailDomain(m.destination));
    }
  }

  const shares: MeasuredShares = {};
  for (const field of SHARE_FIELDS) {
    const t = tally.get(field);
    if (t && t.n > 0) shares[field] = { value: t.hits / t.n, n: t.n };
  }
  return shares;
}

/**
 * Every share over the whole sample and per policy, and the regions of the numbers offered (pure).
 * Per policy because a decoy shown under a policy draws with that policy's effective shares.
 */
export function measureSample(
  lists: readonly SampledList[],
  options: Parameters<typeof measureSharesOfLists>[1],
): MeasuredSample {
  const byPolicy: PolicyShares[] = [];
  for (const policy of options.access.policies) {
    const own = lists.filter((l) => l.policy.name === policy.name);
    if (own.length === 0) continue;
    const { lastPolicy: _all, ...shares } = measureSharesOfLists(own, options);
    byPolicy.push({
      policy: policy.name,
      served: own.length,
      shares,
      countriesAbroad: countryTally(own, options.defaultRegion),
    });
  }
  const regions = new Set<string>();
  let smsUsers = 0;
  for (const { methods, usageLocation } of lists) {
    const numbers = methods.filter((m) => m.kind === 'sms');
    if (numbers.length > 0) smsUsers += 1;
    for (const m of numbers) {
      const region = phoneRegion(m.destination, usageLocation ?? options.defaultRegion);
      if (region !== undefined) regions.add(region);
    }
  }
  return {
    shares: measureSharesOfLists(lists, options),
    byPolicy,
    eligible: lists.length,
    sms: { users: smsUsers, regions: [...regions].sort() },
    kindsByCountry: kindsByCountry(lists, options),
    emailDomains: emailDomainTally(lists),
    emailInitials: emailInitialTally(lists),
    countriesAbroad: countryTally(lists, options.defaultRegion),
  };
}

/** The part of an address after its last @, lower-cased. */
const domainOf = (address: string): string =>
  address
    .trim()
    .slice(address.trim().lastIndexOf('@') + 1)
    .toLowerCase();

const isConfigurableDomain = (domain: string): boolean => emailDomainSchema.safeParse(domain).success;

/**
 * What a hint shows of a domain: its first character and its ending, as a one-letter name (`g.com`
 * for gmail.com, `h.dk` for hotmail.dk). Decoys drawing `g.com` show exactly what gmail.com shows.
 */
export function hintShape(domain: string): string {
  const labels = domain.toLowerCase().split('.');
  return `${Array.from(labels[0] ?? '')[0] ?? ''}.${labels.at(-1) ?? ''}`;
}

/**
 * Every e-mail address of the served users' lists counted under `keyOf` (a hint shape, a first
 * letter), most first; an address whose key is not one a list can hold is only counted.
 */
function tallyAddresses(
  lists: readonly SampledList[],
  keyOf: (address: string) => string,
  isKey: (key: string) => boolean,
): { addresses: number; counts: [string, number][]; leftOut: number } {
  const counts = new Map<string, number>();
  let addresses = 0;
  let leftOut = 0;
  for (const { methods } of lists) {
    for (const m of methods) {
      if (m.kind !== 'email') continue;
      addresses += 1;
      const key = keyOf(m.destination.trim());
      if (isKey(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
      else leftOut += 1;
    }
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { addresses, counts: sorted, leftOut };
}

/**
 * MeasuredSample `emailDomains`: every address's domain as its hint shape. Only shapes are measured
 * and advised: a hint shows no more, and no one's own domain (a family's, or one person's under
 * several accounts) ever leaves this module (R13 F3, R14 F3).
 */
function emailDomainTally(lists: readonly SampledList[]): EmailDomainTally {
  const { addresses, counts, leftOut } = tallyAddresses(
    lists,
    (address) => hintShape(domainOf(address)),
    isConfigurableDomain,
  );
  return { addresses, entries: counts.map(([domain, n]) => ({ domain, addresses: n })), leftOut };
}

const isConfigurableInitial = (initial: string): boolean => /^[\p{Ll}\p{Lo}0-9]$/u.test(initial);

/** MeasuredSample `emailInitials`: each first character as a hint shows it. */
function emailInitialTally(lists: readonly SampledList[]): EmailInitialTally {
  const { addresses, counts, leftOut } = tallyAddresses(
    lists,
    (address) => (Array.from(address)[0] ?? '').toLowerCase(),
    isConfigurableInitial,
  );
  return { addresses, entries: counts.map(([initial, n]) => ({ initial, addresses: n })), leftOut };
}

/**
 * MeasuredSample `countriesAbroad`: the region of each served user's first number where it is not
 * the default region (a decoy's numbers all share one region, drawn from the list when abroad).
 */
function countryTally(lists: readonly SampledList[], defaultRegion: string): CountryTally {
  const counts = new Map<string, number>();
  for (const { methods, usageLocation } of lists) {
    const firstSms = methods.find((m) => m.kind === 'sms');
    if (!firstSms) continue;
    const region = phoneRegion(firstSms.destination, usageLocation ?? defaultRegion);
    if (region !== undefined && region !== defaultRegion) counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { entries: sorted.map(([region, users]) => ({ region, users })) };
}

/** MeasuredSample `kindsByCountry`: the kinds shares draw, split by where the first number is from. */
function kindsByCountry(
  lists: readonly SampledList[],
  options: Parameters<typeof measureSharesOfLists>[1],
): { policy: string; home: Tally; abroad: Tally }[] {
  const canOffer = options.canOffer ?? (() => true);
  const out = new Map<string, { policy: string; home: Tally; abroad: Tally }>();
  for (const { policy, methods, usageLocation, methodsRequired } of lists) {
    const bothKinds =
      heldByDirectory(sourcesOf(policy, 'sms', canOffer)) &&
      heldByDirectory(sourcesOf(policy, 'email', canOffer));
    const held = methods.filter((m) => m.source !== 'enrolled');
    const firstSms = held.find((m) => m.kind === 'sms');
    if (methodsRequired > 1 || !bothKinds || !firstSms) continue;
    const region = phoneRegion(firstSms.destination, usageLocation ?? options.defaultRegion);
    if (region === undefined) continue;
    const entry = out.get(policy.name) ?? {
      policy: policy.name,
      home: { hits: 0, n: 0 },
      abroad: { hits: 0, n: 0 },
    };
    const tally = region === options.defaultRegion ? entry.home : entry.abroad;
    tally.n += 1;
    if (held.some((m) => m.kind === 'email')) tally.hits += 1;
    out.set(policy.name, entry);
  }
  return [...out.values()];
}

/**
 * Policies whose members' kinds depend on the country of their number beyond chance (both sides
 * measured on at least MIN_SHARE_SAMPLE users, apart by more than 0.1 and three standard errors).
 */
function countryDependentKinds(sample: MeasuredSample): string[] {
  return (sample.kindsByCountry ?? []).flatMap(({ policy, home, abroad }) => {
    if (home.n < MIN_SHARE_SAMPLE || abroad.n < MIN_SHARE_SAMPLE) return [];
    const p1 = home.hits / home.n;
    const p2 = abroad.hits / abroad.n;
    const p = (home.hits + abroad.hits) / (home.n + abroad.n);
    const se = Math.sqrt(p * (1 - p) * (1 / home.n + 1 / abroad.n));
    return Math.abs(p1 - p2) > Math.max(0.1, 3 * se)
      ? [
          `policy "${policy}": an e-mail method beside the number for ${round2(p1)} of ${home.n} users with numbers from the default region, ${round2(p2)} of ${abroad.n} with numbers from elsewhere`,
        ]
      : [];
  });
}

/**
 * How far a measured share may stray from the configured one before it is reported: twice the
 * standard error, at least 0.01, so a shape real users never show (0 of 300) is not passed as 0.05.
 */
export function shareTolerance(configured: number, n: number): number {
  return Math.max(0.01, 2 * Math.sqrt((configured * (1 - configured)) / n));
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function isFailure(value: MeasuredSample | DirectoryFailure): value is DirectoryFailure {
  return (value as Partial<DirectoryFailure>).ok === false;
}

/** What the finding compares the sample with: the configuration's shares, policies and SMS reach. */
export interface ShareSettings {
  /** `flows.decoyShares`. */
  decoyShares: DecoyShares;
  /** `access.policies` (a policy's own `decoyShares` apply over the global ones). */
  policies: readonly Pick<Policy, 'name' | 'decoyShares' | 'decoyCountries'>[];
  /** `flows.defaultRegion`. */
  defaultRegion: string;
  /** `delivery.smsCountries`. */
  smsCountries: readonly string[];
  /** `flows.decoyEmailDomains` (the defaults where absent). */
  decoyEmailDomains?: DecoyEmailDomains;
  /** `flows.decoyEmailInitials` (the defaults where absent). */
  decoyEmailInitials?: DecoyEmailInitials;
  /** `flows.decoyCountries` (absent: numbers abroad spread evenly over the SMS allow-list). */
  decoyCountries?: DecoyCountries;
}

type ShareValues = Map<ShareField, number>;

/** One measured share pooled over several policies' members (each user is under one policy). */
function pooled(parts: readonly PolicyShares[], field: PolicyShareField): MeasuredShare | undefined {
  let hits = 0;
  let n = 0;
  for (const part of parts) {
    const m = part.shares[field];
    if (!m) continue;
    hits += m.value * m.n;
    n += m.n;
  }
  return n > 0 ? { value: hits / n, n } : undefined;
}

const fits = (m: MeasuredShare, configured: number): boolean =>
  Math.abs(m.value - configured) <= shareTolerance(configured, m.n);

/**
 * smsAndEmail and smsOnly together stay at most 1 where `values` apply over `effective` (the schema
 * refuses more): where one moves, the other comes along when needed, from `measured` where known.
 */
function settlePair(
  values: ShareValues,
  effective: (field: 'smsAndEmail' | 'smsOnly') => number,
  measured: (field: 'smsAndEmail' | 'smsOnly') => MeasuredShare | undefined,
): void {
  const value = (f: 'smsAndEmail' | 'smsOnly') => values.get(f) ?? effective(f);
  const advised = values.has('smsAndEmail') || values.has('smsOnly');
  if (!advised && value('smsAndEmail') + value('smsOnly') <= 1 + 1e-9) return;
  // One of the pair moves: both take their measured values (the partner, though within its own
  // tolerance, would leave the rest, e-mail alone, at a share no real list shows), and smsOnly at
  // most the remainder.
  const m = (f: 'smsAndEmail' | 'smsOnly') => {
    const share = measured(f);
    return share ? round2(share.value) : undefined;
  };
  const only = values.get('smsOnly') ?? m('smsOnly') ?? effective('smsOnly');
  const both = values.get('smsAndEmail') ?? m('smsAndEmail') ?? round2(1 - only);
  const settled = { smsAndEmail: both, smsOnly: Math.min(only, round2(1 - both)) };
  for (const f of ['smsAndEmail', 'smsOnly'] as const) {
    if (values.has(f) || settled[f] !== effective(f)) values.set(f, settled[f]);
  }
}

interface Judged {
  /** One line per share that is off: where, configured, measured. */
  off: string[];
  /** Shares measured on too few users to judge. */
  tooFew: string[];
  /** What to put under `flows.decoyShares`. */
  global: ShareValues;
  /** What to put under each policy's own `decoyShares`, by policy name. */
  perPolicy: Map<string, ShareValues>;
}

/**
 * Judges every share where decoys use it: `lastPolicy` over the whole sample; every other field per
 * policy with at least MIN_SHARE_SAMPLE served members against its effective value, and the members
 * of smaller policies that take the global value together against it. A new value goes under
 * `flows.decoyShares` where one value fits every policy that is off and takes the global one, else
 * under each policy that is off (and policies that fit the old global value but not the new one keep
 * the old one).
 */
function judgeShares(sample: MeasuredSample, settings: ShareSettings): Judged {
  const judged: Judged = { off: [], tooFew: [], global: new Map(), perPolicy: new Map() };
  const several = settings.policies.length > 1;
  const where = (policy: string) => (several ? `policy "${policy}" ` : '');
  const configured = settings.decoyShares;
  const ownOf = (name: string) => settings.policies.find((p) => p.name === name)?.decoyShares;
  const overrides = (name: string, field: PolicyShareField) => ownOf(name)?.[field] !== undefined;
  const setFor = (name: string, field: ShareField, value: number) => {
    const values = judged.perPolicy.get(name) ?? new Map<ShareField, number>();
    values.set(field, value);
    judged.perPolicy.set(name, values);
  };
  const describe = (label: string, p: number, m: MeasuredShare) =>
    `${label}: configured ${p}, measured ${round2(m.value)} (n = ${m.n})`;

  const last = sample.shares.lastPolicy;
  if (last && last.n < MIN_SHARE_SAMPLE) judged.tooFew.push(`lastPolicy (n = ${last.n})`);
  else if (last && !fits(last, configured.lastPolicy)) {
    judged.off.push(describe('lastPolicy', configured.lastPolicy, last));
    judged.global.set('lastPolicy', round2(last.value));
  }

  const big = sample.byPolicy.filter((p) => p.served >= MIN_SHARE_SAMPLE);
  const small = sample.byPolicy.filter((p) => p.served < MIN_SHARE_SAMPLE);
  for (const p of small) judged.tooFew.push(`policy "${p.policy}" alone (${p.served} served)`);

  for (const field of POLICY_SHARE_FIELDS) {
    const g = configured[field];
    const effective = (name: string) => ownOf(name)?.[field] ?? g;
    const units = big.flatMap((p) => {
      const m = p.shares[field];
      if (!m) return [];
      if (m.n < MIN_SHARE_SAMPLE) {
        judged.tooFew.push(`${where(p.policy)}${field} (n = ${m.n})`);
        return [];
      }
      return [{ policy: p.policy, m, off: !fits(m, effective(p.policy)) }];
    });
    // Members of the smaller policies that take the global value, together.
    const rest = pooled(
      small.filter((p) => !overrides(p.policy, field)),
      field,
    );
    const restJudged = rest !== undefined && rest.n >= MIN_SHARE_SAMPLE && big.length > 0;
    const restOff = restJudged && !fits(rest, g);
    if (restOff)
      judged.off.push(describe(`${field} (policies with fewer than ${MIN_SHARE_SAMPLE} served)`, g, rest));

    let newGlobal: number | undefined;
    const offGlobal = units.filter((u) => u.off && !overrides(u.policy, field));
    if (restOff) newGlobal = rest.value;
    else if (big.length === 0 && rest !== undefined && rest.n >= MIN_SHARE_SAMPLE && !fits(rest, g)) {
      // Every policy is small: their members together are the only measure of the global value.
      judged.off.push(describe(field, g, rest));
      newGlobal = rest.value;
    } else if (!restJudged && offGlobal.length > 0) {
      const candidate = pooled(
        sample.byPolicy.filter((p) => !overrides(p.policy, field)),
        field,
      );
      if (candidate && offGlobal.some((u) => fits(u.m, candidate.value))) newGlobal = candidate.value;
    }
    if (newGlobal !== undefined && round2(newGlobal) === g) newGlobal = undefined;
    if (newGlobal !== undefined) judged.global.set(field, round2(newGlobal));

    for (const u of units) {
      if (u.off) judged.off.push(describe(`${where(u.policy)}${field}`, effective(u.policy), u.m));
      if (overrides(u.policy, field) || newGlobal === undefined) {
        if (u.off) setFor(u.policy, field, round2(u.m.value));
      } else if (!fits(u.m, newGlobal)) {
        // Off: its own value; fitting the old global value: keep that, its decoys stay.
        setFor(u.policy, field, u.off ? round2(u.m.value) : g);
      }
    }
  }

  // The pair, for the global block and then for every policy as its shares merge.
  const newGlobalOf = (f: 'smsAndEmail' | 'smsOnly') => judged.global.get(f) ?? configured[f];
  if (judged.global.has('smsAndEmail') || judged.global.has('smsOnly')) {
    settlePair(
      judged.global,
      (f) => configured[f],
      (f) =>
        pooled(
          sample.byPolicy.filter((p) => !overrides(p.policy, f)),
          f,
        ),
    );
  }
  for (const policy of settings.policies) {
    const values = judged.perPolicy.get(policy.name) ?? new Map<ShareField, number>();
    const measured = sample.byPolicy.find((p) => p.policy === policy.name)?.shares;
    settlePair(
      values,
      (f) => policy.decoyShares?.[f] ?? newGlobalOf(f),
      (f) => measured?.[f],
    );
    if (values.size > 0) judged.perPolicy.set(policy.name, values);
  }
  return judged;
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** What the sample's addresses say about `flows.decoyEmailDomains` or `flows.decoyEmailInitials`. */
interface JudgedList {
  /** One line per entry whose share is off: configured, measured. */
  off: string[];
  /** Lines that say what was not judged or named. */
  notes: string[];
  /** Whether enough addresses were measured to judge the list. */
  judged: boolean;
  /** The list to paste (measured shares of all named addresses, most first) where some entry is off. */
  advised?: [string, number][];
}

/** A small seeded generator (mulberry32): the same simulation, so the same verdict, run after run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The chi-square of `counts` (n in all) against shares `q`, over the keys with a share. */
function chiSquare(counts: readonly number[], q: readonly number[], n: number): number {
  let chi = 0;
  for (let i = 0; i < q.length; i++) {
    const expected = n * (q[i] ?? 0);
    if (expected > 0) chi += ((counts[i] ?? 0) - expected) ** 2 / expected;
  }
  return chi;
}

/**
 * The 99th percentile of the chi-square of n addresses drawn from shares `q`, by simulation: with
 * rare keys (doctor advises shares down to 0.001) the textbook distribution is far off (R14 F1).
 */
function simulatedChiSquare99(q: readonly number[], n: number): number {
  const random = seededRandom(0x6d797061);
  const cumulative: number[] = [];
  let total = 0;
  for (const share of q) cumulative.push((total += share));
  const stats: number[] = [];
  for (let run = 0; run < 500; run++) {
    const counts = new Array<number>(q.length).fill(0);
    for (let i = 0; i < n; i++) {
      const u = random() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (u < (cumulative[mid] ?? 0)) hi = mid;
        else lo = mid + 1;
      }
      counts[lo] = (counts[lo] ?? 0) + 1;
    }
    stats.push(chiSquare(counts, q, n));
  }
  stats.sort((a, b) => a - b);
  return stats[Math.floor(stats.length * 0.99)] ?? Infinity;
}

/** Addresses a key decoys never show must reach before it is off on its own (one or two is chance). */
const UNLISTED_MIN_COUNT = 3;

/**
 * Measured counts against a list's weights, as one test for the whole list: off when half the
 * chi-square over the listed keys is beyond the 99th percentile simulated for the weights (half: the
 * configured list is usually itself a measured sample, and two samples differ twice as much as one
 * from the truth; R14 F2), a key decoys never show has UNLISTED_MIN_COUNT addresses, or a listed key
 * has none where its weight makes that unlikely. One test, not one per key:
 * 26 letters each judged at 2σ warned on nearly every sample that fitted (R13 F4). The lines name
 * the keys that stray most (individually beyond shareTolerance), at most ten.
 */
function judgeList(
  measured: ReadonlyMap<string, number>,
  weights: ReadonlyMap<string, number>,
  line: (key: string, configured: number, measured: number, n: number) => string,
  /** The line when the list is off as a whole but no key strays alone. */
  whole: (n: number) => string,
): string[] {
  const n = [...measured.values()].reduce((sum, c) => sum + c, 0);
  const total = [...weights.values()].reduce((sum, w) => sum + w, 0);
  if (n === 0 || total <= 0) return [];
  const listed = [...weights.keys()];
  const q = listed.map((key) => (weights.get(key) ?? 0) / total);
  const listedCounts = listed.map((key) => measured.get(key) ?? 0);
  const nListed = listedCounts.reduce((sum, c) => sum + c, 0);
  // Over the listed keys alone: unlisted ones have their own rule, and counted here one unlisted
  // address failed a one-key list (R15 F2).
  const chi = nListed > 0 ? chiSquare(listedCounts, q, nListed) : 0;
  const unlisted = [...measured].some(([key, count]) => !weights.has(key) && count >= UNLISTED_MIN_COUNT);
  // A listed key nobody in the sample has, where chance leaves one of the list's keys that empty less
  // than once in a hundred samples: half the chi-square sees a missing key late (R15 F1).
  const missing =
    nListed > 0 &&
    listedCounts.some((c, i) => c === 0 && Math.exp(-(q[i] ?? 0) * nListed) < 0.01 / listed.length);
  if (!unlisted && !missing && (nListed === 0 || chi / 2 <= simulatedChiSquare99(q, nListed))) return [];
  const keys = [...new Set([...measured.keys(), ...listed])];
  const strays = keys
    .map((key) => ({ key, q: (weights.get(key) ?? 0) / total, p: (measured.get(key) ?? 0) / n }))
    .filter(({ q, p }) => Math.abs(p - q) > shareTolerance(q, n))
    .sort((a, b) => Math.abs(b.p - b.q) - Math.abs(a.p - a.q));
  const shown = strays.slice(0, 10).map(({ key, q, p }) => line(key, round3(q), round3(p), n));
  if (strays.length > 10) shown.push(`… and ${strays.length - 10} more`);
  return shown.length > 0 ? shown : [whole(n)];
}

/** Weights of domains summed by what their hints show (gmail.com and g.com are one). */
function byHintShape(weights: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [domain, weight] of weights)
    out.set(hintShape(domain), (out.get(hintShape(domain)) ?? 0) + weight);
  return out;
}

/** The measured list to paste: each entry's share of the named addresses, at least 0.001. */
const advisedList = (entries: readonly [string, number][], named: number): [string, number][] =>
  entries.map(([key, n]) => [key, Math.max(0.001, round3(n / named))]);

/** How one list's findings read: its setting, what was left out, a key that strays. */
interface ListWording {
  setting: 'decoyEmailDomains' | 'decoyEmailInitials' | 'decoyCountries';
  /** What the list counts, in the plural ("addresses"). */
  counted: string;
  /** What happened to what was left out (for lists that leave some out). */
  leftOut?: string;
  line: (key: string, configured: number, measured: number, n: number) => string;
}

/**
 * One list of the sample (counts per key, and what was left out) against the weights decoys draw
 * with, on at least MIN_SHARE_SAMPLE counted; the advice is the whole measured list.
 */
function judgeSampleList(
  counts: ReadonlyMap<string, number>,
  leftOut: number,
  weights: ReadonlyMap<string, number>,
  wording: ListWording,
): JudgedList {
  const judged: JudgedList = { off: [], notes: [], judged: false };
  const named = [...counts.values()].reduce((sum, n) => sum + n, 0);
  if (named + leftOut === 0) return judged;
  if (leftOut > 0)
    judged.notes.push(
      `${leftOut} of ${named + leftOut} ${wording.counted} ${wording.leftOut ?? 'were left out'}: not measured`,
    );
  if (named < MIN_SHARE_SAMPLE) {
    judged.notes.push(`Too few ${wording.counted} to judge ${wording.setting} (n = ${named}).`);
    return judged;
  }
  judged.judged = true;
  judged.off = judgeList(
    counts,
    weights,
    wording.line,
    (n) => `${wording.setting}: the measured shares are unlikely under the configured weights (n = ${n})`,
  );
  if (judged.off.length > 0) judged.advised = advisedList([...counts], named);
  return judged;
}

/**
 * The sample's domains against what decoys draw: a configured list's weights; the default list's
 * global providers, and its national share over providers' domains of the default region.
 */
const judgeEmailDomains = (
  tally: EmailDomainTally | undefined,
  configured: DecoyEmailDomains,
  nationalShare: number,
  defaultRegion: string,
): JudgedList =>
  judgeSampleList(
    new Map(tally?.entries.map((e) => [e.domain, e.addresses])),
    tally?.leftOut ?? 0,
    byHintShape(
      decoyDomainWeights(
        configured,
        nationalShare,
        defaultRegion === 'GB' ? 'uk' : defaultRegion.toLowerCase(),
      ),
    ),
    {
      setting: 'decoyEmailDomains',
      counted: 'addresses',
      leftOut: 'are at domains a hint shows no first letter or ending of',
      line: (shape, q, p, n) =>
        `e-mail domains shown as ${shape.replace('.', '•••.')}: configured ${q}, measured ${p} (n = ${n})`,
    },
  );

/** Each first character's share of the named addresses against its share of the configured weights. */
const judgeEmailInitials = (
  tally: EmailInitialTally | undefined,
  configured: DecoyEmailInitials,
): JudgedList =>
  judgeSampleList(
    new Map(tally?.entries.map((e) => [e.initial, e.addresses])),
    tally?.leftOut ?? 0,
    new Map(Object.entries(configured)),
    {
      setting: 'decoyEmailInitials',
      counted: 'addresses',
      leftOut: 'begin with a character a hint shows as no letter or digit',
      line: (initial, q, p, n) =>
        `addresses beginning with ${initial}: configured ${q}, measured ${p} (n = ${n})`,
    },
  );

/** What the sample says of `flows.decoyCountries` and each policy's own `decoyCountries`. */
interface JudgedCountries {
  /** Members of the policies that take `flows.decoyCountries` (every member without own lists). */
  pooled: JudgedList;
  /** Policies (their index in `access.policies`) whose members abroad differ from what they draw. */
  perPolicy: { index: number; name: string; judged: JudgedList; n: number }[];
  /** Whether any list was judged. */
  judged: boolean;
  /** Policies whose own list had too few members abroad to judge. */
  tooFew: string[];
}

/**
 * The countries of the sample's numbers abroad against what decoys draw from there: a list's weights
 * (its countries on the allow-list), else the allow-list's other countries evenly. The members of
 * policies that take `flows.decoyCountries` together against it; where there are several policies,
 * each with at least MIN_SHARE_SAMPLE members abroad against its own list, or against the global one
 * as advised (a policy per country's groups has its members abroad from one country: R15 F3).
 */
function judgeCountriesAbroad(measured: MeasuredSample, settings: ShareSettings): JudgedCountries {
  const abroad = settings.smsCountries.filter((c) => c !== settings.defaultRegion);
  const weightsOf = (list: DecoyCountries) =>
    list
      ? new Map(Object.entries(list).filter(([region]) => abroad.includes(region)))
      : new Map(abroad.map((region) => [region, 1]));
  const countsOf = (tallies: readonly (CountryTally | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const e of tallies.flatMap((t) => t?.entries ?? []))
      counts.set(e.region, (counts.get(e.region) ?? 0) + e.users);
    return counts;
  };
  const wording = (where: string): ListWording => ({
    setting: 'decoyCountries',
    counted: 'users with a number from outside the default region',
    line: (region, q, p, n) =>
      `${where}numbers from ${region} among those abroad: configured ${q}, measured ${p} (n = ${n})`,
  });
  const ownOf = (name: string) => settings.policies.find((p) => p.name === name)?.decoyCountries;
  /** The members of the policies `onGlobal` keeps, together against `flows.decoyCountries`. */
  const pooledOver = (onGlobal: (policy: string) => boolean, everyone: boolean) =>
    judgeSampleList(
      countsOf(
        everyone
          ? [measured.countriesAbroad]
          : measured.byPolicy.filter((p) => onGlobal(p.policy)).map((p) => p.countriesAbroad),
      ),
      0,
      weightsOf(settings.decoyCountries),
      wording(''),
    );
  const anyOwn = settings.policies.some((p) => p.decoyCountries !== undefined);
  const first = pooledOver((policy) => !ownOf(policy), !anyOwn);
  const globalAfter = first.advised ? new Map(first.advised) : weightsOf(settings.decoyCountries);
  let judged = first.judged;
  const tooFew: string[] = [];
  const perPolicy = measured.byPolicy.flatMap((p) => {
    const counts = countsOf([p.countriesAbroad]);
    const n = [...counts.values()].reduce((sum, c) => sum + c, 0);
    const own = ownOf(p.policy);
    // A policy's own list is always judged (R16 F2); a new one is advised only among several policies.
    if (!own && settings.policies.length < 2) return [];
    if (n < MIN_SHARE_SAMPLE) {
      if (own && n > 0)
        tooFew.push(
          `Too few users with a number from outside the default region to judge policy "${p.policy}"'s decoyCountries (n = ${n}).`,
        );
      return [];
    }
    const one = judgeSampleList(
      counts,
      0,
      own ? weightsOf(own) : globalAfter,
      wording(`policy "${p.policy}": `),
    );
    judged ||= one.judged;
    const index = settings.policies.findIndex((q) => q.name === p.policy);
    return one.off.length > 0 ? [{ index, name: p.policy, judged: one, n }] : [];
  });
  // The global list is advised from the members who keep it: those of policies told to take their
  // own leave it, and advising it from them too took several runs to settle (R16 F1).
  const leaving = new Set(perPolicy.filter((p) => !ownOf(p.name)).map((p) => p.name));
  const pooled =
    leaving.size > 0 ? pooledOver((policy) => !ownOf(policy) && !leaving.has(policy), false) : first;
  return { pooled, perPolicy, judged, tooFew };
}

/** The sample without one share, overall and per policy (a share the configuration does not use). */
function withoutShare(sample: MeasuredSample, field: PolicyShareField): MeasuredSample {
  const drop = (shares: MeasuredShares): MeasuredShares =>
    Object.fromEntries(Object.entries(shares).filter(([f]) => f !== field)) as MeasuredShares;
  return {
    ...sample,
    shares: drop(sample.shares),
    byPolicy: sample.byPolicy.map((p) => ({ ...p, shares: drop(p.shares) })),
  };
}

const LIST_VISIBLE =
  "Applying a new list is visible: many decoys' hints change at once while real users' stay, so anyone who looked at the same names before and after learns which are unknown. Apply it before the service is open to users, or rarely.";

/** The `flows.decoyEmailDomains` block to paste. */
function domainsFix(advised: readonly [string, number][]): string {
  return [
    'Put the measured domains in the configuration (they replace the list; each is a one-letter name such as g.com that stands for every domain a hint shows the same, g•••.com, as decoys then show), then run doctor again:',
    'flows:',
    '  decoyEmailDomains:',
    ...advised.map(([domain, share]) => `    ${domain}: ${share}`),
    LIST_VISIBLE,
  ].join('\n');
}

/** The `flows.decoyCountries` block, and each policy's own list, to paste. */
function countriesAbroadFix(countries: JudgedCountries, settings: ShareSettings): string {
  const inline = (advised: readonly [string, number][]) =>
    `{ ${advised.map(([region, share]) => `${region}: ${share}`).join(', ')} }`;
  const lines: string[] = [];
  if (countries.pooled.advised) {
    lines.push(
      `Put the measured countries of numbers from outside the default region in the configuration (they replace the ${settings.decoyCountries ? 'list' : 'even spread over the SMS allow-list'}; decoyShares.defaultRegion still says how many numbers are from ${settings.defaultRegion}), then run doctor again:`,
      'flows:',
      `  decoyCountries: ${inline(countries.pooled.advised)}`,
    );
  }
  const own = countries.perPolicy.filter((p) => p.judged.advised);
  if (own.length > 0) {
    lines.push(
      "Give these policies their own countries of numbers abroad (each policy's decoyCountries, which decoys shown under it draw from instead of flows.decoyCountries), then run doctor again:",
      ...own.map(
        (p) => `access.policies[${p.index}] "${p.name}" → decoyCountries: ${inline(p.judged.advised ?? [])}`,
      ),
    );
    if (own.some((p) => p.n < 100))
      lines.push(
        'A list measured on fewer than 100 members abroad is rough: a larger --decoy-sample measures it closer and spares a second change.',
      );
  }
  return [...lines, LIST_VISIBLE].join('\n');
}

/** The `flows.decoyEmailInitials` block to paste (on one line: 26 letters would fill a screen). */
function initialsFix(advised: readonly [string, number][]): string {
  return [
    'Put the measured first letters in the configuration (they replace the list), then run doctor again:',
    'flows:',
    `  decoyEmailInitials: { ${advised.map(([initial, share]) => `${initial}: ${share}`).join(', ')} }`,
    LIST_VISIBLE,
  ].join('\n');
}

/**
 * Allow-list countries (but the default region) that no sampled number is from, when enough say so,
 * where decoys draw evenly over the allow-list (a configured `decoyCountries` is judged itself).
 */
function unusedSmsCountries(sample: MeasuredSample, settings: ShareSettings): string[] {
  const everyPolicyListed = settings.policies.every((p) => p.decoyCountries !== undefined);
  if (sample.sms.users < MIN_SHARE_SAMPLE || settings.decoyCountries || everyPolicyListed) return [];
  const seen = new Set(sample.sms.regions);
  return settings.smsCountries.filter((c) => c !== settings.defaultRegion && !seen.has(c));
}

/**
 * The `decoy.shares` finding: `warn` with the configuration to paste where some share measured on at
 * least MIN_SHARE_SAMPLE users strays from the configured one by more than chance explains
 * (shareTolerance), or where the SMS allow-list has countries no sampled number is from; `pass`
 * otherwise, `info` when the sample is too small or could not be read. Advice only, never `fail`.
 */
export function decoyShareFindings(
  measured: MeasuredSample | DirectoryFailure,
  settings: ShareSettings,
): Finding[] {
  const check = 'decoy.shares';
  if (isFailure(measured)) {
    return [
      {
        check,
        status: 'info',
        summary: `The decoy shares could not be measured: the directory could not be read (${measured.upstreamCode ?? measured.code}).`,
      },
    ];
  }
  const sampleSize = measured.eligible;
  if (sampleSize < MIN_SHARE_SAMPLE) {
    return [
      {
        check,
        status: 'info',
        summary: `Too few served users in the sample (${sampleSize}) to measure the decoy shares; at least ${MIN_SHARE_SAMPLE} are needed.`,
      },
    ];
  }
  // A configured domain list says where addresses are itself: nationalEmailDomain draws nothing then.
  const judged = judgeShares(
    isDefaultDomainList(settings.decoyEmailDomains ?? defaultDecoyEmailDomains)
      ? measured
      : withoutShare(measured, 'nationalEmailDomain'),
    settings,
  );
  const domainList = settings.decoyEmailDomains ?? defaultDecoyEmailDomains;
  const domains = judgeEmailDomains(
    measured.emailDomains,
    domainList,
    settings.decoyShares.nationalEmailDomain,
    settings.defaultRegion,
  );
  const initials = judgeEmailInitials(
    measured.emailInitials,
    settings.decoyEmailInitials ?? defaultDecoyEmailInitials,
  );
  const countries = judgeCountriesAbroad(measured, settings);
  const countriesOff = [...countries.pooled.off, ...countries.perPolicy.flatMap((p) => p.judged.off)];
  const unused = unusedSmsCountries(measured, settings);
  const dependent = countryDependentKinds(measured);
  const tooFew = [
    ...(judged.tooFew.length > 0 ? [`Too few users to judge: ${judged.tooFew.join(', ')}.`] : []),
    ...domains.notes,
    ...initials.notes,
    ...countries.pooled.notes,
    ...countries.tooFew,
  ];
  if (
    judged.off.length === 0 &&
    domains.off.length === 0 &&
    initials.off.length === 0 &&
    countriesOff.length === 0 &&
    unused.length === 0 &&
    dependent.length === 0
  ) {
    const what = [
      'decoy shares',
      ...(domains.judged ? ['e-mail domains'] : []),
      ...(initials.judged ? ["addresses' first letters"] : []),
      ...(countries.judged ? ['countries of numbers abroad'] : []),
    ];
    const listed = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what.at(-1)}` : what[0];
    return [
      {
        check,
        status: 'pass',
        summary: `The ${listed} match a sample of ${sampleSize} served users.`,
        ...(tooFew.length > 0 ? { details: tooFew } : {}),
      },
    ];
  }
  const n = judged.off.length;
  const summaries = [
    ...(n > 0
      ? [
          `${n} decoy share${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from a sample of ${sampleSize} served users: a shape more common among real users than among decoys marks a name as probably real (T2).`,
        ]
      : []),
    ...(domains.off.length > 0
      ? [
          "The domains of decoys' e-mail addresses differ from real users': an ending and first letter of a domain that decoys show far less often than real users marks a name as probably real, one no real user has marks it unknown (T2).",
        ]
      : []),
    ...(initials.off.length > 0
      ? [
          "The first letters of decoys' e-mail addresses differ from real users': a first letter decoys show far less often than real users marks a name as probably real, one real users' addresses rarely begin with marks it unknown (T2).",
        ]
      : []),
    ...(countriesOff.length > 0
      ? [
          "The countries of decoys' numbers from outside the default region differ from real users': a country code decoys show far less often than real users marks a name as probably real, one real users' numbers are seldom from marks it unknown (T2).",
        ]
      : []),
    ...(unused.length > 0
      ? [
          `${unused.length} ${unused.length === 1 ? 'country' : 'countries'} on the SMS allow-list ${unused.length === 1 ? 'is' : 'are'} not where any of ${measured.sms.users} sampled users' numbers ${measured.sms.users === 1 ? 'is' : 'are'} from: a decoy number from ${unused.length === 1 ? 'it' : 'one'} marks the name as unknown (T2).`,
        ]
      : []),
    ...(dependent.length > 0
      ? [
          "Real users' methods depend on the country of their number, which decoys draw apart from their methods: a decoy whose country and methods no member combines marks the name as unknown (T2).",
        ]
      : []),
  ];
  const countriesLine = `SMS allow-list countries no sampled number is from: ${unused.join(', ')}`;
  return [
    {
      check,
      status: 'warn',
      summary: summaries.join(' '),
      details: [
        ...judged.off,
        ...domains.off,
        ...initials.off,
        ...countriesOff,
        ...(unused.length > 0 ? [countriesLine] : []),
        ...dependent,
        ...tooFew,
      ],
      fix: [
        ...(n > 0 ? [sharesFix(judged, settings)] : []),
        ...(domains.advised ? [domainsFix(domains.advised)] : []),
        ...(initials.advised ? [initialsFix(initials.advised)] : []),
        ...(countriesOff.length > 0 ? [countriesAbroadFix(countries, settings)] : []),
        ...(unused.length > 0 ? [countriesFix(unused, settings)] : []),
        ...(dependent.length > 0
          ? [
              "Give the users of each country (their groups) a policy of their own, with the same rules, so each carries its own decoyShares; then run doctor again for each policy's values.",
            ]
          : []),
      ].join('\n'),
    },
  ];
}

/**
 * The values to paste, rounded to 2 decimals: a YAML block for `flows.decoyShares`, a line per
 * policy for its own `decoyShares`, and why to apply them before users come, or rarely.
 */
function sharesFix(judged: Judged, settings: ShareSettings): string {
  const lines = ['Put the measured values in the configuration, then run doctor again:'];
  const globalFields = SHARE_FIELDS.filter((f) => judged.global.has(f));
  if (globalFields.length > 0) {
    lines.push('flows:', '  decoyShares:', ...globalFields.map((f) => `    ${f}: ${judged.global.get(f)}`));
  }
  const policyLines = settings.policies.flatMap((policy, i) => {
    const values = judged.perPolicy.get(policy.name);
    if (!values) return [];
    const fields = SHARE_FIELDS.filter((f) => values.has(f)).map((f) => `${f}: ${values.get(f)}`);
    return [`access.policies[${i}] "${policy.name}" → decoyShares: { ${fields.join(', ')} }`];
  });
  if (policyLines.length > 0) {
    lines.push('In these policies (their own decoyShares, beside any they already have):', ...policyLines);
  }
  lines.push(
    "Applying new shares is visible: many decoys change at once while real users' lists stay, so anyone who looked at the same names before and after learns which are unknown. Tune them before the service is open to users, or change them rarely.",
  );
  return lines.join('\n');
}

/** Advice to drop the allow-list countries no sampled number is from, with the list to keep. */
function countriesFix(unused: readonly string[], settings: ShareSettings): string {
  const keep = settings.smsCountries.filter((c) => !unused.includes(c));
  return [
    `Decoys draw their foreign numbers evenly over the SMS allow-list, so a country no real user's number is from marks every decoy that shows it. Drop ${unused.join(', ')} from delivery.smsCountries unless real users abroad need ${unused.length === 1 ? 'it' : 'them'} (a shorter list also narrows SMS pumping, T4):`,
    'delivery:',
    `  smsCountries: [${keep.join(', ')}]`,
  ].join('\n');
}

/** Usable MyPass enrollments of one user (confirmed, hold over), or null when they cannot be read. */
export type EnrollmentReader = (
  userId: string,
) => Promise<{ kind: MethodKind; destination: string }[] | null>;

export interface DecoySampleOptions {
  connection: EntraConnection;
  access: PoliciesConfig;
  /** `flows.defaultRegion`. */
  defaultRegion: string;
  /** At most this many users (default DEFAULT_DECOY_SAMPLE). */
  sampleSize?: number;
  /** Without it (no store), enrollments are not measured. */
  enrollments?: EnrollmentReader;
  /** Picks the sample (see sampleLicensedUsers); the same key, the same users. Random when absent. */
  sampleKey?: Buffer;
  /** What delivery can reach (kinds, the SMS allow-list): a reset offers only those methods. */
  delivery: Pick<Delivery, 'canDeliver' | 'checkPhone' | 'smsCountries'>;
}

/** A user listed for the sample. */
export interface ListedUser {
  id: string;
  userPrincipalName: string;
}

/**
 * A uniformly random sample of `limit` licensed users: every page of every licensed group's members
 * through nested groups (or of `/users` without licensed groups), guests skipped (MyPass never
 * serves them). Bottom-k sampling: each user gets a priority from an HMAC of their id under
 * `sampleKey` (secret; drawn per call when not given), and the `limit` lowest are kept. Unlike a
 * reservoir it needs no record of who was seen for a user in several groups to count once (same id,
 * same priority), so memory stays at `limit` users however large the tenant; and unlike the first
 * `limit` listed, a second group that differs from the first is in the sample.
 */
export function sampleLicensedUsers(
  connection: EntraConnection,
  licensedGroups: readonly string[],
  limit: number,
  sampleKey: Buffer = randomBytes(32),
): Promise<DirectoryResult<ListedUser[]>> {
  return connection.run(async (deadline) => {
    if (licensedGroups.some((id) => !isGuid(id))) return { ok: false, code: 'not_found' };
    const priorityOf = (id: string) =>
      createHmac('sha256', sampleKey).update(id.toLowerCase()).digest().readUIntBE(0, 6);
    const kept = new Map<string, { priority: number; user: ListedUser }>();
    let highest: { key: string; priority: number } | undefined;
    const keep = (user: ListedUser) => {
      const key = user.id.toLowerCase();
      if (kept.has(key)) return;
      const priority = priorityOf(key);
      if (kept.size >= limit) {
        if (!highest || priority >= highest.priority) return;
        kept.delete(highest.key);
      }
      kept.set(key, { priority, user });
      highest = undefined;
      for (const [k, entry] of kept) {
        if (!highest || entry.priority > highest.priority) highest = { key: k, priority: entry.priority };
      }
    };
    const select = '$select=id,userPrincipalName,userType&$top=999';
    const starts =
      licensedGroups.length > 0
        ? licensedGroups.map((id) => `/groups/${id}/transitiveMembers/microsoft.graph.user?${select}`)
        : [`/users?${select}`];
    for (const start of starts) {
      let next: string | undefined = start;
      while (next !== undefined) {
        const page = (await connection.api(next, deadline).get()) as {
          value?: { id?: string; userPrincipalName?: string; userType?: string | null }[];
          '@odata.nextLink'?: string;
        };
        for (const user of page.value ?? []) {
          if (typeof user.id !== 'string' || typeof user.userPrincipalName !== 'string') continue;
          if ((user.userType ?? '').toLowerCase() === 'guest') continue;
          keep({ id: user.id, userPrincipalName: user.userPrincipalName });
        }
        next = page['@odata.nextLink'];
      }
    }
    const sample = [...kept.values()].sort((a, b) => a.priority - b.priority).map((e) => e.user);
    return { ok: true, value: sample };
  }, LISTING_MS);
}

/**
 * Reads a sample of licensed users as a reset does (the look-up by name, the one `$batch` of
 * per-user reads, the usable enrollments) and measures the decoy shares on the lists of those a
 * reset would serve. A failed read other than "no such user" ends the sample with that failure.
 */
export async function measureDecoyShares(options: DecoySampleOptions): Promise<DirectoryResult<DecoySample>> {
  const { connection, access } = options;
  const listed = await sampleLicensedUsers(
    connection,
    access.licensedGroups,
    options.sampleSize ?? DEFAULT_DECOY_SAMPLE,
    ...(options.sampleKey ? [options.sampleKey] : []),
  );
  if (!listed.ok) return listed;
  const directory = new EntraDirectory(connection);
  const groupIds = groupIdsOfInterest(access);
  let enrollmentsRead = options.enrollments !== undefined;
  const lists: SampledList[] = [];

  const readOne = async (entry: ListedUser): Promise<DirectoryFailure | null> => {
    const lookup = await directory.lookupUser(entry.userPrincipalName);
    if (!lookup.ok) return lookup.code === 'not_found' ? null : lookup;
    // A name that finds nobody, or several, gets a decoy: not a served user.
    if (lookup.value.kind !== 'found') return null;
    const user = lookup.value.user;
    const context = await directory.getUserContext(user.id, groupIds);
    if (!context.ok) return context.code === 'not_found' ? null : context;
    let enrolled: { kind: MethodKind; destination: string }[] = [];
    if (enrollmentsRead && options.enrollments) {
      const read = await options.enrollments(user.id);
      if (read === null) enrollmentsRead = false;
      else enrolled = read;
    }
    const decision = decideEligibility(access, user, context.value, undefined, enrolled);
    if (!decision.eligible) return null;
    // As the flows service offers them; too few left and a reset refuses the user (no_methods).
    const region = user.usageLocation ?? options.defaultRegion;
    const methods = deliverableMethods(decision.methods, region, options.delivery);
    if (methods.length >= decision.methodsRequired) {
      lists.push({
        policy: decision.policy,
        methods,
        usageLocation: user.usageLocation,
        methodsRequired: decision.methodsRequired,
      });
    }
    return null;
  };

  for (let i = 0; i < listed.value.length; i += PARALLEL_USERS) {
    const failures = await Promise.all(listed.value.slice(i, i + PARALLEL_USERS).map(readOne));
    const failure = failures.find((f) => f !== null);
    if (failure) return failure;
  }
  return {
    ok: true,
    value: {
      ...measureSample(lists, {
        access,
        defaultRegion: options.defaultRegion,
        enrollmentsRead,
        canOffer: (kind) =>
          options.delivery.canDeliver(kind) && (kind !== 'sms' || options.delivery.smsCountries.length > 0),
      }),
      sampled: listed.value.length,
      enrollmentsRead,
    },
  };
}

/**
 * Runs `fn` with a reader of usable enrollments from the configured store, or without one where the
 * store cannot be opened (doctor never creates or migrates a database).
 */
export async function withEnrollmentReader<T>(
  config: MyPassConfig,
  now: Date,
  fn: (reader: EnrollmentReader | undefined) => Promise<T>,
): Promise<T> {
  const store = await openExistingStore(config.store.url, config.store.codeKeys);
  if (!store) return fn(undefined);
  try {
    return await fn(async (userId) => {
      try {
        const confirmed = await store.enrollments.listForUser(userId, { confirmedOnly: true });
        // As a reset offers them (enrollment-steps.ts `confirmedMethods`): hold over, key still configured.
        return confirmed.flatMap((e) =>
          e.destination !== null && e.usableFrom !== null && e.usableFrom.getTime() <= now.getTime()
            ? [{ kind: e.kind, destination: e.destination }]
            : [],
        );
      } catch {
        return null;
      }
    });
  } finally {
    await store.close();
  }
}

/** What the configured delivery can reach, without starting it (doctor sends nothing). */
export function configuredDelivery(
  config: Pick<MyPassConfig, 'delivery'>,
): Pick<Delivery, 'canDeliver' | 'checkPhone' | 'smsCountries'> {
  const smsCountries = config.delivery.smsCountries;
  const allowed = new Set(smsCountries);
  return {
    smsCountries,
    canDeliver: (kind) =>
      kind === 'sms' ? config.delivery.sms.provider !== 'none' : config.delivery.email.provider !== 'none',
    checkPhone: (raw, region) => checkPhoneNumber(raw, region, allowed),
  };
}

/**
 * The key doctor picks its sample with, from the secret decoy key: a random sample of the tenant,
 * but the same one run after run (as long as the members stay), so pasting the measured values
 * and running doctor again passes, instead of a fresh sample's chance differences warning anew.
 */
export function doctorSampleKey(decoyKey: string): Buffer {
  return createHmac('sha256', decoyKey).update('doctor-decoy-sample').digest();
}

/** Doctor's `decoy.shares` check: the sample, then the finding (none when `sampleSize` is 0). */
export async function decoySharesCheck(
  connection: EntraConnection,
  config: MyPassConfig,
  now: Date,
  sampleSize = DEFAULT_DECOY_SAMPLE,
): Promise<Finding[]> {
  if (sampleSize <= 0) return [];
  const sample = await withEnrollmentReader(config, now, (enrollments) =>
    measureDecoyShares({
      connection,
      access: config.access,
      defaultRegion: config.flows.defaultRegion,
      delivery: configuredDelivery(config),
      sampleSize,
      sampleKey: doctorSampleKey(config.flows.decoyKey),
      ...(enrollments ? { enrollments } : {}),
    }),
  );
  const settings: ShareSettings = {
    decoyShares: config.flows.decoyShares,
    decoyEmailDomains: config.flows.decoyEmailDomains,
    decoyEmailInitials: config.flows.decoyEmailInitials,
    ...(config.flows.decoyCountries ? { decoyCountries: config.flows.decoyCountries } : {}),
    policies: config.access.policies,
    defaultRegion: config.flows.defaultRegion,
    smsCountries: config.delivery.smsCountries,
  };
  if (!sample.ok) return decoyShareFindings(sample, settings);
  const findings = decoyShareFindings(sample.value, settings);
  return sample.value.enrollmentsRead
    ? findings
    : findings.map((f) =>
        f.status === 'info'
          ? f
          : {
              ...f,
              details: [
                ...(f.details ?? []),
                'MyPass enrollments could not be read from the store: enrollment, anotherEnrollment and enrolledSms are not measured.',
              ],
            },
      );
}
