// The production entry: load the configuration, open the store, build the Entra directory and
// delivery, build the app, start the outbox worker, listen. `mypass serve` and the demo call
// startServer; running this file directly does the same with $MYPASS_CONFIG.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { formatConfigProblems, loadConfig } from './config/load-config.js';
import type { MyPassConfig } from './config/schema.js';
import { createDelivery } from './delivery/create-delivery.js';
import type { Delivery, DeliveryDeps, DemoOutbox } from './delivery/delivery.js';
import { checkDemoMode } from './demo-guard.js';
import { createEntraDirectory } from './directory/entra-directory.js';
import { cryptoRandom } from './flows-service/crypto-random.js';
import { registerWebUi } from './http/web-ui.js';
import { openStore } from './store/open-store.js';
import { createSyslogSink } from './audit/syslog-sink.js';
import { countLicensedUsers, startLicenseMonitor } from './policy/licensing.js';
import { startRetentionSchedule } from './retention/retention.js';

export interface RunningServer {
  url: string;
  delivery: Delivery;
  close(): Promise<void>;
}

/** The repository's web UI build, beside this package (src/ or dist/ alike). */
const defaultWebUiDir = fileURLToPath(new URL('../../kiosk/dist/web', import.meta.url));

/**
 * The demo prints every message it "sends" on its own standard output, never through the logger
 * (api.md, "Demo only"). The `[demo] code` line format is read by `npm run bench`.
 */
function printDemoMessages(outbox: DemoOutbox): void {
  outbox.onMessage((entry) => {
    const line = entry.code
      ? `[demo] code ${entry.code} -> ${entry.to} (${entry.channel})`
      : `[demo] ${entry.channel} -> ${entry.to}: ${entry.text.replace(/\s+/g, ' ')}`;
    process.stdout.write(`${line}\n`);
  });
}

export class StartupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export async function startServer(
  config: MyPassConfig,
  options: { logger?: Logger; delivery?: Partial<Pick<DeliveryDeps, 'smsProvider' | 'emailProvider'>> } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.server.logLevel });
  const guard = checkDemoMode(config);
  if (guard) throw new StartupError(guard.code, guard.message);

  const store = await openStore(config.store.url, {
    keys: config.store.codeKeys,
    poolSize: config.store.poolSize,
    busyTimeoutMs: config.store.busyTimeoutMs,
    checkpointInBackground: {
      onFailure: (error) =>
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'SQLite checkpoint worker stopped; the main connection checkpoints again',
        ),
    },
  });
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    await store.migrate();
    const directory = await createEntraDirectory(config.directory, logger);
    if (!directory.ok)
      throw new StartupError(directory.code, `the directory connector could not start (${directory.code})`);
    closers.push(() => directory.value.close());
    const delivery = createDelivery(config.delivery, { store, logger, ...options.delivery });
    closers.push(() => delivery.close());
    // Admin-side services (issue 5): the syslog sink, the seat count and the retention purge.
    const auditSink = config.audit.syslog
      ? await createSyslogSink(config.audit.syslog, { logger })
      : undefined;
    if (auditSink) closers.push(() => auditSink.close());
    const { licensedGroups, seats } = config.access;
    const licenseMonitor =
      licensedGroups.length > 0
        ? startLicenseMonitor({
            count: () => countLicensedUsers(directory.value.connection, licensedGroups),
            seats,
            logger,
          })
        : undefined;
    if (licenseMonitor) closers.push(() => Promise.resolve(licenseMonitor.stop()));
    const retention = startRetentionSchedule({
      store,
      config: config.retention,
      clock: store.clock,
      logger,
      enrollments: store.enrollments,
      passwordAttempts: {
        deleteIdleBefore: (before) => store.passwordAttempts.deleteIdleBefore(before),
        windowSeconds: config.limits.passwordChecks.windowSeconds,
      },
    });
    closers.push(() => Promise.resolve(retention.stop()));
    const https =
      config.server.tlsCertificatePath && config.server.tlsKeyPath
        ? {
            cert: await readFile(config.server.tlsCertificatePath),
            key: await readFile(config.server.tlsKeyPath),
          }
        : undefined;
    const app = await buildApp({
      config,
      directory: directory.value,
      delivery,
      store,
      clock: store.clock,
      random: cryptoRandom,
      logger,
      ...(https ? { https } : {}),
      ...(auditSink ? { auditSink } : {}),
      ...(licenseMonitor ? { licenseSeats: () => licenseMonitor.latest() } : {}),
    });
    if (config.webUi.enabled) {
      const { enabled: _enabled, dir, demoUsersFile, ...hostConfig } = config.webUi;
      registerWebUi(app, {
        dir: dir ?? defaultWebUiDir,
        demo: config.demo ? (demoUsersFile ? { usersFile: demoUsersFile } : {}) : false,
        hostConfig,
      });
    }
    if (config.demo && delivery.demoOutbox) printDemoMessages(delivery.demoOutbox);
    closers.push(() => app.close());
    const url = await app.listen({ host: config.server.host, port: config.server.port });
    delivery.worker.start();
    closers.push(() => delivery.worker.stop());
    return { url, delivery, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Loads the configuration and serves until SIGINT/SIGTERM; resolves to the process exit code. */
export async function serve(
  file: string | undefined,
  io: { stderr: (text: string) => void; env: NodeJS.ProcessEnv },
): Promise<number> {
  const loaded = await loadConfig({ ...(file ? { file } : {}), env: io.env });
  if (!loaded.ok) {
    io.stderr(`${formatConfigProblems(loaded.error.problems)}\n`);
    return 2;
  }
  let server: RunningServer;
  try {
    server = await startServer(loaded.config);
  } catch (error) {
    // Startup errors carry codes and our own messages; anything else is named, never dumped.
    io.stderr(`mypass serve: ${error instanceof StartupError ? error.message : (error as Error).name}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await serve(process.env['MYPASS_CONFIG'], {
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}
