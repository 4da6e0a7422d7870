// Twilio Programmable Messaging over its REST API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
// form-encoded To, From or MessagingServiceSid, Body; HTTP Basic auth with the Account SID (or an
// API key SID) and its secret. https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
import type { Dispatcher } from 'undici';
import type { SmsMessage, SmsProvider } from './delivery.js';
import type { twilioSmsSchema } from './delivery-config.js';
import { classifyStatus, parseJson, sendToGateway } from './gateway-http.js';
import type { z } from 'zod';

export type TwilioSmsConfig = z.infer<typeof twilioSmsSchema>;

export function createTwilioSms(
  config: TwilioSmsConfig,
  deps: { dispatcher: Dispatcher; timeoutMs: number },
): SmsProvider {
  const url = new URL(
    `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`,
    config.baseUrl,
  );
  const user = config.apiKeySid ?? config.accountSid;
  const authorization = `Basic ${Buffer.from(`${user}:${config.authToken}`).toString('base64')}`;
  return {
    name: 'twilio',
    async send(message: SmsMessage, signal?: AbortSignal) {
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid);
      else if (config.from) form.set('From', config.from);
      const outcome = await sendToGateway({
        url,
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: deps.timeoutMs,
        signal,
        dispatcher: deps.dispatcher,
      });
      if (!outcome.ok) return outcome;
      const { status, headers, body } = outcome.response;
      const json = parseJson(body) as { sid?: unknown; code?: unknown } | undefined;
      if (status === 200 || status === 201) {
        return { ok: true, ...(typeof json?.sid === 'string' ? { providerMessageId: json.sid } : {}) };
      }
      // Twilio's error document carries a numeric code (e.g. 21211 invalid "To", 20003 authentication).
      const upstream = typeof json?.code === 'number' ? `twilio_${json.code}` : undefined;
      return classifyStatus(status, headers, upstream);
    },
  };
}
