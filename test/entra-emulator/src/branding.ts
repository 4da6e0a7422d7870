// Company branding of the emulated tenant (Graph's organizationalBranding and its localizations):
// the seeded state of the demo tenant and Microsoft's documented limits on the text properties.
import type * as MicrosoftGraph from '@microsoft/microsoft-graph-types';

/** The string properties the emulator stores (image streams and CSS are not modelled). */
export type BrandingProperties = Pick<
  MicrosoftGraph.OrganizationalBrandingProperties,
  | 'backgroundColor'
  | 'signInPageText'
  | 'usernameHintText'
  | 'customAccountResetCredentialsUrl'
  | 'customCannotAccessYourAccountText'
  | 'customCannotAccessYourAccountUrl'
  | 'customForgotMyPasswordText'
  | 'customPrivacyAndCookiesText'
  | 'customPrivacyAndCookiesUrl'
  | 'customResetItNowText'
  | 'customTermsOfUseText'
  | 'customTermsOfUseUrl'
  | 'headerBackgroundColor'
  | 'loginPageTextVisibilitySettings'
>;

export interface BrandingState {
  /** The default branding; null until one is created (Graph answers 404 then). */
  defaultBranding: BrandingProperties | null;
  /** Localizations by locale id as created (e.g. "de-DE"); looked up case-insensitively. */
  localizations: Map<string, BrandingProperties>;
}

/** Unicode text limits (characters) and ASCII URL limits, as Microsoft documents them. */
export const TEXT_LIMITS: Readonly<Record<string, number>> = {
  signInPageText: 1024,
  usernameHintText: 64,
  customCannotAccessYourAccountText: 256,
  customForgotMyPasswordText: 256,
  customPrivacyAndCookiesText: 256,
  customResetItNowText: 256,
  customTermsOfUseText: 256,
};
export const URL_LIMITS: Readonly<Record<string, number>> = {
  customAccountResetCredentialsUrl: 128,
  customCannotAccessYourAccountUrl: 128,
  customPrivacyAndCookiesUrl: 128,
  customTermsOfUseUrl: 128,
};
const COLORS = new Set(['backgroundColor', 'headerBackgroundColor']);
export const VISIBILITY_FLAGS = [
  'hideAccountResetCredentials',
  'hideCannotAccessYourAccount',
  'hideForgotMyPassword',
  'hidePrivacyAndCookies',
  'hideResetItNow',
  'hideTermsOfUse',
] as const;
/** Read-only or stream properties a PATCH may not carry. */
const READ_ONLY = new Set([
  'id',
  'cdnList',
  'backgroundImageRelativeUrl',
  'bannerLogoRelativeUrl',
  'squareLogoRelativeUrl',
  'squareLogoDarkRelativeUrl',
  'customCSSRelativeUrl',
  'faviconRelativeUrl',
  'headerLogoRelativeUrl',
]);

/** Graph counts UTF-16 code units in its length checks; so does this. */
function tooLong(value: string, max: number): boolean {
  return value.length > max;
}

/**
 * Validates a PATCH/POST body against the documented limits; returns the properties to store,
 * or the message of Graph's 400 answer.
 */
