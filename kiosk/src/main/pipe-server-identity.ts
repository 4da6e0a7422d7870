// Who is on the other end of the provider's pipe (PROTOCOL.md, "Who is on the other end").
// Windows: Node cannot call GetNamedPipeServerProcessId, so a small native helper shipped beside the
// kiosk (mypass-pipe-check.exe, built with the credential provider) opens the pipe's server process
// token and exits 0 only when its user is SYSTEM (S-1-5-18). Without the helper the check fails
// closed. Elsewhere (tests, Linux development) the Unix socket's owner must be the expected uid.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { ServerVerifier } from './provider-pipe.js';

export function unixSocketOwnerVerifier(expectedUid: number): ServerVerifier {
  return async (socketPath) => {
    try {
      const info = await stat(socketPath);
      return info.isSocket() && info.uid === expectedUid;
    } catch {
      return false;
    }
  };
}

/** Runs the native helper: exit code 0 = the pipe's server runs as SYSTEM; anything else = refuse. */
export function windowsHelperVerifier(helperPath: string, timeoutMs = 5_000): ServerVerifier {
  return (pipePath) =>
    new Promise((resolve) => {
      execFile(helperPath, [pipePath], { windowsHide: true, timeout: timeoutMs, shell: false }, (error) =>
        resolve(error === null),
      );
    });
}
