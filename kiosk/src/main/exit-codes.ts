// The kiosk's process exit codes. The credential provider reads them when the pipe carried no result
// (kiosk crashed, refused to start), and an Assigned Access shell restarts on any of them.
export const exitCodes = {
  /** The person finished the flow (password reset or methods enrolled). */
  completed: 0,
  /** The person cancelled. */
  cancelled: 1,
  /** Inactivity wiped the flow, or the kiosk outlived its policy timeout. */
  timeout: 2,
  /** Policy missing or invalid (server URL not https, no CA, bad pipe handshake). */
  configurationError: 3,
  /** A debugging switch (`--inspect*`, `--remote-debugging-*`, `--js-flags`) was on the command line. */
  refusedArguments: 4,
  /** Another kiosk instance already runs (single-instance lock). */
  alreadyRunning: 5,
  /** The pipe server is not the credential provider (identity check failed) or broke the protocol. */
  pipeRejected: 6,
  /** Anything else: the renderer crashed, an unexpected exception. */
  internalError: 70,
} as const;

export type ExitReason = keyof typeof exitCodes;
