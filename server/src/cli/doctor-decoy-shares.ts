// Doctor's `decoy.shares` check (T2): decoys draw their shapes with the shares of
// `flows.decoyShares`; a shape far more common among real users than among decoys makes a name that
// shows it probably real. So doctor reads a sample of licensed users the way a reset does, builds
// each served user's real reset list, measures every share as decoy-methods.ts uses it, and says
// which configured values are off and what to put in. Shares and counts only ever leave this module:
// never a number, address, name or id of a sampled user.
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
import { servingPolicies } from '../flows-service/decoy-methods.js';
import { deliverableMethods } from '../flows-service/deliverable-methods.js';
import type { DecoyShares } from '../flows-service/flows-config.js';
import type { Delivery } from '../delivery/delivery.js';
import type { MyPassConfig } from '../config/schema.js';
import { openStore } from '../store/open-store.js';
import type { Finding } from './doctor-findings.js';

/** Users sampled when `--decoy-sample` is not given. */
export const DEFAULT_DECOY_SAMPLE = 200;
/** Below this many users a share says nothing (and below this many served users, no share is judged). */
export const MIN_SHARE_SAMPLE = 30;
/** The sample's reads run a few users at a time: fast enough, and gentle on Graph's throttling. */
const PARALLEL_USERS = 4;
/** Cap on listing the sample's users (one paged read). */
const LISTING_MS = 120_000;

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
  'nationalEmailDomain',
] as const satisfies readonly (keyof DecoyShares)[];

export type ShareField = (typeof SHARE_FIELDS)[number];

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

