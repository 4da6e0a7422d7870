// The compile-once queries: each run gets its own values in the right places, constants the
// builder fixed stay, transactions share the compilation, and a value the builder would inline
// instead of binding is refused at the first run rather than silently reused.
import Database from 'better-sqlite3';
import { Kysely, NoResultError, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { precompiled } from '../../src/store/precompiled-query.js';

interface Db {
  items: { id: string; kind: string; n: number };
}

let db: Kysely<Db>;

beforeEach(async () => {
  db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
});

afterEach(async () => {
  await db.destroy();
});

const insertItem = precompiled((k: Kysely<Db>, v: { n: number; id: string; kind: string }) =>
  // Values listed in another order than the columns: positions come from the compiled query.
  k.insertInto('items').values({ id: v.id, kind: v.kind, n: v.n }).returningAll(),
);

const byKind = precompiled((k: Kysely<Db>, v: { kind: string; min: number }) =>
  k
    .selectFrom('items')
    .selectAll()
    .where('n', '>=', v.min)
    .where('kind', 'in', [v.kind, 'always'])
    .orderBy('id'),
);

describe('precompiled', () => {
  it('binds each run’s values by name and keeps the constants the builder fixed', async () => {
    expect(await insertItem.takeFirstOrThrow(db, { n: 1, kind: 'x', id: 'a' })).toEqual({
      id: 'a',
      kind: 'x',
      n: 1,
    });
    await insertItem.execute(db, { n: 5, id: 'b', kind: 'y' });
    await insertItem.execute(db, { id: 'c', kind: 'always', n: 9 });
    await insertItem.execute(db, { id: 'd', kind: 'x', n: 7 });

    const ids = async (kind: string, min: number) =>
      (await byKind.execute(db, { kind, min })).rows.map((r) => r.id);
    expect(await ids('x', 0)).toEqual(['a', 'c', 'd']);
    expect(await ids('x', 2)).toEqual(['c', 'd']);
    expect(await ids('y', 0)).toEqual(['b', 'c']);
    expect(await byKind.takeFirst(db, { kind: 'none', min: 10 })).toBeUndefined();
  });

  it('runs inside a transaction, and a rolled-back insert is gone', async () => {
    await db
      .transaction()
      .execute(async (trx) => {
        await insertItem.execute(trx, { id: 't', kind: 'x', n: 1 });
        expect(await byKind.takeFirst(trx, { kind: 'x', min: 0 })).toMatchObject({ id: 't' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await byKind.takeFirst(db, { kind: 'x', min: 0 })).toBeUndefined();
  });

  it('throws NoResultError from takeFirstOrThrow when no row comes back', async () => {
    await expect(byKind.takeFirstOrThrow(db, { kind: 'none', min: 0 })).rejects.toBeInstanceOf(NoResultError);
  });

  it('refuses a builder that inlines a value instead of binding it', async () => {
    const inlined = precompiled((k: Kysely<Db>, v: { id: string }) =>
      k
        .selectFrom('items')
        .selectAll()
        .where(sql.raw<boolean>(`id = '${String(v.id)}'`)),
    );
    await expect(inlined.execute(db, { id: 'a' })).rejects.toThrow(/ignores id/);
  });
});
