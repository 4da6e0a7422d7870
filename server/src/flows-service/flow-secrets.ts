// Flow ids, flow tokens, challenge ids and one-time codes: all from the injected CSPRNG.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './ports.js';

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

export function newFlowId(random: RandomSource): string {
  return `f_${base64url(random.bytes(16))}`;
}

/** 256 random bits (api.md asks for at least 128). */
export function newFlowToken(random: RandomSource): string {
  return base64url(random.bytes(32));
}

export function newChallengeId(random: RandomSource): string {
  return `c_${base64url(random.bytes(16))}`;
}

/** The store keeps only this (SHA-256, hex); its getWithToken compares in constant time. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Uniform decimal digits by rejection sampling (no modulo bias). */
export function newCode(random: RandomSource, length: number): string {
  let code = '';
  while (code.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

/** Constant-time equality of two strings (after normalization by the caller). */
export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
