// Every screen in English, Arabic and German: a screenshot of each (artifacts/screenshots/) and,
// in English and Arabic, zero axe-core violations against the WCAG 2.2 AA rules.
import { describe, expect, it } from 'vitest';
import { languageTags, pseudoLocale } from '@mypass/locales';
import { chromiumAvailable } from './chromium.js';
import { useStackAndBrowser } from './stack-and-browser.js';
import {
  capture,
  chooseMethod,
  codeFor,
  enterCode,
  identify,
  openKiosk,
  pickLanguage,
  setNewPassword,
  start,
  waitForScreen,
} from './kiosk-page.js';

const run = chromiumAvailable();

const walks = [
  { lang: 'en', user: 'isaiah.langer', axe: true },
  { lang: 'ar', user: 'miriam.graham', axe: true },
  { lang: 'de', user: 'johanna.lorenz', axe: false },
] as const;

describe.runIf(run)('every screen, accessible and photographed', () => {
  // The on-screen keyboard is on here, so it is photographed and checked by axe on every screen too.
  const e2e = useStackAndBrowser({
    hostConfig: { allowedLanguages: [...languageTags, pseudoLocale], onScreenKeyboard: true },
  });

  for (const { lang, user, axe } of walks) {
    it(`walks every screen in ${lang}`, async () => {
      const k = await openKiosk(e2e.browser, e2e.stack.origin, { fakeClock: true });
      const { page } = k;
      const shot = (name: string) => capture(page, name, { axe });
      if (lang !== 'en') await pickLanguage(page, lang);
      await shot('01-welcome');
      await page.click('.language-button');
      await shot('02-language-picker');
      await page.click('.language-button');
      await start(page);
      await shot('03-identify');
      await identify(page, `${user}@contoso.example`);
      await shot('04-choose-method');
      await page.locator('input[name="method"]').first().check();
      await shot('05-choose-method-confirm');
      await page.click('.cancel-row button');
      await shot('06-cancel-panel');
      await page.click('[data-panel="cancel"] button.primary');
      await waitForScreen(page, 'chooseMethod');
      const sentAfter = Date.now() - 1000;
      await chooseMethod(page, 'sms', e2e.stack.phoneOf(user));
      await shot('07-enter-code');
      const code = await codeFor(e2e.stack.origin, e2e.stack.phoneOf(user), sentAfter);
      await enterCode(page, code === '000000' ? '111111' : '000000', 'enterCode');
      await shot('08-code-invalid');
      await enterCode(page, code);
      await page.fill('input[name="new-password"]', 'short');
      await page.fill('input[name="confirm-password"]', 'shorter');
      await shot('09-new-password');
      await page.clock.fastForward(61_000);
      await page.waitForSelector('[data-panel="inactivity"]');
      await shot('10-inactivity');
      await page.click('[data-panel="inactivity"] button');
      await waitForScreen(page, 'newPassword');
      await setNewPassword(page, 'Willow-Beacon-3390');
      await shot('11-done');
      expect(k.problems).toEqual([]);
      await k.close();
    }, 180_000);
  }

  it('types with the on-screen keyboard into the field that had focus, without taking the focus', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await page.focus('input[name="username"]');
    for (const key of ['a', 'd', 'e']) await page.click(`.keyboard .key >> text="${key}"`);
    await page.click('.keyboard .key[aria-pressed]');
    await page.click('.keyboard .key >> text="L"');
    expect(await page.inputValue('input[name="username"]')).toBe('adeL');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
    await k.close();
  });

  it('fits every screen at 200 % zoom in the pseudo-locale (40 % longer text), without sideways scrolling', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin, { zoom200: true });
    const { page } = k;
    const fits = async (name: string) => {
      await capture(page, `zoom200-${name}`, { axe: false });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
    };
    await pickLanguage(page, 'qps-ploc');
    // Pseudo-localized text is bracketed and accented: "[Ŕéšéţ ýöûŕ þàššŵöŕð !!!!!!!]".
    expect(await page.textContent('h1')).toMatch(/^\[Ŕéšéţ/);
    await fits('01-welcome');
    await start(page);
    await fits('03-identify');
    await identify(page, 'adele.vance@contoso.example');
    await page.locator('input[name="method"]').first().check();
    await fits('05-choose-method-confirm');
    await page.click('.cancel-row button');
    await fits('06-cancel-panel');
    expect(k.problems).toEqual([]);
    await k.close();
  }, 120_000);
});
