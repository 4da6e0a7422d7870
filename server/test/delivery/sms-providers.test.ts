import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureSms } from '../../src/delivery/azure-sms.js';
import { azureSmsSchema, twilioSmsSchema, webhookSmsSchema } from '../../src/delivery/delivery-config.js';
import { createGatewayDispatcher } from '../../src/delivery/gateway-http.js';
import { createTwilioSms } from '../../src/delivery/twilio-sms.js';
import {
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  createWebhookSms,
  verifyWebhookSignature,
} from '../../src/delivery/webhook-sms.js';
import {
  startConnectProxy,
  startFakeGateway,
  type FakeGateway,
  type RecordedRequest,
} from './gateway-servers.js';

const dispatcher = createGatewayDispatcher();
afterAll(async () => {
  await dispatcher.close();
});

const message = {
  to: '+4520123456',
  text: 'Your MyPass code is 123456.',
  messageId: '5b0e3f0e-7d4e-4a39-9b40-2f1c2d3e4f50',
};

describe('Twilio', () => {
  const accountSid = 'AC0123456789abcdef0123456789abcdef';
  const authToken = 'twilio-auth-token-for-tests';
  let gateway: FakeGateway;
  beforeAll(async () => {
    gateway = await startFakeGateway(() => ({
      status: 201,
      body: JSON.stringify({ sid: 'SM0123', status: 'queued' }),
    }));
  });
  afterAll(() => gateway.close());

  const provider = (extra: Record<string, string> = { from: '+4570000000' }) =>
    createTwilioSms(
      twilioSmsSchema.parse({ provider: 'twilio', accountSid, authToken, baseUrl: gateway.url, ...extra }),
      {
        dispatcher,
        timeoutMs: 2000,
      },
    );

  it('posts a form-encoded message to the account’s Messages.json with Basic auth', async () => {
    const result = await provider().send(message);
    expect(result).toEqual({ ok: true, providerMessageId: 'SM0123' });
    const req = gateway.requests.at(-1) as RecordedRequest;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      To: '+4520123456',
      From: '+4570000000',
      Body: 'Your MyPass code is 123456.',
    });
  });

  it('sends MessagingServiceSid instead of From when configured', async () => {
    await provider({ messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' }).send(message);
    const form = new URLSearchParams((gateway.requests.at(-1) as RecordedRequest).body);
    expect(form.get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(form.has('From')).toBe(false);
  });

  it('classifies Twilio’s errors: rejected number, bad credentials, overload', async () => {
    gateway.reply(() => ({
      status: 400,
      body: JSON.stringify({ code: 21211, message: "The 'To' number is not valid.", status: 400 }),
    }));
    expect(await provider().send(message)).toEqual({
      ok: false,
      code: 'gateway_rejected',
      transient: false,
      upstreamCode: 'twilio_21211',
    });
    gateway.reply(() => ({ status: 401, body: JSON.stringify({ code: 20003, status: 401 }) }));
    expect(await provider().send(message)).toMatchObject({
      ok: false,
      code: 'gateway_configuration',
      transient: false,
    });
    gateway.reply(() => ({ status: 503, headers: { 'retry-after': '7' }, body: '' }));
    expect(await provider().send(message)).toMatchObject({
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
      retryAfter: 7,
    });
  });
});

describe('Azure Communication Services', () => {
  const accessKey = Buffer.from('an access key of thirty-two bytes').toString('base64');
  let gateway: FakeGateway;
  /** The gateway's own check of the signature, recomputed from the raw request as ACS does. */
  const signatureValid = (req: RecordedRequest) => {
    const hash = createHash('sha256').update(req.body).digest('base64');
    if (req.headers['x-ms-content-sha256'] !== hash) return false;
    const toSign = `${req.method}\n${req.url}\n${String(req.headers['x-ms-date'])};${String(req.headers.host)};${hash}`;
    const expected = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${createHmac('sha256', Buffer.from(accessKey, 'base64')).update(toSign).digest('base64')}`;
    const given = String(req.headers.authorization);
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  };
  beforeAll(async () => {
    gateway = await startFakeGateway((req) =>
      signatureValid(req)
        ? {
            status: 202,
            body: JSON.stringify({
              value: [{ to: '+4520123456', messageId: 'Outgoing_1', httpStatusCode: 202, successful: true }],
            }),
          }
        : {
            status: 401,
            body: JSON.stringify({ error: { code: 'Denied', message: 'Denied by the resource provider.' } }),
          },
    );
  });
  afterAll(() => gateway.close());

  const provider = (key = accessKey) =>
    createAzureSms(
      azureSmsSchema.parse({
        provider: 'azure',
        endpoint: gateway.url,
        accessKey: key,
        from: '+18005550100',
      }),
      {
        dispatcher,
        timeoutMs: 2000,
        now: () => new Date('2026-11-28T09:00:00Z'),
      },
    );

  it('posts the documented JSON body to /sms?api-version=2021-03-07 with a valid HMAC signature', async () => {
    expect(await provider().send({ ...message, firstAttemptAt: new Date('2026-11-28T08:59:00Z') })).toEqual({
      ok: true,
      providerMessageId: 'Outgoing_1',
    });
    const req = gateway.requests.at(-1) as RecordedRequest;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/sms?api-version=2021-03-07');
    expect(req.headers['x-ms-date']).toBe('Sat, 28 Nov 2026 09:00:00 GMT');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({
      from: '+18005550100',
      smsRecipients: [
        {
          to: '+4520123456',
          repeatabilityRequestId: message.messageId,
          repeatabilityFirstSent: 'Sat, 28 Nov 2026 08:59:00 GMT',
        },
      ],
      message: 'Your MyPass code is 123456.',
      smsSendOptions: { enableDeliveryReport: false },
    });
    expect(signatureValid(req)).toBe(true);
  });

  it('is refused by the gateway when signed with the wrong key', async () => {
    const wrongKey = Buffer.from('another key, not the resource one').toString('base64');
    expect(await provider(wrongKey).send(message)).toMatchObject({
      ok: false,
      code: 'gateway_configuration',
      upstreamCode: 'acs_Denied',
    });
  });

  it('reports a recipient refused inside a 202 as rejected', async () => {
    gateway.reply(() => ({
      status: 202,
      body: JSON.stringify({
        value: [
          {
            to: '+4520123456',
            httpStatusCode: 400,
            successful: false,
            errorMessage: 'Invalid To phone number format.',
          },
        ],
      }),
    }));
    expect(await provider().send(message)).toEqual({
      ok: false,
      code: 'gateway_rejected',
      transient: false,
      upstreamCode: 'acs_400',
    });
  });
});

describe('HTTPS webhook', () => {
  const secret = 'webhook-shared-secret-0123456789abcdef';
  let gateway: FakeGateway;
  beforeAll(async () => {
    gateway = await startFakeGateway((req) => {
      const ok = verifyWebhookSignature({
        secret,
        rawBody: req.body,
        signature: req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined,
        timestamp: req.headers[WEBHOOK_TIMESTAMP_HEADER] as string | undefined,
        now: new Date('2026-11-28T09:00:30Z'),
      });
      return { status: ok ? 204 : 401 };
    });
  });
  afterAll(() => gateway.close());

  const provider = (s = secret) =>
    createWebhookSms(
      webhookSmsSchema.parse({
        provider: 'webhook',
        url: `${gateway.url}/sms`,
        secret: s,
        headers: { 'x-api-key': 'k' },
      }),
      {
        dispatcher,
        timeoutMs: 2000,
        now: () => new Date('2026-11-28T09:00:00Z'),
      },
    );

  it('posts {to, text, messageId, timestamp} with a signature the receiver verifies', async () => {
    expect(await provider().send(message)).toEqual({ ok: true });
    const req = gateway.requests.at(-1) as RecordedRequest;
    expect(req.url).toBe('/sms');
    expect(req.headers['x-api-key']).toBe('k');
    expect(JSON.parse(req.body)).toEqual({
      to: '+4520123456',
      text: message.text,
      messageId: message.messageId,
      timestamp: 1795856400,
    });
    expect(req.headers[WEBHOOK_TIMESTAMP_HEADER]).toBe('1795856400');
    expect(req.headers[WEBHOOK_SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('is refused when signed with another secret, and the check refuses replays and altered bodies', async () => {
    expect(await provider('another-secret-that-is-long-enough-000').send(message)).toMatchObject({
      ok: false,
      code: 'gateway_configuration',
    });
    const req = gateway.requests[0] as RecordedRequest;
    const signature = req.headers[WEBHOOK_SIGNATURE_HEADER] as string;
    const timestamp = req.headers[WEBHOOK_TIMESTAMP_HEADER] as string;
    expect(
      verifyWebhookSignature({
        secret,
        rawBody: req.body,
        signature,
        timestamp,
        now: new Date('2026-11-28T09:00:00Z'),
      }),
    ).toBe(true);
    expect(
      verifyWebhookSignature({
        secret,
        rawBody: `${req.body} `,
        signature,
        timestamp,
        now: new Date('2026-11-28T09:00:00Z'),
      }),
    ).toBe(false);
    expect(
      verifyWebhookSignature({
        secret,
        rawBody: req.body,
        signature,
        timestamp,
        now: new Date('2026-11-28T09:06:00Z'),
      }),
    ).toBe(false);
  });
});

describe('gateway transport', () => {
  it('reports an unreachable gateway and a hanging one as transient failures', async () => {
    const gone = await startFakeGateway(() => ({ status: 200 }));
    const url = gone.url;
    await gone.close();
    const config = webhookSmsSchema.parse({ provider: 'webhook', url, secret: 'x'.repeat(32) });
    expect(await createWebhookSms(config, { dispatcher, timeoutMs: 1000 }).send(message)).toMatchObject({
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
    });

    const hanging = await startFakeGateway(() => ({ status: 200, hang: true }));
    const slow = webhookSmsSchema.parse({ provider: 'webhook', url: hanging.url, secret: 'x'.repeat(32) });
    expect(await createWebhookSms(slow, { dispatcher, timeoutMs: 300 }).send(message)).toMatchObject({
      ok: false,
      code: 'gateway_unavailable',
      transient: true,
    });
    await hanging.close();
  });

  it('goes through the configured outbound proxy', async () => {
    const proxy = await startConnectProxy();
    const gateway = await startFakeGateway(() => ({ status: 204 }));
    const viaProxy = createGatewayDispatcher(proxy.url);
    const config = webhookSmsSchema.parse({ provider: 'webhook', url: gateway.url, secret: 'x'.repeat(32) });
    expect(await createWebhookSms(config, { dispatcher: viaProxy, timeoutMs: 2000 }).send(message)).toEqual({
      ok: true,
    });
    expect(proxy.tunnels).toEqual([new URL(gateway.url).host]);
    expect(gateway.requests).toHaveLength(1);
    await viaProxy.close();
    await gateway.close();
    await proxy.close();
  });
});
