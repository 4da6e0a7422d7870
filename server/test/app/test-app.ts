// Builds the real app for tests: real Fastify, real SQLite store, a scripted or real directory, a
// settable clock, and every log line captured (for the secrets scan) through a pino destination.
// buildAppWithDelivery wires it as `npm run demo` and production do instead: the real delivery module
// from a delivery section and the store's own clock.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { buildApp, type AppConfig } from '../../src/app.js';
import type { AuditSink } from '../../src/audit/audit-log.js';
import { serviceSections } from '../../src/config/service-config.js';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';
import type { Delivery } from '../../src/delivery/delivery.js';
import type { Directory } from '../../src/directory/directory.js';
import { cryptoRandom } from '../../src/flows-service/crypto-random.js';
import { openTestStore } from '../store/test-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createRecordingDelivery, type RecordingDelivery } from './recording-delivery.js';
import { captured } from './captured-output.js';

export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  delivery: RecordingDelivery;
  clock: TestClock;
  config: AppConfig;
  close(): Promise<void>;
}

/** What a test may override, in the configuration file's (input) form. */
export type ConfigOverrides = {
  demo?: boolean;
  server?: z.input<typeof serviceSections.server>;
  flows?: Partial<z.input<typeof serviceSections.flows>>;
  limits?: z.input<typeof serviceSections.limits>;
  access?: z.input<typeof serviceSections.access>;
};

/** Production defaults, without timing floors (tests that measure time set them). */
export function testConfig(overrides: ConfigOverrides = {}): AppConfig {
  const flows = serviceSections.flows.parse({
    decoyKey: 'test-decoy-key-0123456789abcdef0123456789',
    timingFloorMs: { start: 0, challenge: 0, verification: 0, password: 0 },
    ...overrides.flows,
  });
  return {
    demo: overrides.demo ?? false,
    server: serviceSections.server.parse({ ...overrides.server }),
    flows,
    limits: serviceSections.limits.parse({ ...overrides.limits }),
    access: serviceSections.access.parse({ ...overrides.access }),
  };
}

const testCodeKeys = [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }];

/** A pino logger whose every line goes to the whole-suite secret scan. */
export function capturedLogger(): Logger {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        captured.logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
}

export async function buildTestApp(options: {
  directory: Directory;
  config?: AppConfig;
  delivery?: (store: Store) => RecordingDelivery;
  auditSink?: AuditSink;
}): Promise<TestApp> {
  const clock = new TestClock();
  const store = await openTestStore({ keys: testCodeKeys, clock });
  await store.migrate();
  const delivery = options.delivery?.(store) ?? createRecordingDelivery(store);
  const logger = capturedLogger();
  const config = options.config ?? testConfig();
  const app = await buildApp({
    config,
    directory: options.directory,
    delivery: delivery as Delivery,
    store,
    clock,
    random: cryptoRandom,
    logger,
    ...(options.auditSink ? { auditSink: options.auditSink } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    delivery,
    clock,
    config,
    async close() {
      const audit = await store.audit.list({ limit: 100_000 });
      captured.auditRows.push(...audit.map((row) => JSON.stringify(row)));
      await app.close();
      await store.close();
    },
  };
}

export interface AppWithDelivery {
  app: FastifyInstance;
  store: Store;
  delivery: Delivery;
  /** Closes the app, the delivery module and the store (the directory is the caller's). */
  close(): Promise<void>;
}

export async function buildAppWithDelivery(options: {
  directory: Directory;
  config: AppConfig;
  /** The configuration file's `delivery` section. */
  delivery: z.input<typeof deliveryConfigSchema>;
  /**
   * 'test' (default): the suite's test store, PostgreSQL in the "postgres" project; 'sqlite': always
   * SQLite in memory; a `sqlite:` URL: that file (to read what reached the disk).
   */
  store?: 'test' | 'sqlite' | `sqlite:${string}`;
  /** 'silent' (default), or every line to the whole-suite secret scan. */
  logs?: 'silent' | 'captured';
}): Promise<AppWithDelivery> {
  const store =
    options.store === undefined || options.store === 'test'
      ? await openTestStore({ keys: testCodeKeys })
      : await openStore(options.store === 'sqlite' ? 'sqlite::memory:' : options.store, {
          keys: testCodeKeys,
        });
  await store.migrate();
  const logger = options.logs === 'captured' ? capturedLogger() : pino({ level: 'silent' });
  const delivery = createDelivery(deliveryConfigSchema.parse(options.delivery), { store, logger });
  const app = await buildApp({
    config: options.config,
    directory: options.directory,
    delivery,
    store,
    clock: store.clock,
    random: cryptoRandom,
    logger,
  });
  await app.ready();
  return {
    app,
    store,
    delivery,
    async close() {
      await app.close();
      await delivery.close();
      await store.close();
    },
  };
}
