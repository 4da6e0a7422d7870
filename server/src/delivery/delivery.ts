// The port between the flows service and message delivery. The flows service never talks to a
// gateway: it queues a rendered message in the outbox (in the same transaction as the challenge),
// and the outbox worker sends it, so gateway latency never shows in a response (threat-model.md T2)
// and a gateway outage loses nothing. Failures are values with stable codes.
import type { Logger } from 'pino';
import type { Clock, OutboxMessage, OutboxRepository, Store } from '../store/store.js';

export type Channel = 'sms' | 'email';

export interface SmsMessage {
  /** E.164. */
  to: string;
  text: string;
  /** The outbox message id (a UUID), stable across retries: gateways that deduplicate use it. */
  messageId?: string;
  /** When the first attempt was made (for the gateway's deduplication window). */
  firstAttemptAt?: Date;
  /** Only for the demo provider's outbox; real providers send `text` and nothing else. */
  code?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Only for the demo provider's outbox; real providers send the message parts and nothing else. */
  code?: string;
}

export type SendFailureCode =
  /** Could not connect, timed out, 5xx or 429: worth retrying. */
  | 'gateway_unavailable'
  /** The gateway refused this message (bad number, blocked recipient, 4xx). */
  | 'gateway_rejected'
  /** Our credentials or settings are wrong (401/403, bad sender). */
  | 'gateway_configuration';

export type SendResult =
  | { ok: true; providerMessageId?: string }
  | {
      ok: false;
      code: SendFailureCode;
      /** Whether a later attempt may succeed. */
      transient: boolean;
      /** Seconds the gateway asked us to wait (Retry-After). */
      retryAfter?: number;
      /** For logs only: the provider's own error code or HTTP status. Never contains the message. */
      upstreamCode?: string;
    };

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage, signal?: AbortSignal): Promise<SendResult>;
}

export interface EmailProvider {
  readonly name: string;
  send(message: EmailMessage, signal?: AbortSignal): Promise<SendResult>;
  close?(): Promise<void>;
}

export type PhoneCheck =
  | { ok: true; e164: string; region: string | undefined }
  /** invalid_phone: cannot be parsed or is not a valid number; country_not_allowed: outside the SMS allow-list. */
  | { ok: false; code: 'invalid_phone' | 'country_not_allowed'; region?: string };

export type NotificationTemplate = 'reset' | 'enrolled';

export interface CodeMessageInput {
  challengeId: string;
  flowId: string;
  channel: Channel;
  /** E.164 for sms (already checked with checkPhone), an address for email. */
  destination: string;
  /** The clear code: only in the encrypted outbox payload, never logged. */
  code: string;
  locale: string;
  /** The code's expiry: the message is not sent after it. */
  expiresAt: Date;
}

export interface NotificationInput {
  template: NotificationTemplate;
  flowId?: string;
  channel: Channel;
  destination: string;
  locale: string;
  /** Template variables: account, time, where, method, usableFrom (product and helpdesk come from config). */
  vars: Record<string, string>;
}

export type QueueResult =
  | { ok: true; message: OutboxMessage }
  | { ok: false; code: 'invalid_phone' | 'country_not_allowed' | 'channel_unavailable' };

export interface DrainReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export interface OutboxWorker {
  /** Polls the outbox every `pollIntervalMs` until stop(). */
  start(): void;
  /** Stops polling and waits for the batch in progress. */
  stop(): Promise<void>;
  /** One pass over what is due now (tests, and a nudge after enqueue). */
  drainOnce(): Promise<DrainReport>;
  /** Wakes the polling loop early (called after an enqueue). */
  nudge(): void;
}

export interface DemoOutboxEntry {
  to: string;
  channel: Channel;
  text: string;
  code?: string;
  sentAt: string;
}

export interface DemoOutbox {
  /** Newest first (api.md "Demo only"). */
  list(): DemoOutboxEntry[];
  /** The demo prints codes on its own stdout through this, never through the logger. */
  onMessage(listener: (entry: DemoOutboxEntry) => void): () => void;
  clear(): void;
}

export interface Delivery {
  /**
   * Parses and validates a phone number (libphonenumber-js, default region = the user's
   * usageLocation) and checks it against the SMS country allow-list. A refusal is a value.
   */
  checkPhone(raw: string, defaultRegion?: string | null): PhoneCheck;
  /** Whether a channel has a provider configured (the policy offers only deliverable methods). */
  canDeliver(channel: Channel): boolean;
  /** The SMS country allow-list (ISO 3166 regions): every number offered is in one of them. */
  readonly smsCountries: readonly string[];
  /**
   * Renders the code message in `locale` and queues it through `outbox` — pass the repositories
   * of the transaction that creates the challenge so both commit together, then call
   * worker.nudge() once it has committed.
   */
  queueCode(outbox: OutboxRepository, input: CodeMessageInput): Promise<QueueResult>;
  /** Renders and queues a notification (after a reset or an enrollment). Never rate-limited. */
  queueNotification(outbox: OutboxRepository, input: NotificationInput): Promise<QueueResult>;
  readonly worker: OutboxWorker;
  /** Present only with the demo providers. */
  readonly demoOutbox?: DemoOutbox;
  close(): Promise<void>;
}

/** Implemented in delivery/create-delivery.ts: `createDelivery(config, deps): Delivery`. */
export interface DeliveryDeps {
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** Overrides for tests (a provider pointed elsewhere, a failing one). */
  smsProvider?: SmsProvider;
  emailProvider?: EmailProvider;
}
