// `npm run demo`: the whole reset flow on this machine against the local Entra ID emulator, no cloud
// account needed. Runs until Ctrl-C.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoUsersTable } from './demo-users.js';
import { portFromEnv, repositoryRoot, startLocalStack, type LocalStack } from './local-stack.js';

const startedAt = performance.now();
let apiPort: number;
let emulatorPort: number;
try {
  apiPort = portFromEnv('MYPASS_PORT', 8080);
  emulatorPort = portFromEnv('MYPASS_EMULATOR_PORT', 8443);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(2);
}

let stack: LocalStack;
try {
  stack = await startLocalStack({ apiPort, emulatorPort });
} catch (error) {
  console.error(`demo: could not start the Entra ID emulator on 127.0.0.1:${emulatorPort}: ${String(error)}`);
  console.error('      Choose another port with MYPASS_EMULATOR_PORT.');
  process.exit(1);
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
stack.api.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: the MyPass API stopped (exit code ${code ?? 'signal'}).`);
    console.error(`      If port ${apiPort} is taken, choose another with MYPASS_PORT.`);
    void stop(code ?? 1);
  }
});

try {
  await stack.ready(90_000);
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  await stop(1);
}

const { apiUrl, emulator } = stack;
// `mypass branding` reads only the directory section; the API's own secret is not needed there.
const brandingConfig = join('.cache', 'demo-branding.json');
mkdirSync(join(repositoryRoot, '.cache'), { recursive: true });
writeFileSync(
  join(repositoryRoot, brandingConfig),
  JSON.stringify({
    // The emulator is on loopback: allowed with demo: true only.
    demo: true,
    directory: {
      tenantId: emulator.tenantId,
      clientId: emulator.apiApp.clientId,
      clientSecret: 'not-used-by-mypass-branding',
      authorityHost: emulator.origin,
      graphUrl: emulator.origin,
    },
  }),
);
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
console.log(`
MyPass demo is ready (${seconds} s).

  Reset page (browser):   ${apiUrl}/
  API:                    ${apiUrl}/api/v1/flows   (contract: ${apiUrl}/api/openapi.json)
  Health:                 ${apiUrl}/healthz   ${apiUrl}/readyz
  Demo outbox:            ${apiUrl}/api/demo/outbox
  Entra ID emulator:      ${emulator.origin}   (tenant ${emulator.domain})

Demo users and their registered methods. To get a code, choose a method and type its number or
address in full, as shown here:
${demoUsersTable(stack.demoUsers)}

Enrollment (registering a private number or address for later resets): start a flow with purpose "enroll",
prove a code to a registered method, then the person's password (test/entra-emulator/README.md lists them;
adele.vance's is Contoso-Harbour-2026!), then add the new method and confirm the code sent to it. The
announcement to the existing methods appears below and in the demo outbox (walk-through: README.md).

Microsoft sign-in branding (issue 5): the plan in several languages, signed in as an administrator
with a device code (then open the page it names and sign in as patti.fernandez@contoso.example):
  NODE_EXTRA_CA_CERTS=.cache/demo-ca/ca.pem node --conditions=development --import tsx server/src/cli.ts \\
    branding --config ${brandingConfig} --device-code --admin-client-id ${emulator.adminApp.clientId} \\
    --reset-url https://mypass.contoso.example/ --dry-run

Codes the demo "sends" are printed below as they are sent. Press Ctrl-C to stop.
`);
