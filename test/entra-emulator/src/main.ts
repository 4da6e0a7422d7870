// CLI: start the emulator for the demo or a separate test process.
//   tsx test/entra-emulator/src/main.ts [--port N] [--ca-dir DIR] [--generated-users N] [--host 127.0.0.1]
// Prints one JSON line when ready ({origin, tenantId, domain, groups, clientId, clientSecret, caPath});
// stops on SIGINT/SIGTERM.
// TEST INFRASTRUCTURE ONLY: never point a production configuration at it.
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import { loadOrCreateTestCa, testCaDir } from './with-test-ca.js';

function fail(message: string): never {
  console.error(`entra-emulator: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'ca-dir': { type: 'string' },
        'generated-users': { type: 'string' },
        host: { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const host = values.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') fail(`refusing to bind ${host}: the emulator listens on 127.0.0.1 only`);
  const port = Number(values.port ?? process.env.MYPASS_EMULATOR_PORT ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port ?? ''}`);
  const generatedUsers = Number(values['generated-users'] ?? '0');
  if (!Number.isInteger(generatedUsers) || generatedUsers < 0) fail('invalid --generated-users');
  const ca = loadOrCreateTestCa(values['ca-dir'] ?? testCaDir);
  const emulator = await startEmulator({ port, host, ca, generatedUsers });
  process.stdout.write(
    `${JSON.stringify({
      origin: emulator.origin,
      tenantId: emulator.tenantId,
      domain: emulator.domain,
      groups: emulator.groups,
      clientId: emulator.apiApp.clientId,
      clientSecret: emulator.apiApp.clientSecret,
      caPath: ca.certPath,
    })}\n`,
  );
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
