// The `directory` section: how the API reaches Entra ID (owned by the Entra connector).
// Reference: server/README.md, "Configuration". Which profile fields may act as methods is
// policy, not here.
import { z } from 'zod';

const httpsUrl = (what: string) =>
  z
    .url({ message: `${what} must be an absolute URL` })
    .refine((u) => new URL(u).protocol === 'https:', { message: `${what} must use https:` })
    .transform((u) => u.replace(/\/+$/, ''));

const GUID_OR_DOMAIN =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

export const directoryConfigSchema = z
  .strictObject({
    /** Directory (tenant) id, a GUID, or the tenant's primary domain. */
    tenantId: z.string().regex(GUID_OR_DOMAIN, { message: 'must be a tenant GUID or domain name' }),
    /** Application (client) id of the MyPass app registration. */
    clientId: z.guid({ message: 'Invalid UUID' }),
    clientSecret: z.string().min(1).optional(),
    /** PEM file holding the private key and the certificate registered on the app. */
    clientCertificatePath: z.string().min(1).optional(),
    authorityHost: httpsUrl('authorityHost').default('https://login.microsoftonline.com'),
    graphUrl: httpsUrl('graphUrl').default('https://graph.microsoft.com'),
    /** The Graph resource's scope; differs only in sovereign clouds (e.g. https://graph.microsoft.us/.default). */
    graphScope: z.string().min(1).default('https://graph.microsoft.com/.default'),
    timeouts: z
      .strictObject({
        /** Each HTTP call (token or Graph). */
        callMs: z.int().min(100).max(120_000).default(5_000),
        /** A whole directory operation, retries and Retry-After waits included. */
        operationMs: z.int().min(100).max(300_000).default(8_000),
      })
      .prefault({}),
    /** Outbound proxy; when absent, HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment apply. */
    proxy: z
      .strictObject({
        url: z
          .url()
          .refine((u) => /^https?:$/.test(new URL(u).protocol), { message: 'proxy.url must be http(s)' }),
        /** Host names (suffixes) reached directly, like NO_PROXY. */
        noProxy: z.array(z.string().min(1)).default([]),
      })
      .optional(),
    /** The password grant (ROPC) for enrollment; off where the tenant cannot use it (doctor says). */
    passwordGrant: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  })
  .superRefine((d, ctx) => {
    const credentials = [d.clientSecret, d.clientCertificatePath].filter((c) => c !== undefined).length;
    if (credentials !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientSecret'],
        message:
          credentials === 0
            ? 'set exactly one of clientSecret or clientCertificatePath (AZURE_CLIENT_SECRET / AZURE_CLIENT_CERTIFICATE_PATH)'
            : 'set only one of clientSecret or clientCertificatePath',
      });
    }
  });

export type DirectoryConfig = z.infer<typeof directoryConfigSchema>;
