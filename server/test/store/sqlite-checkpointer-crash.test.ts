// A checkpoint worker that dies (an SQLite I/O error or out of memory ends it like this) is
// reported once, the main connection checkpoints again, and stopping afterwards still settles,
// so `mypass serve` shuts down cleanly. The real Worker class is only captured, to end it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as WorkerThreads from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';

const workers = vi.hoisted(() => [] as { terminate(): Promise<number> }[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof WorkerThreads>();
  class CapturedWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      workers.push(this);
    }
  }
  return { ...original, Worker: CapturedWorker };
});

const { startCheckpointer } = await import('../../src/store/sqlite-checkpointer.js');
const dir = mkdtempSync(join(tmpdir(), 'mypass-checkpoint-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a checkpoint worker that dies', () => {
  it('is reported once, hands checkpoints back, and stop() still settles', async () => {
    const db = new Database(join(dir, 'store.db'));
    db.pragma('journal_mode = WAL');
    const failures: unknown[] = [];
    const checkpointer = await startCheckpointer(db, { onFailure: (error) => failures.push(error) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(workers).toHaveLength(1);
    await workers[0]?.terminate();
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await expect(
      Promise.race([
        checkpointer.stop().then(() => 'settled'),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 3000)),
      ]),
    ).resolves.toBe('settled');
    expect(failures).toHaveLength(1);
    db.close();
  });
});
