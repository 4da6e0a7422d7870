// Runs the shared vectors of native-bridge/pipe/test-vectors.json (the C++ side runs the same file)
// against the kiosk's pipe client over a real Unix socket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '@mypass/entra-emulator/ca';
import { parseKioskPolicy } from '../../src/main/kiosk-policy.js';
import { unixSocketOwnerVerifier } from '../../src/main/pipe-server-identity.js';
import {
  buildResultMessage,
  encodeFrame,
  maxFrameBytes,
  openProviderPipe,
  protocolVersion,
  type PipeErrorCode,
  type ResultMessage,
} from '../../src/main/provider-pipe.js';

interface PolicyVector {
  name: string;
  payload?: string;
  frameHex?: string;
  closeAfter?: boolean;
  silent?: boolean;
  expect: { ok: true } | { ok: false; code: PipeErrorCode };
}
interface ResultVector {
  name: string;
  signInAfterReset: boolean;
  input: Omit<ResultMessage, 'version' | 'nonce'>;
  payload: string;
  frameHex?: string;
}
const vectors = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../../native-bridge/pipe/test-vectors.json'), 'utf8'),
) as {
  protocolVersion: number;
  maxFrameBytes: number;
  nonce: string;
  policyToKiosk: PolicyVector[];
  resultToProvider: ResultVector[];
};

const dir = mkdtempSync(path.join(tmpdir(), 'mypass-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const testCa = createCertificateAuthority('MyPass pipe vectors CA').certPem;
const verifySelf = unixSocketOwnerVerifier(process.getuid?.() ?? 0);
let socketCounter = 0;

function frameOf(vector: { payload?: string; frameHex?: string }): Buffer {
  if (vector.frameHex !== undefined) return Buffer.from(vector.frameHex, 'hex');
  const body = Buffer.from((vector.payload ?? '').replace('"@testCa"', JSON.stringify(testCa)), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** A provider stand-in: sends `onConnect`'s bytes and collects what the kiosk writes back. */
async function provider(
  onConnect: (socket: Socket) => void,
): Promise<{ server: Server; path: string; received: Promise<Buffer> }> {
  const socketPath = path.join(dir, `p${(socketCounter += 1)}.sock`);
  let resolveReceived: (b: Buffer) => void = () => undefined;
  const received = new Promise<Buffer>((resolve) => (resolveReceived = resolve));
  const server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolveReceived(Buffer.concat(chunks)));
    socket.on('close', () => resolveReceived(Buffer.concat(chunks)));
    socket.on('error', () => undefined);
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { server, path: socketPath, received };
}

describe('the vector file', () => {
  it('matches the client constants', () => {
    expect(vectors.protocolVersion).toBe(protocolVersion);
    expect(vectors.maxFrameBytes).toBe(maxFrameBytes);
  });
});

describe('policy message (provider → kiosk)', () => {
  for (const vector of vectors.policyToKiosk) {
    it(vector.name, async () => {
      const p = await provider((socket) => {
        if (vector.silent) return;
        if (vector.closeAfter) socket.end(frameOf(vector));
        else socket.write(frameOf(vector));
      });
      const opened = await openProviderPipe({
        path: p.path,
        nonce: vectors.nonce,
        verifyServer: verifySelf,
        timeoutMs: 500,
      });
      p.server.close();
      if (vector.expect.ok) {
        expect(opened.ok).toBe(true);
        if (!opened.ok) return;
        const policy = parseKioskPolicy(opened.value.policyInput);
        expect(policy.ok).toBe(true);
        opened.value.close();
      } else {
        expect(opened).toEqual({ ok: false, code: vector.expect.code });
      }
    });
  }

  it('refuses a server that fails the identity check before reading anything', async () => {
    const p = await provider((socket) => socket.write(frameOf(vectors.policyToKiosk[0] ?? {})));
    const opened = await openProviderPipe({
      path: p.path,
      nonce: vectors.nonce,
      verifyServer: unixSocketOwnerVerifier((process.getuid?.() ?? 0) + 1),
    });
    p.server.close();
    expect(opened).toEqual({ ok: false, code: 'server_not_trusted' });
  });

  it('reports an unreachable pipe', async () => {
    const opened = await openProviderPipe({
      path: path.join(dir, 'nobody-home.sock'),
      nonce: vectors.nonce,
      verifyServer: async () => true,
    });
    expect(opened).toEqual({ ok: false, code: 'pipe_unreachable' });
  });
});

describe('result message (kiosk → provider)', () => {
  for (const vector of vectors.resultToProvider) {
    it(vector.name, async () => {
      const p = await provider((socket) => socket.write(frameOf(vectors.policyToKiosk[0] ?? {})));
      const opened = await openProviderPipe({ path: p.path, nonce: vectors.nonce, verifyServer: verifySelf });
      if (!opened.ok) throw new Error(opened.code);
      expect(await opened.value.sendResult(vector.input, vector.signInAfterReset)).toEqual({
        ok: true,
        value: undefined,
      });
      const bytes = await p.received;
      p.server.close();
      expect(bytes.readUInt32LE(0)).toBe(bytes.length - 4);
      expect(bytes.subarray(4).toString('utf8')).toBe(vector.payload);
      if (vector.frameHex !== undefined) expect(bytes.toString('hex')).toBe(vector.frameHex);
      // One result only.
      expect(await opened.value.sendResult(vector.input, vector.signInAfterReset)).toEqual({
        ok: false,
        code: 'write_failed',
      });
    });
  }
});

describe('buildResultMessage', () => {
  it('drops the password unless sign-in after reset is on and the reset completed', () => {
    const input = { outcome: 'completed', purpose: 'reset', newPassword: 'x-Secret-1' } as const;
    expect(buildResultMessage(vectors.nonce, input, false)).not.toHaveProperty('newPassword');
    expect(buildResultMessage(vectors.nonce, { ...input, outcome: 'error' }, true)).not.toHaveProperty(
      'newPassword',
    );
    expect(buildResultMessage(vectors.nonce, input, true).newPassword).toBe('x-Secret-1');
  });
  it('encodeFrame refuses bodies over the limit', () => {
    expect(() => encodeFrame({ pad: 'x'.repeat(maxFrameBytes) })).toThrow(RangeError);
  });
});
