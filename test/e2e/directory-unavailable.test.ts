// The directory_unavailable screen in Chromium (issue 4): Graph answers the password change with
// 503 until the fault is lifted, the page says so and counts down the server's Retry-After, and the
// same password goes through on "Try again" once the directory answers again.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './chromium.js';
import { chooseMethod, codeFor, enterCode, identify, openKiosk, start, waitForScreen } from './kiosk-page.js';
import { useStackAndBrowser } from './stack-and-browser.js';
import { typedSecrets } from './stack.js';

const run = chromiumAvailable();

describe.runIf(run)('a directory that is unavailable when the password is set', () => {
  const e2e = useStackAndBrowser();

  it('shows the retry screen with the wait, then succeeds on retry with the same password', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await start(page);
    await identify(page, 'johanna.lorenz@contoso.example');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', e2e.stack.phoneOf('johanna.lorenz'));
    await enterCode(page, await codeFor(e2e.stack.origin, e2e.stack.phoneOf('johanna.lorenz'), sentAfter));

    // Every password change answers 503 with Retry-After 3 s: the connector waits and retries within
    // its 8 s cap, then the API answers directory_unavailable with the wait.
    const before = e2e.stack.emulator.inspectUser(
      'johanna.lorenz@contoso.example',
    )?.lastPasswordChangeDateTime;
    e2e.stack.emulator.faults.add({
      method: 'PATCH',
      pathPrefix: '/v1.0/users/',
      fault: { kind: 'status', status: 503, retryAfterSeconds: 3 },
    });
    typedSecrets.add('Harbor-Lantern-482');
    await page.fill('input[name="new-password"]', 'Harbor-Lantern-482');
    await page.fill('input[name="confirm-password"]', 'Harbor-Lantern-482');
    await page.click('button[type="submit"]');

    // Still the password screen, now with a disabled "Try again (n)" counting down and a calm message.
    const retry = page.locator('main[data-screen="newPassword"] .actions button[type="button"]');
    await retry.waitFor({ timeout: 20_000 });
    expect(await retry.isDisabled()).toBe(true);
    expect(await retry.textContent()).toMatch(/\(\d+\)$/);
    expect((await page.locator('[role="alert"]').allTextContents()).join(' ')).not.toBe('');
    expect(e2e.stack.emulator.inspectUser('johanna.lorenz@contoso.example')?.lastPasswordChangeDateTime).toBe(
      before,
    );

    // The directory answers again; the button comes back when the wait is over.
    e2e.stack.emulator.faults.clear();
    await page.waitForSelector(
      'main[data-screen="newPassword"] .actions button[type="button"]:not([disabled])',
      {
        timeout: 15_000,
      },
    );
    await retry.click();
    await waitForScreen(page, 'done');
    expect(
      e2e.stack.emulator.inspectUser('johanna.lorenz@contoso.example')?.lastPasswordChangeDateTime,
    ).not.toBe(before);
    expect(k.problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
    await k.close();
  }, 120_000);
});
