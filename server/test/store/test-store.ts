// The store a test app runs on: SQLite in memory by default, or, when MYPASS_TEST_STORE=postgres
// (the "postgres" vitest project), a fresh PostgreSQL schema per store, dropped when it closes, so
// the app and flow suites run against both dialects and test files can run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { OpenStoreOptions, Store } from '../../src/store/store.js';

export const testStoreDialect: 'sqlite' | 'postgres' =
  process.env.MYPASS_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** scripts/setup creates this role and database on loopback (MYPASS_TEST_POSTGRES_URL overrides). */
export const testPostgresUrl =
  process.env.MYPASS_TEST_POSTGRES_URL ??
  process.env.MYPASS_TEST_DATABASE_URL ??
  'postgres://mypass:mypass@127.0.0.1:5432/mypass_test';

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Opens and migrates a store of the selected dialect; close() also drops a PostgreSQL schema. */
export async function openTestStore(options: Omit<OpenStoreOptions, 'schema'>): Promise<Store> {
  if (testStoreDialect === 'sqlite') {
    const store = await openStore('sqlite::memory:', options);
    await store.migrate();
    return store;
  }
  const schema = `mypass_app_${randomBytes(6).toString('hex')}`;
  let store: Store;
  try {
    store = await openStore(testPostgresUrl, { poolSize: 4, ...options, schema });
  } catch (error) {
    // Never a silent fallback to SQLite: the PostgreSQL half must run where it was asked for.
    throw new Error(
      `MYPASS_TEST_STORE=postgres but PostgreSQL at ${testPostgresUrl.replace(/:[^:@/]*@/, ':***@')} is not reachable (scripts/setup starts it): ${(error as Error).message}`,
    );
  }
  await store.migrate();
  return {
    ...store,
    async close() {
      await store.close();
      await dropSchema(schema);
    },
  };
}
