// The set-up every Chromium test file shares: one stack and one Chromium for the describe block
// that calls useStackAndBrowser, started before its first test (the web build and the stack can take
// minutes on a cold machine) and closed after its last.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface StackAndBrowser {
  readonly stack: Stack;
  readonly browser: Browser;
}

/** Registers the hooks in the calling describe block; read the accessors only inside its tests. */
export function useStackAndBrowser(options: StackOptions = {}): StackAndBrowser {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await startStack(options);
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started yet: read it inside a test`);
    return value;
  };
  return {
    get stack() {
      return started(stack, 'stack');
    },
    get browser() {
      return started(browser, 'browser');
    },
  };
}
