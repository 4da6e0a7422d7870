// What the screens see of a flow: a plain view model and the actions a person can take. The
// XState machine in @mypass/flows decides everything; flow-binding.ts maps its snapshots here, so
// the screens stay free of flow logic and of the machine's internals.
import type {
  DestinationProblem,
  EnrollmentRequest,
  FlowPurpose,
  Method,
  PasswordPolicy,
  PasswordViolation,
} from '@mypass/flows';

export type ScreenName =
  | 'welcome'
  | 'identify'
  | 'chooseMethod'
  | 'enterCode'
  | 'newPassword'
  | 'currentPassword'
  | 'addMethods'
  | 'confirmMethod'
  | 'done'
  | 'deadEnd';

/** A new method (enroll) waiting for the code sent to itself. */
export interface PendingMethodView {
  readonly kind: 'sms' | 'email';
  /** Masked as the server masks it (`+45 •• •• •• 78`). */
  readonly hint: string;
  readonly codeLength: number;
}

export interface EnrollmentView {
  /** The new method whose code is asked for now. */
  readonly pending?: PendingMethodView;
  /** 1-based position of `pending` among the new methods, and how many there are. */
  readonly position: number;
  readonly total: number;
  /** How many new methods were confirmed in this flow (the done screen's plural). */
  readonly confirmed: number;
  /** Hours until the new methods may be used for a reset (the policy's hold). */
  readonly holdHours?: number;
  /** Seconds until the codes may be sent again. */
  readonly resendIn: number;
  /** The gateway could not deliver the code to `pending`: offer to correct it or to send new codes. */
  readonly deliveryFailed: boolean;
  /** What was typed last (E.164 / address), so going back to correct it starts from it. */
  readonly typed: NewMethods;
  /** Why the server refused a new method, by kind (422 destination_invalid). */
  readonly refused: Readonly<Partial<Record<'sms' | 'email', DestinationProblem>>>;
}

export type NewMethods = EnrollmentRequest['methods'];

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
  readonly purpose: FlowPurpose;
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
  /** Enroll: the new methods and their confirmation. */
  readonly enrollment?: EnrollmentView;
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
  /** Enroll: the current password, after a code to a registered method. */
  submitCurrentPassword(password: string): void;
  /** Enroll: the new methods to register (each then confirmed with a code to itself). */
  submitNewMethods(methods: NewMethods): void;
  /** Enroll: the code sent to the new method shown. */
  confirmNewMethod(code: string): void;
  /** Enroll: back to the new methods, to correct a mistyped number or address. */
  changeNewMethods(): void;
}
