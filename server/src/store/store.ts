// The port between the MyPass API and its state: flows, challenges, counters, the outbox and the
// audit. One interface, two dialects (SQLite for one node, PostgreSQL for several): every state
// change that must hold under concurrent requests is a single conditional statement, a
// compare-and-set or a transaction, never an unguarded read-then-write (architecture.md "Server-side flow state").
//
// Nothing secret is stored in clear text (threat-model.md T8): flow tokens as SHA-256, codes as
// keyed HMACs with a key id, identifiers and destinations as keyed lookup hashes, outbox payloads
// encrypted with AES-256-GCM and blanked once sent.
import type { CodeKeyConfig, CodeKeyring } from './code-keyring.js';
import type { MaintenanceRepository } from './maintenance-repository.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type FlowPurpose = 'reset' | 'enroll';

/** Flow states as the API reports them, plus the terminal ones the store records. */
export type FlowState = 'verifying' | 'verified' | 'completed' | 'cancelled' | 'attempts_exhausted';

export type MethodKind = 'sms' | 'email';

/**
 * A method offered by a flow, with its destination: decoy flows store synthetic destinations of
 * the same form so that real and decoy flows are handled by the same code paths.
 */
export interface FlowMethod {
  /** Public id, e.g. "sms:1". */
  id: string;
  kind: MethodKind;
  /** The masked form shown to the user (api.md). */
  hint: string;
  /** E.164 number or e-mail address. */
  destination: string;
  /** Where the method came from (e.g. "entra:phoneMethods", "mypass:enrollment", "decoy"). */
  source?: string;
  /** The directory's id of the registered method, when there is one. */
  sourceId?: string;
}

export interface VerifiedMethod {
  methodId: string;
  verifiedAt: Date;
}

export interface FlowRecord {
  /** Public id (in URLs). */
  id: string;
  /** SHA-256 (hex) of the secret flow token; the token itself is never stored. */
  tokenHash: string;
  purpose: FlowPurpose;
  /** The directory object id, or null for a decoy. */
  userId: string | null;
  decoy: boolean;
  /** Keyed lookup hash of the normalized identifier (Keyring.lookupHash("identifier", …)). */
  identifierHash: string;
  policyName: string;
  methods: FlowMethod[];
  methodsVerified: VerifiedMethod[];
  attemptsUsed: number;
  createdAt: Date;
  verifiedAt: Date | null;
  expiresAt: Date;
  state: FlowState;
  locale: string;
  clientAddress: string | null;
  /** What the flows service learned at start (see FlowContext); {} when none. */
  context: FlowContext;
}

/**
 * Facts the flows service keeps from the start of a flow so later steps need no directory call
 * (user principal name and display name for the password rules, methods required, risk, whom to
 * notify after a reset). Persisted as JSON; never a secret, code, password or token.
 */
export type FlowContext = { [key: string]: Json };

export interface NewFlow {
  id: string;
  tokenHash: string;
  purpose: FlowPurpose;
  userId: string | null;
  decoy: boolean;
  identifierHash: string;
  policyName: string;
  methods: FlowMethod[];
  expiresAt: Date;
  locale: string;
  clientAddress: string | null;
  /** Defaults to {} (FlowContext). */
  context?: FlowContext;
  /** Defaults to "verifying". */
  state?: FlowState;
}

/** Fields a transition may change (all optional; only given ones are written). */
export interface FlowChanges {
  state?: FlowState;
  verifiedAt?: Date | null;
  expiresAt?: Date;
  methodsVerified?: VerifiedMethod[];
  /** No userId: a flow's user never changes, so a code bound to the flow is bound to its user. */
  context?: FlowContext;
}

export type FailedAttemptResult =
  /** The attempt was counted; `exhausted` when it was the last one allowed (state is now attempts_exhausted). */
  | { counted: true; attemptsUsed: number; attemptsLeft: number; exhausted: boolean }
  /** The flow does not exist or had no attempts left: nothing was counted. */
  | { counted: false; exhausted: true };