export interface DecoySample {
  shares: MeasuredShares;
  /** Users read (licensed members, guests skipped). */
  sampled: number;
  /** Of those, the users a reset would serve: the sample of shapes. */
  eligible: number;
  /** Whether MyPass enrollments were read from the store (else `enrollment` is not measured). */
  enrollmentsRead: boolean;
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

/** Whether an address is at a national domain (its top-level domain is a country code: .dk, .co.uk…). */
export function isNationalEmailDomain(address: string): boolean {
  const tld = /\.([a-z]+)$/i.exec(address.trim())?.[1]?.toLowerCase();
  return tld !== undefined && tld.length === 2 && !GLOBAL_TWO_LETTER_TLDS.has(tld);
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

    if (free && options.enrollmentsRead && (sms.has('enrolled') || email.has('enrolled'))) {
      count(
        'enrollment',
        methods.some((m) => m.source === 'enrolled'),
      );
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

/** How far a measured share may stray from the configured one before it is reported. */
export function shareTolerance(configured: number, n: number): number {
  return Math.max(0.05, 2 * Math.sqrt((configured * (1 - configured)) / n));
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

function isFailure(value: MeasuredShares | DirectoryFailure): value is DirectoryFailure {
  return (value as Partial<DirectoryFailure>).ok === false;
}

/**
 * The `decoy.shares` finding: `warn` with the configuration to paste where some share measured on at
 * least MIN_SHARE_SAMPLE users strays from the configured one by more than chance explains
 * (shareTolerance), `pass` otherwise, `info` when the sample is too small or could not be read.
 * Advice only, never `fail`.
 */
export function decoyShareFindings(
  measured: MeasuredShares | DirectoryFailure,
  configured: DecoyShares,
  sampleSize: number,
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
  if (sampleSize < MIN_SHARE_SAMPLE) {
    return [
      {
        check,
        status: 'info',
        summary: `Too few served users in the sample (${sampleSize}) to measure the decoy shares; at least ${MIN_SHARE_SAMPLE} are needed.`,
      },
    ];
  }
  const off: { field: ShareField; configured: number; measured: MeasuredShare }[] = [];
  const unjudged: string[] = [];
  for (const field of SHARE_FIELDS) {
    const m = measured[field];
    if (!m) continue;
    if (m.n < MIN_SHARE_SAMPLE) {
      unjudged.push(`${field} (n = ${m.n})`);
      continue;
    }
    const p = configured[field];
    if (Math.abs(m.value - p) > shareTolerance(p, m.n)) off.push({ field, configured: p, measured: m });
  }
  const tooFew = unjudged.length > 0 ? [`Too few users to judge: ${unjudged.join(', ')}.`] : ([] as string[]);
  if (off.length === 0) {
    return [
      {
        check,
        status: 'pass',
        summary: `The decoy shares match a sample of ${sampleSize} served users.`,
        ...(tooFew.length > 0 ? { details: tooFew } : {}),
      },
    ];
  }
  return [
    {
      check,
      status: 'warn',
      summary: `${off.length} decoy share${off.length === 1 ? '' : 's'} differ${off.length === 1 ? 's' : ''} from a sample of ${sampleSize} served users: a shape more common among real users than among decoys marks a name as probably real (T2).`,
      details: [
        ...off.map(
          (o) =>
            `${o.field}: configured ${o.configured}, measured ${round2(o.measured.value)} (n = ${o.measured.n})`,
        ),
        ...tooFew,
      ],
      fix: `Put the measured values in the configuration, then run doctor again:\n${fixBlock(off, measured, configured)}`,
    },
  ];
}

/**
 * The YAML to paste, the measured values rounded to 2 decimals. smsAndEmail and smsOnly together
 * stay at most 1 (the schema refuses more): where one moves, the other comes along when needed.
 */
function fixBlock(
  off: readonly { field: ShareField; measured: MeasuredShare }[],
  measured: MeasuredShares,
  configured: DecoyShares,
): string {
  const values = new Map<ShareField, number>(off.map((o) => [o.field, round2(o.measured.value)]));
  if (
    (values.get('smsAndEmail') ?? configured.smsAndEmail) + (values.get('smsOnly') ?? configured.smsOnly) >
    1 + 1e-9
  ) {
    // The unchanged partner, or rounding, pushed the pair over 1: both take their measured values,
    // and smsOnly at most the remainder.
    const only = values.get('smsOnly') ?? (measured.smsOnly ? round2(measured.smsOnly.value) : undefined);
    const both =
      values.get('smsAndEmail') ??
      (measured.smsAndEmail ? round2(measured.smsAndEmail.value) : round2(1 - (only ?? 0)));
    values.set('smsAndEmail', both);
    values.set('smsOnly', Math.min(only ?? 1, round2(1 - both)));
  }
  const lines = SHARE_FIELDS.filter((f) => values.has(f)).map((f) => `    ${f}: ${values.get(f)}`);
  return ['flows:', '  decoyShares:', ...lines].join('\n');
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
  /** What delivery can reach (kinds, the SMS allow-list): a reset offers only those methods. */
  delivery: Pick<Delivery, 'canDeliver' | 'checkPhone' | 'smsCountries'>;
}

/**
 * The first `limit` licensed users (members of the licensed groups through nested groups, each once),
 * or the first of `/users` without licensed groups; guests skipped (MyPass never serves them).
 */
function listSample(
  connection: EntraConnection,
  licensedGroups: readonly string[],
  limit: number,
): Promise<DirectoryResult<{ id: string; userPrincipalName: string }[]>> {
  return connection.run(async (deadline) => {
    const picked = new Map<string, { id: string; userPrincipalName: string }>();
    const select = `$select=id,userPrincipalName,userType&$top=${Math.min(999, limit)}`;
    const starts =
      licensedGroups.length > 0
        ? licensedGroups.map((id) => `/groups/${id}/transitiveMembers/microsoft.graph.user?${select}`)
        : [`/users?${select}`];
    if (licensedGroups.some((id) => !isGuid(id))) return { ok: false, code: 'not_found' };
    for (const start of starts) {
      let next: string | undefined = start;
      while (next !== undefined && picked.size < limit) {
        const page = (await connection.api(next, deadline).get()) as {
          value?: { id?: string; userPrincipalName?: string; userType?: string | null }[];
          '@odata.nextLink'?: string;
        };
        for (const user of page.value ?? []) {
          if (picked.size >= limit) break;
          if (typeof user.id !== 'string' || typeof user.userPrincipalName !== 'string') continue;
          if ((user.userType ?? '').toLowerCase() === 'guest') continue;
          picked.set(user.id.toLowerCase(), { id: user.id, userPrincipalName: user.userPrincipalName });
        }
        next = page['@odata.nextLink'];
      }
    }
    return { ok: true, value: [...picked.values()] };
  }, LISTING_MS);
}

/**
 * Reads a sample of licensed users as a reset does (the look-up by name, the one `$batch` of
 * per-user reads, the usable enrollments) and measures the decoy shares on the lists of those a
 * reset would serve. A failed read other than "no such user" ends the sample with that failure.
 */
export async function measureDecoyShares(options: DecoySampleOptions): Promise<DirectoryResult<DecoySample>> {
  const { connection, access } = options;
  const listed = await listSample(
    connection,
    access.licensedGroups,
    options.sampleSize ?? DEFAULT_DECOY_SAMPLE,
  );
  if (!listed.ok) return listed;
  const directory = new EntraDirectory(connection);
  const groupIds = groupIdsOfInterest(access);
  let enrollmentsRead = options.enrollments !== undefined;
  const lists: SampledList[] = [];

  const readOne = async (entry: {
    id: string;
    userPrincipalName: string;
  }): Promise<DirectoryFailure | null> => {
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
      shares: measureSharesOfLists(lists, {
        access,
        defaultRegion: options.defaultRegion,
        enrollmentsRead,
        canOffer: (kind) =>
          options.delivery.canDeliver(kind) && (kind !== 'sms' || options.delivery.smsCountries.length > 0),
      }),
      sampled: listed.value.length,
      eligible: lists.length,
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
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config.store.url, {
      keys: config.store.codeKeys,
      poolSize: 1,
      existingOnly: true,
    });
  } catch {
    return fn(undefined);
  }
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
      ...(enrollments ? { enrollments } : {}),
    }),
  );
  if (!sample.ok) return decoyShareFindings(sample, config.flows.decoyShares, 0);
  const findings = decoyShareFindings(sample.value.shares, config.flows.decoyShares, sample.value.eligible);
  return sample.value.enrollmentsRead
    ? findings
    : findings.map((f) =>
        f.status === 'info'
          ? f
          : {
              ...f,
              details: [
                ...(f.details ?? []),
                'MyPass enrollments could not be read from the store: enrollment is not measured.',
              ],
            },
      );
}
