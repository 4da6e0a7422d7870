// Moves SQLite's WAL checkpoints off the API's event loop. By default the connection that commits
// past 1000 WAL pages copies them into the database file (and fsyncs) inside that commit, blocking
// every request meanwhile: ~8 % of the API's main-thread CPU in the bench. Here the main connection
// never checkpoints (wal_autocheckpoint = 0); a worker thread with its own connection runs a
// PASSIVE checkpoint (never blocks writers or readers) every `intervalMs`. Should the worker stop,
// the main connection checkpoints for itself again, so the WAL can never grow without bound.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface Checkpointer {
  /** Stops the worker (a last checkpoint runs first); the main connection checkpoints again. */
  stop(): Promise<void>;
}

// Plain CommonJS, evaluated by the worker: no build step or loader needed under tsx or from dist.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

export async function startCheckpointer(
  database: Database.Database,
  options: {
    intervalMs?: number;
    /** Told once when the worker ends unasked (the main connection has taken checkpoints back). */
    onFailure?: (error: unknown) => void;
  } = {},
): Promise<Checkpointer> {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: database.name,
      intervalMs: options.intervalMs ?? 250,
    },
  });
  let stopping = false;
  let ended = false;
  const fallBack = () => {
    if (database.open) database.pragma('wal_autocheckpoint = 1000');
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error('the checkpoint worker ended before it started')));
  });
  database.pragma('wal_autocheckpoint = 0');
  // The store's close() stops it; an unclosed store must still let the process end.
  worker.unref();
  let failure: unknown;
  worker.on('error', (error) => {
    failure = error;
  });
  worker.on('exit', (code) => {
    ended = true;
    if (stopping) return;
    fallBack();
    options.onFailure?.(failure ?? new Error(`the checkpoint worker ended (exit code ${code})`));
  });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      fallBack();
      // Already gone (a crash): there is no exit left to wait for.
      if (ended) return;
      // Referenced again while it finishes: an unreferenced worker would not keep the process alive
      // for this wait, and a top-level await on close() would be left unsettled.
      worker.ref();
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}
