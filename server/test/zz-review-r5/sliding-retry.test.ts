// THROWAWAY review test (R5) — delete before finishing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../store/test-store.js';
import type { Store } from '../../src/store/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore({ keys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }], clock: { now: () => new Date() } });
});
afterAll(async () => store.close());

async function setup(windowSeconds: number, limit: number, prev: number, cur: number, now: Date) {
  const key = `r5:${randomUUID()}`;
  const size = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  if (prev > 0) await store.counters.hitEach([{ key, windowSeconds, limit: 1e9 }], new Date(start - size), { weight: prev });
  if (cur > 0) await store.counters.hitEach([{ key, windowSeconds, limit: 1e9 }], new Date(start), { weight: cur });
  const [hit] = await store.counters.hitEach([{ key, windowSeconds, limit }], now, { sliding: true });
  return { key, hit: hit! };
}

describe('R5 decideHit retryAfter', () => {
  it('is never too short nor needlessly long', async () => {
    const base = Date.UTC(2026, 10, 28, 12, 0, 0);
    const tooShort: string[] = [];
    const tooLong: string[] = [];
    let refused = 0;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const W of [1, 7, 60, 900, 3600]) {
      for (const L of [1, 2, 3, 5, 60]) {
        for (let trial = 0; trial < 60; trial++) {
          const prev = Math.floor(rnd() * 3 * L);
          const cur = Math.floor(rnd() * 2 * L);
          const size = W * 1000;
          const off = trial === 0 ? 0 : trial === 1 ? size - 1 : Math.floor(rnd() * size);
          const now = new Date(Math.floor(base / size) * size + off);
          const { hit } = await setup(W, L, prev, cur, now);
          if (hit.allowed) continue;
          refused++;
          const ra = hit.retryAfter;
          // Retry exactly at Retry-After, on a copy of the same history.
          const at = new Date(now.getTime() + ra * 1000);
          const copy = await setup(W, L, prev, cur, now);
          const [retry] = await store.counters.hitEach([{ key: copy.key, windowSeconds: W, limit: L }], at, { sliding: true });
          if (!retry!.allowed) tooShort.push(`W=${W} L=${L} prev=${prev} cur=${cur} off=${off} ra=${ra}`);
          if (ra > 1) {
            const early = new Date(now.getTime() + (ra - 1) * 1000);
            const copy2 = await setup(W, L, prev, cur, now);
            const [e] = await store.counters.hitEach([{ key: copy2.key, windowSeconds: W, limit: L }], early, { sliding: true });
            if (e!.allowed) tooLong.push(`W=${W} L=${L} prev=${prev} cur=${cur} off=${off} ra=${ra}`);
          }
        }
      }
    }
    console.log('refused', refused, 'too short', tooShort.length, tooShort.slice(0, 8), 'too long (1s early allowed)', tooLong.length, tooLong.slice(0, 8));
    expect(refused).toBeGreaterThan(100);
  });
});
