// The serve process's seat count: one warning per over-allocated count, failures logged with a
// code, the last good count kept, and the count in the Prometheus gauges.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { overAllocated, seatCount, startLicenseMonitor } from '../../src/policy/licensing.js';
import { openStore } from '../../src/store/open-store.js';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        cb();
      },
    }),
  );
  return { logger, lines };
}

describe('seat arithmetic', () => {
  it('computes what is available, negative when over', () => {
    const c = seatCount({ used: 12, perGroup: [] }, 10);
    expect(c).toMatchObject({ used: 12, total: 10, available: -2 });
    expect(overAllocated(c)).toBe(true);
    expect(overAllocated(seatCount({ used: 12, perGroup: [] }))).toBe(false);
    expect(seatCount({ used: 12, perGroup: [] }).available).toBeNull();
  });
});

describe('the license monitor', () => {
  it('warns once per over-allocated count, keeps the last count when Graph fails', async () => {
    const { logger, lines } = capturingLogger();
    const answers = [
      { ok: true as const, value: { used: 12, perGroup: [{ id: 'g', users: 12 }] } },
      { ok: false as const, code: 'directory_unavailable' as const },
      { ok: true as const, value: { used: 8, perGroup: [{ id: 'g', users: 8 }] } },
    ];
    const ticks: (() => void)[] = [];
    const monitor = startLicenseMonitor({
      count: () => Promise.resolve(answers.shift() ?? { ok: false, code: 'not_found' }),
      seats: 10,
      logger,
      intervalMs: 1000,
      setInterval: (fn) => ticks.push(fn),
      clearInterval: () => ticks.splice(0),
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(monitor.latest()).toMatchObject({ used: 12, total: 10, available: -2 });
    const warnings = () => lines.filter((l) => l['level'] === 40);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ seatsUsed: 12, seatsTotal: 10, component: 'licensing' });
    expect(String(warnings()[0]?.['msg'])).toContain('nobody is refused');

    expect(await monitor.refresh()).toMatchObject({ used: 12 });
    expect(warnings().at(-1)).toMatchObject({ code: 'directory_unavailable' });
    expect(await monitor.refresh()).toMatchObject({ used: 8, available: 2 });
    expect(warnings()).toHaveLength(2);
    monitor.stop();
    expect(ticks).toHaveLength(0);
  });
});

describe('seat gauges', () => {
  it('exports mypass_license_seats_used and _total from the last count', async () => {
    const store = await openStore('sqlite::memory:', {
      keys: [{ id: 'k1', secret: 'license-metrics-key-0123456789abcdef' }],
    });
    await store.migrate();
    try {
      let latest: { used: number; total: number | null } | null = null;
      const metrics = createMetrics({
        store,
        smsBudget: { key: 'sms', windowSeconds: 3600, max: 500 },
        licenseSeats: () => latest,
      });
      // Before the first count the gauges say "unknown", not zero.
      expect(await metrics.registry.metrics()).toMatch(/^mypass_license_seats_used nan$/im);
      latest = { used: 12, total: 10 };
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/^mypass_license_seats_used 12$/m);
      expect(text).toMatch(/^mypass_license_seats_total 10$/m);
    } finally {
      await store.close();
    }
  });
});
