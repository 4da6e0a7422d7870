import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { bundledUi, defaultNS, loadLanguage, type UiResources } from '../src/index.js';

async function createI18n() {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'en', fallbackLng: 'en', defaultNS, resources: { en: { ui: bundledUi } } });
  return i18n;
}

describe('typed keys with i18next', () => {
  it('renders typed keys, with plural forms chosen by CLDR per language', async () => {
    const i18n = await createI18n();
    expect(i18n.t('progress.step', { step: 2, total: 5 })).toBe('Step 2 of 5');
    expect(i18n.t('code.attemptsLeft', { count: 1 })).toBe('1 attempt left');

    await loadLanguage(i18n, 'ar');
    expect(i18n.language).toBe('ar');
    const arabic = [0, 1, 2, 3, 11, 100].map((count) => i18n.t('code.attemptsLeft', { count }));
    expect(new Set(arabic).size).toBe(6);

    await loadLanguage(i18n, 'pl');
    expect(i18n.t('inactivity.body', { count: 5 })).toContain('5');
    expect(i18n.t('inactivity.body', { count: 5 })).not.toBe(
      i18n.t('inactivity.body', { count: 2 }).replace('2', '5'),
    );
  });

  it('rejects unknown keys at type level', async () => {
    const i18n = await createI18n();
    // @ts-expect-error strictKeyChecks: the key does not exist in en/ui.json
    expect(i18n.t('welcome.nonexistent')).toBe('welcome.nonexistent');
    const title: string = i18n.t('welcome.title');
    expect(title).toBe('Reset your password');
    const resources: UiResources = bundledUi;
    expect(resources.errors.flow_not_found).toBeTruthy();
  });
});
