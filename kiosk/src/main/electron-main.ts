// Composition root of the kiosk's main process: the ONLY run-time `electron` import in kiosk/src/main
// (lint-enforced). It wires Electron's objects into the plain, tested modules beside it and decides
// nothing itself beyond order: refuse debug switches, lock the app down before `ready`, load policy,
// open the window, and in tile mode send one result down the provider's pipe and exit.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, Menu, app, ipcMain, protocol, session } from 'electron';
import { appEntryUrl, appScheme } from './app-origin.js';
import { lockApp } from './app-lockdown.js';
import { createAppProtocolHandler, refuseFileProtocol } from './app-protocol.js';
import { registerBridgeHandlers } from './bridge-ipc.js';
import { findRefusedArgument, parseKioskSwitches } from './command-line.js';
import { exitCodes, type ExitReason } from './exit-codes.js';
import { createFlowOutcomeTracker, createLeaveHandler, type FlowEnd } from './flow-outcome.js';
import { toRendererConfig } from './kiosk-policy.js';
import { createPinnedTransport } from './pinned-https-transport.js';
import { unixSocketOwnerVerifier, windowsHelperVerifier } from './pipe-server-identity.js';
import { loadPolicy } from './policy-sources.js';
import { openProviderPipe, type Outcome, type ProviderPipe } from './provider-pipe.js';
import { readRegistryPolicy } from './registry-policy.js';
import { lockSession } from './session-lockdown.js';
import { createTempProfile, redirectProfilePaths, removeStaleProfiles } from './temp-profile.js';
import { lockWebContents } from './web-contents-lockdown.js';
import { alwaysOnTopLevel, kioskWindowOptions } from './window-options.js';
import { bridgeChannels } from '../preload/bridge-contract.js';

/** Seconds the done/cancelled screen stays before a tile-launched kiosk exits. */
const finishDelayMs = { completed: 8_000, cancelled: 1_000, timeout: 0, error: 0 } as const;

function stop(reason: ExitReason, detail?: string): never {
  // Codes and field names only: never policy values, tokens or passwords.
  console.error(`mypass-kiosk: exit ${reason}${detail ? ` (${detail})` : ''}`);
  app.exit(exitCodes[reason]);
  process.exit(exitCodes[reason]);
}

// A compile-time constant in bundles (installer/kiosk/bundle-kiosk.ts): "1" only in the Playwright
// test build, whose inspector fuse is on too. A release bundle refuses debug switches, whatever the env.
const testBuild = process.env.MYPASS_KIOSK_TEST_BUILD === '1';
const refused = testBuild ? undefined : findRefusedArgument(process.argv);
if (refused) stop('refusedArguments', refused.name);
const switches = parseKioskSwitches(process.argv.slice(1));
if (!switches.ok) stop('configurationError', switches.name);

app.enableSandbox();
// The lock is keyed on the userData folder, so take it before userData moves to the fresh profile.
if (!app.requestSingleInstanceLock()) stop('alreadyRunning');
removeStaleProfiles();
const profile = createTempProfile();
redirectProfilePaths(app, profile);
app.commandLine.appendSwitch('disk-cache-dir', path.join(profile.dir, 'cache'));
// crashReporter is never started, so Crashpad writes no dumps; crashDumps points into the profile anyway.
app.on('will-quit', () => profile.remove());
process.on('exit', () => profile.remove());
protocol.registerSchemesAsPrivileged([
  // standard + secure: a real origin (app://mypass) with secure-context features. corsEnabled stays off:
  // it would let other origins read the scheme without any Access-Control check (electron/electron#52912).
  {
    scheme: appScheme,
    privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false },
  },
]);
Menu.setApplicationMenu(null);
lockApp(app, lockWebContents, () => stop('internalError', 'lockdown'));

