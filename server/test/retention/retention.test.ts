// Retention against the real store (SQLite and PostgreSQL): what has outlived its period goes,
// everything younger stays, and the serve process's schedule purges on its interval.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { retentionConfigSchema } from '../../src/retention/retention-config.js';
import { runRetention, startRetentionSchedule, type RetentionTimers } from '../../src/retention/retention.js';
import type { Store } from '../../src/store/store.js';
import { describeEachStore, testClock } from '../store/store-harness.js';

const DAY = 86_400_000;
const config = retentionConfigSchema.parse({});

async function seed(store: Store, id: string, expiresAt: Date, createdAt: Date) {
  await store.flows.create({
    id,
    tokenHash: `hash-${id}`,
    purpose: 'reset',
    userId: 'c0000000-0000-4000-8000-000000000001',
    decoy: false,
    identifierHash: 'idh',
    policyName: 'default',
    methods: [{ id: 'sms:1', kind: 'sms', hint: '•••78', destination: '+4520123478' }],
    expiresAt,
    locale: 'en',
    clientAddress: '192.0.2.1',
  });
  await store.challenges.create({
    id: `c-${id}`,
    flowId: id,
    methodId: 'sms:1',
    destinationHash: 'dh',
    code: '123456',
    expiresAt,
  });
  const message = await store.outbox.enqueue({
    channel: 'sms',
    destination: '+4520123478',
    payload: { text: 'hello', template: 'reset', locale: 'en' },
    flowId: id,
  });
  await store.outbox.markSent(message.id, createdAt);
  await store.audit.record({ event: 'started', flowId: id, at: createdAt });
}

