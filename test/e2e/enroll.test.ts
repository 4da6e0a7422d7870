// Enrollment in Debian's Chromium against the real API and the Entra ID emulator (in-process, demo delivery):
// a code to a registered phone first, then the current password, then a private address confirmed with its
// own code; a number and an address at once (the done screen speaks of both); the announcement to the methods
// the person already had; the generic wrong-password message;
// axe (WCAG 2.2 AA) on every enroll screen in English and Arabic, screenshots in en, de and ar.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './chromium.js';
import { useStackAndBrowser } from './stack-and-browser.js';
import { typedSecrets } from './stack.js';
import {
  capture,
  chooseMethod,
  codeFor,
  identify,
  openKiosk,
  pickLanguage,
  waitForScreen,
} from './kiosk-page.js';

const run = chromiumAvailable();

interface OutboxMessage {
  to: string;
  channel: 'sms' | 'email';
  text: string;
  code?: string;
  sentAt: string;
}

async function outbox(origin: string): Promise<OutboxMessage[]> {
  const body = (await (await fetch(`${origin}/api/demo/outbox`)).json()) as {
    messages: OutboxMessage[];
  };
  return body.messages;
}

/** Messages without a code (notifications) to a destination, once they are out. */
async function notificationsTo(origin: string, to: string, after: number): Promise<OutboxMessage[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await outbox(origin)).filter(
      (m) => m.to === to && m.code === undefined && Date.parse(m.sentAt) >= after,
    );
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startEnroll(page: Page): Promise<void> {
  await page.click('[data-testid="enroll"]');
  await waitForScreen(page, 'identify');
}

async function submitCurrentPassword(page: Page, password: string, next: string): Promise<void> {
  typedSecrets.add(password);
  await page.fill('input[name="current-password"]', password);
  await page.click('button[type="submit"]');
  if (next === 'currentPassword') {
    await page.waitForSelector('[role="alert"][data-message="errors.password_invalid"]');
  }
  await waitForScreen(page, next);
}

/** Only a private address: the phone choice (on by default) is switched off. */
async function addPrivateEmail(page: Page, address: string): Promise<void> {
  if (await page.isChecked('input[name="add-phone"]')) await page.uncheck('input[name="add-phone"]');
  if (!(await page.isChecked('input[name="add-email"]'))) await page.check('input[name="add-email"]');
  await page.fill('input[name="new-email"]', address);
}

