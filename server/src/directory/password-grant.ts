// AADSTS numbers of the password grant → what they prove about the password (entra.md's table).
// The person only ever learns "password_invalid" unless the password was proven; the reason is
// for the audit (threat-model T2, T12).
import type { PasswordCheckOutcome } from './directory.js';

type Mapped = PasswordCheckOutcome | 'configuration_error' | 'unavailable';

const TABLE: Record<string, Mapped> = {
  // https://learn.microsoft.com/entra/identity-platform/reference-error-codes
  '50126': { proven: false, reason: 'bad_password', aadsts: '50126' },
  '50034': { proven: false, reason: 'no_such_user', aadsts: '50034' },
  '50053': { proven: false, reason: 'locked', aadsts: '50053' },
  '50057': { proven: false, reason: 'disabled', aadsts: '50057' },
  '53003': { proven: false, reason: 'conditional_access', aadsts: '53003' },
  '50055': { proven: true, factor: 'first_factor_only', reason: 'password_expired' },
  '50076': { proven: true, factor: 'first_factor_only', reason: 'mfa_required' },
  '50079': { proven: true, factor: 'first_factor_only', reason: 'mfa_registration_required' },
  // Our app registration, not the person: doctor explains these.
  '7000215': 'configuration_error',
  '7000222': 'configuration_error',
  '7000218': 'configuration_error',
  '700016': 'configuration_error',
  '90002': 'configuration_error',
  // Throttled by msal locally after a 429/5xx, or the service itself failed.
  '50196': 'unavailable',
};

/**
 * The outcome of a failed password grant by AADSTS number. Unknown numbers prove nothing
 * (`other`), so an unexpected answer can never be mistaken for a correct password.
 */
export function passwordGrantOutcome(aadsts: string | undefined): Mapped {
  if (aadsts === undefined) return { proven: false, reason: 'other' };
  return TABLE[aadsts] ?? { proven: false, reason: 'other', aadsts };
}
