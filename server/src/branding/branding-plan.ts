// What `mypass branding` proposes for the tenant's company branding, computed from what Graph holds
// and the guidance text in locales/<tag>/branding.json. Pure: no I/O. The plan names every change per
// target (the default branding and each localization in a language MyPass ships) and every
// violation of Microsoft's length limits, so nothing too long is ever sent.
import { languageTags, resolveLanguage } from '@mypass/locales';
import { fillBrandingText, loadBrandingText } from '@mypass/locales/branding';

/** The branding properties MyPass reads and writes (Graph's organizationalBrandingProperties). */
export interface BrandingFields {
  signInPageText?: string | null;
  customForgotMyPasswordText?: string | null;
  customAccountResetCredentialsUrl?: string | null;
  loginPageTextVisibilitySettings?: VisibilityFlags | null;
}

export interface VisibilityFlags {
  hideForgotMyPassword?: boolean | null;
  hideAccountResetCredentials?: boolean | null;
  hideCannotAccessYourAccount?: boolean | null;
  hideResetItNow?: boolean | null;
}

/** What Graph holds: the default (null when the tenant has none) and the localizations by id. */
export interface CurrentBranding {
  defaultBranding: BrandingFields | null;
  localizations: { id: string; fields: BrandingFields }[];
}

/** Microsoft's documented limits (organizationalBrandingProperties). */
export const BRANDING_LIMITS = {
  signInPageText: 1024,
  customForgotMyPasswordText: 256,
  customAccountResetCredentialsUrl: 128,
} as const;

export type ScalarField = keyof typeof BRANDING_LIMITS;
export type FlagField = keyof VisibilityFlags;

export interface FieldChange {
  field: ScalarField | `loginPageTextVisibilitySettings.${FlagField}`;
  from: string | boolean | null;
  to: string | boolean;
}

export interface LimitProblem {
  field: ScalarField;
  length: number;
  max: number;
  /** ascii: the URL holds non-ASCII characters. */
  reason: 'too_long' | 'not_ascii';
}

export interface BrandingTarget {
  /** "default" or the localization id ("de-DE"). */
  id: string;
  /** The MyPass language whose text is proposed (e.g. "de"). */
  language: string;
  /** create: the localization does not exist yet and is created (POST). */
  action: 'update' | 'create' | 'unchanged';
  changes: FieldChange[];
  problems: LimitProblem[];
  /** The body to send: only the changed properties. */
  patch: BrandingFields;
}

export interface BrandingPlan {
  targets: BrandingTarget[];
  /** Localizations left alone because MyPass ships no text in their language. */
  skipped: string[];
}

export interface PlanOptions {
  /** The MyPass web page (customAccountResetCredentialsUrl and the guidance link). */
  resetUrl: string;
  /** The language of the default branding, shown wherever no localization matches (default en). */
  defaultLanguage: string;
  /** Localization ids (culture names, e.g. sv-SE) to create where the tenant has none. */
  addLocalizations: string[];
  /** Hide every self-service reset link instead of pointing them at MyPass. */
  hideResetLinks: boolean;
}

/** The shipped MyPass language for a culture name, or undefined when MyPass has none for it. */
export function shippedLanguageFor(locale: string): string | undefined {
  const primary = locale.split('-')[0]?.toLowerCase() ?? '';
  const resolved = resolveLanguage([locale], languageTags);
  // resolveLanguage falls back to English; only English itself may resolve to it.
  if (resolved === 'en' && primary !== 'en') return undefined;
  return resolved;
}

/** Paragraphs (blank-line separated) that an earlier run wrote: they name MyPass. */
function withoutEarlierGuidance(text: string): string {
  return text
    .split(/\n\s*\n/)
    .filter((p) => !/MyPass/.test(p))
    .join('\n\n')
    .trim();
}

/** The tenant's own sign-in text kept, MyPass's guidance appended (replacing an earlier one). */
export function proposedSignInPageText(current: string | null | undefined, guidance: string): string {
  const kept = withoutEarlierGuidance(current ?? '');
  return kept === '' ? guidance : `${kept}\n\n${guidance}`;
}

