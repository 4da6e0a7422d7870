// Answers no sooner than a floor after the request arrived, success or error alike (T2): the real
// path (directory look-up, store writes) and the decoy path then take the same time from outside.
import { setTimeout as sleep } from 'node:timers/promises';

export async function withTimingFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const left = floorMs - (performance.now() - started);
    if (left > 0) await sleep(left);
  }
}
