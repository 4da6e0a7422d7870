// Azure Communication Services SMS over REST: POST {endpoint}/sms?api-version=2021-03-07 with
// {from, smsRecipients: [{to}], message, smsSendOptions}, signed with the resource's access key.
// The service answers 202 with one result per recipient; a recipient can fail inside a 202.
// https://learn.microsoft.com/rest/api/communication/sms/sms/send
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { signAcsRequest } from './acs-hmac-signer.js';
import type { SmsMessage, SmsProvider } from './delivery.js';
import type { azureSmsSchema } from './delivery-config.js';
import { classifyStatus, parseJson, sendToGateway } from './gateway-http.js';

export type AzureSmsConfig = z.infer<typeof azureSmsSchema>;

export const ACS_SMS_API_VERSION = '2021-03-07';

interface AcsSendResult {
  to?: string;
  messageId?: string;
  httpStatusCode?: number;
  successful?: boolean;
  errorMessage?: string;
}

export function createAzureSms(
  config: AzureSmsConfig,
  deps: { dispatcher: Dispatcher; timeoutMs: number; now?: () => Date },
): SmsProvider {
  const url = new URL(
    `sms?api-version=${ACS_SMS_API_VERSION}`,
    config.endpoint.endsWith('/') ? config.endpoint : `${config.endpoint}/`,
  );
  const now = deps.now ?? (() => new Date());
  return {
    name: 'azure',
    async send(message: SmsMessage, signal?: AbortSignal) {
      const sentAt = now();
      const body = JSON.stringify({
        from: config.from,
        smsRecipients: [
          // Repeatability headers let the service drop a duplicate if our retry follows a lost answer.
          {
            to: message.to,
            repeatabilityRequestId: message.messageId ?? randomUUID(),
            repeatabilityFirstSent: (message.firstAttemptAt ?? sentAt).toUTCString(),
          },
        ],
        message: message.text,
        smsSendOptions: {
          enableDeliveryReport: config.enableDeliveryReport,
          ...(config.tag ? { tag: config.tag } : {}),
        },
      });
      const signed = signAcsRequest({ method: 'POST', url, body, date: sentAt, accessKey: config.accessKey });
      const outcome = await sendToGateway({
        url,
        headers: { ...signed, 'content-type': 'application/json', accept: 'application/json' },
        body,
        timeoutMs: deps.timeoutMs,
        signal,
        dispatcher: deps.dispatcher,
      });
      if (!outcome.ok) return outcome;
      const { status, headers, body: text } = outcome.response;
      const json = parseJson(text) as { value?: AcsSendResult[]; error?: { code?: string } } | undefined;
      if (status === 202 || status === 200) {
        const result = json?.value?.[0];
        if (result?.successful)
          return { ok: true, ...(result.messageId ? { providerMessageId: result.messageId } : {}) };
        const perRecipient = result?.httpStatusCode ?? 400;
        return classifyStatus(perRecipient, headers, `acs_${perRecipient}`);
      }
      return classifyStatus(
        status,
        headers,
        json?.error?.code ? `acs_${json.error.code}`.slice(0, 64) : undefined,
      );
    },
  };
}
