// The whole product in this process for the Chromium tests: the Entra ID emulator (over loopback
// HTTPS, trusted through the test CA), the real API from buildApp with a SQLite store and the demo
// delivery providers, and the built web UI on the same origin, all on 127.0.0.1 with free ports.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, inject } from 'vitest';
import { startEmulator, type RunningEmulator } from '@mypass/entra-emulator';
import { buildApp } from '@mypass/server/app';
import { directoryConfigSchema } from '@mypass/server/config/directory-config';
import { serviceSections } from '@mypass/server/config/service-config';
import { createDelivery } from '@mypass/server/delivery/create-delivery';
import { defaultSmsCountries } from '@mypass/server/delivery/delivery-config';
import { createEntraDirectory } from '@mypass/server/directory/entra-directory';
import { cryptoRandom } from '@mypass/server/flows-service/crypto-random';
import { registerWebUi, type WebHostConfig } from '@mypass/server/http/web-ui';
import { openStore } from '@mypass/server/store/open-store';
import { systemClock } from '@mypass/server/store/store';
import { languageTags, pseudoLocale } from '@mypass/locales';
import { ensureWebBuild } from './web-build.js';

export interface Stack {
  /** http://127.0.0.1:PORT — the page and the API on one origin, as the web host expects. */
  readonly origin: string;
  readonly emulator: RunningEmulator;
  /** A demo user's registered mobile number in E.164 (as the outbox names it). */
  phoneOf(upnLocal: string): string;
  emailOf(upnLocal: string): string;
  close(): Promise<void>;
}

const codeKeySecret = 'e2e-code-key-0123456789abcdef0123456789';
const decoyKey = 'e2e-decoy-key-0123456789abcdef0123456789';

/** Passwords the Chromium tests type (kiosk-page.ts adds them): the secret scan looks for them too. */
export const typedSecrets = new Set<string>();

/**
 * Writes what this file's stack logged and audited, with the secrets it handled, where the
 * whole-suite scan reads it (server/test/security/suite-secret-scan.ts: the same four fields).
 */
function handToSecretScan(output: { logLines: string[]; auditRows: string[]; secrets: string[] }): void {
  const file = expect.getState().testPath ?? 'test/e2e';
  writeFileSync(join(inject('secretScanDir'), `${randomUUID()}.json`), JSON.stringify({ file, ...output }));
}

/** Demo users the demo panel lists (the launcher writes the same shape for `npm run demo`). */
const demoUsers = ['adele.vance', 'lee.gu', 'lynne.robbins', 'diego.siciliani', 'alex.wilber'];

export interface StackOptions {
  /** What the web host serves with the page (by default: every language and the pseudo-locale). */
  hostConfig?: WebHostConfig;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const webDir = ensureWebBuild();
  const emulator = await startEmulator();
  const work = mkdtempSync(join(tmpdir(), 'mypass-e2e-'));
  const snapshot = (local: string) => {
    const user = emulator.inspectUser(`${local}@${emulator.domain}`);
    if (!user) throw new Error(`the demo tenant has no ${local}`);
    return user;
  };
  const usersFile = join(work, 'demo-users.json');
  writeFileSync(
    usersFile,
    JSON.stringify({
      users: demoUsers.map((local) => {
        const u = snapshot(local);
        return {
          userPrincipalName: u.userPrincipalName,
          note: '',
          methods: [
            ...u.phoneMethods.map((m) => ({ kind: 'sms', destination: m.phoneNumber })),
            ...u.emailMethods.map((m) => ({ kind: 'email', destination: m.emailAddress })),
          ],
        };
      }),
    }),
  );

  // Everything the app logs and audits, and every secret it handled, goes to the suite's secret scan.
  const logLines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  const groups = emulator.groups;
  const config = {
    demo: true,
    server: serviceSections.server.parse({ host: '127.0.0.1', port: 0 }),
    flows: serviceSections.flows.parse({ decoyKey }),
    limits: serviceSections.limits.parse({}),
    access: serviceSections.access.parse({
      policies: [
        { name: 'Two methods', groups: [groups['MyPass Two Methods']], methodsRequired: 2 },
        { name: 'Everyone else' },
      ],
      licensedGroups: [groups['MyPass Licensed']],
    }),
  };
  const store = await openStore('sqlite::memory:', {
    keys: [{ id: 'e2e', secret: codeKeySecret }],
    clock: systemClock,
  });
  await store.migrate();
  const delivery = createDelivery(
    serviceSections.delivery.parse({
      sms: { provider: 'demo' },
      email: { provider: 'demo' },
      // lynne.robbins's mobile is Saudi; the demo reset in Arabic needs SA on the allow-list.
      smsCountries: [...defaultSmsCountries, 'SA'],
    }),
    { store, logger },
  );
  const directory = await createEntraDirectory(
    directoryConfigSchema.parse({
      tenantId: emulator.tenantId,
      clientId: emulator.apiApp.clientId,
      clientSecret: emulator.apiApp.clientSecret,
      authorityHost: emulator.origin,
      graphUrl: emulator.origin,
    }),
  );
  if (!directory.ok) throw new Error(`the directory connector did not start: ${directory.code}`);
  const app = await buildApp({
    config,
    directory: directory.value,
    delivery,
    store,
    clock: systemClock,
    random: cryptoRandom,
    logger,
  });
  registerWebUi(app, {
    dir: webDir,
    demo: { usersFile },
    hostConfig: options.hostConfig ?? { allowedLanguages: [...languageTags, pseudoLocale] },
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  delivery.worker.start();
  const codes: string[] = [];
  delivery.demoOutbox?.onMessage((message) => {
    if (message.code) codes.push(message.code);
  });

  return {
    origin,
    emulator,
    phoneOf: (local) => (snapshot(local).phoneMethods[0]?.phoneNumber ?? '').replace(/\s+/g, ''),
    emailOf: (local) => snapshot(local).emailMethods[0]?.emailAddress ?? '',
    async close() {
      const audit = await store.audit.list({ limit: 100_000 });
      handToSecretScan({
        logLines,
        auditRows: audit.map((row) => JSON.stringify(row)),
        secrets: [codeKeySecret, decoyKey, emulator.apiApp.clientSecret, ...codes, ...typedSecrets],
      });
      await delivery.worker.stop();
      await app.close();
      await delivery.close();
      await store.close();
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
