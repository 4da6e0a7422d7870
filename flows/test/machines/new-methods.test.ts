import { describe, expect, it } from 'vitest';
import {
  defaultPhoneRegion,
  newMethodsProblem,
  parseNewEmail,
  parseNewPhone,
  phoneCountries,
} from '../../src/machines/new-methods.js';

describe('new methods typed for enrollment', () => {
  it('reads a national number with the chosen country, or a full number with +', () => {
    expect(parseNewPhone('20 12 34 99', 'DK')).toEqual({ ok: true, phone: '+4520123499' });
    expect(parseNewPhone('+44 7400 123456', 'DK')).toEqual({ ok: true, phone: '+447400123456' });
    expect(parseNewPhone('12', 'DK')).toEqual({ ok: false, problem: 'phoneInvalid' });
    expect(parseNewPhone('call me', 'DK')).toEqual({ ok: false, problem: 'phoneInvalid' });
  });

  it('takes a private address and refuses one at the work domain (useless when locked out)', () => {
    expect(parseNewEmail(' Adele@Private.Example ', 'adele.vance@contoso.example')).toEqual({
      ok: true,
      email: 'adele@private.example',
    });
    expect(parseNewEmail('adele@CONTOSO.example', 'adele.vance@contoso.example')).toEqual({
      ok: false,
      problem: 'emailIsWork',
    });
    expect(parseNewEmail('adele@', 'adele.vance@contoso.example')).toEqual({
      ok: false,
      problem: 'emailInvalid',
    });
  });

  it('names the first problem of a request, or none', () => {
    const u = 'adele.vance@contoso.example';
    expect(newMethodsProblem([], u)).toBe('nothingToAdd');
    expect(newMethodsProblem([{ kind: 'sms', phone: '20123499' }], u)).toBe('phoneInvalid');
    expect(newMethodsProblem([{ kind: 'sms', phone: '+4520123499' }], u)).toBeNull();
    expect(
      newMethodsProblem(
        [
          { kind: 'sms', phone: '+4520123499' },
          { kind: 'email', email: 'a@contoso.example' },
        ],
        u,
      ),
    ).toBe('emailIsWork');
  });

  it('starts the country picker on the country of a registered number, else on the language', () => {
    expect(defaultPhoneRegion('en', ['+45 •• •• •• 78'])).toBe('DK');
    expect(defaultPhoneRegion('en-GB', ['+44 •••• ••• •56'])).toBe('GB');
    expect(defaultPhoneRegion('en', ['+1 ••• ••• ••12'])).toBe('US');
    expect(defaultPhoneRegion('da')).toBe('DK');
    expect(defaultPhoneRegion('ar')).toBe('EG');
    expect(phoneCountries().find((c) => c.region === 'DK')?.callingCode).toBe('45');
  });
});
