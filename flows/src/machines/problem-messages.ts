// How the machines answer each problem code: a state to go to, or a message shown where the user is.
// Machines carry message keys (locales/<tag>/ui.json), never English text.
import type { ProblemCode } from '../contract.js';

/** `errors.<code>`: the UI text key of a problem code (plural forms are chosen by i18next from `count`). */
export function problemMessageKey(code: ProblemCode): `errors.${ProblemCode}` {
  return `errors.${code}`;
}

export type ProblemHandling =
  /** Stay on (or go back to) the step's input and show the message; the user may retry. */
  | { kind: 'message' }
  /** The flow is gone: say so and offer to start again. */
  | { kind: 'state'; state: 'expired' }
  /** The flow is dead: a dead end that only offers to start again. */
  | { kind: 'state'; state: 'attemptsExhausted' }
  /** The directory is unreachable while setting the password: wait retryAfter seconds, then retry. (On other
   * steps the user stays where they are with the message and its retryAfter.) */
  | { kind: 'state'; state: 'directoryUnavailable' }
  /** Back to the code entry with the message (wrong or expired code). */
  | { kind: 'state'; state: 'enterCode' }
  /** Back to choosing a method with the message. */
  | { kind: 'state'; state: 'chooseMethod' }
  /** Back to the new password with the server's violations (only setPassword answers it). */
  | { kind: 'state'; state: 'newPassword' };

/** Every problem code of the contract, exhaustively (the type makes a missing code a compile error). */
export const problemHandling: Readonly<Record<ProblemCode, ProblemHandling>> = {
  invalid_request: { kind: 'message' },
  payload_too_large: { kind: 'message' },
  unsupported_media_type: { kind: 'message' },
  not_found: { kind: 'message' },
  method_not_allowed: { kind: 'message' },
  flow_not_found: { kind: 'state', state: 'expired' },
  rate_limited: { kind: 'message' },
  resend_too_soon: { kind: 'message' },
  too_many_challenges: { kind: 'state', state: 'chooseMethod' },
  method_not_available: { kind: 'state', state: 'chooseMethod' },
  code_invalid: { kind: 'state', state: 'enterCode' },
  code_expired: { kind: 'state', state: 'enterCode' },
  attempts_exhausted: { kind: 'state', state: 'attemptsExhausted' },
  password_invalid: { kind: 'message' },
  // The 5-minute verified window has passed: the flow cannot finish any more.
  flow_not_verified: { kind: 'state', state: 'expired' },
  password_policy: { kind: 'state', state: 'newPassword' },
  // Enroll: a new number or address was refused; the add-methods screen shows why (invalidMethods).
  destination_invalid: { kind: 'message' },
  directory_unavailable: { kind: 'state', state: 'directoryUnavailable' },
  service_unavailable: { kind: 'message' },
  internal_error: { kind: 'message' },
  network_error: { kind: 'message' },
  certificate_error: { kind: 'message' },
};

export type ProblemState = Extract<ProblemHandling, { kind: 'state' }>['state'];

/** The codes that send the machine to `state` (the machines route by this table, so it cannot drift). */
export function codesHandledBy(state: ProblemState): ProblemCode[] {
  return (Object.keys(problemHandling) as ProblemCode[]).filter((code) => {
    const handling = problemHandling[code];
    return handling.kind === 'state' && handling.state === state;
  });
}
