// The Electron renderer entry in Debian's Chromium against the real API and the Entra ID emulator,
// with everything of the kiosk but Electron itself: the bundle served by main's app:// handler (its CSP
// header included), the preload's bridge object injected as `window.mypass`, and main's IPC handlers
// (sender check, contract validation, outcome tracking) answering it. TLS pinning is tested on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '@mypass/flows';
import { chromiumAvailable, launchChromium } from '../../../test/e2e/chromium.js';
import { startStack, type Stack } from '../../../test/e2e/stack.js';
import {
  chooseMethod,
  codeFor,
  identify,
  setNewPassword,
  start,
  waitForScreen,
} from '../../../test/e2e/kiosk-page.js';
import { createAppProtocolHandler } from '../../src/main/app-protocol.js';
import { registerBridgeHandlers, type InvokeEventLike } from '../../src/main/bridge-ipc.js';
import {
  createFlowOutcomeTracker,
  createLeaveHandler,
  type FlowEnd,
  type FlowOutcomeTracker,
} from '../../src/main/flow-outcome.js';
import { kioskProblem, validateBridgeRequest } from '../../src/main/pinned-https-transport.js';
import { parseKioskPolicy, toRendererConfig, type RendererConfig } from '../../src/main/kiosk-policy.js';
import { createCertificateAuthority } from '@mypass/entra-emulator/ca';

const kioskDir = path.resolve(import.meta.dirname, '../..');
const run = chromiumAvailable();

