// Wires delivery from its configuration: providers per channel (or test overrides), the SMS
// allow-list, the templates and the outbox worker.
import type { Dispatcher } from 'undici';
import type { OutboxRepository } from '../store/store.js';
import { systemClock } from '../store/store.js';
import { createAzureSms } from './azure-sms.js';
import type { DeliveryConfig } from './delivery-config.js';
import type {
  Channel,
  CodeMessageInput,
  Delivery,
  DeliveryDeps,
  EmailProvider,
  NotificationInput,
  QueueResult,
  SmsProvider,
} from './delivery.js';
import { createDemoDelivery, type DemoDelivery } from './demo-outbox.js';
import { createGatewayDispatcher } from './gateway-http.js';
import { createMessageRenderer, type MessageTemplate } from './message-templates.js';
import { createOutboxWorker } from './outbox-worker.js';
import { checkPhoneNumber } from './phone-numbers.js';
import { createSmtpEmail } from './smtp-email.js';
import { createTwilioSms } from './twilio-sms.js';
import { createWebhookSms } from './webhook-sms.js';

export function createDelivery(config: DeliveryConfig, deps: DeliveryDeps): Delivery {
  const clock = deps.clock ?? deps.store.clock ?? systemClock;
  const timeoutMs = config.worker.sendTimeoutMs;
  let dispatcher: Dispatcher | undefined;
  const gateway = () => (dispatcher ??= createGatewayDispatcher(config.outboundProxy));
  const demo: DemoDelivery | undefined =
    config.sms.provider === 'demo' || config.email.provider === 'demo'
      ? createDemoDelivery({ now: () => clock.now() })
      : undefined;

  const sms: SmsProvider | undefined =
    deps.smsProvider ??
    (() => {
      const c = config.sms;
      switch (c.provider) {
        case 'twilio':
          return createTwilioSms(c, { dispatcher: gateway(), timeoutMs });
        case 'azure':
          return createAzureSms(c, { dispatcher: gateway(), timeoutMs });
        case 'webhook':
          return createWebhookSms(c, { dispatcher: gateway(), timeoutMs });
        case 'demo':
          return demo?.sms;
        case 'none':
          return undefined;
      }
    })();
  const email: EmailProvider | undefined =
    deps.emailProvider ??
    (() => {
      const c = config.email;
      switch (c.provider) {
        case 'smtp':
          return createSmtpEmail(c, { timeoutMs });
        case 'demo':
          return demo?.email;
        case 'none':
          return undefined;
      }
    })();

  const allowed = new Set(config.smsCountries);
  const renderer = createMessageRenderer({ product: config.productName, helpdesk: config.helpdesk });
  const worker = createOutboxWorker({
    store: deps.store,
    sms,
    email,
    config: config.worker,
    logger: deps.logger,
    clock,
  });
  const canDeliver = (channel: Channel) => (channel === 'sms' ? sms !== undefined : email !== undefined);

  async function queue(
    outbox: OutboxRepository,
    template: MessageTemplate,
    input: {
      channel: Channel;
      destination: string;
      locale: string;
      vars: Record<string, string>;
      code?: string;
    },
    link: { challengeId?: string; flowId?: string; expiresAt?: Date },
  ): Promise<QueueResult> {
    if (!canDeliver(input.channel)) return { ok: false, code: 'channel_unavailable' };
    let destination = input.destination;
    if (input.channel === 'sms') {
      // Checked again here, whatever the caller did: nothing is queued for a blocked country.
      const phone = checkPhoneNumber(destination, null, allowed);
      if (!phone.ok) return { ok: false, code: phone.code };
      destination = phone.e164;
    }
    const rendered = renderer.render(template, input.channel, input.locale, input.vars);
    const message = await outbox.enqueue({
      channel: input.channel,
      destination,
      payload: {
        text: rendered.text,
        ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
        ...(rendered.html !== undefined ? { html: rendered.html } : {}),
        ...(input.code !== undefined ? { code: input.code } : {}),
        template,
        locale: rendered.lang,
      },
      challengeId: link.challengeId ?? null,
      flowId: link.flowId ?? null,
      expiresAt: link.expiresAt ?? null,
    });
    return { ok: true, message };
  }

  return {
    checkPhone: (raw, defaultRegion) => checkPhoneNumber(raw, defaultRegion, allowed),
    canDeliver,
    smsCountries: config.smsCountries,
    queueCode(outbox, input: CodeMessageInput) {
      const minutes = Math.max(1, Math.round((input.expiresAt.getTime() - clock.now().getTime()) / 60_000));
      return queue(
        outbox,
        'code',
        { ...input, vars: { code: input.code, minutes: String(minutes) }, code: input.code },
        { challengeId: input.challengeId, flowId: input.flowId, expiresAt: input.expiresAt },
      );
    },
    queueNotification(outbox, input: NotificationInput) {
      return queue(outbox, input.template, input, input.flowId ? { flowId: input.flowId } : {});
    },
    worker,
    ...(demo ? { demoOutbox: demo.outbox } : {}),
    async close() {
      await worker.stop();
      await email?.close?.();
      await dispatcher?.close();
    },
  };
}
