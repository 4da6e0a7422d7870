// Enroll: what a person types for a new method (a mobile number with its country, a private e-mail address),
// checked before anything is sent. The enroll machine refuses a request these checks refuse, and the add-methods
// screen shows the same answers as field messages; the server parses again and its check is the one that counts.
import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/min';
import { limits, type EnrollmentRequest } from '../contract.js';
import { normalizeEmail, normalizePhone } from '../method-hints.js';

export type NewMethod = EnrollmentRequest['methods'][number];

/** Why a typed new method is refused: the add-methods screen's message keys (`enroll.<problem>`). */
export type NewMethodProblem = 'phoneInvalid' | 'emailInvalid' | 'emailIsWork' | 'nothingToAdd';

export interface PhoneCountry {
  /** ISO 3166-1 alpha-2 (`DK`). */
  readonly region: string;
  /** Without the plus (`45`). */
  readonly callingCode: string;
}

/** Every region libphonenumber-js knows, with its calling code (the screen names them in the UI language). */
export function phoneCountries(): readonly PhoneCountry[] {
  return getCountries().map((region) => ({ region, callingCode: getCountryCallingCode(region) }));
}

/** The region a country picker starts on: the one an existing number's `+NN` names, else the language's. */
export function defaultPhoneRegion(language: string, existingHints: readonly string[] = []): string {
  let fromLanguage: string | undefined;
  try {
    fromLanguage = new Intl.Locale(language).maximize().region;
  } catch {
    fromLanguage = undefined;
  }
  const countries = phoneCountries();
  const known = (region: string | undefined) => countries.find((c) => c.region === region);
  const code = existingHints.map((h) => /^\+(\d{1,3})\b/.exec(h)?.[1]).find((c) => c !== undefined);
  if (code !== undefined) {
    const language = known(fromLanguage);
    if (language?.callingCode === code) return language.region;
    // libphonenumber-js lists a calling code's main country first (US for +1, GB for +44).
    const main = countries.find((c) => c.callingCode === code);
    if (main) return main.region;
  }
  return known(fromLanguage)?.region ?? 'US';
}

/** A mobile number typed with its country (or in full with `+`): E.164, or the problem. */
export function parseNewPhone(
  typed: string,
  region: string,
): { ok: true; phone: string } | { ok: false; problem: 'phoneInvalid' } {
  const phone = typed.length <= limits.phoneMax ? normalizePhone(typed, region as CountryCode) : null;
  return phone ? { ok: true, phone } : { ok: false, problem: 'phoneInvalid' };
}

/** A private address: well formed, and not at the domain of the work account (useless when locked out). */
export function parseNewEmail(
  typed: string,
  username: string,
): { ok: true; email: string } | { ok: false; problem: 'emailInvalid' | 'emailIsWork' } {
  const email = normalizeEmail(typed);
  if (!email || email.length > limits.emailMax) return { ok: false, problem: 'emailInvalid' };
  const workDomain = username.includes('@')
    ? username.slice(username.lastIndexOf('@') + 1).toLowerCase()
    : '';
  if (workDomain !== '' && email.slice(email.lastIndexOf('@') + 1) === workDomain) {
    return { ok: false, problem: 'emailIsWork' };
  }
  return { ok: true, email };
}

/** The first problem of a request the machine is asked to send, or null when it may be sent. */
export function newMethodsProblem(methods: readonly NewMethod[], username: string): NewMethodProblem | null {
  if (methods.length === 0 || methods.length > limits.enrollMethodsMax) return 'nothingToAdd';
  for (const m of methods) {
    if (m.kind === 'sms') {
      // Already E.164 from the screen; anything else is refused here too.
      if (!m.phone.startsWith('+') || !parseNewPhone(m.phone, 'US').ok) return 'phoneInvalid';
    } else {
      const checked = parseNewEmail(m.email, username);
      if (!checked.ok) return checked.problem;
    }
  }
  return null;
}