export interface FlowRepository {
  create(flow: NewFlow): Promise<FlowRecord>;
  /** Undefined also when the flow is sealed with a code key that is no longer configured. */
  get(id: string): Promise<FlowRecord | undefined>;
  /**
   * Looks the flow up by id and checks the token's hash in constant time. Unknown id, wrong token
   * and expired flow all give undefined (api.md: indistinguishable); so does a flow sealed with a
   * code key that is no longer configured.
   */
  getWithToken(id: string, token: string, now?: Date): Promise<FlowRecord | undefined>;
  /**
   * One conditional UPDATE … RETURNING: counts a wrong code only while attempts_used < max, and
   * moves the flow to attempts_exhausted on the last one. N parallel calls count at most max.
   */
  recordFailedAttempt(flowId: string, max: number): Promise<FailedAttemptResult>;
  /**
   * Conditional update (one UPDATE … WHERE state IN (…) RETURNING): applies `changes` only while
   * the flow is in one of `from` states. Returns the updated flow, or undefined when it was not.
   */
  transition(id: string, from: readonly FlowState[], changes: FlowChanges): Promise<FlowRecord | undefined>;
  /**
   * Adds a verified method atomically (compare-and-set on the stored list). When the flow then has
   * `required` distinct verified methods, state becomes "verified" and verifiedAt = now.
   * Returns undefined if the flow is not in "verifying"/"verified" state.
   */
  addVerifiedMethod(
    flowId: string,
    methodId: string,
    required: number,
    now?: Date,
  ): Promise<FlowRecord | undefined>;
}

export type DeliveryStatus = 'queued' | 'sent' | 'failed';

export interface ChallengeRecord {
  id: string;
  flowId: string;
  methodId: string;
  /** Keyed lookup hash of the normalized destination (for per-destination limits and audit). */
  destinationHash: string;
  /** HMAC-SHA256 (hex) of the code bound to flow and method (codeHmac). */
  codeHmac: string;
  /** Which key of the keyring made codeHmac. */
  keyId: string;
  expiresAt: Date;
  consumedAt: Date | null;
  deliveryStatus: DeliveryStatus;
  createdAt: Date;
}

export interface NewChallenge {
  id: string;
  flowId: string;
  methodId: string;
  destinationHash: string;
  /** The clear code: the repository keeps only its HMAC (never stored, never logged). */
  code: string;
  expiresAt: Date;
  /** Decoy flows store a challenge too, with deliveryStatus as a real one would show. */
  deliveryStatus?: DeliveryStatus;
}

export type CodeCheck =
  | { ok: true; challenge: ChallengeRecord }
  /**
   * not_found: no such challenge in this flow; expired / consumed: the code may be right but the
   * challenge is no longer usable; mismatch: wrong code (the caller counts a failed attempt).
   */
  | { ok: false; reason: 'not_found' | 'expired' | 'consumed' | 'mismatch' };

export interface ChallengeRepository {
  create(challenge: NewChallenge): Promise<ChallengeRecord>;
  get(id: string): Promise<ChallengeRecord | undefined>;
  listForFlow(flowId: string): Promise<ChallengeRecord[]>;
  /**
   * Checks `code` against the challenge's HMAC (with the key it was made with, in constant time)
   * and, when it matches, consumes it with one conditional UPDATE
   * (`consumed_at IS NULL AND expires_at > now`), so a code works once even under races.
   */
  verifyAndConsume(flowId: string, challengeId: string, code: string, now?: Date): Promise<CodeCheck>;
  /** The conditional UPDATE on its own: true when this call consumed it. */
  consume(challengeId: string, now?: Date): Promise<boolean>;
  setDeliveryStatus(challengeId: string, status: DeliveryStatus): Promise<void>;
}

export interface HitResult {
  allowed: boolean;
  /** The count in the window after this hit (an estimate blending the previous window when sliding). */
  count: number;
  /** Whole seconds until the window allows again (0 when allowed). */
  retryAfter: number;
}

export interface HitOptions {
  /** Blend the previous window's count by the elapsed fraction (sliding-window estimate). */
  sliding?: boolean;
  /** Count this many at once (default 1). */
  weight?: number;
}

export interface CounterRepository {
  /**
   * Counts one hit for `key` in the current window of `windowSeconds` with ONE atomic statement
   * (INSERT … ON CONFLICT … DO UPDATE SET count = count + 1 … RETURNING count) and says whether
   * it is within `limit`. Hits past the limit are still counted.
   */
  hit(
    key: string,
    windowSeconds: number,
    limit: number,
    now?: Date,
    options?: HitOptions,
  ): Promise<HitResult>;
  /**
   * Counts one hit (or `weight`) on each key with ONE atomic statement, so a step that charges
   * several limits costs one round trip; `sliding` adds one read of every key's previous window.
   * Results in the order of `hits`. Every key is counted, allowed or not (callers that stop at the
   * first refusal use `hit`).
   */
  hitEach(
    hits: readonly { key: string; windowSeconds: number; limit: number }[],
    now?: Date,
    options?: HitOptions,
  ): Promise<HitResult[]>;
  /** The current count without counting (for "is the budget already spent?" checks). */
  peek(
    key: string,
    windowSeconds: number,
    now?: Date,
    options?: Pick<HitOptions, 'sliding'>,
  ): Promise<number>;
  /** Deletes windows that ended before `before`. Returns the number of rows removed. */
  prune(before: Date): Promise<number>;
}

