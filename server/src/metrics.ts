// Prometheus metrics (prom-client), one registry per app so tests can build many. Labels are route
// templates, methods and status codes only: never a user name, flow id, address or destination.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditSink } from './audit/audit-log.js';
import type { Store } from './store/store.js';

export interface MetricsDeps {
  store: Store;
  /** The global SMS budget counter's key and window, read (never counted) at scrape time. */
  smsBudget: { key: string; windowSeconds: number; max: number };
  defaultMetrics?: boolean;
  /** The license monitor's last seat count; absent or null leaves the seat gauges without a value. */
  licenseSeats?: () => { used: number; total: number | null } | null;
}

export function createMetrics(deps: MetricsDeps): {
  registry: Registry;
  instrument(app: FastifyInstance): void;
  /** Counts each audit record by event, purpose and decoy (the audit log's sink). */
  auditEvents: AuditSink;
} {
  const registry = new Registry();
  if (deps.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'mypass_' });
  const requests = new Counter({
    name: 'mypass_http_requests_total',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'mypass_http_request_duration_seconds',
    help: 'HTTP request duration by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'mypass_outbox_queued',
    help: 'Messages waiting in the outbox',
    registers: [registry],
    async collect() {
      this.set(await deps.store.outbox.count('queued'));
    },
  });
  new Gauge({
    name: 'mypass_outbox_failed',
    help: 'Messages the outbox gave up on',
    registers: [registry],
    async collect() {
      this.set(await deps.store.outbox.count('failed'));
    },
  });
  new Gauge({
    name: 'mypass_sms_budget_used',
    help: 'SMS codes counted against the global budget in the current window',
    registers: [registry],
    async collect() {
      this.set(await deps.store.counters.peek(deps.smsBudget.key, deps.smsBudget.windowSeconds));
    },
  });
  new Gauge({
    name: 'mypass_sms_budget_limit',
    help: 'The global SMS budget per window',
    registers: [registry],
    collect() {
      this.set(deps.smsBudget.max);
    },
  });

  // Labels from closed sets only (the event types, the two purposes): never an id or a reason text.
  // Real and decoy counts differ by design, which is one reason /metrics is not public.
  const flowEvents = new Counter({
    name: 'mypass_flow_events_total',
    help: 'Audit events of reset and enroll flows (started, code_queued, verified, completed, enrolled, refused, …)',
    labelNames: ['event', 'purpose', 'decoy'] as const,
    registers: [registry],
  });
  const purposeLabel = (value: unknown) => (value === 'reset' || value === 'enroll' ? value : 'none');
  const decoyLabel = (value: unknown) => (typeof value === 'boolean' ? String(value) : 'none');

  const seats = deps.licenseSeats;
  if (seats) {
    new Gauge({
      name: 'mypass_license_seats_used',
      help: 'Users of the licensed groups at the last count (guests excluded)',
      registers: [registry],
      collect() {
        // NaN (not 0) until the first count: "unknown" must not read as "nobody".
        this.set(seats()?.used ?? Number.NaN);
      },
    });
    new Gauge({
      name: 'mypass_license_seats_total',
      help: 'Seats bought (access.seats); over-allocation warns, never refuses',
      registers: [registry],
      collect() {
        this.set(seats()?.total ?? Number.NaN);
      },
    });
  }

  return {
    registry,
    auditEvents: {
      send(entry) {
        flowEvents.inc({
          event: entry.event,
          purpose: purposeLabel(entry.detail['purpose']),
          decoy: decoyLabel(entry.detail['decoy']),
        });
      },
    },
    instrument(app) {
      app.addHook('onResponse', async (request, reply) => {
        // Unmatched URLs share one label so a scanner cannot blow up the label space.
        const route = request.routeOptions.url ?? 'unmatched';
        requests.inc({ route, method: request.method, status: String(reply.statusCode) });
        duration.observe({ route, method: request.method }, reply.elapsedTime / 1000);
      });
    },
  };
}
