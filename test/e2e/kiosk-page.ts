// Drives the kiosk UI in Chromium with language-neutral selectors (names, values, data attributes),
// so the same steps work in English, Danish and Arabic. Screenshots go to artifacts/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations } from './axe.js';
import { repoRoot } from './web-build.js';
import { typedSecrets } from './stack.js';

export const screenshotDir = join(repoRoot, 'artifacts', 'screenshots');

export interface KioskPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and CSP violations seen so far (a strict CSP must never block our own page). */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function openKiosk(
  browser: Browser,
  origin: string,
  options: { locale?: string; fakeClock?: boolean; zoom200?: boolean } = {},
): Promise<KioskPage> {
  // 200 % zoom of a 1000×900 window is a 500×450 CSS-pixel viewport at twice the device scale.
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.zoom200 ? { width: 500, height: 450 } : { width: 1000, height: 900 },
    deviceScaleFactor: options.zoom200 ? 2 : 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // A 4xx answer is the API saying no (a wrong code): the page handles it. CSP refusals and
    // script errors are real problems.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  if (options.fakeClock) await page.clock.install();
  await page.goto(origin + '/');
  await page.waitForSelector('html[data-ready="true"]');
  return { page, context, problems, close: () => context.close() };
}

export function screen(page: Page): Promise<string | null> {
  return page.locator('main').getAttribute('data-screen');
}

export async function waitForScreen(page: Page, name: string): Promise<void> {
  try {
    await page.waitForSelector(`main[data-screen="${name}"][data-busy="false"]`, { timeout: 15_000 });
  } catch (error) {
    // Say where the page is instead, and what it told the person.
    const where = await page.locator('main').getAttribute('data-screen');
    const alert = await page.locator('[role="alert"]').allTextContents();
    throw new Error(`expected screen ${name}, still on ${where ?? '?'} ${JSON.stringify(alert)}`, {
      cause: error,
    });
  }
}

export async function pickLanguage(page: Page, tag: string): Promise<void> {
  await page.click('.language-button');
  await page.click(`.language-option[data-tag="${tag}"]`);
  await page.waitForSelector(`html[lang="${tag}"]`);
}

export async function start(page: Page): Promise<void> {
  await page.click('[data-testid="start"]');
  await waitForScreen(page, 'identify');
}

export async function identify(page: Page, username: string): Promise<void> {
  await page.fill('input[name="username"]', username);
  await page.click('button[type="submit"]');
  await waitForScreen(page, 'chooseMethod');
}

export async function chooseMethod(page: Page, kind: 'sms' | 'email', confirm: string): Promise<void> {
  const radios = page.locator(`input[name="method"][value^="${kind}:"]`);
  if ((await radios.count()) > 0 && !(await radios.first().isChecked())) await radios.first().check();
  await page.fill('input[name="confirm"]', confirm);
  await page.click('button[type="submit"]');
  await waitForScreen(page, 'enterCode');
}

export async function enterCode(page: Page, code: string, next = 'newPassword'): Promise<void> {
  await page.fill('input[name="code"]', code);
  await page.click('button[type="submit"]');
  await waitForScreen(page, next);
}

export async function setNewPassword(page: Page, password: string, next = 'done'): Promise<void> {
  typedSecrets.add(password);
  await page.fill('input[name="new-password"]', password);
  await page.fill('input[name="confirm-password"]', password);
  await page.click('button[type="submit"]');
  await waitForScreen(page, next);
}

interface OutboxMessage {
  to: string;
  channel: 'sms' | 'email';
  text: string;
  code?: string;
  sentAt: string;
}

/** The newest code sent to a destination, read from the demo outbox (as a person reads the demo panel). */
export async function codeFor(origin: string, to: string, after = 0, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${origin}/api/demo/outbox`)).json()) as { messages: OutboxMessage[] };
    const found = body.messages.find(
      (m) => m.to === to && m.code !== undefined && Date.parse(m.sentAt) >= after,
    );
    if (found?.code) return found.code;
    if (Date.now() > deadline) throw new Error(`no code for ${to} in the demo outbox`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A screenshot (artifacts/screenshots/<lang>-<name>.png) and, when asked, zero axe violations. */
export async function capture(page: Page, name: string, options: { axe: boolean }): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const lang = await page.evaluate(() => document.documentElement.lang);
  await page.screenshot({ path: join(screenshotDir, `${lang}-${name}.png`), fullPage: true });
  if (options.axe) {
    const violations = await axeViolations(page);
    expect(violations, `axe violations on ${lang}/${name}`).toEqual([]);
  }
}
