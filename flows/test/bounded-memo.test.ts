import { describe, expect, it } from 'vitest';
import { boundedMemo } from '../src/bounded-memo.js';

describe('boundedMemo', () => {
  it('computes each key once while it is remembered, null and undefined results included', () => {
    const calls: string[] = [];
    const memo = boundedMemo(3, (key) => {
      calls.push(key);
      return key === 'none' ? null : key.length;
    });
    expect([memo('abc'), memo('abc'), memo('none'), memo('none')]).toEqual([3, 3, null, null]);
    expect(calls).toEqual(['abc', 'none']);
  });

  it('forgets the oldest key once it holds `capacity` results', () => {
    const calls: string[] = [];
    const memo = boundedMemo(2, (key) => calls.push(key));
    memo('a');
    memo('b');
    memo('c'); // forgets a
    memo('b');
    memo('a'); // computed again, forgets b
    memo('b');
    expect(calls).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
});
