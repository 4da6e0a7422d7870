// The kiosk's end of the credential provider's pipe (native-bridge/pipe/PROTOCOL.md): read one policy
// message, check its nonce, and later write one result message. Plain Node `net`: a named pipe on
// Windows, a Unix socket in tests. Every failure is a value with a stable code; nothing is logged here.
import { timingSafeEqual } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { z } from 'zod';

export const protocolVersion = 1;
export const maxFrameBytes = 64 * 1024;
export const policyWaitMs = 10_000;

export type PipeErrorCode =
  | 'pipe_unreachable'
  | 'server_not_trusted'
  | 'pipe_timeout'
  | 'pipe_closed'
  | 'frame_too_large'
  | 'message_invalid'
  | 'nonce_mismatch'
  | 'write_failed';

export type PipeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: PipeErrorCode };

export const outcomeSchema = z.enum(['completed', 'cancelled', 'timeout', 'error']);
export type Outcome = z.infer<typeof outcomeSchema>;

const policyMessageSchema = z.strictObject({
  version: z.literal(protocolVersion),
  nonce: z.string().min(16).max(128),
  policy: z.record(z.string(), z.unknown()),
});

export const resultMessageSchema = z.strictObject({
  version: z.literal(protocolVersion),
  nonce: z.string().min(16).max(128),
  outcome: outcomeSchema,
  purpose: z.enum(['reset', 'enroll']),
  userName: z.string().min(1).max(256).optional(),
  newPassword: z.string().min(1).max(256).optional(),
});
export type ResultMessage = z.infer<typeof resultMessageSchema>;

/** A frame: 4-byte little-endian unsigned length, then that many bytes of UTF-8 JSON. */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length === 0 || body.length > maxFrameBytes) throw new RangeError('frame size out of range');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

function sameNonce(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Decodes the policy message's body (already de-framed); the policy itself is validated by the caller. */
export function decodePolicyMessage(
  body: Buffer,
  expectedNonce: string,
): PipeResult<Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, code: 'message_invalid' };
  }
  const parsed = policyMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'message_invalid' };
  if (!sameNonce(parsed.data.nonce, expectedNonce)) return { ok: false, code: 'nonce_mismatch' };
  return { ok: true, value: parsed.data.policy };
}

/** Reads exactly one frame from a socket, enforcing the size limit before buffering the body. */
function readOneFrame(socket: Socket, timeoutMs: number): Promise<PipeResult<Buffer>> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    let done = false;
    const finish = (result: PipeResult<Buffer>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'pipe_timeout' }), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4) return;
      const length = buffered.readUInt32LE(0);
      if (length === 0 || length > maxFrameBytes) return finish({ ok: false, code: 'frame_too_large' });
      if (buffered.length < 4 + length) return;
      finish({ ok: true, value: buffered.subarray(4, 4 + length) });
    };
    const onEnd = (): void => finish({ ok: false, code: 'pipe_closed' });
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onEnd);
  });
}

/**
 * Checks that the pipe's server is the credential provider running as SYSTEM. Node cannot ask
 * Windows for a pipe server's process (GetNamedPipeServerProcessId), so on Windows this is a small
 * native helper (PROTOCOL.md, "Who is on the other end"); off Windows the socket's owner is checked.
 */
export type ServerVerifier = (pipePath: string) => Promise<boolean>;

export interface ProviderPipe {
  /** The raw policy values (validate with kioskPolicySchema). */
  readonly policyInput: Record<string, unknown>;
  /** Sends the one result message and closes the pipe. A second call fails with write_failed. */
  sendResult(
    result: Omit<ResultMessage, 'version' | 'nonce'>,
    signInAfterReset: boolean,
  ): Promise<PipeResult<void>>;
  close(): void;
}

export interface OpenPipeOptions {
  readonly path: string;
  readonly nonce: string;
  readonly verifyServer: ServerVerifier;
  readonly timeoutMs?: number;
}

/** The result message as sent: the new password only for a completed reset with "sign in after reset" on. */
export function buildResultMessage(
  nonce: string,
  result: Omit<ResultMessage, 'version' | 'nonce'>,
  signInAfterReset: boolean,
): ResultMessage {
  const sendPassword =
    signInAfterReset &&
    result.outcome === 'completed' &&
    result.purpose === 'reset' &&
    result.newPassword !== undefined;
  return {
    version: protocolVersion,
    nonce,
    outcome: result.outcome,
    purpose: result.purpose,
    ...(result.userName !== undefined ? { userName: result.userName } : {}),
    ...(sendPassword ? { newPassword: result.newPassword } : {}),
  };
}

export async function openProviderPipe(options: OpenPipeOptions): Promise<PipeResult<ProviderPipe>> {
  let trusted: boolean;
  try {
    trusted = await options.verifyServer(options.path);
  } catch {
    trusted = false;
  }
  if (!trusted) return { ok: false, code: 'server_not_trusted' };
  const socket = connect(options.path);
  const connected = await new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
  });
  if (!connected) {
    socket.destroy();
    return { ok: false, code: 'pipe_unreachable' };
  }
  const frame = await readOneFrame(socket, options.timeoutMs ?? policyWaitMs);
  if (!frame.ok) {
    socket.destroy();
    return frame;
  }
  const policy = decodePolicyMessage(frame.value, options.nonce);
  if (!policy.ok) {
    socket.destroy();
    return policy;
  }
  let sent = false;
  return {
    ok: true,
    value: {
      policyInput: policy.value,
      sendResult: (result, signInAfterReset) =>
        new Promise((resolve) => {
          if (sent || socket.destroyed) return resolve({ ok: false, code: 'write_failed' });
          sent = true;
          let frameBytes: Buffer;
          try {
            frameBytes = encodeFrame(buildResultMessage(options.nonce, result, signInAfterReset));
          } catch {
            return resolve({ ok: false, code: 'write_failed' });
          }
          socket.end(frameBytes, () => resolve({ ok: true, value: undefined }));
          socket.once('error', () => resolve({ ok: false, code: 'write_failed' }));
        }),
      close: () => socket.destroy(),
    },
  };
}
