import { describe, expect, it } from 'vitest';
import { checkEntraPassword } from '../src/password-rules.js';

const alex = { userPrincipalName: 'alex.wilber@contoso.example', displayName: 'Alex Wilber' };

describe("Entra's password rule", () => {
  it.each([
    ['Ab1!xyz', 'length'],
    [`Aa1!${'x'.repeat(253)}`, 'length'],
    ['abcdefgh-ijk', 'classes'],
    ['ABCDEFGH1234', 'classes'],
    ['Grüße-Aus-Köln-42', 'characters'],
    ['Alex-Rides-Bikes-77', 'user_name'],
    ['Wilber2026!x', 'user_name'],
    ['Password1!', 'banned'],
    ['Welcome123!', 'banned'],
    ['P@ssw0rd-1', 'banned'],
    ['Contoso123!', 'banned'],
  ])('refuses %j (%s)', (password, rule) => {
    expect(checkEntraPassword(password, alex)).toEqual({ ok: false, rule });
  });

  it.each(['Blue-Harbour-Lantern-42', 'Quiet Meadow 93!', 'Contoso-Harbour-2026!', `Aa1!${'x'.repeat(252)}`])(
    'accepts %j',
    (password) => {
      expect(checkEntraPassword(password, alex)).toEqual({ ok: true });
    },
  );
});
