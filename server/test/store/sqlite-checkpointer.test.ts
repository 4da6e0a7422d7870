// The WAL checkpoints run in a worker thread: the main connection never checkpoints inside a
// commit while the worker runs, the database file still receives the pages, and without the worker
// the main connection takes the job back.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { openStore } from '../../src/store/open-store.js';

const dirs: string[] = [];
function walDatabase(): { db: Database.Database; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mypass-checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'store.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('create table t (id integer primary key, body text not null)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { db, path };
}
const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true });

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints in a worker thread', () => {
  it('keeps checkpoints out of commits and still copies the WAL into the database file', async () => {
    const { db, path } = walDatabase();
    const sizeBefore = statSync(path).size;
    const checkpointer = await startCheckpointer(db, { intervalMs: 20 });
    expect(autocheckpoint(db)).toBe(0);
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 3000; i++) insert.run('x'.repeat(200));
    // Only a checkpoint writes table pages into the main file; this connection no longer does.
    const by = Date.now() + 10_000;
    const copied = () => statSync(path).size > sizeBefore + 3000 * 200;
    while (!copied() && Date.now() < by) await new Promise((r) => setTimeout(r, 20));
    expect(statSync(path).size).toBeGreaterThan(sizeBefore + 3000 * 200);
    await checkpointer.stop();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });

  it('leaves the main connection checkpointing when the worker cannot start', async () => {
    const { db, path } = walDatabase();
    // The worker opens the database by its path; with the file gone it cannot.
    rmSync(path);
    await expect(startCheckpointer(db)).rejects.toThrow();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
  });

  it('is started and stopped with a file store opened for serving', async () => {
    const failures: unknown[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'mypass-checkpoint-'));
    dirs.push(dir);
    const store = await openStore(`sqlite:${join(dir, 'serve.db')}`, {
      keys: [{ id: 'k1', secret: 'checkpointer-test-key-0123456789abcdef' }],
      checkpointInBackground: { onFailure: (error) => failures.push(error) },
    });
    await store.migrate();
    await store.counters.hit('k', 60, 5);
    await store.close();
    // Closed means closed: the file is free for another connection, which sees the committed hit.
    const reader = new Database(join(dir, 'serve.db'), { readonly: true });
    expect(reader.prepare('select count from counters where key = ?').pluck().get('k')).toBe(1);
    reader.close();
    expect(failures).toEqual([]);
  });
});
