// Authenticode signing and verification of MyPass's Windows files (PE executables and DLLs, the MSI)
// with osslsigncode. The key reaches osslsigncode as a file path; its password only through a 0600
// file (-readpass), never on a command line (visible to every process) or in an error message.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type SigningKey =
  | { readonly kind: 'pkcs12'; readonly pkcs12Path: string; readonly password?: string | undefined }
  | {
      readonly kind: 'pem';
      readonly certPath: string;
      readonly keyPath: string;
      readonly password?: string | undefined;
    };

export interface SigningOptions {
  readonly key: SigningKey;
  /** RFC 3161 time-stamp server; without one a signature is only valid while the certificate is. */
  readonly timestampUrl?: string | undefined;
  /** Shown by Windows as the signed content's name ("MyPass"). */
  readonly description?: string | undefined;
  readonly url?: string | undefined;
}

export type AuthenticodeErrorCode =
  'SIGNING_KEY_INCOMPLETE' | 'SIGNING_KEY_AMBIGUOUS' | 'SIGN_FAILED' | 'NOT_SIGNABLE';

/** A signing failure with a stable code; the message never carries the key's password. */
export class AuthenticodeError extends Error {
  constructor(
    readonly code: AuthenticodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticodeError';
  }
}

export type EnvSigning =
  | { readonly ok: true; readonly options: SigningOptions | undefined }
  | { readonly ok: false; readonly code: AuthenticodeErrorCode; readonly message: string };

/**
 * The build's signing key from the environment (undefined options: sign nothing):
 *   MYPASS_SIGN_PKCS12=<file.p12|.pfx>                    or
 *   MYPASS_SIGN_CERT=<chain.pem> MYPASS_SIGN_KEY=<key.pem>
 *   MYPASS_SIGN_PASSWORD=<key password> (optional), MYPASS_SIGN_TIMESTAMP_URL=<RFC 3161 URL> (optional)
 */
export function signingOptionsFromEnv(env: NodeJS.ProcessEnv): EnvSigning {
  const pkcs12Path = env.MYPASS_SIGN_PKCS12 || undefined;
  const certPath = env.MYPASS_SIGN_CERT || undefined;
  const keyPath = env.MYPASS_SIGN_KEY || undefined;
  const password = env.MYPASS_SIGN_PASSWORD || undefined;
  const timestampUrl = env.MYPASS_SIGN_TIMESTAMP_URL || undefined;
  const common = { timestampUrl, description: 'MyPass', url: env.MYPASS_SIGN_URL || undefined };
  if (pkcs12Path && (certPath || keyPath)) {
    return {
      ok: false,
      code: 'SIGNING_KEY_AMBIGUOUS',
      message: 'Set either MYPASS_SIGN_PKCS12 or MYPASS_SIGN_CERT with MYPASS_SIGN_KEY, not both',
    };
  }
  if (pkcs12Path) return { ok: true, options: { ...common, key: { kind: 'pkcs12', pkcs12Path, password } } };
  if (certPath && keyPath) {
    return { ok: true, options: { ...common, key: { kind: 'pem', certPath, keyPath, password } } };
  }
  if (certPath || keyPath || password || timestampUrl) {
    return {
      ok: false,
      code: 'SIGNING_KEY_INCOMPLETE',
      message: 'Signing needs MYPASS_SIGN_PKCS12, or both MYPASS_SIGN_CERT and MYPASS_SIGN_KEY',
    };
  }
  return { ok: true, options: undefined };
}

interface RunResult {
  readonly code: number;
  readonly output: string;
}

function runOsslsigncode(args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('osslsigncode', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The PE and MSI files Authenticode covers, by name. */
export function isSignableName(file: string): boolean {
  return /\.(exe|dll|node|msi|sys)$/i.test(file);
}

/** Signs a file in place (SHA-256). The output goes to a temporary file and replaces the input. */
export async function signFile(file: string, options: SigningOptions): Promise<void> {
  if (!isSignableName(file)) throw new AuthenticodeError('NOT_SIGNABLE', `Not a PE or MSI file: ${file}`);
  const secrets = await mkdtemp(path.join(tmpdir(), 'mypass-sign-'));
  try {
    const args = ['sign', '-h', 'sha256'];
    const { key } = options;
    if (key.kind === 'pkcs12') args.push('-pkcs12', key.pkcs12Path);
    else args.push('-certs', key.certPath, '-key', key.keyPath);
    if (key.password !== undefined) {
      const passFile = path.join(secrets, 'pass');
      await writeFile(passFile, key.password, { mode: 0o600 });
      args.push('-readpass', passFile);
    }
    if (options.description) args.push('-n', options.description);
    if (options.url) args.push('-i', options.url);
    if (options.timestampUrl) args.push('-ts', options.timestampUrl);
    const signed = path.join(path.dirname(file), `.${path.basename(file)}.signing`);
    args.push('-in', file, '-out', signed);
    const result = await runOsslsigncode(args);
    if (result.code !== 0) {
      await rm(signed, { force: true });
      throw new AuthenticodeError(
        'SIGN_FAILED',
        `osslsigncode could not sign ${file}: ${lastLines(result.output)}`,
      );
    }
    // Keep the original's mode (an executable stays executable on the build host).
    await chmod(signed, (await stat(file)).mode & 0o777);
    await rename(signed, file);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

export interface VerifyResult {
  readonly ok: boolean;
  /** osslsigncode's report (signer, digests, the reason for a failure). */
  readonly output: string;
}

/** Verifies a file's Authenticode signature against the given roots (no CRL or network look-ups). */
export async function verifyFile(file: string, options: { readonly caFile: string }): Promise<VerifyResult> {
  const result = await runOsslsigncode(['verify', '-CAfile', options.caFile, '-ignore-cdp', '-in', file]);
  return {
    ok: result.code === 0 && /Signature verification: ok/i.test(result.output),
    output: result.output,
  };
}

/** Whether the file carries any Authenticode signature (valid or not); used to keep vendors' signatures. */
export async function hasSignature(file: string): Promise<boolean> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'mypass-sig-'));
  try {
    const result = await runOsslsigncode([
      'extract-signature',
      '-in',
      file,
      '-out',
      path.join(scratch, 'sig'),
    ]);
    return result.code === 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Whether a file starts like a PE image ("MZ"); a stand-in resource file is not one. */
export async function isPortableExecutable(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return bytesRead === 2 && buffer.toString('latin1') === 'MZ';
  } finally {
    await handle.close();
  }
}

function lastLines(output: string): string {
  return output.trim().split(/\r?\n/).slice(-3).join(' | ');
}
