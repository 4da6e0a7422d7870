// The `flows` and `limits` sections: lifetimes, timing floors and the T4 limits (threat-model.md).
// Defaults let an office behind one NAT address work on a Monday morning; the bench profile raises them.
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

const windowLimit = (max: number, windowSeconds: number) =>
  z
    .strictObject({ max: z.number().int().min(1), windowSeconds: z.number().int().min(1) })
    .default({ max, windowSeconds });

export const limitsConfigSchema = z
  .strictObject({
    startsPerName: windowLimit(5, 15 * 60),
    startsPerUser: windowLimit(5, 15 * 60),
    startsPerAddress: windowLimit(60, 15 * 60),
    codesPerDestination: windowLimit(5, 60 * 60),
    codesPerUser: windowLimit(10, 24 * 60 * 60),
    smsGlobal: windowLimit(500, 60 * 60),
    /** Wrong codes and mismatched confirmations, per normalized name and per resolved user, across flows (T3). */
    failures: windowLimit(10, 24 * 60 * 60),
    resendCooldownSeconds: z.number().int().min(0).default(60),
    attemptsPerFlow: z.number().int().min(1).max(10).default(5),
    /**
     * Password checks (enrollment) per user, wrong ones only, sliding window (T3). At most 5 per window so
     * MyPass stays well below Entra's smart-lockout threshold (10) and can never lock anyone out.
     */
    passwordChecks: z
      .strictObject({ max: z.number().int().min(1).max(5), windowSeconds: z.number().int().min(3600) })
      .default({ max: 3, windowSeconds: 86400 }),
  })
  .default({
    startsPerName: { max: 5, windowSeconds: 900 },
    startsPerUser: { max: 5, windowSeconds: 900 },
    startsPerAddress: { max: 60, windowSeconds: 900 },
    codesPerDestination: { max: 5, windowSeconds: 3600 },
    codesPerUser: { max: 10, windowSeconds: 86400 },
    smsGlobal: { max: 500, windowSeconds: 3600 },
    failures: { max: 10, windowSeconds: 86400 },
    resendCooldownSeconds: 60,
    attemptsPerFlow: 5,
    passwordChecks: { max: 3, windowSeconds: 86400 },
  });

export type LimitsConfig = z.infer<typeof limitsConfigSchema>;

const share = (value: number) => z.number().min(0).max(1).default(value);

/**
 * How often decoys show each shape a real user's list can have (T2). A shape far more common among
 * real users than among decoys makes a name that shows it likely real, so these should match the
 * tenant: `mypass doctor` measures them on a sample of licensed users (check `decoy.shares`).
 * Changing one changes the decoys of the names it moves across, once; real users' lists stay.
 */
export const decoySharesSchema = z
  .strictObject({
    /** Names whose home policy is the last one a user can reach (the catch-all most users fall under). */
    lastPolicy: share(0.75),
    /** Names with an SMS and an e-mail method (of those where the policy offers both). */
    smsAndEmail: share(0.5),
    /** Names with an SMS method alone; the rest have an e-mail method alone. */
    smsOnly: share(0.3),
    /**
     * Numbers from the default region (`flows.defaultRegion`), the rest from other SMS countries
     * (by the weights of `flows.decoyCountries`, else evenly).
     */
    defaultRegion: share(0.7),
    /** Methods from a profile field where the policy takes that kind from registered methods and the profile. */
    profileSource: share(0.25),
    /** Names with an alternate mobile number beside their mobile (where the policy allows it). */
    alternateMobile: share(0.05),
    /** Names with a second address from the profile's other addresses (where the policy allows it). */
    secondEmail: share(0.05),
    /** Names with a MyPass enrollment (resets only). */
    enrollment: share(0.125),
    /** Of names with enrollments, those with another one, and so on up to `enrollment.maxMethods`. */
    anotherEnrollment: share(0.125),
    /** Enrollments that are SMS numbers (where a policy takes both kinds from enrollments). */
    enrolledSms: share(0.5),
    /**
     * E-mail addresses at a national domain (hotmail.dk, web.de) rather than a global one; with the
     * default `decoyEmailDomains` only (a configured list says where addresses are itself).
     */
    nationalEmailDomain: share(0.3),
  })
  .refine((s) => s.smsAndEmail + s.smsOnly <= 1 + 1e-9, {
    message: 'smsAndEmail and smsOnly together are at most 1 (the rest have e-mail alone)',
    path: ['smsOnly'],
  })
  .default({
    lastPolicy: 0.75,
    smsAndEmail: 0.5,
    smsOnly: 0.3,
    defaultRegion: 0.7,
    profileSource: 0.25,
    alternateMobile: 0.05,
    secondEmail: 0.05,
    enrollment: 0.125,
    anotherEnrollment: 0.125,
    enrolledSms: 0.5,
    nationalEmailDomain: 0.3,
  });

