// Main learns how a person's flow ended from the API exchanges it carries for the renderer, so the
// bridge needs no "report outcome" call that a compromised page could fake: only the server's own
// answers (a 200 to setPassword/enroll, a 204 to cancelFlow) move the outcome.
import type { BridgeResponse } from './pinned-https-transport.js';

export type FlowEnd =
  | {
      readonly outcome: 'completed';
      readonly purpose: 'reset' | 'enroll';
      readonly userName?: string;
      readonly newPassword?: string;
    }
  | { readonly outcome: 'cancelled'; readonly purpose: 'reset' | 'enroll'; readonly userName?: string };

export interface FlowOutcomeTracker {
  observe(op: unknown, params: unknown, response: BridgeResponse): void;
  /** The purpose of the last flow started, for timeout/error results. */
  readonly purpose: 'reset' | 'enroll';
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

export function createFlowOutcomeTracker(onEnd: (end: FlowEnd) => void): FlowOutcomeTracker {
  let purpose: 'reset' | 'enroll' = 'reset';
  let userName: string | undefined;
  return {
    get purpose() {
      return purpose;
    },
    observe(op, params, response) {
      const body = field(params, 'body');
      if (op === 'startFlow' && response.status === 201) {
        const requested = field(body, 'purpose');
        purpose = requested === 'enroll' ? 'enroll' : 'reset';
        const name = field(body, 'username');
        userName = typeof name === 'string' ? name : undefined;
        return;
      }
      const who = userName !== undefined ? { userName } : {};
      if (op === 'setPassword' && response.status === 200) {
        const newPassword = field(body, 'newPassword');
        onEnd({
          outcome: 'completed',
          purpose: 'reset',
          ...who,
          ...(typeof newPassword === 'string' ? { newPassword } : {}),
        });
      } else if (op === 'enroll' && response.status === 200) {
        onEnd({ outcome: 'completed', purpose: 'enroll', ...who });
      } else if (op === 'cancelFlow' && response.status === 204) {
        onEnd({ outcome: 'cancelled', purpose, ...who });
      }
    },
  };
}
