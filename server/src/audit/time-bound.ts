// `--since` / `--until` values: an RFC 3339 date-time (`2026-11-01T00:00:00Z`, an offset, or a bare
// date meaning midnight UTC) or a duration back from now (`90m`, `24h`, `7d`, `2w`).
export type TimeBound = { ok: true; at: Date } | { ok: false; code: 'invalid_time' };

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

export function parseTimeBound(value: string, now: Date): TimeBound {
  const trimmed = value.trim();
  const duration = /^(\d{1,6})([smhdw])$/.exec(trimmed);
  if (duration) {
    return {
      ok: true,
      at: new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[duration[2] ?? 's'] ?? 0)),
    };
  }
  if (!RFC3339.test(trimmed)) return { ok: false, code: 'invalid_time' };
  const at = new Date(trimmed.length === 10 ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(at.getTime()) ? { ok: false, code: 'invalid_time' } : { ok: true, at };
}