export type DecoyShares = z.infer<typeof decoySharesSchema>;

/** The global providers decoy addresses used before the list was configurable, equally often; no national ones. */
export const defaultDecoyEmailDomains: Readonly<Record<string, number>> = {
  'gmail.com': 1,
  'outlook.com': 1,
  'hotmail.com': 1,
  'yahoo.com': 1,
  'icloud.com': 1,
  'live.com': 1,
  'gmx.net': 1,
};

// Lower-case labels of letters (any script), digits and hyphens, at least two, ending in a top-level
// domain the hint can show (letters, or an IDN's xn-- form; method-hints.ts `maskEmail`).
export const emailDomainSchema = z
  .string()
  .max(253)
  .regex(
    /^(?:[\p{Ll}\p{Lo}0-9](?:[\p{Ll}\p{Lo}0-9-]{0,61}[\p{Ll}\p{Lo}0-9])?\.)+(?:[\p{Ll}\p{Lo}]{2,63}|xn--[a-z0-9-]{1,59})$/u,
    {
      message: 'a lower-case domain name such as gmail.com',
    },
  );

/**
 * Where decoy addresses live, with relative weights (T2): a hint shows the first letter of an
 * address's domain and its ending (`a•••@g•••.com`), so decoys should show them as often as real
 * users' addresses do. A configured list is drawn by weight for every decoy, national domains
 * included; only the default list spreads `decoyShares.nationalEmailDomain` of addresses over
 * providers' domains of the decoy's country (hotmail.dk). `mypass doctor` measures the list (check
 * `decoy.shares`) as what hints show: a one-letter name such as `g.com` stands for every domain shown
 * as g•••.com.
 */
export const decoyEmailDomainsSchema = z
  .record(emailDomainSchema, z.number().positive().max(1_000_000))
  .refine((domains) => Object.keys(domains).length > 0, { message: 'at least one domain' })
  .refine((domains) => Object.keys(domains).length <= 2000, { message: 'at most 2000 domains' })
  .default({ ...defaultDecoyEmailDomains });

export type DecoyEmailDomains = z.infer<typeof decoyEmailDomainsSchema>;

/** Every letter a–z, equally often: decoy addresses' first letters before they were configurable. */
export const defaultDecoyEmailInitials: Readonly<Record<string, number>> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyz'].map((letter) => [letter, 1]),
);

/**
 * How often decoy addresses begin with each letter, as relative weights (T2): a hint shows an
 * address's first character (`a•••@g•••.com`), and people's addresses begin with their names'
 * letters far more often with some (m, j) than others (x, q). `mypass doctor` measures them (check
 * `decoy.shares`).
 */
export const decoyEmailInitialsSchema = z
  .record(
    z.string().regex(/^[\p{Ll}\p{Lo}0-9]$/u, { message: 'one lower-case letter or digit' }),
    z.number().positive().max(1_000_000),
  )
  .refine((initials) => Object.keys(initials).length > 0, { message: 'at least one letter' })
  // Every decoy address weighs each letter: a list of thousands would cost every unknown name's start.
  .refine((initials) => Object.keys(initials).length <= 200, { message: 'at most 200 letters' })
  .default({ ...defaultDecoyEmailInitials });