describeEachStore('retention', (target) => {
  it('deletes flows, finished messages, counters and audit past their periods, keeps the rest', async () => {
    const clock = testClock('2026-11-28T09:00:00.000Z');
    const store = await target.open({ clock });
    const now = clock.now().getTime();
    // Flows expire 15 minutes after they start; the default keeps them 7 days after that.
    await seed(store, 'f_old', new Date(now - 8 * DAY), new Date(now - 8 * DAY - 900_000));
    await seed(store, 'f_recent', new Date(now - 6 * DAY), new Date(now - 6 * DAY - 900_000));
    await store.audit.record({ event: 'completed', at: new Date(now - 366 * DAY) });
    await store.audit.record({ event: 'completed', at: new Date(now - 364 * DAY) });
    const queued = await store.outbox.enqueue({
      channel: 'email',
      destination: 'a@example.com',
      payload: { text: 'x', template: 'reset', locale: 'en' },
    });
    await store.counters.hit('start:name:x', 900, 5, new Date(now - 3 * DAY));
    await store.counters.hit('start:name:y', 900, 5, new Date(now - DAY));

    const result = await runRetention(store, config, clock.now());
    expect(result).toMatchObject({ flows: 1, counters: 1, audit: 1, enrollments: 0 });
    expect(await store.flows.get('f_old')).toBeUndefined();
    expect(await store.flows.get('f_recent')).toBeDefined();
    expect(await store.challenges.get('c-f_old')).toBeUndefined();
    expect(await store.challenges.get('c-f_recent')).toBeDefined();
    // The outbox row's created_at is the store clock's "now" at enqueue: both sent rows are young.
    expect((await store.outbox.get(queued.id))?.status).toBe('queued');
    expect(await store.counters.peek('start:name:x', 900, new Date(now - 3 * DAY))).toBe(0);
    expect(await store.counters.peek('start:name:y', 900, new Date(now - DAY))).toBe(1);
    const audit = await store.audit.list({ limit: 100 });
    expect(audit.some((a) => a.at.getTime() === now - 366 * DAY)).toBe(false);
    expect(audit.some((a) => a.at.getTime() === now - 364 * DAY)).toBe(true);

    // Time passes: the queued message never goes, finished ones do after the flows period.
    clock.advance((config.flowsDays + 1) * 86_400);
    const later = await runRetention(store, config, clock.now());
    expect(later.outbox).toBe(2);
    expect((await store.outbox.get(queued.id))?.status).toBe('queued');
    expect(await store.flows.get('f_recent')).toBeUndefined();
  });

  it('deletes enrollments never confirmed after a day, never confirmed ones', async () => {
    const clock = testClock('2026-11-28T09:00:00.000Z');
    const store = await target.open({ clock });
    for (const id of ['pending', 'confirmed']) {
      await store.enrollments.create({
        id: `ret-${id}`,
        userId: 'c0000000-0000-4000-8000-000000000002',
        kind: 'email',
        destination: `${id}@example.com`,
        hint: 'p•••@e•••.com',
        flowId: `f_${id}`,
        challengeId: `c_${id}`,
      });
    }
    await store.enrollments.confirm('ret-confirmed', clock.now(), clock.now());
    clock.advance(2 * 86_400);
    const result = await runRetention(store, config, clock.now(), store.enrollments);
    expect(result.enrollments).toBe(1);
    const left = await store.enrollments.listForUser('c0000000-0000-4000-8000-000000000002');
    expect(left.map((e) => e.id)).toEqual(['ret-confirmed']);
  });

  it('deletes password-check windows once the longest window is over, never a live one', async () => {
    const clock = testClock('2026-11-28T09:00:00.000Z');
    const store = await target.open({ clock });
    await store.passwordAttempts.reserve('ret-old', 3, 86_400, clock.now());
    clock.advance(12 * 3600);
    await store.passwordAttempts.reserve('ret-live', 3, 86_400, clock.now());
    clock.advance(12 * 3600 + 1);
    const passwordAttempts = {
      deleteIdleBefore: (before: Date) => store.passwordAttempts.deleteIdleBefore(before),
      windowSeconds: 86_400,
    };
    const result = await runRetention(store, config, clock.now(), undefined, passwordAttempts);
    expect(result.passwordAttempts).toBe(1);
    expect(await target.rawRows('password_attempts')).toHaveLength(1);
    // The live one still counts its attempt; a day after it, it goes too.
    expect(await store.passwordAttempts.count('ret-live', 86_400, clock.now())).toBe(1);
    clock.advance(12 * 3600);
    expect(
      (await runRetention(store, config, clock.now(), undefined, passwordAttempts)).passwordAttempts,
    ).toBe(1);
    expect(await target.rawRows('password_attempts')).toHaveLength(0);
  });

  it('purges on start and on every interval tick of the schedule, with the clock it is given', async () => {
    const clock = testClock('2026-11-28T09:00:00.000Z');
    const store = await target.open({ clock });
    const ticks: (() => void)[] = [];
    const timers: RetentionTimers = {
      setInterval: (fn, ms) => {
        expect(ms).toBe(30 * 60_000);
        ticks.push(fn);
        return ticks.length;
      },
      clearInterval: () => ticks.splice(0),
    };
    const schedule = startRetentionSchedule({
      store,
      config: { ...config, intervalMinutes: 30 },
      clock,
      logger: pino({ level: 'silent' }),
      timers,
    });
    expect(await schedule.runOnce()).not.toBeNull();
    await store.audit.record({ event: 'schedule_probe', at: clock.now() });
    clock.advance(366 * 86_400);
    ticks[0]?.();
    const second = await schedule.runOnce();
    // The tick's run and runOnce share one purge (one at a time per process).
    expect(second?.audit).toBeGreaterThanOrEqual(1);
    expect(await store.audit.list({ event: 'schedule_probe' })).toEqual([]);
    schedule.stop();
    expect(ticks).toHaveLength(0);
  });
});

describe('retention configuration', () => {
  it('has documented defaults and refuses nonsense', () => {
    expect(config).toEqual({
      flowsDays: 7,
      countersDays: 2,
      pendingEnrollmentsDays: 1,
      auditDays: 365,
      intervalMinutes: 60,
    });
    expect(retentionConfigSchema.safeParse({ auditDays: 0 }).success).toBe(false);
    expect(retentionConfigSchema.safeParse({ flowDays: 3 }).success).toBe(false);
  });
});
