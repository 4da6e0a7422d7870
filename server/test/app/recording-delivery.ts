// Delivery for the app tests: the real delivery module (phone checks and the SMS allow-list, message
// templates, queueing into the store's outbox) with a drain that records what would be sent, the
// code included, and ties it to its challenge. The integration tests use real gateways instead.
import pino from 'pino';
import { deliveryConfigSchema } from '../../src/delivery/delivery-config.js';
import { createDelivery } from '../../src/delivery/create-delivery.js';
import type { Delivery, DemoOutboxEntry, EmailProvider, SmsProvider } from '../../src/delivery/delivery.js';
import type { Store } from '../../src/store/store.js';
import { captured } from './captured-output.js';

export interface RecordingDelivery extends Delivery {
  /** Messages "sent", oldest first, with the code for code messages. */
  readonly sent: (DemoOutboxEntry & { template: string; challengeId: string | null })[];
  /** Drains the outbox and returns the code sent for a challenge; throws when none was. */
  codeFor(challengeId: string): Promise<string>;
}

// Never called: the drain below reads the outbox itself; they only make both channels deliverable.
const unusedSms: SmsProvider = { name: 'recording', send: async () => ({ ok: true }) };
const unusedEmail: EmailProvider = { name: 'recording', send: async () => ({ ok: true }) };

export function createRecordingDelivery(store: Store): RecordingDelivery {
  const real = createDelivery(deliveryConfigSchema.parse({}), {
    store,
    logger: pino({ level: 'silent' }),
    smsProvider: unusedSms,
    emailProvider: unusedEmail,
  });
  const sent: RecordingDelivery['sent'] = [];
  const drainOnce = async () => {
    const due = await store.outbox.claimDue(100, 60);
    let ok = 0;
    for (const message of due) {
      if (message.payload?.code) captured.secrets.add(message.payload.code);
      sent.push({
        to: message.destination,
        channel: message.channel,
        text: message.payload?.text ?? '',
        ...(message.payload?.code ? { code: message.payload.code } : {}),
        sentAt: new Date().toISOString(),
        template: message.payload?.template ?? '',
        challengeId: message.challengeId,
      });
      await store.outbox.markSent(message.id);
      if (message.challengeId) await store.challenges.setDeliveryStatus(message.challengeId, 'sent');
      ok++;
    }
    return { claimed: due.length, sent: ok, retried: 0, failed: 0 };
  };
  return {
    sent,
    async codeFor(challengeId) {
      await drainOnce();
      const message = sent.find((m) => m.challengeId === challengeId);
      if (!message?.code) throw new Error('no code was sent for this challenge');
      return message.code;
    },
    checkPhone: (raw, region) => real.checkPhone(raw, region),
    canDeliver: (channel) => real.canDeliver(channel),
    smsCountries: real.smsCountries,
    queueCode: (outbox, input) => real.queueCode(outbox, input),
    queueNotification: (outbox, input) => real.queueNotification(outbox, input),
    worker: { start() {}, stop: async () => {}, drainOnce, nudge() {} },
    close: () => real.close(),
  };
}
