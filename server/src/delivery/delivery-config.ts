// The `delivery` section: SMS and e-mail providers, the SMS country allow-list, the outbox
// worker's timing and the outbound proxy. Composed into the service config by
// config/service-config.ts. Base URLs are configurable so tests point providers at loopback.
import { z } from 'zod';

const httpsUrl = z.url({ protocol: /^https?$/ });

export const twilioSmsSchema = z
  .strictObject({
    provider: z.literal('twilio'),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID (AC + 32 hex digits)'),
    /** Auth token, or an API key secret when apiKeySid is set. */
    authToken: z.string().min(1),
    /** Basic auth user when using an API key (SK…) instead of the account's auth token. */
    apiKeySid: z
      .string()
      .regex(/^SK[0-9a-fA-F]{32}$/)
      .optional(),
    /** Sender number (E.164) or alphanumeric sender id; or use messagingServiceSid. */
    from: z.string().min(1).optional(),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/)
      .optional(),
    baseUrl: httpsUrl.default('https://api.twilio.com'),
  })
  .refine((c) => (c.from === undefined) !== (c.messagingServiceSid === undefined), {
    message: 'set exactly one of from and messagingServiceSid',
  });

export const azureSmsSchema = z.strictObject({
  provider: z.literal('azure'),
  /** The Communication Services resource endpoint, e.g. https://contoso.communication.azure.com */
  endpoint: httpsUrl,
  /** The resource's access key (base64), used for HMAC-SHA256 request signing. */
  accessKey: z.string().min(1),
  /** Sender: an E.164 number or an alphanumeric sender id owned by the resource. */
  from: z.string().min(1),
  enableDeliveryReport: z.boolean().default(false),
  tag: z.string().max(64).optional(),
});

export const webhookSmsSchema = z.strictObject({
  provider: z.literal('webhook'),
  /** Receives POST application/json {to, text, messageId, timestamp} (delivery/webhook-sms.ts). */
  url: httpsUrl,
  /** Shared secret for the X-MyPass-Signature HMAC-SHA256 header. */
  secret: z.string().min(32),
  /** Extra static headers (e.g. an API key the gateway expects). */
  headers: z.record(z.string(), z.string()).default({}),
});

export const demoProviderSchema = z.strictObject({ provider: z.literal('demo') });
export const noProviderSchema = z.strictObject({ provider: z.literal('none') });

export const smsConfigSchema = z.discriminatedUnion('provider', [
  twilioSmsSchema,
  azureSmsSchema,
  webhookSmsSchema,
  demoProviderSchema,
  noProviderSchema,
]);

export const smtpEmailSchema = z.strictObject({
  provider: z.literal('smtp'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** tls: implicit TLS (usually 465); starttls: upgrade required (usually 587); none: loopback relays only. */
  security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** RFC 5322 From, e.g. "MyPass <no-reply@contoso.com>". */
  from: z.string().min(3),
  /** Reject untrusted certificates (leave on; a private CA goes in NODE_EXTRA_CA_CERTS). */
  rejectUnauthorized: z.boolean().default(true),
});

export const emailConfigSchema = z.discriminatedUnion('provider', [
  smtpEmailSchema,
  demoProviderSchema,
  noProviderSchema,
]);

export const workerConfigSchema = z.strictObject({
  pollIntervalMs: z.number().int().min(10).max(60_000).default(250),
  batchSize: z.number().int().min(1).max(500).default(20),
  /** After this many attempts a message is given up (the row stays, status failed). */
  maxAttempts: z.number().int().min(1).max(100).default(8),
  backoffBaseMs: z.number().int().min(0).default(2_000),
  backoffMaxMs: z.number().int().min(0).default(300_000),
  /** A claimed message is reclaimed after this if its worker died (at-least-once). */
  leaseSeconds: z.number().int().min(5).max(3_600).default(60),
  sendTimeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});

/** ISO 3166-1 alpha-2 regions that may receive SMS (T4, toll fraud). */
export const defaultSmsCountries = [
  'AT',
  'AU',
  'BE',
  'BG',
  'CA',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'JP',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  'US',
];

export const deliveryConfigSchema = z.strictObject({
  sms: smsConfigSchema.default({ provider: 'none' }),
  email: emailConfigSchema.default({ provider: 'none' }),
  smsCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case'))
    .default(defaultSmsCountries),
  /** Product name and helpdesk text used in messages ({{product}}, {{helpdesk}}). */
  productName: z.string().min(1).max(40).default('MyPass'),
  helpdesk: z.string().min(1).max(100).default('your IT helpdesk'),
  /** Outbound HTTP(S) proxy for SMS gateways (undici ProxyAgent), e.g. http://proxy:3128. */
  outboundProxy: z.url().optional(),
  worker: workerConfigSchema.default(workerConfigSchema.parse({})),
});

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
export type SmsConfig = z.infer<typeof smsConfigSchema>;
export type EmailConfig = z.infer<typeof emailConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