export function validateBrandingPatch(
  body: Record<string, unknown>,
  resource: 'OrganizationalBranding' | 'OrganizationalBrandingLocalization',
): { ok: true; value: BrandingProperties } | { ok: false; message: string } {
  const out: Record<string, unknown> = {};
  const invalid = (p: string, why: string) => ({
    ok: false as const,
    message: `Invalid value specified for property '${p}' of resource '${resource}'. ${why}`,
  });
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue;
    if (READ_ONLY.has(key)) {
      if (key === 'id' && resource === 'OrganizationalBrandingLocalization') continue;
      return invalid(key, 'The property is read-only.');
    }
    const textMax = TEXT_LIMITS[key];
    const urlMax = URL_LIMITS[key];
    if (textMax !== undefined || urlMax !== undefined) {
      if (value !== null && typeof value !== 'string') return invalid(key, 'Expected a string.');
      if (typeof value === 'string' && textMax !== undefined && tooLong(value, textMax)) {
        return invalid(key, `The value exceeds the maximum length of ${textMax} characters.`);
      }
      if (typeof value === 'string' && urlMax !== undefined) {
        if (tooLong(value, urlMax))
          return invalid(key, `The value exceeds the maximum length of ${urlMax} characters.`);
        if (value !== '' && (!/^[\x21-\x7e]+$/.test(value) || !/^https?:\/\//i.test(value))) {
          return invalid(key, 'The URL must be an absolute http(s) URL in ASCII.');
        }
      }
      out[key] = value;
      continue;
    }
    if (COLORS.has(key)) {
      if (value !== null && (typeof value !== 'string' || !/^(#[0-9a-fA-F]{6})?$/.test(value))) {
        return invalid(key, 'Expected a hexadecimal color such as #FFFFFF.');
      }
      out[key] = value;
      continue;
    }
    if (key === 'loginPageTextVisibilitySettings') {
      if (value === null) {
        out[key] = null;
        continue;
      }
      if (typeof value !== 'object' || Array.isArray(value)) return invalid(key, 'Expected an object.');
      const flags: Record<string, boolean | null> = {};
      for (const [flag, v] of Object.entries(value as Record<string, unknown>)) {
        if (flag.startsWith('@odata.')) continue;
        if (!(VISIBILITY_FLAGS as readonly string[]).includes(flag)) {
          return invalid(
            key,
            `Unknown property '${flag}' on type 'microsoft.graph.loginPageTextVisibilitySettings'.`,
          );
        }
        if (v !== null && typeof v !== 'boolean') return invalid(key, `'${flag}' must be a boolean.`);
        flags[flag] = v as boolean | null;
      }
      out[key] = flags;
      continue;
    }
    return {
      ok: false,
      message: `Could not find a property named '${key}' on type 'microsoft.graph.${resource.charAt(0).toLowerCase()}${resource.slice(1)}'.`,
    };
  }
  return { ok: true, value: out as BrandingProperties };
}

/** Applies a validated patch; nested visibility settings merge flag by flag, as Graph does. */
export function applyBrandingPatch(target: BrandingProperties, patch: BrandingProperties): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'loginPageTextVisibilitySettings' && value !== null) {
      target.loginPageTextVisibilitySettings = {
        ...(target.loginPageTextVisibilitySettings ?? {}),
        ...(value as MicrosoftGraph.LoginPageTextVisibilitySettings),
      };
    } else {
      (target as Record<string, unknown>)[key] = value;
    }
  }
}

const NO_FLAGS: MicrosoftGraph.LoginPageTextVisibilitySettings = {
  hideAccountResetCredentials: false,
  hideCannotAccessYourAccount: false,
  hideForgotMyPassword: false,
  hidePrivacyAndCookies: false,
  hideResetItNow: false,
  hideTermsOfUse: false,
};

/** Every string property null and every flag false, as a fresh localization reads. */
export function emptyBranding(): BrandingProperties {
  return {
    backgroundColor: null,
    signInPageText: null,
    usernameHintText: null,
    customAccountResetCredentialsUrl: null,
    customCannotAccessYourAccountText: null,
    customCannotAccessYourAccountUrl: null,
    customForgotMyPasswordText: null,
    customPrivacyAndCookiesText: null,
    customPrivacyAndCookiesUrl: null,
    customResetItNowText: null,
    customTermsOfUseText: null,
    customTermsOfUseUrl: null,
    headerBackgroundColor: null,
    loginPageTextVisibilitySettings: { ...NO_FLAGS },
  };
}

/**
 * The demo tenant's branding: an English default and localizations for German, Danish, French and
 * Irish (a language MyPass does not ship, so `mypass branding` must leave it alone).
 */
export function seedBranding(): BrandingState {
  const withText = (signInPageText: string, extra: BrandingProperties = {}): BrandingProperties => ({
    ...emptyBranding(),
    backgroundColor: '#0F3D5E',
    usernameHintText: 'someone@contoso.example',
    signInPageText,
    ...extra,
  });
  return {
    defaultBranding: withText('Contoso staff: sign in with your work account. IT support: +45 70 10 20 30.'),
    localizations: new Map([
      [
        'de-DE',
        withText(
          'Contoso-Mitarbeitende: Melden Sie sich mit Ihrem Arbeitskonto an. IT-Support: +45 70 10 20 30.',
          {
            usernameHintText: 'jemand@contoso.example',
          },
        ),
      ],
      [
        'da-DK',
        withText('Contoso-medarbejdere: Log på med din arbejdskonto. IT-support: +45 70 10 20 30.', {
          customForgotMyPasswordText: 'Glemt din adgangskode? Ring til IT-support',
        }),
      ],
      ['fr-FR', withText('Personnel de Contoso : connectez-vous avec votre compte professionnel.')],
      ['ga-IE', withText('Foireann Contoso: sínigh isteach le do chuntas oibre.')],
    ]),
  };
}