describe.runIf(run)('enrollment in Chromium', () => {
  const e2e = useStackAndBrowser();

  it('adele enrolls a private address with her password and a code to her phone; her phone hears of it', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await startEnroll(page);
    expect(await page.textContent('h1')).toBe('Set up your reset methods');
    expect(await page.textContent('.progress-text')).toBe('Step 1 of 6');
    await identify(page, 'adele.vance@contoso.example');
    // The password is never offered before a code: only the registered methods are on the list.
    expect(await page.locator('input[name="method"][value="password"]').count()).toBe(0);
    const phone = e2e.stack.phoneOf('adele.vance');
    let after = Date.now() - 1000;
    await chooseMethod(page, 'sms', phone);
    const code = await codeFor(e2e.stack.origin, phone, after);
    await page.fill('input[name="code"]', code);
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'currentPassword');
    expect(await page.getAttribute('input[name="current-password"]', 'type')).toBe('password');
    await page.click('button.reveal');
    expect(await page.getAttribute('input[name="current-password"]', 'type')).toBe('text');

    // One wrong password: the calm, generic message, and the field is empty again.
    await submitCurrentPassword(page, 'Contoso-Wrong-2026!', 'currentPassword');
    expect(await page.textContent('[role="alert"]')).toBe(
      'That password did not work. Please check it and try again.',
    );
    expect(await page.inputValue('input[name="current-password"]')).toBe('');
    await submitCurrentPassword(page, 'Contoso-Harbour-2026!', 'addMethods');

    // A work address is refused on the spot, nothing is sent.
    await addPrivateEmail(page, 'adele@contoso.example');
    await page.click('button[type="submit"]');
    expect(await page.textContent('.field-error')).toBe(
      'Please use a private address, not your work address.',
    );
    await waitForScreen(page, 'addMethods');

    const privateAddress = 'adele.private@example.org';
    await page.fill('input[name="new-email"]', privateAddress);
    after = Date.now() - 1000;
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'confirmMethod');
    expect(await page.textContent('.lead bdi[dir="ltr"]')).toMatch(/^a•+@e•+\.org$/);
    const announcedAfter = Date.now() - 1000;
    await page.fill('input[name="code"]', await codeFor(e2e.stack.origin, privateAddress, after));
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'done');
    expect(await page.textContent('h1')).toBe('Your method has been added');
    expect(await page.getAttribute('[data-hold-hours]', 'data-hold-hours')).toBe('72');
    expect(await page.textContent('[data-hold-hours]')).toBe(
      'You can use it to reset your password after 72 hours.',
    );

    // The announcement went to the phone she already had (and never to the new address alone).
    const toPhone = await notificationsTo(e2e.stack.origin, phone, announcedAfter);
    expect(toPhone.length).toBeGreaterThan(0);
    expect(toPhone[0]?.text).toContain('was added');
    await page.click('.card button.primary');
    await waitForScreen(page, 'welcome');
    expect(k.problems).toEqual([]);
    await k.close();
  }, 120_000);

  it('lynne adds a mobile number and a private address, each confirmed; the done screen speaks of both', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await startEnroll(page);
    await identify(page, 'lynne.robbins@contoso.example');
    const phone = e2e.stack.phoneOf('lynne.robbins');
    let after = Date.now() - 1000;
    await chooseMethod(page, 'sms', phone);
    await page.fill('input[name="code"]', await codeFor(e2e.stack.origin, phone, after));
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'currentPassword');
    await submitCurrentPassword(page, 'Contoso-Oasis-2026!', 'addMethods');
    const newPhone = '+4520123477';
    const address = 'lynne.private@example.org';
    if (!(await page.isChecked('input[name="add-phone"]'))) await page.check('input[name="add-phone"]');
    await page.fill('input[name="new-phone"]', newPhone);
    await page.check('input[name="add-email"]');
    await page.fill('input[name="new-email"]', address);
    after = Date.now() - 1000;
    await page.click('button[type="submit"]');
    for (let i = 0; i < 2; i++) {
      await waitForScreen(page, 'confirmMethod');
      const kind = await page.getAttribute(`form[data-new-method]`, 'data-new-method');
      await page.fill(
        'input[name="code"]',
        await codeFor(e2e.stack.origin, kind === 'sms' ? newPhone : address, after),
      );
      await page.click('button[type="submit"]');
      if (i === 0) await page.waitForSelector(`form[data-new-method="${kind === 'sms' ? 'email' : 'sms'}"]`);
    }
    await waitForScreen(page, 'done');
    expect(await page.textContent('h1')).toBe('Your 2 methods have been added');
    expect(await page.getAttribute('[data-hold-hours]', 'data-confirmed')).toBe('2');
    expect(await page.textContent('[data-hold-hours]')).toBe(
      'You can use both to reset your password after 72 hours.',
    );
    expect(k.problems).toEqual([]);
    await k.close();
  }, 120_000);

  it('opens straight into enrollment from /?enroll', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${e2e.stack.origin}/?enroll`);
    await waitForScreen(page, 'identify');
    expect(await page.textContent('h1')).toBe('Set up your reset methods');
    await context.close();
  });

  it('fits the enroll screens at 200 % zoom in the pseudo-locale (40 % longer text), without sideways scrolling', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin, { zoom200: true });
    const { page } = k;
    const fits = async (name: string) => {
      await capture(page, `zoom200-enroll-${name}`, { axe: false });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow on ${name}`).toBeLessThanOrEqual(0);
    };
    await pickLanguage(page, 'qps-ploc');
    await startEnroll(page);
    // adele's phone had its code in the first test (a second within a minute meets the cool-down): e-mail.
    await identify(page, 'adele.vance@contoso.example');
    const address = e2e.stack.emailOf('adele.vance');
    const after = Date.now() - 1000;
    await chooseMethod(page, 'email', address);
    await page.fill('input[name="code"]', await codeFor(e2e.stack.origin, address, after));
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'currentPassword');
    await fits('05-current-password');
    await submitCurrentPassword(page, 'Contoso-Harbour-2026!', 'addMethods');
    // Both new methods open, the country list's longest names included.
    await page.check('input[name="add-email"]');
    await page.fill('input[name="new-phone"]', '12');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.field-error');
    await fits('07-add-methods');
    expect(k.problems).toEqual([]);
    await k.close();
  }, 120_000);

  const walks = [
    { lang: 'en', user: 'alex.wilber', password: 'Contoso-Maple-2026!', axe: true },
    { lang: 'ar', user: 'miriam.graham', password: 'Contoso-Cedar-2026!', axe: true },
    { lang: 'de', user: 'johanna.lorenz', password: 'Contoso-Linden-2026!', axe: false },
  ] as const;

  for (const { lang, user, password, axe } of walks) {
    it(`walks every enroll screen in ${lang}${axe ? ' with zero axe violations' : ''}`, async () => {
      const k = await openKiosk(e2e.browser, e2e.stack.origin);
      const { page } = k;
      const shot = (name: string) => capture(page, `enroll-${name}`, { axe });
      if (lang !== 'en') await pickLanguage(page, lang);
      await shot('01-welcome');
      await startEnroll(page);
      await shot('02-identify');
      await identify(page, `${user}@contoso.example`);
      await page.locator('input[name="method"]').first().check();
      await shot('03-choose-method');
      const phone = e2e.stack.phoneOf(user);
      let after = Date.now() - 1000;
      await chooseMethod(page, 'sms', phone);
      await shot('04-enter-code');
      await page.fill('input[name="code"]', await codeFor(e2e.stack.origin, phone, after));
      await page.click('button[type="submit"]');
      await waitForScreen(page, 'currentPassword');
      await shot('05-current-password');
      await submitCurrentPassword(page, 'Contoso-Wrong-2026!', 'currentPassword');
      await shot('06-password-invalid');
      // miriam.graham's sign-in needs MFA: Entra's answer still proves the password (one factor).
      await submitCurrentPassword(page, password, 'addMethods');
      await shot('07-add-methods');
      await addPrivateEmail(page, 'not-an-address');
      await page.click('button[type="submit"]');
      await page.waitForSelector('.field-error');
      await shot('08-add-methods-invalid');
      const address = `${user}@private.example`;
      await page.fill('input[name="new-email"]', address);
      after = Date.now() - 1000;
      await page.click('button[type="submit"]');
      await waitForScreen(page, 'confirmMethod');
      await shot('09-confirm-method');
      await page.fill('input[name="code"]', await codeFor(e2e.stack.origin, address, after));
      await page.click('button[type="submit"]');
      await waitForScreen(page, 'done');
      await shot('10-done');
      expect(await page.evaluate(() => document.documentElement.dir)).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      expect(k.problems).toEqual([]);
      await k.close();
    }, 180_000);
  }
});