async function main(): Promise<void> {
  await app.whenReady();
  const defaultSession = session.defaultSession;
  lockSession(defaultSession);
  // The CJS bundle's own folder (dist/electron, inside app.asar when packaged): renderer/ and preload.cjs sit beside it.
  const bundleDir = __dirname;
  protocol.handle(
    appScheme,
    createAppProtocolHandler({ root: path.join(bundleDir, 'renderer'), path, readFile }),
  );
  protocol.handle('file', refuseFileProtocol);

  const options = switches.ok ? switches.value : {};
  let pipe: ProviderPipe | undefined;
  if (options.pipe !== undefined && options.nonce !== undefined) {
    const opened = await openProviderPipe({
      path: options.pipe,
      nonce: options.nonce,
      verifyServer:
        process.platform === 'win32'
          ? windowsHelperVerifier(path.join(path.dirname(process.execPath), 'mypass-pipe-check.exe'))
          : unixSocketOwnerVerifier(process.getuid?.() ?? 0),
    });
    if (!opened.ok) stop('pipeRejected', opened.code);
    pipe = opened.value;
  }
  const loaded = await loadPolicy({
    platform: process.platform,
    ...(pipe ? { pipePolicyInput: pipe.policyInput } : {}),
    ...(options.policyFile !== undefined ? { policyFile: options.policyFile } : {}),
    readRegistry: () => readRegistryPolicy(),
    readTextFile: (file) => readFile(file, 'utf8'),
  });
  const tracker = createFlowOutcomeTracker((end) => void finish(end));
  async function finish(end: FlowEnd | { outcome: 'timeout' | 'error' }): Promise<void> {
    if (runMode === 'standing') {
      // T11: the next person starts from an empty browser profile too (the renderer wipes its own state).
      await defaultSession.clearStorageData().catch(() => undefined);
      await defaultSession.clearCache().catch(() => undefined);
      return;
    }
    const outcome: Outcome = end.outcome;
    await new Promise((resolve) => setTimeout(resolve, finishDelayMs[outcome]));
    if (pipe) {
      await pipe.sendResult(
        { purpose: tracker.purpose, ...end, outcome },
        loaded.ok ? loaded.policy.signInAfterReset : false,
      );
    }
    stop(
      outcome === 'completed'
        ? 'completed'
        : outcome === 'cancelled'
          ? 'cancelled'
          : outcome === 'timeout'
            ? 'timeout'
            : 'internalError',
    );
  }
  if (!loaded.ok) {
    await pipe?.sendResult({ outcome: 'error', purpose: 'reset' }, false);
    stop('configurationError', `${loaded.code}${loaded.fields ? `: ${loaded.fields.join(',')}` : ''}`);
  }
  const policy = loaded.policy;
  const runMode = options.mode ?? (pipe ? 'tile' : policy.runMode);
  const created = createPinnedTransport({ origin: policy.serverUrl, ca: policy.pinnedCa });
  if (!created.ok) stop('configurationError', created.code);
  const rendererConfig = toRendererConfig({ ...policy, runMode }, app.getPreferredSystemLanguages());
  registerBridgeHandlers(ipcMain, {
    request: (op, params) => created.transport.request(op, params),
    config: () => rendererConfig,
    observe: (op, params, response) => tracker.observe(op, params, response),
    leave: createLeaveHandler({
      runMode,
      tracker,
      request: (op, params) => created.transport.request(op, params),
      finish: (end) => void finish(end),
    }),
  });

  const window = new BrowserWindow(kioskWindowOptions(path.join(bundleDir, 'preload.cjs')));
  window.setAlwaysOnTop(true, alwaysOnTopLevel);
  window.setMenu(null);
  window.once('ready-to-show', () => {
    window.show();
    window.focus();
  });
  window.webContents.on('render-process-gone', () => {
    if (runMode === 'standing') window.reload();
    else void finish({ outcome: 'error' });
  });
  if (runMode === 'tile') {
    setTimeout(() => {
      window.webContents.send(bridgeChannels.timeout);
      void finish({ outcome: 'timeout' });
    }, policy.kioskTimeoutSeconds * 1000);
  }
  await window.loadURL(appEntryUrl);
}

main().catch(() => stop('internalError', 'startup'));