export type DecoyEmailInitials = z.infer<typeof decoyEmailInitialsSchema>;

/**
 * Where decoy numbers from outside the default region are from, as relative weights of ISO 3166
 * regions (T2): a hint shows a number's country code (`+46 ••• •• 12`), and real users' foreign
 * numbers are seldom spread evenly over the SMS allow-list (a Danish workforce has Swedes and
 * Germans, few Maltese). Left out, they spread evenly over the allow-list. `decoyShares.defaultRegion`
 * still says how many numbers are from the default region, which this list therefore leaves out;
 * every key must be on `delivery.smsCountries` (configSchema checks both). `mypass doctor` measures it
 * (check `decoy.shares`).
 */
export const decoyCountriesSchema = z
  .record(
    z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'ISO 3166-1 alpha-2, upper case, such as SE' })
      // Annotated boolean: a type guard here would make the record exhaustive over every region.
      .refine((region): boolean => isSupportedCountry(region), {
        message: 'a region whose numbers libphonenumber-js knows (the United Kingdom is GB)',
      }),
    z.number().positive().max(1_000_000),
  )
  .refine((countries) => Object.keys(countries).length > 0, { message: 'at least one country' })
  .optional();

export type DecoyCountries = z.infer<typeof decoyCountriesSchema>;

/**
 * The shares decoys shown under `policy` draw with: the policy's own (`access.policies[].decoyShares`,
 * where its members' lists differ from the rest) over `flows.decoyShares`.
 */
export function decoySharesFor(
  global: DecoyShares,
  policy: { decoyShares?: Partial<Record<keyof DecoyShares, number | undefined>> | undefined },
): DecoyShares {
  if (!policy.decoyShares) return global;
  const own = Object.entries(policy.decoyShares).filter(([, value]) => value !== undefined);
  return own.length === 0 ? global : { ...global, ...Object.fromEntries(own) };
}

export const flowsConfigSchema = z.strictObject({
  lifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .default(15 * 60),
  codeLifetimeSeconds: z
    .number()
    .int()
    .min(60)
    .max(600)
    .default(10 * 60),
  codeLength: z.number().int().min(6).max(10).default(6),
  verifiedWindowSeconds: z
    .number()
    .int()
    .min(30)
    .max(300)
    .default(5 * 60),
  /**
   * Every start/challenge/verification answers no sooner than this (T2): the floor must exceed the real
   * path's p99 (see the bench), so real and decoy flows cannot be told apart by time.
   */
  timingFloorMs: z
    .strictObject({
      start: z.number().int().min(0).default(250),
      challenge: z.number().int().min(0).default(120),
      verification: z.number().int().min(0).default(120),
      /**
       * Password checks under a policy whose enrollment proof is the password alone (no code first):
       * a decoy never asks Entra, so every answer waits at least this long, above a real check's p99.
       */
      password: z.number().int().min(0).default(1500),
    })
    .default({ start: 250, challenge: 120, verification: 120, password: 1500 }),
  /**
   * Every challenge shows `queued` for 80–120 % of this (a share fixed by its id); then one that was
   * never sent (decoy, mismatch) shows `sent`, a delivered one its real status.
   */
  simulatedDeliveryMs: z.number().int().min(0).default(1500),
  /** Key for decoy methods (stable per normalized name); at least 32 characters. MYPASS_DECOY_KEY. */
  decoyKey: z.string().min(32),
  decoyShares: decoySharesSchema,
  decoyEmailDomains: decoyEmailDomainsSchema,
  decoyEmailInitials: decoyEmailInitialsSchema,
  decoyCountries: decoyCountriesSchema,
  /** Default region for numbers typed without a country code when the user has no usageLocation. */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('DK'),
});

export type FlowsConfig = z.infer<typeof flowsConfigSchema>;
