import { describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../src/flows-service/crypto-random.js';
import {
  hashToken,
  newChallengeId,
  newCode,
  newFlowId,
  newFlowToken,
} from '../../src/flows-service/flow-secrets.js';
import { decoyMethods } from '../../src/flows-service/decoy-methods.js';

describe('flow secrets', () => {
  it('makes tokens of at least 128 random bits, base64url, and stores only their hash', () => {
    const token = newFlowToken(cryptoRandom);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
    expect(new Set(Array.from({ length: 1000 }, () => newFlowToken(cryptoRandom))).size).toBe(1000);
    expect(newFlowId(cryptoRandom)).toMatch(/^f_[A-Za-z0-9_-]{22}$/);
    expect(newChallengeId(cryptoRandom)).toMatch(/^c_[A-Za-z0-9_-]{22}$/);
  });

  it('draws code digits without bias (rejection sampling)', () => {
    // A source that always answers 255 would bias a modulo; rejection must skip it.
    let calls = 0;
    const biased = { bytes: (n: number) => new Uint8Array(n).fill(calls++ === 0 ? 255 : 7) };
    expect(newCode(biased, 6)).toBe('777777');
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++)
      for (const d of newCode(cryptoRandom, 6)) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
    for (const c of counts) expect(c).toBeGreaterThan(2400);
  });
});

describe('decoy methods', () => {
  it('are stable per name and key, vary with the name and the key, and have real hint forms', () => {
    const key = 'k'.repeat(32);
    const a = decoyMethods(key, 'nobody@contoso.example', 'DK');
    expect(decoyMethods(key, 'nobody@contoso.example', 'DK')).toEqual(a);
    expect(decoyMethods('x'.repeat(32), 'nobody@contoso.example', 'DK')).not.toEqual(a);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      for (const m of decoyMethods(key, `user${i}@contoso.example`, 'DK')) {
        seen.add(m.hint);
        if (m.kind === 'sms') expect(m.hint).toMatch(/^\+45 •• •• •• \d\d$/);
        else expect(m.hint).toMatch(/^[a-z]•••@[a-z]•••\.[a-z]+$/);
      }
    }
    expect(seen.size).toBeGreaterThan(30);
  });

  it('draw some numbers from the rest of the SMS allow-list, so a foreign number proves nothing', () => {
    const key = 'k'.repeat(32);
    const prefixes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      for (const m of decoyMethods(key, `user${i}@contoso.example`, 'DK', ['DK', 'GB', 'US', 'SA'])) {
        if (m.kind !== 'sms') continue;
        const prefix = /^\+(\d+) /.exec(m.hint)?.[1] ?? '';
        prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
        expect(m.destination.startsWith(`+${prefix}`)).toBe(true);
      }
    }
    // Denmark most of the time; each other allowed country too, and nothing outside the list.
    expect([...prefixes.keys()].sort()).toEqual(['1', '44', '45', '966']);
    const total = [...prefixes.values()].reduce((a, b) => a + b, 0);
    expect((prefixes.get('45') ?? 0) / total).toBeGreaterThan(0.55);
    expect((prefixes.get('45') ?? 0) / total).toBeLessThan(0.85);
  });
});
