// A generic HTTPS webhook for SMS gateways that have no provider of their own here.
//
// Request: POST <url>, Content-Type: application/json, body
//   {"to": "+4520123456", "text": "…", "messageId": "<uuid, stable across retries>", "timestamp": <unix s>}
// Headers:
//   X-MyPass-Timestamp: <unix seconds, same as body.timestamp>
//   X-MyPass-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// The receiver recomputes the HMAC over the raw body, compares in constant time, rejects a
// timestamp more than 5 minutes off (replay), and may deduplicate on messageId (we retry after
// timeouts, so delivery is at-least-once). Any 2xx is success; 408/429/5xx are retried (Retry-After
// honoured); other 4xx are final. verifyWebhookSignature below is the reference check.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { SmsMessage, SmsProvider } from './delivery.js';
import type { webhookSmsSchema } from './delivery-config.js';
import { classifyStatus, sendToGateway } from './gateway-http.js';

export type WebhookSmsConfig = z.infer<typeof webhookSmsSchema>;

export const WEBHOOK_SIGNATURE_HEADER = 'x-mypass-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-mypass-timestamp';

export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;
}

/** The receiver's check: signature matches and the timestamp is within `toleranceSeconds` of now. */
export function verifyWebhookSignature(input: {
  secret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!Number.isInteger(ts) || input.signature === undefined) return false;
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - ts) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(input.secret, ts, input.rawBody));
  const actual = Buffer.from(input.signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function createWebhookSms(
  config: WebhookSmsConfig,
  deps: { dispatcher: Dispatcher; timeoutMs: number; now?: () => Date },
): SmsProvider {
  const url = new URL(config.url);
  const now = deps.now ?? (() => new Date());
  return {
    name: 'webhook',
    async send(message: SmsMessage, signal?: AbortSignal) {
      const timestamp = Math.floor(now().getTime() / 1000);
      const body = JSON.stringify({
        to: message.to,
        text: message.text,
        messageId: message.messageId ?? randomUUID(),
        timestamp,
      });
      const outcome = await sendToGateway({
        url,
        headers: {
          ...config.headers,
          'content-type': 'application/json',
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(config.secret, timestamp, body),
        },
        body,
        timeoutMs: deps.timeoutMs,
        signal,
        dispatcher: deps.dispatcher,
      });
      if (!outcome.ok) return outcome;
      const { status, headers } = outcome.response;
      if (status >= 200 && status < 300) return { ok: true };
      return classifyStatus(status, headers);
    },
  };
}