describe.runIf(run)('the Electron renderer entry in Chromium, over the bridge, against the real API', () => {
  let stack: Stack;
  let browser: Browser;
  let bundleServer: Server;
  let bundleOrigin: string;
  let bridgeScript: string;
  const work = mkdtempSync(path.join(tmpdir(), 'mypass-electron-renderer-'));
  const ends: FlowEnd[] = [];
  // Per test: the run mode main hands the page, and main's one-shot leave handler for that mode.
  let rendererConfig: RendererConfig;
  let runModeConfigs: Record<'tile' | 'standing', RendererConfig>;
  let leave: () => Promise<boolean> = async () => false;
  let tracker: FlowOutcomeTracker;
  let api: ReturnType<typeof createFetchTransport>;
  function useRunMode(runMode: 'tile' | 'standing'): void {
    rendererConfig = runModeConfigs[runMode];
    leave = createLeaveHandler({
      runMode,
      tracker,
      request: (op, params) => api.request(op, params),
      finish: (end) => ends.push(end),
    });
  }
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();

  beforeAll(async () => {
    const outDir = path.join(work, 'renderer');
    await viteBuild({
      configFile: path.join(kioskDir, 'vite.electron.config.ts'),
      build: { outDir, emptyOutDir: true },
      logLevel: 'error',
    });
    // The preload's bridge, bundled for the page; its "ipcRenderer" is a binding to this test's main side.
    const bundled = await esbuild({
      stdin: {
        contents: `import { createKioskBridge } from ${JSON.stringify(path.join(kioskDir, 'src/preload/kiosk-bridge.ts'))};
          const listeners = {};
          const ipc = { invoke: (channel, ...args) => window.__mypassInvoke(channel, args), on: (channel, l) => { listeners[channel] = l; } };
          Object.defineProperty(window, 'mypass', { value: Object.freeze(createKioskBridge(ipc)) });`,
        resolveDir: kioskDir,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      write: false,
      platform: 'browser',
    });
    bridgeScript = bundled.outputFiles[0]?.text ?? '';

    const policy = parseKioskPolicy({
      serverUrl: 'https://mypass.contoso.example',
      pinnedCa: createCertificateAuthority('bridge-in-chromium CA').certPem,
      defaultLanguage: 'da',
      allowedLanguages: ['en', 'da'],
    });
    if (!policy.ok) throw new Error('fixture policy');
    runModeConfigs = {
      tile: toRendererConfig(policy.policy, ['en-US']),
      standing: toRendererConfig({ ...policy.policy, runMode: 'standing' }, ['en-US']),
    };
    stack = await startStack();
    api = createFetchTransport(stack.origin);
    tracker = createFlowOutcomeTracker((end) => ends.push(end));
    useRunMode('tile');
    registerBridgeHandlers(
      { handle: (channel, listener) => handlers.set(channel, listener) },
      {
        request: async (op, params) => {
          const valid = validateBridgeRequest(op, params);
          return valid ? api.request(valid.op, valid) : kioskProblem('invalid_request');
        },
        config: () => rendererConfig,
        observe: (op, params, response) => tracker.observe(op, params, response),
        leave: () => leave(),
      },
    );

    const serve = createAppProtocolHandler({ root: outDir, path, readFile });
    bundleServer = createServer((req, res) => {
      void serve(new Request(`app://mypass${req.url ?? '/'}`)).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => bundleServer.listen(0, '127.0.0.1', resolve));
    bundleOrigin = `http://127.0.0.1:${(bundleServer.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    bundleServer?.close();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('resets a password through the bridge under the kiosk CSP, and main learns the outcome', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    // Main sees the kiosk's own top frame (the page here is on http://127.0.0.1, Electron's is app://mypass).
    const sender: InvokeEventLike = { senderFrame: { url: 'app://mypass/index.html', parent: null } };
    await page.exposeFunction('__mypassInvoke', (channel: string, args: unknown[]) =>
      handlers.get(channel)?.(sender, ...args),
    );
    await page.addInitScript({ content: bridgeScript });
    await page.goto(`${bundleOrigin}/index.html`);
    await page.waitForSelector('.kiosk[data-screen]', { timeout: 60_000 }).catch(() => undefined);
    await waitForScreen(page, 'welcome').catch((error: unknown) => {
      throw new Error(`the page did not render: ${JSON.stringify(problems)}`, { cause: error });
    });
    // Policy language first: "da" from config() wins over the browser's English.
    await page.waitForSelector('html[lang="da"]');
    await page.click('.language-button');
    await page.click('.language-option[data-tag="en"]');
    await page.waitForSelector('html[lang="en"]');
    expect(
      await page.evaluate(() =>
        fetch('/index.html').then(
          () => 'fetched',
          () => 'blocked',
        ),
      ),
    ).toBe('blocked');
    // The refusal just provoked is the CSP working; anything after it is a real problem.
    problems.length = 0;
    expect(await page.evaluate(() => String(window.print()))).toBe('undefined');

    await start(page);
    await identify(page, 'adele.vance@contoso.example');
    const sentAfter = Date.now() - 1000;
    await chooseMethod(page, 'sms', stack.phoneOf('adele.vance'));
    const code = await codeFor(stack.origin, stack.phoneOf('adele.vance'), sentAfter);
    await page.fill('input[name="code"]', code);
    await page.click('button[type="submit"]');
    await waitForScreen(page, 'newPassword');
    await setNewPassword(page, 'Harbour-Quokka-61');
    expect(ends).toEqual([
      {
        outcome: 'completed',
        purpose: 'reset',
        userName: 'adele.vance@contoso.example',
        newPassword: 'Harbour-Quokka-61',
      },
    ]);
    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);

  async function openInKiosk() {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const sender: InvokeEventLike = { senderFrame: { url: 'app://mypass/index.html', parent: null } };
    await page.exposeFunction('__mypassInvoke', (channel: string, args: unknown[]) =>
      handlers.get(channel)?.(sender, ...args),
    );
    await page.addInitScript({ content: bridgeScript });
    await page.goto(`${bundleOrigin}/index.html`);
    await waitForScreen(page, 'welcome');
    await page.click('.language-button');
    await page.click('.language-option[data-tag="en"]');
    await page.waitForSelector('html[lang="en"]');
    return { page, close: () => context.close() };
  }

  it('tile mode: "Back to sign-in" on the welcome screen ends the run as cancelled', async () => {
    useRunMode('tile');
    ends.length = 0;
    const { page, close } = await openInKiosk();
    const button = page.locator('[data-testid="leave"]');
    expect(await button.textContent()).toBe('Back to sign-in');
    expect((await button.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    // Keyboard reachable: Tab from Start lands on it, Enter presses it.
    await page.focus('[data-testid="start"]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('leave');
    await page.keyboard.press('Enter');
    await expect.poll(() => ends.length).toBe(1);
    expect(ends).toEqual([{ outcome: 'cancelled', purpose: 'reset' }]);
    await close();
  }, 120_000);

  it('tile mode: leaving from the cancel panel cancels the open flow on the server first', async () => {
    useRunMode('tile');
    ends.length = 0;
    const { page, close } = await openInKiosk();
    await start(page);
    await identify(page, 'adele.vance@contoso.example');
    const open = tracker.openFlow;
    expect(open).toBeDefined();
    await page.click('.cancel-row button');
    await page.waitForSelector('[data-panel="cancel"] [data-testid="leave"]');
    await page.click('[data-panel="cancel"] [data-testid="leave"]');
    await expect.poll(() => ends.length).toBe(1);
    expect(ends).toEqual([
      { outcome: 'cancelled', purpose: 'reset', userName: 'adele.vance@contoso.example' },
    ]);
    // The server no longer knows the flow.
    const after = await api.request('getFlow', { flowId: open?.flowId, flowToken: open?.flowToken });
    expect(after.status).not.toBe(200);
    await close();
  }, 120_000);

  it('standing mode: no "Back to sign-in", and main refuses leave anyway', async () => {
    useRunMode('standing');
    ends.length = 0;
    const { page, close } = await openInKiosk();
    expect(await page.locator('[data-testid="leave"]').count()).toBe(0);
    expect(
      await page.evaluate(() =>
        (window as unknown as { mypass: { leave(): Promise<boolean> } }).mypass.leave(),
      ),
    ).toBe(false);
    expect(ends).toEqual([]);
    await close();
  }, 120_000);
});
