// `npm run demo`: the whole reset flow on this machine, no cloud account needed.
// Starts the Entra ID emulator (freshly seeded) in this process and the MyPass API as a child
// process that trusts the emulator's CA through NODE_EXTRA_CA_CERTS, the production mechanism.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '@mypass/entra-emulator';
import { loadOrCreateTestCa } from '@mypass/entra-emulator/with-test-ca';
import { demoUsersTable, readDemoUsers } from './demo-users.js';

const startedAt = performance.now();
const root = resolve(import.meta.dirname, '..');
const apiPort = portFromEnv('MYPASS_PORT', 8080);
const emulatorPort = portFromEnv('MYPASS_EMULATOR_PORT', 8443);

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`demo: ${name}=${raw} is not a TCP port (1-65535).`);
    process.exit(2);
  }
  return port;
}

const ca = loadOrCreateTestCa(join(root, '.cache', 'demo-ca'));
const emulator = await startEmulator({ port: emulatorPort, ca }).catch((error: unknown) => {
  console.error(`demo: the Entra ID emulator could not start on 127.0.0.1:${emulatorPort}: ${String(error)}`);
  console.error('       Set MYPASS_EMULATOR_PORT to a free port.');
  process.exit(1);
});

const workDir = mkdtempSync(join(tmpdir(), 'mypass-demo-'));
const demoUsers = await readDemoUsers(emulator.origin, ca.certPem);
const demoUsersFile = join(workDir, 'demo-users.json');
writeFileSync(demoUsersFile, JSON.stringify({ users: demoUsers }, null, 2));
const configPath = join(workDir, 'mypass.yaml');
writeFileSync(
  configPath,
  [
    '# Written by `npm run demo`: the demo tenant in the local Entra ID emulator.',
    'demo: true',
    'directory:',
    `  tenantId: ${emulator.tenantId}`,
    `  clientId: ${emulator.apiApp.clientId}`,
    `  authorityHost: ${emulator.origin}`,
    `  graphUrl: ${emulator.origin}`,
    'server:',
    '  host: 127.0.0.1',
    `  port: ${apiPort}`,
    'store:',
    `  url: sqlite:${join(workDir, 'mypass.db')}`,
    '',
  ].join('\n'),
);

const api: ChildProcess = spawn(
  process.execPath,
  [
    '--conditions=development',
    '--import',
    'tsx',
    join(root, 'server/src/cli.ts'),
    'serve',
    '--config',
    configPath,
  ],
  {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: ca.certPath,
      // The secret goes by environment, as production's should, never into a file.
      AZURE_CLIENT_SECRET: emulator.apiApp.clientSecret,
    },
  },
);

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  api.kill('SIGTERM');
  await emulator.close();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
api.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: the MyPass API stopped (exit code ${code ?? 'signal'}).`);
    void stop(code ?? 1);
  }
});

const apiUrl = `http://127.0.0.1:${apiPort}`;
const readyBy = Date.now() + 90_000;
for (;;) {
  const ready = await fetch(`${apiUrl}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) break;
  if (Date.now() > readyBy) {
    console.error('demo: the API was not ready within 90 s.');
    await stop(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}

const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`
MyPass demo is ready (${seconds} s).

  Reset page (browser):   ${apiUrl}/
  API:                    ${apiUrl}/api/v1/flows   (OpenAPI: ${apiUrl}/api/openapi.json)
  Health:                 ${apiUrl}/healthz  ${apiUrl}/readyz
  Entra ID emulator:      ${emulator.origin}  (tenant ${emulator.domain})
  Demo outbox:            ${apiUrl}/api/demo/outbox

Demo users and their registered methods (type a number or address in full to receive a code):
${demoUsersTable(demoUsers)}
Codes the demo "sends" are printed below as they are sent. Press Ctrl-C to stop.
`);
