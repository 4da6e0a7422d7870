// Debian's Chromium driven by playwright-core: never a downloaded browser. When /usr/bin/chromium
// is missing, CI fails with a clear message and a developer machine reports that the UI tests did not run.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const chromiumMissingMessage =
  `Chromium is not installed at ${chromiumPath}: the UI tests in test/e2e did not run. ` +
  'Install it with `apt-get install chromium` (./scripts/setup does this).';

/** True when the Chromium tests can run; throws under CI when they cannot. */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) throw new Error(chromiumMissingMessage);
  console.warn(chromiumMissingMessage);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}
