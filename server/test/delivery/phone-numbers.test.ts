import { describe, expect, it } from 'vitest';
import { checkPhoneNumber } from '../../src/delivery/phone-numbers.js';

const allowed = new Set(['DK', 'SE', 'US', 'GB']);

describe('phone numbers', () => {
  it('reads a national number in the user’s usageLocation and returns E.164', () => {
    expect(checkPhoneNumber('20 12 34 56', 'DK', allowed)).toEqual({
      ok: true,
      e164: '+4520123456',
      region: 'DK',
    });
    expect(checkPhoneNumber('070-123 45 67', 'se', allowed)).toEqual({
      ok: true,
      e164: '+46701234567',
      region: 'SE',
    });
    expect(checkPhoneNumber('+1 (201) 555-0123', 'DK', allowed)).toEqual({
      ok: true,
      e164: '+12015550123',
      region: 'US',
    });
  });

  it('refuses numbers that do not parse or are not valid for their region', () => {
    expect(checkPhoneNumber('20 12 34 56', null, allowed)).toEqual({ ok: false, code: 'invalid_phone' });
    expect(checkPhoneNumber('+45 1234', 'DK', allowed)).toEqual({ ok: false, code: 'invalid_phone' });
    expect(checkPhoneNumber("x' or 1 eq 1", 'DK', allowed)).toEqual({ ok: false, code: 'invalid_phone' });
    expect(checkPhoneNumber('+4520123456'.repeat(10), 'DK', allowed)).toEqual({
      ok: false,
      code: 'invalid_phone',
    });
  });

  it('refuses valid numbers outside the SMS allow-list as a typed refusal', () => {
    expect(checkPhoneNumber('+7 912 345-67-89', 'DK', allowed)).toEqual({
      ok: false,
      code: 'country_not_allowed',
      region: 'RU',
    });
    expect(checkPhoneNumber('+44 7400 123456', 'DK', new Set(['DK']))).toEqual({
      ok: false,
      code: 'country_not_allowed',
      region: 'GB',
    });
  });
});
