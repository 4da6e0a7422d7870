import { describe, expect, it } from 'vitest';
import { passwordGrantOutcome } from '../../src/directory/password-grant.js';

describe('passwordGrantOutcome (entra.md table)', () => {
  it.each([
    ['50126', 'bad_password'],
    ['50034', 'no_such_user'],
    ['50053', 'locked'],
    ['50057', 'disabled'],
    ['53003', 'conditional_access'],
  ])('AADSTS%s proves nothing (%s)', (aadsts, reason) => {
    expect(passwordGrantOutcome(aadsts)).toEqual({ proven: false, reason, aadsts });
  });

  it.each([
    ['50055', 'password_expired'],
    ['50076', 'mfa_required'],
    ['50079', 'mfa_registration_required'],
  ])('AADSTS%s proves the password, first factor only (%s)', (aadsts, reason) => {
    expect(passwordGrantOutcome(aadsts)).toEqual({ proven: true, factor: 'first_factor_only', reason });
  });

  it('treats a bad client secret as our configuration, not the person', () => {
    expect(passwordGrantOutcome('7000215')).toBe('configuration_error');
  });

  it('never takes an unknown or missing number as proof', () => {
    expect(passwordGrantOutcome('99999')).toEqual({ proven: false, reason: 'other', aadsts: '99999' });
    expect(passwordGrantOutcome(undefined)).toEqual({ proven: false, reason: 'other' });
  });
});
