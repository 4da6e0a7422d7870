// The hottest statements (counter hits, audit records, flow reads: about two thirds of the
// statements in a reset) built and compiled by Kysely once per dialect instead of on every call:
// building the immutable query tree and compiling it cost more CPU than SQLite's own work.
import {
  NoResultError,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type QueryNode,
  type QueryResult,
} from 'kysely';

/** Stands in for a parameter while the query is compiled once; never reaches the database. */
class Slot {
  constructor(readonly name: string) {}
}

/** One parameter position: a named slot filled on each run, or a constant the builder fixed. */
type Position = { slot: string } | { constant: unknown };

export interface PrecompiledQuery<DB, V extends object, R> {
  /** Runs the query with these values through db (the root or a transaction). */
  execute(db: Kysely<DB>, values: V): Promise<QueryResult<R>>;
  /** The first row, or Kysely's NoResultError (as executeTakeFirstOrThrow). */
  takeFirstOrThrow(db: Kysely<DB>, values: V): Promise<R>;
  /** The first row, if any (as executeTakeFirst). */
  takeFirst(db: Kysely<DB>, values: V): Promise<R | undefined>;
}

/**
 * `build` gets a stand-in for each value it reads and returns the query; it runs once per dialect
 * (the SQL differs between SQLite and PostgreSQL, never between calls). Each run passes the values
 * by name. Only for Kysely instances without plugins: a plugin's query rewrite would be skipped.
 */
export function precompiled<DB, V extends object, R>(
  build: (db: Kysely<DB>, slots: V) => Compilable<R>,
): PrecompiledQuery<DB, V, R> {
  // Keyed by the adapter's class (one per dialect), so transactions share their root's compilation.
  const byDialect = new Map<unknown, { compiled: CompiledQuery<R>; positions: Position[] }>();

  const compile = (db: Kysely<DB>) => {
    const adapter: unknown = db.getExecutor().adapter.constructor;
    let entry = byDialect.get(adapter);
    if (!entry) {
      // Each value the builder reads is a Slot while compiling; their positions are read back below.
      const names = new Set<string>();
      const slots = new Proxy({} as V, {
        get: (_target, name) => {
          names.add(String(name));
          return new Slot(String(name));
        },
      });
      const compiled = build(db, slots).compile();
      const positions = compiled.parameters.map((p): Position =>
        p instanceof Slot ? { slot: p.name } : { constant: p },
      );
      const used = new Set(positions.flatMap((p) => ('slot' in p ? [p.slot] : [])));
      // A value the builder inlined or dropped would silently be ignored on every run.
      const missing = [...names].filter((name) => !used.has(name));
      if (missing.length > 0) throw new Error(`precompiled query ignores ${missing.join(', ')}`);
      entry = { compiled, positions };
      byDialect.set(adapter, entry);
    }
    return entry;
  };

  // async: a refused builder rejects like a failed query (the store's guard turns both into codes).
  const execute = async (db: Kysely<DB>, values: V): Promise<QueryResult<R>> => {
    const { compiled, positions } = compile(db);
    const byName = values as Record<string, unknown>;
    const parameters = positions.map((p) => ('slot' in p ? byName[p.slot] : p.constant));
    return db.executeQuery<R>({ ...compiled, parameters });
  };

  return {
    execute,
    async takeFirst(db, values) {
      return (await execute(db, values)).rows[0];
    },
    async takeFirstOrThrow(db, values) {
      const { compiled } = compile(db);
      const row = (await execute(db, values)).rows[0];
      // Built from query builders (select, insert, update, delete), so the root is a QueryNode.
      if (row === undefined) throw new NoResultError(compiled.query as QueryNode);
      return row;
    },
  };
}
