// The reset experience in Debian's Chromium against the real API and the Entra ID emulator
// (in-process, demo delivery): every path a person can take, read from the screen.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './chromium.js';
import { useStackAndBrowser } from './stack-and-browser.js';
import {
  chooseMethod,
  codeFor,
  enterCode,
  identify,
  openKiosk,
  pickLanguage,
  screen,
  setNewPassword,
  start,
  waitForScreen,
} from './kiosk-page.js';

const run = chromiumAvailable();

describe.runIf(run)('the reset UI in Chromium', () => {
  const e2e = useStackAndBrowser();

  // adele.vance's SMS is kept for the Danish test below: a second code to one number within a minute
  // would meet the resend cool-down.
  it('resets a password by SMS, with the code from the demo outbox', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'en',
      'ltr',
    ]);
    await start(page);
    expect(await page.textContent('.progress-text')).toBe('Step 1 of 4');
    await identify(page, 'johanna.lorenz@contoso.example');
    // The hint is isolated left-to-right and shows only the last two digits.
    const phone = e2e.stack.phoneOf('johanna.lorenz');
    const hint = (await page.textContent('.choice bdi[dir="ltr"]')) ?? '';
    expect(hint.startsWith(phone.slice(0, 3))).toBe(true);
    expect(hint.endsWith(phone.slice(-2))).toBe(true);
    expect(hint).toContain('•');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('johanna.lorenz'));
    const code = await codeFor(e2e.stack.origin, e2e.stack.phoneOf('johanna.lorenz'), sentAfter);
    // Paste with spaces: the field keeps the digits.
    await page.fill('input[name="code"]', code.split('').join(' '));
    expect(await page.inputValue('input[name="code"]')).toBe(code);
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'newPassword');
    await setNewPassword(page, 'Lantern-Kestrel-93');
    expect(await page.textContent('h1')).toBe('Your password has been changed');
    await page.click('.card button.primary');
    await waitForScreen(page, 'welcome');
    // The web host cannot end anything: no "Back to sign-in" (only a tile-launched kiosk offers it).
    expect(await page.locator('[data-testid="leave"]').count()).toBe(0);
    expect(k.problems).toEqual([]);
    await k.close();
  });

  it('resets a password by e-mail', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await identify(page, 'adele.vance@contoso.example');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'email', e2e.stack.emailOf('adele.vance'));
    expect(await page.getAttribute('input[name="code"]', 'autocomplete')).toBe('one-time-code');
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.emailOf('adele.vance'), sentAfter));
    await setNewPassword(page, 'Copper-Meadow-71');
    await k.close();
  });

  it('asks for a second method when the policy needs two (lee.gu)', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await identify(page, 'lee.gu@contoso.example');
    let sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('lee.gu'));
    await enterCode(
      page,
      await codeFor(e2e.stack.origin, e2e.stack.phoneOf('lee.gu'), sentAfter),
      'chooseMethod',
    );
    expect(await page.textContent('h1')).toBe('One more check');
    // The proven method is not offered again.
    expect(await page.locator('input[name="method"][value^="sms:"]').count()).toBe(0);
    sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'email', e2e.stack.emailOf('lee.gu'));
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.emailOf('lee.gu'), sentAfter));
    await setNewPassword(page, 'Harbour-Falcon-58');
    await k.close();
  });

  it('counts wrong codes down and ends at attempts_exhausted with a way to start again', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await identify(page, 'alex.wilber@contoso.example');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('alex.wilber'));
    const code = await codeFor(e2e.stack.origin, e2e.stack.phoneOf('alex.wilber'), sentAfter);
    const wrong = code === '000000' ? '111111' : '000000';
    await enterCode(page, wrong.slice(0, code.length), 'enterCode');
    expect(await page.getAttribute('[role="alert"]', 'data-message')).toBe('errors.code_invalid');
    expect(await page.textContent('[role="alert"]')).toBe(
      'That code did not work. You have 4 attempts left.',
    );
    for (let i = 0; i < 3; i++) await enterCode(page, wrong.slice(0, code.length), 'enterCode');
    await page.fill('input[name="code"]', wrong.slice(0, code.length));
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'deadEnd');
    expect(await page.getAttribute('[role="alert"]', 'data-message')).toBe('errors.attempts_exhausted');
    await page.click('.card button.primary');
    await waitForScreen(page, 'welcome');
    await k.close();
  });

  it('shows the rules live, and keeps the person on the password screen when the directory refuses', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await identify(page, 'isaiah.langer@contoso.example');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('isaiah.langer'));
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.phoneOf('isaiah.langer'), sentAfter));
    const met = (rule: string) => page.getAttribute(`.rule[data-rule="${rule}"]`, 'data-met');
    await page.fill('input[name="new-password"]', 'abc');
    expect(await met('too_short')).toBe('false');
    expect(await met('too_few_character_classes')).toBe('false');
    await page.fill('input[name="new-password"]', 'isaiah-Langer-2026');
    expect(await met('too_short')).toBe('true');
    expect(await met('contains_user_name')).toBe('false');
    expect(await page.isDisabled('button[type="submit"]')).toBe(true);
    // Show/hide switches the field type and says which state it is in.
    await page.click('button.reveal');
    expect(await page.getAttribute('input[name="new-password"]', 'type')).toBe('text');
    expect(await page.getAttribute('button.reveal', 'aria-pressed')).toBe('true');
    // Our rules pass; Entra's banned-password check does not (contoso + welcome).
    await setNewPassword(page, 'ContosoWelcome1!', 'newPassword');
    expect(await page.getAttribute('[role="alert"]', 'data-message')).toBe('errors.password_policy');
    expect(await met('rejected_by_directory')).toBe('false');
    await setNewPassword(page, 'Quarry-Tulip-4821');
    await k.close();
  });

  it('cancels from a later screen after an in-page confirmation, and can go on instead', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await page.evaluate(() => {
      window.alert = window.confirm = () => {
        throw new Error('no browser dialogs');
      };
    });
    await start(page);
    await identify(page, 'patti.fernandez@contoso.example');
    await page.click('.cancel-row button');
    await page.waitForSelector('[data-panel="cancel"]');
    await page.click('[data-panel="cancel"] button.primary');
    await waitForScreen(page, 'chooseMethod');
    expect(await page.locator('[data-panel="cancel"]').count()).toBe(0);
    await page.click('.cancel-row button');
    await page.click('[data-panel="cancel"] button.danger');
    await waitForScreen(page, 'welcome');
    expect(k.problems).toEqual([]);
    await k.close();
  });

  it('wipes everything after inactivity (fake clock), and "I\'m here" keeps the flow', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin, { fakeClock: true });
    const { page } = k;
    await start(page);
    await page.fill('input[name="username"]', 'pradeep.gupta@contoso.example');
    await page.clock.fastForward(61_000);
    await page.waitForSelector('[data-panel="inactivity"]');
    expect(await page.textContent('[data-panel="inactivity"] h1')).toBe('Are you still there?');
    await page.click('[data-panel="inactivity"] button');
    await waitForScreen(page, 'identify');
    await page.clock.fastForward(61_000);
    await page.waitForSelector('[data-panel="inactivity"]');
    await page.clock.fastForward(16_000);
    await waitForScreen(page, 'welcome');
    await start(page);
    expect(await page.inputValue('input[name="username"]')).toBe('');
    await k.close();
  });

  it('switches to Arabic (right to left) and German from the picker', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    const englishTitle = await page.textContent('h1');
    await pickLanguage(page, 'ar');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.textContent('h1')).not.toBe(englishTitle);
    // Mirrored: the language picker sits at the inline end, which is the left in RTL.
    const box = await page.locator('.language-picker').boundingBox();
    expect(box && box.x < 400).toBe(true);
    await pickLanguage(page, 'de');
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'de',
      'ltr',
    ]);
    expect(await page.textContent('h1')).not.toBe(englishTitle);
    // After a cancel the next person starts in the default language again (T11: nothing stays).
    await start(page);
    await page.click('.cancel-row button');
    await page.click('[data-panel="cancel"] button.danger');
    await waitForScreen(page, 'welcome');
    await page.waitForSelector('html[lang="en"][dir="ltr"]');
    expect(await page.textContent('h1')).toBe(englishTitle);
    await k.close();
  });

  it('resets adele.vance by SMS in Danish, as the demo promises', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin, { locale: 'da-DK' });
    const { page } = k;
    await page.waitForSelector('html[lang="da"]');
    await start(page);
    await identify(page, 'adele.vance@contoso.example');
    const sentAfter = Date.now() - 1000;
    // Typed the Danish way, without the country code.
    await chooseMethod(page, 'sms', '20 12 34 56');
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.phoneOf('adele.vance'), sentAfter));
    await setNewPassword(page, 'Fjord-Lanterne-64');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('da');
    await k.close();
  });

  it('resets lynne.robbins by employee ID 100123 in Arabic', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await pickLanguage(page, 'ar');
    await start(page);
    await identify(page, '100123');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('lynne.robbins'));
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.phoneOf('lynne.robbins'), sentAfter));
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await setNewPassword(page, 'Dune-Lantern-4417');
    expect(await screen(page)).toBe('done');
    await k.close();
  });
});
