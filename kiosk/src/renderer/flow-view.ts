// What the screens see of a flow: a plain view model and the actions a person can take. The
// XState machine in @mypass/flows decides everything; flow-binding.ts maps its snapshots here, so
// the screens stay free of flow logic and of the machine's internals.
import type { Method, PasswordPolicy, PasswordViolation } from '@mypass/flows';

export type ScreenName =
  'welcome' | 'identify' | 'chooseMethod' | 'enterCode' | 'newPassword' | 'done' | 'deadEnd';

/** A localized message: an i18n key (`errors.<code>`…) with its count for plurals. */
export interface FlowMessage {
  readonly key: string;
  readonly count?: number;
}

export interface ChallengeView {
  readonly method: Method;
  readonly codeLength: number;
  /** Seconds until "send a new code" is allowed. */
  readonly resendIn: number;
  /** The gateway reported that delivery failed: offer another method. */
  readonly deliveryFailed: boolean;
}

export interface FlowView {
  readonly screen: ScreenName;
  /** A request is in flight: buttons are disabled so nothing is sent twice. */
  readonly busy: boolean;
  readonly message?: FlowMessage;
  readonly username: string;
  readonly methods: readonly Method[];
  /** Methods already proven in this flow (not offered again). */
  readonly verified: readonly string[];
  /** Set after a verification when the policy needs more methods. */
  readonly methodsRemaining?: number;
  readonly challenge?: ChallengeView;
  readonly policy?: PasswordPolicy;
  /** Rules the server or the directory rejected the last password for. */
  readonly violations: readonly PasswordViolation[];
  /** The in-page "Stop and clear the screen?" panel is open. */
  readonly confirmingCancel: boolean;
  /** "Are you still there?" is showing; seconds until everything is wiped. */
  readonly stillThereIn?: number;
  /** The directory could not be reached: seconds until the same step may be retried. */
  readonly retryIn?: number;
}

export interface FlowActions {
  start(): void;
  submitUsername(username: string): void;
  chooseMethod(methodId: string, confirm: string): void;
  submitCode(code: string): void;
  resend(): void;
  otherMethod(): void;
  submitPassword(newPassword: string): void;
  /** Opens the cancel panel (or, on welcome, does nothing). */
  cancel(): void;
  confirmCancel(): void;
  keepGoing(): void;
  stillHere(): void;
  finish(): void;
  /** Any touch, click or key press: restarts the inactivity timer. */
  activity(): void;
  /** The new password as typed (the machine evaluates it and counts it as activity). */
  passwordInput(password: string): void;
  retry(): void;
}
