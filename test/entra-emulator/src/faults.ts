// Fault injection and per-route request counters, switchable per test.
import type { FaultKind, FaultRule } from './api.js';

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultTable {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first matching fault whose kind passes `accept`, consuming one of its uses. */
  take(method: string, path: string, accept: (f: FaultKind) => boolean = () => true): FaultKind | null {
    for (const r of this.rules) {
      if (r.remaining <= 0) continue;
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!path.startsWith(r.rule.pathPrefix)) continue;
      if (!accept(r.rule.fault)) continue;
      r.remaining--;
      return r.rule.fault;
    }
    return null;
  }
}

/** Validate a rule arriving as JSON at POST /_emulator/faults. */
export function parseFaultRule(input: unknown): FaultRule | string {
  if (typeof input !== 'object' || input === null) return 'body must be a JSON object';
  const o = input as Record<string, unknown>;
  if (typeof o.pathPrefix !== 'string' || !o.pathPrefix.startsWith('/'))
    return 'pathPrefix must start with /';
  if (o.method !== undefined && typeof o.method !== 'string') return 'method must be a string';
  if (o.times !== undefined && (typeof o.times !== 'number' || !Number.isInteger(o.times) || o.times < 1)) {
    return 'times must be a positive integer';
  }
  const f = o.fault as Record<string, unknown> | undefined;
  if (typeof f !== 'object' || f === null) return 'fault must be an object';
  let fault: FaultKind;
  switch (f.kind) {
    case 'latency':
      if (typeof f.ms !== 'number' || f.ms < 0 || f.ms > 120_000) return 'latency.ms must be 0..120000';
      fault = { kind: 'latency', ms: f.ms };
      break;
    case 'status':
      if (f.status !== 429 && f.status !== 503 && f.status !== 504) return 'status must be 429, 503 or 504';
      if (f.retryAfterSeconds !== undefined && typeof f.retryAfterSeconds !== 'number') {
        return 'retryAfterSeconds must be a number';
      }
      fault = {
        kind: 'status',
        status: f.status,
        ...(typeof f.retryAfterSeconds === 'number' ? { retryAfterSeconds: f.retryAfterSeconds } : {}),
      };
      break;
    case 'status_after_apply':
      if (f.status !== 504) return 'status_after_apply.status must be 504';
      fault = { kind: 'status_after_apply', status: 504 };
      break;
    case 'drop_connection':
      fault = { kind: 'drop_connection' };
      break;
    default:
      return 'fault.kind must be latency, status, status_after_apply or drop_connection';
  }
  return {
    pathPrefix: o.pathPrefix,
    fault,
    ...(typeof o.method === 'string' ? { method: o.method } : {}),
    ...(typeof o.times === 'number' ? { times: o.times } : {}),
  };
}

export class Counters {
  private counts = new Map<string, number>();
  inc(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
  reset(): void {
    this.counts.clear();
  }
}
