// The API's own sections (server, store, delivery, flows, limits, access, demo), owned by the app;
// store and delivery sections come from their modules. Defaults are the production defaults.
import { z } from 'zod';
import { addressEntryProblem } from '../http/address-list.js';
import { deliveryConfigSchema } from '../delivery/delivery-config.js';
import { flowsConfigSchema, limitsConfigSchema } from '../flows-service/flows-config.js';
import { policiesConfigSchema } from '../policy/policy-config.js';
import { storeConfigSchema } from '../store/store-config.js';
import { auditConfigSchema } from '../audit/audit-config.js';
import { retentionConfigSchema } from '../retention/retention-config.js';

const loopbackNetworks = ['127.0.0.0/8', '::1'] as const;

export const serverConfigSchema = z
  .strictObject({
    /** Demo mode refuses anything but a loopback address. */
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Peers (IP addresses or CIDRs) whose X-Forwarded-For is believed; nobody else's is. */
    trustedProxies: z.array(z.string().min(1)).default([]),
    /** PEM files for HTTPS; without them the API expects a TLS-terminating proxy in trustedProxies. */
    tlsCertificatePath: z.string().min(1).optional(),
    tlsKeyPath: z.string().min(1).optional(),
    /** Logged at this level (pino). */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * Clients (addresses or CIDRs, after trustedProxies) that may read /metrics; everyone else gets
     * the 404 of an unknown path. Its gauges move when a real code is queued, so a public /metrics
     * would tell whether a typed number belongs to a user (T2).
     */
    metricsAllowFrom: z
      .array(
        z.string().superRefine((entry, ctx) => {
          const problem = addressEntryProblem(entry);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .default([...loopbackNetworks]),
  })
  .default({
    host: '0.0.0.0',
    port: 8080,
    trustedProxies: [],
    logLevel: 'info',
    metricsAllowFrom: [...loopbackNetworks],
  });

export type ServerConfig = z.infer<typeof serverConfigSchema>;

/** The web page (the kiosk's React UI served by the API) and what it is told about its host. */
export const webUiConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** The Vite build (kiosk/dist/web); by default the repository's build beside this package. */
    dir: z.string().min(1).optional(),
    /** Demo only: the launcher's list of demo users, shown in the page's demo panel. */
    demoUsersFile: z.string().min(1).optional(),
    defaultLanguage: z.string().min(2).max(35).optional(),
    allowedLanguages: z.array(z.string().min(2).max(35)).optional(),
    inactivityTimeoutSeconds: z.number().int().min(15).max(600).default(60),
    onScreenKeyboard: z.boolean().default(false),
    helpdeskPhone: z.string().min(1).max(40).optional(),
    helpdeskText: z.string().min(1).max(300).optional(),
    /** Replaces the built-in guidance about Microsoft's own "Forgot my password" link. */
    guidanceOverride: z.string().min(1).max(1000).optional(),
  })
  .default({ enabled: true, inactivityTimeoutSeconds: 60, onScreenKeyboard: false });

export type WebUiConfig = z.infer<typeof webUiConfigSchema>;

export const serviceSections = {
  /** `demo: true` — HTTP on 127.0.0.1 only, demo delivery providers, the demo outbox route, emulator hosts. */
  demo: z.boolean().default(false),
  server: serverConfigSchema,
  store: storeConfigSchema,
  delivery: deliveryConfigSchema.default(deliveryConfigSchema.parse({})),
  flows: flowsConfigSchema,
  limits: limitsConfigSchema,
  access: policiesConfigSchema.default(policiesConfigSchema.parse({})),
  webUi: webUiConfigSchema,
  retention: retentionConfigSchema,
  audit: auditConfigSchema,
} satisfies Record<string, z.ZodType>;
