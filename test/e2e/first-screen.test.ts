// The first screen in Chromium: rendered from the host configuration the server inlines into the page
// (no /host-config.json request before it), and the on-screen keyboard only where there is a field.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from './chromium.js';
import { identify, openKiosk, start } from './kiosk-page.js';
import { useStackAndBrowser } from './stack-and-browser.js';

const run = chromiumAvailable();

describe.runIf(run)('the first screen', () => {
  const e2e = useStackAndBrowser({
    hostConfig: { onScreenKeyboard: true, helpdeskText: 'Call </script> 4711' },
  });

  it('renders from the inlined host configuration without asking /host-config.json', async () => {
    const context = await e2e.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    await page.goto(e2e.stack.origin + '/');
    await page.waitForSelector('html[data-ready="true"]');
    expect(requested).not.toContain('/host-config.json');
    // The administrator's text came through the data block intact (escaped there, shown as text here).
    expect(await page.textContent('body')).toContain('Call </script> 4711');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the on-screen keyboard only on screens with a text field', async () => {
    const k = await openKiosk(e2e.browser, e2e.stack.origin);
    const { page } = k;
    await page.waitForSelector('main[data-screen="welcome"]');
    expect(await page.locator('.keyboard').count()).toBe(0);
    await start(page);
    expect(await page.locator('.keyboard').count()).toBe(1);
    await identify(page, 'johanna.lorenz@contoso.example');
    // The method list has a field for the full number, so the keyboard stays.
    expect(await page.locator('.keyboard').count()).toBe(1);
    expect(k.problems).toEqual([]);
    await k.close();
  });
});
