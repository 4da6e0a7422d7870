// The `retention` section: how long MyPass keeps what it stores, and how often the server purges.
// Defaults keep the audit a year (security investigations, most SIEM retention policies) and the
// operational rows no longer than their purpose needs.
import { z } from 'zod';

export const retentionConfigSchema = z
  .strictObject({
    /** Days a flow (and its challenges and finished outbox messages) is kept after it expired. */
    flowsDays: z.number().int().min(1).max(3650).default(7),
    /** Days a rate-limit or failure-budget window is kept after it ended (the longest window is 24 h). */
    countersDays: z.number().int().min(1).max(3650).default(2),
    /** Days an enrollment that was never confirmed is kept. Confirmed ones stay until `user purge`. */
    pendingEnrollmentsDays: z.number().int().min(1).max(3650).default(1),
    /** Days an audit record is kept. */
    auditDays: z.number().int().min(1).max(36500).default(365),
    /** Minutes between two purges by `mypass serve` (0: never; then run `mypass retention run` from cron). */
    intervalMinutes: z.number().int().min(0).max(10_080).default(60),
  })
  .default({ flowsDays: 7, countersDays: 2, pendingEnrollmentsDays: 1, auditDays: 365, intervalMinutes: 60 });

export type RetentionConfig = z.infer<typeof retentionConfigSchema>;
