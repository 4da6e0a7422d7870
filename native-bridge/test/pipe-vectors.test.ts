// Keeps the shared pipe vectors and their written protocol consistent, independently of either
// implementation: pinned frame bytes match their payloads, and every expected code is documented.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pipeDir = path.resolve(import.meta.dirname, '../pipe');
const protocol = readFileSync(path.join(pipeDir, 'PROTOCOL.md'), 'utf8');
const vectors = JSON.parse(readFileSync(path.join(pipeDir, 'test-vectors.json'), 'utf8')) as {
  maxFrameBytes: number;
  nonce: string;
  policyToKiosk: {
    name: string;
    payload?: string;
    frameHex?: string;
    silent?: boolean;
    expect: { ok: boolean; code?: string };
  }[];
  resultToProvider: { name: string; payload: string; frameHex?: string; signInAfterReset: boolean }[];
};

function frame(payload: string): string {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]).toString('hex');
}

describe('native-bridge/pipe/test-vectors.json', () => {
  it('has unique case names and exactly one way to produce each policy frame', () => {
    const names = [...vectors.policyToKiosk, ...vectors.resultToProvider].map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of vectors.policyToKiosk) {
      const ways = [v.payload !== undefined, v.frameHex !== undefined, v.silent === true].filter(Boolean);
      expect(ways, v.name).toHaveLength(1);
    }
  });

  it('pins result frames whose bytes equal the length-prefixed payload', () => {
    for (const v of vectors.resultToProvider) {
      if (v.frameHex !== undefined) expect(v.frameHex, v.name).toBe(frame(v.payload));
      const message = JSON.parse(v.payload) as Record<string, unknown>;
      expect(message.nonce, v.name).toBe(vectors.nonce);
      if ('newPassword' in message) expect(v.signInAfterReset, v.name).toBe(true);
    }
  });

  it('covers completed with and without password, cancelled, wrong nonce, garbage, oversized and silence', () => {
    const codes = vectors.policyToKiosk.map((v) => v.expect.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'nonce_mismatch',
        'message_invalid',
        'frame_too_large',
        'pipe_timeout',
        'pipe_closed',
      ]),
    );
    const withPassword = vectors.resultToProvider.filter((v) => v.payload.includes('"newPassword"'));
    expect(withPassword).toHaveLength(1);
    expect(vectors.resultToProvider.some((v) => v.payload.includes('"cancelled"'))).toBe(true);
  });

  it('documents every error code and the frame limit in PROTOCOL.md', () => {
    for (const v of vectors.policyToKiosk)
      if (v.expect.code) expect(protocol, v.expect.code).toContain(`\`${v.expect.code}\``);
    expect(protocol).toContain(String(vectors.maxFrameBytes));
    expect(protocol).toMatch(/little-endian/);
  });
});
