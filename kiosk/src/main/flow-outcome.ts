// Main learns how a person's flow ended from the API exchanges it carries for the renderer, so the
// bridge needs no "report outcome" call that a compromised page could fake: only the server's own
// answers (a 200 to setPassword, a `completed` 200 to confirmEnrollment, a 204 to cancelFlow) move the outcome.
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
  /** The user name typed at the start of the last flow, if any. */
  readonly userName: string | undefined;
  /** The flow the server still holds open (started, not yet completed or cancelled), for leave(). */
  readonly openFlow: { readonly flowId: string; readonly flowToken: string } | undefined;
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

export function createFlowOutcomeTracker(onEnd: (end: FlowEnd) => void): FlowOutcomeTracker {
  let purpose: 'reset' | 'enroll' = 'reset';
  let userName: string | undefined;
  let openFlow: { flowId: string; flowToken: string } | undefined;
  return {
    get purpose() {
      return purpose;
    },
    get userName() {
      return userName;
    },
    get openFlow() {
      return openFlow;
    },
    observe(op, params, response) {
      const body = field(params, 'body');
      if (op === 'startFlow' && response.status === 201) {
        const requested = field(body, 'purpose');
        purpose = requested === 'enroll' ? 'enroll' : 'reset';
        const name = field(body, 'username');
        userName = typeof name === 'string' ? name : undefined;
        const flowId = field(response.body, 'flowId');
        const flowToken = field(response.body, 'flowToken');
        openFlow =
          typeof flowId === 'string' && typeof flowToken === 'string' ? { flowId, flowToken } : undefined;
        return;
      }
      const who = userName !== undefined ? { userName } : {};
      // An enrollment ends when the last new method is confirmed (the 202 to enroll only sends codes).
      const enrolled =
        op === 'confirmEnrollment' &&
        response.status === 200 &&
        field(response.body, 'state') === 'completed';
      if (
        ((op === 'setPassword' || op === 'cancelFlow') &&
          (response.status === 200 || response.status === 204)) ||
        enrolled
      ) {
        openFlow = undefined;
      }
      if (op === 'setPassword' && response.status === 200) {
        const newPassword = field(body, 'newPassword');
        onEnd({
          outcome: 'completed',
          purpose: 'reset',
          ...who,
          ...(typeof newPassword === 'string' ? { newPassword } : {}),
        });
      } else if (enrolled) {
        onEnd({ outcome: 'completed', purpose: 'enroll', ...who });
      } else if (op === 'cancelFlow' && response.status === 204) {
        onEnd({ outcome: 'cancelled', purpose, ...who });
      }
    },
  };
}

export interface LeaveDeps {
  readonly runMode: 'tile' | 'standing';
  readonly tracker: FlowOutcomeTracker;
  /** Main's own API transport (not the bridge): the DELETE needs no page involvement. */
  request(op: 'cancelFlow', params: { flowId: string; flowToken: string }): Promise<BridgeResponse>;
  finish(end: FlowEnd): void;
}

/**
 * The person's "Back to sign-in" in a tile-launched kiosk: cancel any flow the server still holds,
 * then end the run as `cancelled`. Refused (false) in standing mode, where the kiosk never exits,
 * and after the first call, so a page calling twice cannot send two results.
 */
export function createLeaveHandler(deps: LeaveDeps): () => Promise<boolean> {
  let left = false;
  return async () => {
    if (deps.runMode !== 'tile' || left) return false;
    left = true;
    const open = deps.tracker.openFlow;
    if (open) {
      // A failed DELETE still ends the run: the flow expires on the server by itself.
      await deps
        .request('cancelFlow', { flowId: open.flowId, flowToken: open.flowToken })
        .catch(() => undefined);
    }
    // Only a flow still open names the person; from the welcome screen nobody has typed a name.
    const userName = open ? deps.tracker.userName : undefined;
    deps.finish({
      outcome: 'cancelled',
      purpose: deps.tracker.purpose,
      ...(userName !== undefined ? { userName } : {}),
    });
    return true;
  };
}
