// Purges what has outlived its retention period (retention-config.ts). Every node may run it: each
// step is one DELETE by age, so two nodes purging at once only find less to delete.
import type { Logger } from 'pino';
import type { Clock, Store } from '../store/store.js';
import type { RetentionConfig } from './retention-config.js';

const DAY_MS = 86_400_000;

/** Enrollments live in a store table the enrollment module owns; it tells retention how to purge them. */
export interface EnrollmentRetention {
  /** Deletes enrollments created before `before` that were never confirmed; the number removed. */
  deleteUnconfirmedBefore(before: Date): Promise<number>;
}

/** Password-check windows (enrollment), purged once the longest window (`limits.passwordChecks`) is over. */
export interface PasswordAttemptRetention {
  deleteIdleBefore(before: Date): Promise<number>;
  windowSeconds: number;
}

export interface RetentionResult {
  flows: number;
  outbox: number;
  counters: number;
  enrollments: number;
  passwordAttempts: number;
  audit: number;
}

export async function runRetention(
  store: Pick<Store, 'maintenance' | 'counters'>,
  config: RetentionConfig,
  now: Date,
  enrollments?: EnrollmentRetention,
  passwordAttempts?: PasswordAttemptRetention,
): Promise<RetentionResult> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    flows: await store.maintenance.deleteFlowsExpiredBefore(ago(config.flowsDays)),
    outbox: await store.maintenance.deleteFinishedOutboxBefore(ago(config.flowsDays)),
    counters: await store.counters.prune(ago(config.countersDays)),
    enrollments: enrollments
      ? await enrollments.deleteUnconfirmedBefore(ago(config.pendingEnrollmentsDays))
      : 0,
    passwordAttempts: passwordAttempts
      ? await passwordAttempts.deleteIdleBefore(
          new Date(now.getTime() - passwordAttempts.windowSeconds * 1000),
        )
      : 0,
    audit: await store.maintenance.deleteAuditBefore(ago(config.auditDays)),
  };
}

/** Timers as the schedule uses them, injectable so tests drive it with a fake clock. */
export interface RetentionTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeTimers: RetentionTimers = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface RetentionSchedule {
  /** Runs one purge now (also what the interval does); never throws. */
  runOnce(): Promise<RetentionResult | null>;
  stop(): void;
}

/** Purges once at start and then every `intervalMinutes`; a failed run is logged and retried next time. */
export function startRetentionSchedule(deps: {
  store: Pick<Store, 'maintenance' | 'counters'>;
  config: RetentionConfig;
  clock: Clock;
  logger: Logger;
  enrollments?: EnrollmentRetention;
  passwordAttempts?: PasswordAttemptRetention;
  timers?: RetentionTimers;
}): RetentionSchedule {
  const timers = deps.timers ?? nodeTimers;
  const log = deps.logger.child({ component: 'retention' });
  let running: Promise<RetentionResult | null> | null = null;
  const runOnce = (): Promise<RetentionResult | null> => {
    // One purge at a time per process: a slow purge is not stacked under the next tick.
    running ??= runRetention(
      deps.store,
      deps.config,
      deps.clock.now(),
      deps.enrollments,
      deps.passwordAttempts,
    )
      .then((result) => {
        const removed = Object.values(result).reduce((a, b) => a + b, 0);
        if (removed > 0) log.info({ removed: result }, 'retention purge');
        return result;
      })
      .catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        log.warn({ code: typeof code === 'string' ? code : 'store_unavailable' }, 'retention purge failed');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  let handle: unknown = null;
  if (deps.config.intervalMinutes > 0) {
    void runOnce();
    handle = timers.setInterval(() => void runOnce(), deps.config.intervalMinutes * 60_000);
  }
  return {
    runOnce,
    stop() {
      if (handle !== null) timers.clearInterval(handle);
      handle = null;
    },
  };
}