export type OutboxChannel = 'sms' | 'email';
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** The rendered message. Encrypted at rest; blanked once sent. */
export interface OutboxPayload {
  /** SMS text, or the e-mail's text part. */
  text: string;
  subject?: string;
  html?: string;
  /** The code itself, only on code messages (for the demo outbox); never logged. */
  code?: string;
  /** What kind of message, for logs and audit ("code", "reset", "enrolled"). */
  template: string;
  locale: string;
}

export interface OutboxMessage {
  id: string;
  channel: OutboxChannel;
  /** Full destination (from the sealed payload) while it can be read; otherwise only its mask. */
  destination: string;
  /** Decrypted payload; null once sent (blanked). */
  payload: OutboxPayload | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastErrorCode: string | null;
  challengeId: string | null;
  flowId: string | null;
  /** Not worth sending after this (a code past its life); null for notifications. */
  expiresAt: Date | null;
  createdAt: Date;
}

export interface NewOutboxMessage {
  id?: string;
  channel: OutboxChannel;
  destination: string;
  payload: OutboxPayload;
  challengeId?: string | null;
  flowId?: string | null;
  expiresAt?: Date | null;
}

export interface OutboxRepository {
  enqueue(message: NewOutboxMessage): Promise<OutboxMessage>;
  get(id: string): Promise<OutboxMessage | undefined>;
  /**
   * Leases up to `limit` due messages (queued, or "sending" whose lease ran out after a crash):
   * status → sending, attempts + 1, nextAttemptAt → now + lease. Safe across workers and nodes
   * (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer).
   */
  claimDue(limit: number, leaseSeconds: number, now?: Date): Promise<OutboxMessage[]>;
  /** Sent: payload blanked, so neither the code nor the full destination exists in the store any more. */
  markSent(id: string, now?: Date): Promise<void>;
  /** A transient failure: back to queued until `nextAttemptAt`. */
  markRetry(id: string, nextAttemptAt: Date, errorCode: string): Promise<void>;
  /** Given up (permanent error, too many attempts or expired); the encrypted row stays for inspection. */
  markFailed(id: string, errorCode: string): Promise<void>;
  list(filter?: { status?: OutboxStatus; challengeId?: string }): Promise<OutboxMessage[]>;
  /** How many messages are in `status` (for metrics: nothing is read or decrypted). */
  count(status: OutboxStatus): Promise<number>;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface AuditEntry {
  id: string;
  at: Date;
  event: string;
  flowId: string | null;
  userId: string | null;
  identifierHash: string | null;
  clientAddress: string | null;
  /** Never a secret: no code, password, token or full destination. */
  detail: { [key: string]: Json };
}

export interface NewAuditEntry {
  event: string;
  flowId?: string | null;
  userId?: string | null;
  identifierHash?: string | null;
  clientAddress?: string | null;
  detail?: { [key: string]: Json };
  at?: Date;
}

export interface AuditRepository {
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  list(filter?: { flowId?: string; event?: string; limit?: number }): Promise<AuditEntry[]>;
}

/**
 * A personal method registered through MyPass (issue 5): pending until its own code confirms it, then
 * usable for resets from `usableFrom` (the policy's hold, T12). The destination is sealed at rest
 * (AES-256-GCM, the keyring's outbox key) because it must be delivered to later; `hint` is the masked form.
 */
export interface EnrollmentRecord {
  id: string;
  /** The directory object id. */
  userId: string;
  kind: MethodKind;
  /** E.164 number or address, decrypted; null when the key that sealed it is no longer configured. */
  destination: string | null;
  hint: string;
  /** The flow that registered it and the challenge that confirms it (for the confirmation step). */
  flowId: string | null;
  challengeId: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
  usableFrom: Date | null;
}

export interface NewEnrollment {
  id: string;
  userId: string;
  kind: MethodKind;
  destination: string;
  hint: string;
  flowId: string;
  challengeId: string;
}

export interface EnrollmentRepository {
  create(enrollment: NewEnrollment): Promise<EnrollmentRecord>;
  /**
   * One conditional UPDATE (`confirmed_at IS NULL`): the first call confirms it and returns the record,
   * every later (or parallel) one returns undefined.
   */
  confirm(id: string, usableFrom: Date, now?: Date): Promise<EnrollmentRecord | undefined>;
  /**
   * Like `confirm`, but refuses (`max_methods`) when the user already has `maxConfirmed` confirmed
   * enrollments: the count and the update are serialized per user (one statement on SQLite, a per-user
   * transaction lock on PostgreSQL), so parallel flows on any node never exceed the policy's maximum.
   */
  confirmWithin(
    id: string,
    usableFrom: Date,
    maxConfirmed: number,
    now?: Date,
  ): Promise<
    { ok: true; enrollment: EnrollmentRecord } | { ok: false; reason: 'not_pending' | 'max_methods' }
  >;
  /** One user's enrollments, oldest first; `confirmedOnly` leaves pending ones out. */
  listForUser(userId: string, options?: { confirmedOnly?: boolean }): Promise<EnrollmentRecord[]>;
  listForFlow(flowId: string): Promise<EnrollmentRecord[]>;
  /** Drops a flow's unconfirmed enrollments (a resubmission replaces them). */
  deletePendingForFlow(flowId: string): Promise<number>;
  /** Everything MyPass enrolled for one person (`mypass user purge`). */
  deleteEnrollmentsForUser(userId: string): Promise<number>;
  /** Pending enrollments created before `before` (never confirmed; retention). */
  deleteUnconfirmedBefore(before: Date): Promise<number>;
}

export type PasswordAttemptReservation =
  | { allowed: true; attemptId: string }
  /** `max` attempts in the window already: nothing was reserved, the directory must not be asked. */
  | { allowed: false; retryAfter: number };

/**
 * Password checks per user in a sliding window (T3: at most 3 wrong passwords per 24 h, well below
 * Entra's smart-lockout threshold). An attempt is reserved BEFORE the directory is asked, with a
 * compare-and-set on one row per user, so parallel requests on any node reserve at most `max`; a
 * check that proved the password releases its reservation.
 */
export interface PasswordAttemptRepository {
  reserve(
    subject: string,
    max: number,
    windowSeconds: number,
    now?: Date,
  ): Promise<PasswordAttemptReservation>;
  release(subject: string, attemptId: string): Promise<void>;
  /** Attempts counted in the window (for tests and doctor). */
  count(subject: string, windowSeconds: number, now?: Date): Promise<number>;
  deleteForUser(subject: string): Promise<number>;
  /**
   * Records untouched since `before` (retention): every attempt in a row is no newer than its last
   * change, so with `before` = now − the window none of them still counts.
   */
  deleteIdleBefore(before: Date): Promise<number>;
}

export interface Repositories {
  flows: FlowRepository;
  challenges: ChallengeRepository;
  counters: CounterRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
  enrollments: EnrollmentRepository;
  passwordAttempts: PasswordAttemptRepository;
}

export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /** Audit export, retention and per-person deletion (not inside transactions: it opens its own). */
  readonly maintenance: MaintenanceRepository;
  /** Code HMACs, lookup hashes and payload encryption (store/code-keyring.ts). */
  readonly keyring: CodeKeyring;
  readonly clock: Clock;
  /** Runs `fn` in one transaction: everything it does through `tx` commits or rolls back together. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** Readiness: true when the database answers. Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Thrown (inside the server only) when the database cannot be reached or answers an error. */
export class StoreError extends Error {
  readonly code: 'store_unavailable' | 'store_conflict';
  constructor(code: 'store_unavailable' | 'store_conflict', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export interface OpenStoreOptions {
  /** The configured keys (newest first) or a ready keyring. */
  keys: readonly CodeKeyConfig[] | CodeKeyring;
  clock?: Clock;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite busy_timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /** PostgreSQL only: use (and create) this schema via search_path, e.g. a fresh one per test run. */
  schema?: string;
  /** SQLite only: refuse a file that does not exist instead of creating it (read-only tools such as doctor). */
  existingOnly?: boolean;
  /**
   * SQLite files only: checkpoint the WAL from a worker thread instead of inside commits on the
   * event loop (sqlite-checkpointer.ts). For the serving process; short-lived tools need not.
   */
  checkpointInBackground?: { onFailure(error: unknown): void };
}

/** Implemented in store/open-store.ts: `openStore(url, options): Promise<Store>` (migrations not run; call migrate()). */
export type OpenStore = (url: string, options: OpenStoreOptions) => Promise<Store>;
