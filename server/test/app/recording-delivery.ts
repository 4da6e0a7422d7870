// Delivery for the app tests until they can use the delivery helper's demo provider: the real outbox
// repository of the store, a worker that drains it into memory, and the phone checks of the contract.
import { normalizePhone } from '@mypass/flows';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel, Delivery, DemoOutboxEntry, PhoneCheck } from '../../src/delivery/delivery.js';
import type { Store } from '../../src/store/store.js';
import { captured } from './captured-output.js';

export interface RecordingDelivery extends Delivery {
  /** Messages "sent", oldest first, with the code for code messages. */
  readonly sent: (DemoOutboxEntry & { template: string; challengeId: string | null })[];
  /** Channels whose gateway fails (the challenge turns `failed`). */
  readonly failing: Set<Channel>;
}

export function createRecordingDelivery(
  store: Store,
  options: { smsCountries?: string[] } = {},
): RecordingDelivery {
  const countries = new Set(options.smsCountries ?? ['DK', 'SE', 'NO', 'DE', 'GB', 'US', 'FI', 'NL', 'FR']);
  const sent: RecordingDelivery['sent'] = [];
  const failing = new Set<Channel>();
  const checkPhone = (raw: string, region?: string | null): PhoneCheck => {
    const e164 = normalizePhone(raw, region);
    if (!e164) return { ok: false, code: 'invalid_phone' };
    const country = parsePhoneNumberFromString(e164)?.country;
    if (!country || !countries.has(country)) return { ok: false, code: 'country_not_allowed' };
    return { ok: true, e164, region: country };
  };
  const drainOnce = async () => {
    const due = await store.outbox.claimDue(100, 60);
    let ok = 0;
    let bad = 0;
    for (const message of due) {
      if (failing.has(message.channel)) {
        await store.outbox.markFailed(message.id, 'gateway_unavailable');
        if (message.challengeId) await store.challenges.setDeliveryStatus(message.challengeId, 'failed');
        bad++;
        continue;
      }
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
    return { claimed: due.length, sent: ok, retried: 0, failed: bad };
  };
  return {
    sent,
    failing,
    checkPhone,
    canDeliver: () => true,
    async queueCode(outbox, input) {
      if (input.channel === 'sms' && !checkPhone(input.destination).ok)
        return { ok: false, code: 'country_not_allowed' };
      const message = await outbox.enqueue({
        channel: input.channel,
        destination: input.destination,
        payload: {
          text: `Your code is ${input.code}`,
          code: input.code,
          template: 'code',
          locale: input.locale,
        },
        challengeId: input.challengeId,
        flowId: input.flowId,
        expiresAt: input.expiresAt,
      });
      return { ok: true, message };
    },
    async queueNotification(outbox, input) {
      const message = await outbox.enqueue({
        channel: input.channel,
        destination: input.destination,
        payload: {
          text: `Your password was reset (${input.vars['time'] ?? ''})`,
          template: input.template,
          locale: input.locale,
        },
        flowId: input.flowId ?? null,
      });
      return { ok: true, message };
    },
    worker: { start() {}, stop: async () => {}, drainOnce, nudge() {} },
    async close() {},
  };
}