function proposedFlags(hideResetLinks: boolean): Record<FlagField, boolean> {
  return hideResetLinks
    ? {
        hideAccountResetCredentials: true,
        hideForgotMyPassword: true,
        hideCannotAccessYourAccount: true,
        hideResetItNow: true,
      }
    : {
        // The "Forgot my password" link now leads to MyPass with MyPass's words; the other two
        // keep Microsoft's wording ("reset it now" cannot be customised), so they are hidden.
        hideAccountResetCredentials: false,
        hideForgotMyPassword: false,
        hideCannotAccessYourAccount: true,
        hideResetItNow: true,
      };
}

export function checkLimits(patch: BrandingFields): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const field of Object.keys(BRANDING_LIMITS) as ScalarField[]) {
    const value = patch[field];
    if (typeof value !== 'string') continue;
    const max = BRANDING_LIMITS[field];
    if (value.length > max) problems.push({ field, length: value.length, max, reason: 'too_long' });
    if (field === 'customAccountResetCredentialsUrl' && !/^[\x21-\x7e]*$/.test(value)) {
      problems.push({ field, length: value.length, max, reason: 'not_ascii' });
    }
  }
  return problems;
}

function planTarget(
  id: string,
  language: string,
  current: BrandingFields | null,
  options: PlanOptions,
  create: boolean,
): BrandingTarget {
  const text = loadBrandingText(language);
  if (!text) throw new Error(`no branding text for ${language}`);
  const wanted = {
    signInPageText: proposedSignInPageText(
      current?.signInPageText,
      fillBrandingText(text.signInPageText, options.resetUrl),
    ),
    customForgotMyPasswordText: text.forgotMyPasswordText,
    customAccountResetCredentialsUrl: options.resetUrl,
  };
  const changes: FieldChange[] = [];
  const patch: BrandingFields = {};
  for (const field of Object.keys(wanted) as ScalarField[]) {
    const from = current?.[field] ?? null;
    if (create || from !== wanted[field]) {
      changes.push({ field, from, to: wanted[field] });
      patch[field] = wanted[field];
    }
  }
  const flags = proposedFlags(options.hideResetLinks);
  const flagPatch: VisibilityFlags = {};
  for (const flag of Object.keys(flags) as FlagField[]) {
    const from = current?.loginPageTextVisibilitySettings?.[flag] ?? null;
    // Graph reads an unset flag as false.
    if (create || (from ?? false) !== flags[flag]) {
      changes.push({ field: `loginPageTextVisibilitySettings.${flag}`, from, to: flags[flag] });
      flagPatch[flag] = flags[flag];
    }
  }
  if (Object.keys(flagPatch).length > 0) patch.loginPageTextVisibilitySettings = flagPatch;
  return {
    id,
    language,
    action: create ? 'create' : changes.length > 0 ? 'update' : 'unchanged',
    changes,
    problems: checkLimits(patch),
    patch,
  };
}

export function planBranding(current: CurrentBranding, options: PlanOptions): BrandingPlan {
  const defaultLanguage = shippedLanguageFor(options.defaultLanguage);
  if (!defaultLanguage) throw new Error(`MyPass ships no text for ${options.defaultLanguage}`);
  const targets: BrandingTarget[] = [
    planTarget('default', defaultLanguage, current.defaultBranding, options, false),
  ];
  const skipped: string[] = [];
  const existing = new Set(current.localizations.map((l) => l.id.toLowerCase()));
  for (const { id, fields } of current.localizations) {
    const language = shippedLanguageFor(id);
    if (language) targets.push(planTarget(id, language, fields, options, false));
    else skipped.push(id);
  }
  for (const id of options.addLocalizations) {
    if (existing.has(id.toLowerCase())) continue;
    const language = shippedLanguageFor(id);
    if (!language) {
      skipped.push(id);
      continue;
    }
    existing.add(id.toLowerCase());
    targets.push(planTarget(id, language, null, options, true));
  }
  return { targets, skipped };
}

export function planProblems(plan: BrandingPlan): { target: string; problem: LimitProblem }[] {
  return plan.targets.flatMap((t) => t.problems.map((problem) => ({ target: t.id, problem })));
}
