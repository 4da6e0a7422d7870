// The `policies` section: an ordered list of group-scoped policies (first match wins, the default
// last), licensed groups and a deny-list. The enrollment issue adds fields here; keep them optional.
import { defaultPasswordPolicy, passwordPolicySchema, type PasswordPolicy } from '@mypass/flows/contract';
import { z } from 'zod';
import { decoyCountriesSchema } from '../flows-service/flows-config.js';

const methodSourceSchema = z.enum(['registered', 'enrolled', 'profile']);

const methodRuleSchema = z.strictObject({
  allowed: z.boolean().default(true),
  // Profile fields (mobilePhone, otherMails) can be edited by helpdesk roles and HR sync: off by default (T13).
  sources: z.array(methodSourceSchema).min(1).default(['registered', 'enrolled']),
});

// The rules themselves are the contract's (flows/), so the UI's live feedback evaluates the same ones.
export const passwordRulesSchema = passwordPolicySchema;
export type PasswordRules = PasswordPolicy;

/**
 * What proves a person before MyPass adds a method (the seed text: password, SMS code, e-mail code or a
 * combination). `code-then-password` is the default and the only one T12 accepts without a warning: a code
 * to a method the directory already holds, then the current password. The weaker ones are allowed by
 * policy and flagged by doctor: `code` (codes alone) and `password` (the password alone, and then only a
 * password Entra accepted outright: "MFA required" or "expired" never suffice alone).
 */
export const enrollmentProofSchema = z.enum(['code-then-password', 'code', 'password']);
export type EnrollmentProof = z.infer<typeof enrollmentProofSchema>;
export const defaultEnrollmentProof: EnrollmentProof = 'code-then-password';
/** The proofs doctor reports as weaker than the default. */
export const weakerEnrollmentProofs: readonly EnrollmentProof[] = ['code', 'password'];

const optionalShare = z.number().min(0).max(1).optional();

/** `flows.decoyShares`' fields that describe a member's list (which policy a name gets is not one). */
export const policyDecoySharesSchema = z.strictObject({
  smsAndEmail: optionalShare,
  smsOnly: optionalShare,
  defaultRegion: optionalShare,
  profileSource: optionalShare,
  alternateMobile: optionalShare,
  secondEmail: optionalShare,
  enrollment: optionalShare,
  anotherEnrollment: optionalShare,
  enrolledSms: optionalShare,
  nationalEmailDomain: optionalShare,
});

export const policySchema = z.strictObject({
  name: z.string().min(1),
  /** Entra group object ids; an empty list matches everyone (the default policy). */
  groups: z.array(z.guid()).default([]),
  methods: z
    .strictObject({
      sms: methodRuleSchema.default({ allowed: true, sources: ['registered', 'enrolled'] }),
      email: methodRuleSchema.default({ allowed: true, sources: ['registered', 'enrolled'] }),
    })
    .default({
      sms: { allowed: true, sources: ['registered', 'enrolled'] },
      email: { allowed: true, sources: ['registered', 'enrolled'] },
    }),
  methodsRequired: z.number().int().min(1).max(2).default(1),
  /** Users Identity Protection flags as at risk prove this many methods. */
  atRiskMethodsRequired: z.number().int().min(1).max(2).default(2),
  password: passwordRulesSchema.default(defaultPasswordPolicy),
  afterReset: z
    .strictObject({
      dismissRisk: z.boolean().default(true),
      revokeSessions: z.boolean().default(false),
    })
    .default({ dismissRisk: true, revokeSessions: false }),
  /** Registering personal methods through MyPass (issue 5, T12). */
  enrollment: z
    .strictObject({
      allowed: z.boolean().default(true),
      /** How the person proves themselves before a method is added (enrollmentProofSchema above). */
      proof: enrollmentProofSchema.default(defaultEnrollmentProof),
      /** Hours between a method's confirmation and its first use for a reset (T12). At most 30 days. */
      holdHours: z
        .number()
        .int()
        .min(0)
        .max(30 * 24)
        .default(72),
      /** MyPass-enrolled methods one person may hold at once. */
      maxMethods: z.number().int().min(1).max(10).default(5),
    })
    .default({ allowed: true, proof: defaultEnrollmentProof, holdHours: 72, maxMethods: 5 }),
  /** Holders of privileged roles (active, PIM-eligible, role-assignable groups); when allowed they need two methods (T9). */
  allowPrivileged: z.boolean().default(false),
  /**
   * Which clients may start a flow for this policy's users. The kiosk is recognised by what its main
   * process sends (client-channel.ts): advisory, since anyone can send the same header; a refused
   * channel gets a decoy flow like every other refusal (T2).
   */
  channels: z
    .strictObject({ kiosk: z.boolean().default(true), web: z.boolean().default(true) })
    .default({ kiosk: true, web: true }),
  /**
   * The decoy shares of this policy's members where they differ from `flows.decoyShares` (T2): a decoy
   * shown under this policy draws its shapes with these, so its rules and its shapes go together as a
   * member's do. `mypass doctor` measures them per policy.
   */
  decoyShares: policyDecoySharesSchema.optional(),
  /**
   * Where this policy's members' numbers from outside the default region are from, where they differ
   * from `flows.decoyCountries` (a policy per country's groups: its members abroad are all from one
   * country). Decoys shown under this policy draw their numbers abroad with it. `mypass doctor`
   * measures it per policy.
   */
  decoyCountries: decoyCountriesSchema,
});

export type Policy = z.infer<typeof policySchema>;

export const defaultPolicy: Policy = policySchema.parse({ name: 'default' });

export const policiesConfigSchema = z
  .strictObject({
    policies: z.array(policySchema).default([defaultPolicy]),
    /** A user outside every licensed group gets a decoy flow; an empty list means no licensing check. */
    licensedGroups: z.array(z.guid()).default([]),
    /** UPNs or object ids that never reset through MyPass (break-glass accounts). */
    denyList: z.array(z.string().min(1)).default([]),
    /**
     * Seats bought for the licensed groups. Over-allocation (more users in the groups than seats)
     * warns in the log, the metrics and doctor; it never refuses anyone.
     */
    seats: z.number().int().min(1).optional(),
  })
  .refine((value) => value.policies.length > 0, { message: 'at least one policy', path: ['policies'] })
  // Flows name their policy: two of one name would give one's users the other's rules.
  .refine((value) => new Set(value.policies.map((p) => p.name)).size === value.policies.length, {
    message: 'policy names must be unique',
    path: ['policies'],
  });

export type PoliciesConfig = z.infer<typeof policiesConfigSchema>;
