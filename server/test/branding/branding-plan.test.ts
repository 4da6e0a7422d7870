// The plan as a pure function: which MyPass language a culture name gets, the tenant's own text kept
// and an earlier guidance replaced (never stacked), and the limits named before anything is sent.
import { describe, expect, it } from 'vitest';
import {
  checkLimits,
  planBranding,
  proposedSignInPageText,
  shippedLanguageFor,
} from '../../src/branding/branding-plan.js';

const options = {
  resetUrl: 'https://mypass.contoso.example/',
  defaultLanguage: 'en',
  addLocalizations: [],
  hideResetLinks: false,
};

describe('branding plan', () => {
  it.each([
    ['de-DE', 'de'],
    ['en-GB', 'en'],
    ['zh-TW', 'zh-Hant'],
    ['zh-CN', 'zh-Hans'],
    ['nb-NO', 'nb'],
    ['no-NO', 'nb'],
    ['pt-PT', 'pt-PT'],
    ['pt-BR', 'pt-BR'],
    ['ar-SA', 'ar'],
    ['ga-IE', undefined],
    ['cy-GB', undefined],
  ])('maps the localization %s to MyPass text %s', (locale, expected) => {
    expect(shippedLanguageFor(locale)).toBe(expected);
  });

  it('keeps the tenant’s text and replaces an earlier MyPass paragraph instead of adding a second', () => {
    const first = proposedSignInPageText('Call IT: 1234.', 'Use MyPass: https://a.example/');
    expect(first).toBe('Call IT: 1234.\n\nUse MyPass: https://a.example/');
    expect(proposedSignInPageText(first, 'Use MyPass: https://b.example/')).toBe(
      'Call IT: 1234.\n\nUse MyPass: https://b.example/',
    );
    expect(proposedSignInPageText(null, 'Use MyPass')).toBe('Use MyPass');
  });

  it('creates the default branding when the tenant has none, and skips languages MyPass lacks', () => {
    const plan = planBranding(
      { defaultBranding: null, localizations: [{ id: 'cy-GB', fields: {} }] },
      { ...options, addLocalizations: ['ja-JP', 'xx-YY'] },
    );
    expect(plan.targets.map((t) => [t.id, t.language, t.action])).toEqual([
      ['default', 'en', 'update'],
      ['ja-JP', 'ja', 'create'],
    ]);
    expect(plan.skipped).toEqual(['cy-GB', 'xx-YY']);
    expect(plan.targets[1]?.patch.signInPageText).toContain('パスワード');
  });

  it('hides every reset link on request', () => {
    const plan = planBranding(
      { defaultBranding: {}, localizations: [] },
      { ...options, hideResetLinks: true },
    );
    expect(plan.targets[0]?.patch.loginPageTextVisibilitySettings).toEqual({
      hideAccountResetCredentials: true,
      hideForgotMyPassword: true,
      hideCannotAccessYourAccount: true,
      hideResetItNow: true,
    });
  });

  it('names each limit Microsoft documents', () => {
    expect(
      checkLimits({
        signInPageText: 'x'.repeat(1025),
        customForgotMyPasswordText: 'x'.repeat(257),
        customAccountResetCredentialsUrl: 'https://é.example/',
      }).map((p) => [p.field, p.reason]),
    ).toEqual([
      ['signInPageText', 'too_long'],
      ['customForgotMyPasswordText', 'too_long'],
      ['customAccountResetCredentialsUrl', 'not_ascii'],
    ]);
    expect(
      checkLimits({ signInPageText: 'x'.repeat(1024), customForgotMyPasswordText: 'y'.repeat(256) }),
    ).toEqual([]);
  });
});
