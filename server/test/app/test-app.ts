// Builds the real app for tests: real Fastify, real SQLite store, a scripted or real directory, a
// settable clock, and every log line captured (for the secrets scan) through a pino destination.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { buildApp, type AppConfig } from '../../src/app.js';
import type { AuditSink } from '../../src/audit/audit-log.js';
import { serviceSections } from '../../src/config/service-config.js';
import type { Delivery } from '../../src/delivery/delivery.js';
import type { Directory } from '../../src/directory/directory.js';
import { cryptoRandom } from '../../src/flows-service/crypto-random.js';
import { openTestStore } from '../store/test-store.js';
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

export async function buildTestApp(options: {
  directory: Directory;
  config?: AppConfig;
  delivery?: (store: Store) => RecordingDelivery;
  auditSink?: AuditSink;
}): Promise<TestApp> {
  const clock = new TestClock();
  const store = await openTestStore({
    keys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }],
    clock,
  });
  await store.migrate();
  const delivery = options.delivery?.(store) ?? createRecordingDelivery(store);
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        captured.logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
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
