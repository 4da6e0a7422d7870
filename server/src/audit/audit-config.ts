// The `audit` section: an optional syslog sink that forwards each audit record as it is written
// (RFC 5424 over TCP with TLS, octet-counting framing as RFC 5425/6587 describe). The store stays
// the record of truth: `mypass audit export` fills any gap the sink left while its collector was down.
import { z } from 'zod';

export const syslogSinkSchema = z.strictObject({
  /** The collector's host name (checked against its certificate) and port (6514: syslog over TLS). */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(6514),
  /** PEM file of the CA that issued the collector's certificate; the system's CAs when absent. */
  caPath: z.string().min(1).optional(),
  /** Client certificate and key (PEM) when the collector requires mutual TLS. */
  clientCertificatePath: z.string().min(1).optional(),
  clientKeyPath: z.string().min(1).optional(),
  /** The message body: JSON (default) or CEF, the same lines `mypass audit export` writes. */
  format: z.enum(['json', 'cef']).default('json'),
  /** Syslog facility number (10 = authpriv, security/authorization messages). */
  facility: z.number().int().min(0).max(23).default(10),
  appName: z
    .string()
    .regex(/^[!-~]{1,48}$/, 'printable ASCII without spaces, at most 48')
    .default('mypass'),
  /** Records waiting while the collector is unreachable; the oldest are dropped (and counted) beyond it. */
  queueLimit: z.number().int().min(1).max(1_000_000).default(10_000),
});

export type SyslogSinkConfig = z.infer<typeof syslogSinkSchema>;

export const auditConfigSchema = z.strictObject({ syslog: syslogSinkSchema.optional() }).default({});

export type AuditConfig = z.infer<typeof auditConfigSchema>;
