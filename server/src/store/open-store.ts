// Opens the store named by a URL: `sqlite:/path/file.db`, `sqlite::memory:` (one node, the
// embedded default) or `postgres://user:password@host:port/db` (several nodes). Both go through
// the same repositories and migrations.
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type pg from 'pg';
import { createCodeKeyring, type CodeKeyring } from './code-keyring.js';
import type { Database as Schema } from './database-schema.js';
import { maintenanceRepository } from './maintenance-repository.js';
import { migrationProvider } from './migrations.js';
import { createRepositories, type Dialect } from './sql-repositories.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import { StoreError, systemClock, type OpenStoreOptions, type Repositories, type Store } from './store.js';

/** What the URL names, without credentials (safe to log). */
export function describeStoreUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable)';
  }
}

function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:' || rest === '') return ':memory:';
  // sqlite:///abs/path and sqlite:/abs/path both name /abs/path.
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

// pg returns int8 (our millisecond times) as strings by default; they fit a double exactly.
const INT8_OID = 20;
const pgTypes = (types: typeof pg.types) => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
});

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Kysely prepares every query afresh; preparing costs more than running a small statement, and
 * the queries are parameterized, so a few dozen SQL strings cover them all. Safe because
 * better-sqlite3 runs each statement to completion synchronously (no streaming queries here).
 */
function withStatementCache(database: Database.Database, capacity = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(query: string) {
      let statement = cache.get(query);
      if (!statement) {
        statement = database.prepare(query);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
        cache.set(query, statement);
      }
      return statement;
    },
  };
}

/** Unique-key violations (a duplicate id) versus everything else (the database is not usable). */
function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const conflict =
    code === '23505' || (typeof code === 'string' && /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(code));
  return conflict
    ? new StoreError('store_conflict', 'a row with this key already exists', { cause: error })
    : new StoreError('store_unavailable', 'the store did not complete the operation', { cause: error });
}

/** Every repository method fails with a StoreError (stable code), never a driver's own error. */
function guarded(repositories: Repositories): Repositories {
  const wrap = <T extends object>(repository: T): T => {
    const out: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(repository)) {
      out[name] =
        typeof fn === 'function'
          ? (...args: unknown[]) =>
              (fn as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) =>
                Promise.reject(toStoreError(error)),
              )
          : fn;
    }
    return out as T;
  };
  return {
    flows: wrap(repositories.flows),
    challenges: wrap(repositories.challenges),
    counters: wrap(repositories.counters),
    outbox: wrap(repositories.outbox),
    audit: wrap(repositories.audit),
    enrollments: wrap(repositories.enrollments),
    passwordAttempts: wrap(repositories.passwordAttempts),
  };
}

/**
 * The configured store for reading only (doctor): null where no database exists yet or it cannot
 * be opened. Never creates or migrates one.
 */
export async function openExistingStore(url: string, keys: OpenStoreOptions['keys']): Promise<Store | null> {
  try {
    return await openStore(url, { keys, poolSize: 1, existingOnly: true });
  } catch {
    return null;
  }
}

export async function openStore(url: string, options: OpenStoreOptions): Promise<Store> {
  const keyring: CodeKeyring = 'codeHmac' in options.keys ? options.keys : createCodeKeyring(options.keys);
  const clock = options.clock ?? systemClock;
  let dialect: Dialect;
  let db: Kysely<Schema>;
  let checkpointer: Checkpointer | undefined;

  if (url.startsWith('sqlite:')) {
    dialect = 'sqlite';
    const path = sqlitePath(url);
    let database: Database.Database;
    try {
      database = new Database(path, { fileMustExist: options.existingOnly === true });
      if (path !== ':memory:') database.pragma('journal_mode = WAL');
      database.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 5000)}`);
      database.pragma('foreign_keys = ON');
      database.pragma('synchronous = NORMAL');
    } catch (error) {
      throw new StoreError('store_unavailable', `cannot open SQLite database ${describeStoreUrl(url)}`, {
        cause: error,
      });
    }
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    if (options.checkpointInBackground && path !== ':memory:') {
      // Without the worker, SQLite's own checkpoints inside commits go on as before.
      const { onFailure } = options.checkpointInBackground;
      checkpointer = await startCheckpointer(database, { onFailure }).catch((error: unknown) => {
        onFailure(error);
        return undefined;
      });
    }
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new StoreError('store_unavailable', 'invalid PostgreSQL schema name');
    }
    // Loaded only for PostgreSQL: a single SQLite node never holds the driver in memory.
    const { default: postgres } = await import('pg');
    const pool = new postgres.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
      types: pgTypes(postgres.types),
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client's error (e.g. the server restarting) must not crash the process.
    pool.on('error', () => undefined);
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    if (schema) {
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (error) {
        await db.destroy();
        throw new StoreError('store_unavailable', `PostgreSQL at ${describeStoreUrl(url)} is not reachable`, {
          cause: error,
        });
      }
    }
  } else {
    throw new StoreError('store_unavailable', 'unsupported store URL (expected sqlite: or postgres://)');
  }

  const repositories = (executor: Kysely<Schema>): Repositories =>
    guarded(createRepositories({ db: executor, dialect, keyring, clock }));
  const root = repositories(db);

  return {
    dialect,
    keyring,
    clock,
    ...root,
    maintenance: maintenanceRepository(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(repositories(trx))),
    async migrate() {
      // Kysely looks for its migration tables in every schema unless told which one: with several
      // schemas in one database (a test per schema) it would find another schema's lock table.
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        ...(dialect === 'postgres' && options.schema ? { migrationTableSchema: options.schema } : {}),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new StoreError('store_unavailable', `migration ${failed} failed`, { cause: error });
      }
    },
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
