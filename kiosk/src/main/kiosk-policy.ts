// The kiosk's policy: one zod schema for all three sources (the provider's pipe, the registry under
// HKLM\SOFTWARE\Policies\MyPass\Kiosk, a JSON file off Windows). Defaults are in kiosk/README.md
// ("Kiosk shell: policy") and in `policyDefaults` below; a test keeps the two in step.
import { z } from 'zod';
import type { HostConfig } from '../renderer/host-config.js';

const pemCertificate = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;

/** An https: origin only (T10: no HTTP, no fallback); a path, query, fragment or credentials are refused. */
export const serverUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'https:' &&
        url.username === '' &&
        url.password === '' &&
        (url.pathname === '/' || url.pathname === '') &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, 'must be an https:// origin without path, query or credentials')
  .transform((value) => new URL(value).origin);

/** One or more PEM certificates (a root and intermediates); the only CAs the kiosk trusts for the API. */
export const pinnedCaSchema = z
  .string()
  .max(64 * 1024)
  .transform((value) => value.replace(/\r\n/g, '\n').trim())
  .refine((value) => {
    const blocks = value.split(/(?<=-----END CERTIFICATE-----)\s*/).filter((b) => b.trim() !== '');
    return blocks.length >= 1 && blocks.every((b) => pemCertificate.test(`${b.trim()}\n`));
  }, 'must be one or more PEM certificates');

const languageTag = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag');
const text = z.string().trim().max(500);

export const policyDefaults = {
  defaultLanguage: undefined,
  allowedLanguages: [],
  inactivityTimeoutSeconds: 60,
  onScreenKeyboard: false,
  helpdeskText: undefined,
  helpdeskPhone: undefined,
  guidanceText: undefined,
  runMode: 'tile',
  kioskTimeoutSeconds: 900,
  signInAfterReset: false,
} as const;

export const kioskPolicySchema = z.strictObject({
  serverUrl: serverUrlSchema,
  pinnedCa: pinnedCaSchema,
  defaultLanguage: languageTag.optional(),
  allowedLanguages: z.array(languageTag).max(100).default([]),
  inactivityTimeoutSeconds: z.int().min(10).max(3600).default(policyDefaults.inactivityTimeoutSeconds),
  onScreenKeyboard: z.boolean().default(policyDefaults.onScreenKeyboard),
  helpdeskText: text.optional(),
  helpdeskPhone: z
    .string()
    .trim()
    .max(40)
    .regex(/^[0-9+()\-. ]*$/, 'digits, spaces, + ( ) - . only')
    .optional(),
  guidanceText: text.optional(),
  runMode: z.enum(['tile', 'standing']).default(policyDefaults.runMode),
  /** The whole kiosk run in tile mode; the provider kills the job after this too. */
  kioskTimeoutSeconds: z.int().min(60).max(3600).default(policyDefaults.kioskTimeoutSeconds),
  /** Send the new password back to the tile so it signs the person in (default off). */
  signInAfterReset: z.boolean().default(policyDefaults.signInAfterReset),
});

export type KioskPolicy = z.output<typeof kioskPolicySchema>;

export type PolicyResult =
  | { readonly ok: true; readonly policy: KioskPolicy }
  | { readonly ok: false; readonly code: 'policy_invalid'; readonly fields: readonly string[] };

/** Validates raw policy values; the error names the offending fields only, never their values. */
export function parseKioskPolicy(input: unknown): PolicyResult {
  const result = kioskPolicySchema.safeParse(input);
  if (result.success) return { ok: true, policy: result.data };
  const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
  return { ok: false, code: 'policy_invalid', fields };
}

/** What the renderer gets through the bridge's config(): never the server URL or the CA. */
export interface RendererConfig {
  /** The renderer's own HostConfig: one definition of what a host tells the renderer. */
  readonly host: HostConfig & { readonly demo: false };
  /** Languages to try in order: the policy's default, then Windows' preferred UI languages, then English. */
  readonly preferredLanguages: readonly string[];
  readonly runMode: 'tile' | 'standing';
}

export function toRendererConfig(policy: KioskPolicy, systemLanguages: readonly string[]): RendererConfig {
  const preferred = [policy.defaultLanguage, ...systemLanguages, 'en'].filter(
    (tag, index, all): tag is string => tag !== undefined && all.indexOf(tag) === index,
  );
  return {
    host: {
      defaultLanguage: policy.defaultLanguage ?? 'en',
      allowedLanguages: policy.allowedLanguages,
      inactivityTimeoutSeconds: policy.inactivityTimeoutSeconds,
      inactivityCountdownSeconds: 15,
      onScreenKeyboard: policy.onScreenKeyboard,
      ...(policy.helpdeskPhone ? { helpdeskPhone: policy.helpdeskPhone } : {}),
      ...(policy.helpdeskText ? { helpdeskText: policy.helpdeskText } : {}),
      ...(policy.guidanceText ? { guidanceOverride: policy.guidanceText } : {}),
      demo: false,
      // Only a tile-launched kiosk may end; a standing kiosk stays up for the next person.
      canLeave: policy.runMode === 'tile',
      // Enrollment needs the current password: at the sign-in screen a person is there to reset one.
      offerEnrollment: policy.runMode === 'standing',
    },
    preferredLanguages: preferred.slice(0, 20),
    runMode: policy.runMode,
  };
}
