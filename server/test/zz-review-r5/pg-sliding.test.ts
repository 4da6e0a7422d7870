// THROWAWAY review test (R5) — delete before finishing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testStoreDialect } from '../store/test-store.js';
import type { Store } from '../../src/store/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore({ keys: [{ id: 'k1', secret: 'test-code-key-0123456789abcdef0123456789' }], clock: { now: () => new Date() }, poolSize: 8 });
});
afterAll(async () => store.close());

describe(`R5 sliding hitEach concurrency (${testStoreDialect})`, () => {
  it('200 parallel sliding hitEach over shared keys in both orders: no deadlock, exact counts', async () => {
    const keys = Array.from({ length: 4 }, () => `c:${randomUUID()}`);
    const edge = Date.UTC(2026, 10, 28, 12, 15, 0);
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const ks = i % 2 ? [...keys].reverse() : [...keys];
      // Half just before the window's edge, half just after.
      const at = new Date(edge + (i % 4 < 2 ? -1 : 1));
      return store.counters.hitEach(ks.slice(0, 2 + (i % 3)).map((key) => ({ key, windowSeconds: 900, limit: 60 })), at, { sliding: true });
    });
    const results = await Promise.allSettled(jobs);
    const errors = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    console.log('dialect', testStoreDialect, 'errors', errors.length, errors.slice(0, 2));
    expect(errors).toEqual([]);
    const after = new Date(edge + 1);
    const before = new Date(edge - 1);
    for (const k of keys) console.log(k.slice(0, 10), 'prev window', await store.counters.peek(k, 900, before), 'current', await store.counters.peek(k, 900, after));
  });
});
