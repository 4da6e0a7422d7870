// Drains the outbox: leases due messages, sends each through its channel's provider, and records
// the outcome on the message, on its challenge (queued → sent | failed, which GET /flows/{id} shows)
// and in the audit. Transient failures are retried with exponential backoff and jitter until the
// message's attempts or its code's life run out; nothing is deleted, so no message is lost.
//
// Delivery is at-least-once: if the process dies after the gateway accepted a message but before
// markSent, the lease (leaseSeconds) runs out and the message is sent again. A duplicate code is
// harmless (the same code, still single-use); the alternative, at-most-once, would lose codes.
import type { Logger } from 'pino';
import { maskDestination } from '../store/destination-mask.js';
import type { Clock, OutboxMessage, Store } from '../store/store.js';
import type { DrainReport, EmailProvider, OutboxWorker, SendResult, SmsProvider } from './delivery.js';
import type { WorkerConfig } from './delivery-config.js';

export interface OutboxWorkerDeps {
  store: Store;
  sms: SmsProvider | undefined;
  email: EmailProvider | undefined;
  config: WorkerConfig;
  logger: Logger;
  clock: Clock;
  /** For backoff jitter; injectable so tests are deterministic. */
  random?: () => number;
}

type Outcome = 'sent' | 'retried' | 'failed';

export function backoffMs(
  attempts: number,
  config: WorkerConfig,
  random: () => number,
  retryAfterSeconds?: number,
): number {
  const exponential = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return Math.max(jittered, (retryAfterSeconds ?? 0) * 1000);
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { store, config, clock } = deps;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ component: 'outbox' });

  const describe = (m: OutboxMessage) => ({
    outboxId: m.id,
    channel: m.channel,
    to: maskDestination(m.channel, m.destination),
    flowId: m.flowId,
    challengeId: m.challengeId,
    attempt: m.attempts,
  });

  const template = (m: OutboxMessage) =>
    m.payload?.template === 'code' || m.challengeId ? 'code' : 'notification';

  async function settle(m: OutboxMessage, result: SendResult, provider: string): Promise<Outcome> {
    const now = clock.now();
    const kind = template(m);
    if (result.ok) {
      // Mark first, audit after: a crash in between leaves a sent message without its audit line,
      // never a sent message queued again by the same worker.
      await store.outbox.markSent(m.id, now);
      if (m.challengeId) await store.challenges.setDeliveryStatus(m.challengeId, 'sent');
      await store.audit.record({
        event: `${kind}_sent`,
        flowId: m.flowId,
        detail: {
          channel: m.channel,
          provider,
          attempts: m.attempts,
          to: maskDestination(m.channel, m.destination),
        },
      });
      log.info({ ...describe(m), provider }, 'message sent');
      return 'sent';
    }
    const next = new Date(now.getTime() + backoffMs(m.attempts, config, random, result.retryAfter));
    const beforeExpiry = m.expiresAt === null || next < m.expiresAt;
    const retry = result.transient && m.attempts < config.maxAttempts && beforeExpiry;
    if (retry) await store.outbox.markRetry(m.id, next, result.code);
    else await store.outbox.markFailed(m.id, result.code);
    // The challenge shows "failed" at the first failure so the UI can offer another method at once;
    // a later successful retry turns it into "sent".
    if (m.challengeId) await store.challenges.setDeliveryStatus(m.challengeId, 'failed');
    await store.audit.record({
      event: `${kind}_failed`,
      flowId: m.flowId,
      detail: {
        channel: m.channel,
        provider,
        attempts: m.attempts,
        code: result.code,
        upstreamCode: result.upstreamCode ?? null,
        retrying: retry,
        to: maskDestination(m.channel, m.destination),
      },
    });
    const fields = {
      ...describe(m),
      provider,
      code: result.code,
      upstreamCode: result.upstreamCode,
      retrying: retry,
    };
    if (retry) log.warn({ ...fields, nextAttemptAt: next.toISOString() }, 'message not sent, will retry');
    else log.error(fields, 'message not sent, giving up');
    return retry ? 'retried' : 'failed';
  }

  async function giveUp(m: OutboxMessage, code: string): Promise<Outcome> {
    await store.outbox.markFailed(m.id, code);
    if (m.challengeId) await store.challenges.setDeliveryStatus(m.challengeId, 'failed');
    await store.audit.record({
      event: `${template(m)}_failed`,
      flowId: m.flowId,
      detail: {
        channel: m.channel,
        attempts: m.attempts,
        code,
        retrying: false,
        to: maskDestination(m.channel, m.destination),
      },
    });
    log.error({ ...describe(m), code }, 'message not sent, giving up');
    return 'failed';
  }

  async function process(m: OutboxMessage): Promise<Outcome> {
    // Unreadable: sealed with a key that was removed from the keyring.
    if (!m.payload) return giveUp(m, 'payload_unreadable');
    if (m.expiresAt && m.expiresAt <= clock.now()) return giveUp(m, 'expired');
    if (m.channel === 'sms') {
      if (!deps.sms) return giveUp(m, 'channel_unavailable');
      const result = await deps.sms.send({
        to: m.destination,
        text: m.payload.text,
        messageId: m.id,
        firstAttemptAt: m.createdAt,
        ...(m.payload.code ? { code: m.payload.code } : {}),
      });
      return settle(m, result, deps.sms.name);
    }
    if (!deps.email) return giveUp(m, 'channel_unavailable');
    const result = await deps.email.send({
      to: m.destination,
      subject: m.payload.subject ?? '',
      text: m.payload.text,
      html: m.payload.html ?? '',
      ...(m.payload.code ? { code: m.payload.code } : {}),
    });
    return settle(m, result, deps.email.name);
  }

  async function drainOnce(): Promise<DrainReport> {
    const batch = await store.outbox.claimDue(config.batchSize, config.leaseSeconds, clock.now());
    const report: DrainReport = { claimed: batch.length, sent: 0, retried: 0, failed: 0 };
    const outcomes = await Promise.allSettled(batch.map((m) => process(m)));
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') report[o.value] += 1;
      // A store error mid-way leaves the message leased; it is picked up again when the lease ends.
      else
        log.error(
          { outboxId: batch[i]?.id, err: o.reason instanceof Error ? o.reason.name : 'error' },
          'outbox step failed',
        );
    });
    return report;
  }

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let again = false;

  const schedule = (delayMs: number) => {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    // The worker alone never keeps the process alive.
    timer.unref();
  };

  function tick() {
    timer = undefined;
    again = false;
    inFlight = drainOnce()
      .then(
        (report) => report.claimed === config.batchSize,
        (error: unknown) => {
          log.error({ err: error instanceof Error ? error.name : 'error' }, 'outbox drain failed');
          return false;
        },
      )
      .then((full) => {
        inFlight = undefined;
        schedule(full || again ? 0 : config.pollIntervalMs);
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    drainOnce,
    nudge() {
      if (!running) return;
      if (inFlight) again = true;
      else schedule(0);
    },
  };
}
