// The `store` section: where state lives and the keys that protect what the store must not hold
// in clear text (threat-model.md T8). Composed into the service config by config/service-config.ts.
import { z } from 'zod';

export const storeUrlSchema = z
  .string()
  .refine((url) => /^sqlite:/.test(url) || /^postgres(ql)?:\/\//.test(url), {
    message: 'expected sqlite:/path/file.db, sqlite::memory: or postgres://user:password@host:port/database',
  });

export const codeKeySchema = z.strictObject({
  /** Short stable id stored beside each HMAC and ciphertext. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, "_" or "-", at most 32'),
  /** At least 32 characters of random (e.g. `openssl rand -base64 32`). */
  secret: z.string().min(32, 'at least 32 characters'),
  /** When the key was made (YYYY-MM-DD); `mypass doctor` warns when the newest key is old. */
  createdAt: z.iso.date('a date, YYYY-MM-DD').optional(),
});

export const storeConfigSchema = z.strictObject({
  /** MYPASS_DATABASE_URL overrides it. */
  url: storeUrlSchema.default('sqlite:./mypass.db'),
  /** Newest first: the first key signs and encrypts, all keys verify and decrypt (rotation). */
  codeKeys: z
    .array(codeKeySchema)
    .min(1)
    .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, {
      message: 'key ids must be unique',
    }),
  /** PostgreSQL pool size per API node. */
  poolSize: z.number().int().min(1).max(100).default(10),
  /** SQLite busy_timeout in milliseconds (another process holding the write lock). */
  busyTimeoutMs: z.number().int().min(0).max(60_000).default(5_000),
});

export type StoreConfig = z.infer<typeof storeConfigSchema>;
