import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confirmationMatches,
  maskEmail,
  maskPhone,
  normalizeConfirmation,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
} from '../src/method-hints.js';

const bullet = '•';

describe('maskPhone', () => {
  it.each([
    ['+4520123478', '+45 •• •• •• 78'],
    ['+14155552671', '+1 ••• ••• ••71'],
    ['+442071838750', '+44 •• •••• ••50'],
    ['+971501234567', '+971 •• ••• ••67'],
  ])('%s → %s', (e164, hint) => {
    expect(maskPhone(e164)).toBe(hint);
  });

  it('shows no more than the calling code and the last two digits, and never throws', () => {
    const phone = fc
      .tuple(
        fc.constantFrom('+45', '+1', '+44', '+49', '+971', '+86', '+354', '+', ''),
        fc.stringMatching(/^[0-9]{0,16}$/),
      )
      .map(([cc, n]) => cc + n);
    fc.assert(
      fc.property(fc.oneof(phone, fc.string(), fc.string({ unit: 'binary' })), (input) => {
        const out = maskPhone(input);
        const inputDigits = input.replace(/[^0-9]/g, '');
        const m = /^(\+[0-9]{1,3})?([ •0-9]*)$/.exec(out);
        expect(m, out).not.toBeNull();
        const shown = (m?.[2] ?? '').replace(/[^0-9]/g, '');
        expect(shown.length).toBeLessThanOrEqual(2);
        expect(inputDigits.endsWith(shown)).toBe(true);
        if (m?.[1]) expect(inputDigits.startsWith(m[1].slice(1))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskEmail', () => {
  it.each([
    ['adele@gmail.com', 'a•••@g•••.com'],
    ['Lee.Gu@Contoso.Example', 'l•••@c•••.example'],
    ['x@mail.contoso.co.uk', 'x•••@m•••.uk'],
    ['not-an-address', '•••@•••'],
  ])('%s → %s', (addr, hint) => {
    expect(maskEmail(addr)).toBe(hint);
  });

  it('keeps the bullet count constant so length never leaks', () => {
    expect(maskEmail('a@gmail.com')).toBe(maskEmail('averylonglocalpart@gmail.com'));
    expect(maskEmail('a@g.com')).toBe(maskEmail('a@gooooooooogle.com'));
  });

  it('shows at most the first character of each part and the top-level domain, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string(), fc.string({ unit: 'binary' })), (input) => {
        const out = maskEmail(input);
        expect(out).toMatch(/^[^@•]?•••@[^@•]?•••(\.[^@•.]+)?$/u);
        const [localShown, domainShown] = out.split('@').map((s) => s.replace(/•+(\..*)?$/u, ''));
        const trimmed = input.trim();
        const at = trimmed.lastIndexOf('@');
        if (localShown) expect(trimmed.slice(0, at).toLowerCase().startsWith(localShown)).toBe(true);
        if (domainShown)
          expect(
            trimmed
              .slice(at + 1)
              .toLowerCase()
              .startsWith(domainShown),
          ).toBe(true);
        const tld = /\.([^.]+)$/u.exec(out)?.[1];
        if (tld) expect(trimmed.toLowerCase().endsWith(`.${tld}`)).toBe(true);
        expect(out.split('').filter((c) => c === bullet)).toHaveLength(6);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizePhone', () => {
  it('reads national formats with the default region and international ones without', () => {
    expect(normalizePhone('20 12 34 56', 'DK')).toBe('+4520123456');
    expect(normalizePhone('20 12 34 56', 'dk')).toBe('+4520123456');
    expect(normalizePhone('+45 20 12 34 56')).toBe('+4520123456');
    expect(normalizePhone('0045 20123456', 'DK')).toBe('+4520123456');
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('20 12 34 56')).toBeNull();
    expect(normalizePhone('20 12 34 56', 'XX')).toBeNull();
    expect(normalizePhone('12', 'DK')).toBeNull();
    expect(normalizePhone('+45 20 12 34 56'.repeat(10))).toBeNull();
  });

  it('returns E.164 or null for anything, and is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/)),
        fc.constantFrom('DK', 'US', 'DE', undefined),
        (s, r) => {
          const out = normalizePhone(s, r);
          if (out !== null) {
            expect(out).toMatch(/^\+[1-9][0-9]{5,14}$/);
            expect(normalizePhone(out)).toBe(out);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeEmail and normalizeIdentifier', () => {
  it('case-folds and trims addresses, refuses non-addresses', () => {
    expect(normalizeEmail(' Adele.Vance@Contoso.Example ')).toBe('adele.vance@contoso.example');
    expect(normalizeEmail('nope')).toBeNull();
    expect(normalizeEmail('a@b')).toBeNull();
    expect(normalizeEmail('a b@c.dk')).toBeNull();
    expect(normalizeEmail(`${'a'.repeat(65)}@c.dk`)).toBeNull();
  });

  it('is idempotent and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string({ unit: 'binary' })), (s) => {
        const e = normalizeEmail(s);
        if (e !== null) expect(normalizeEmail(e)).toBe(e);
        const id = normalizeIdentifier(s);
        expect(normalizeIdentifier(id)).toBe(id);
      }),
      { numRuns: 2000 },
    );
  });

  it('folds identifiers (NFKC, trim, case)', () => {
    expect(normalizeIdentifier('  Adele.Vance@CONTOSO.example\t')).toBe('adele.vance@contoso.example');
    expect(normalizeIdentifier('ＡＤＥＬＥ')).toBe('adele');
    expect(normalizeIdentifier('Straße')).toBe(normalizeIdentifier('STRASSE'));
    expect(normalizeIdentifier('ΟΔΟΣ')).toBe(normalizeIdentifier('οδοσ'));
  });
});

describe('confirmationMatches', () => {
  it('matches the typed full number in national or international form', () => {
    expect(confirmationMatches('sms', '20 12 34 56', '+4520123456', 'DK')).toBe(true);
    expect(confirmationMatches('sms', '+45 2012 3456', '+4520123456', 'US')).toBe(true);
    expect(confirmationMatches('sms', '20 12 34 57', '+4520123456', 'DK')).toBe(false);
    expect(confirmationMatches('sms', 'garbage', '+4520123456', 'DK')).toBe(false);
    expect(confirmationMatches('email', ' ADELE@Contoso.example', 'adele@contoso.example')).toBe(true);
    expect(confirmationMatches('email', 'adel@contoso.example', 'adele@contoso.example')).toBe(false);
  });

  it('hands the normalized strings to the injected comparison', () => {
    const seen: [string, string][] = [];
    confirmationMatches('sms', '20123456', '+45 20 12 34 56', 'DK', (a, b) => {
      seen.push([a, b]);
      return true;
    });
    expect(seen).toEqual([['+4520123456', '+4520123456']]);
    expect(normalizeConfirmation('email', 'A@B.DK')).toBe('a@b.dk');
  });
});
