// Seats: the users of the licensed groups (through nested groups, each once, guests not counted:
// MyPass never serves them), against the seats bought (`access.seats`). Over-allocation is told to
// administrators (log, metrics, doctor, `mypass licenses`); it never refuses a user.
import type { Logger } from 'pino';
import type { DirectoryResult } from '../directory/directory.js';
import type { EntraConnection } from '../directory/entra-connection.js';
import { isGuid } from '../directory/odata-filter.js';

export interface SeatCount {
  /** Distinct member users of the licensed groups, guests excluded. */
  used: number;
  /** Seats bought; null when the configuration sets none. */
  total: number | null;
  /** total − used, or null without a total (negative when over-allocated). */
  available: number | null;
  perGroup: { id: string; users: number }[];
}

export function seatCount(
  users: { perGroup: { id: string; users: number }[]; used: number },
  seats?: number,
): SeatCount {
  const total = seats ?? null;
  return { ...users, total, available: total === null ? null : total - users.used };
}

export const overAllocated = (count: SeatCount): boolean => count.available !== null && count.available < 0;

/** Reads the group's transitive user members page by page; one operation of at most `totalMs`. */
export async function countLicensedUsers(
  connection: EntraConnection,
  groupIds: readonly string[],
  totalMs = 120_000,
): Promise<DirectoryResult<{ used: number; perGroup: { id: string; users: number }[] }>> {
  return connection.run(async (deadline) => {
    const everyone = new Set<string>();
    const perGroup: { id: string; users: number }[] = [];
    for (const id of groupIds) {
      if (!isGuid(id)) return { ok: false, code: 'not_found' };
      let inGroup = 0;
      let next: string | undefined =
        `/groups/${id}/transitiveMembers/microsoft.graph.user?$select=id,userType&$top=999`;
      while (next !== undefined) {
        const page = (await connection.api(next, deadline).get()) as {
          value?: { id?: string; userType?: string | null }[];
          '@odata.nextLink'?: string;
        };
        for (const user of page.value ?? []) {
          if (typeof user.id !== 'string' || (user.userType ?? '').toLowerCase() === 'guest') continue;
          inGroup += 1;
          everyone.add(user.id.toLowerCase());
        }
        next = page['@odata.nextLink'];
      }
      perGroup.push({ id, users: inGroup });
    }
    return { ok: true, value: { used: everyone.size, perGroup } };
  }, totalMs);
}

/** What the serve process keeps: the last count, for metrics and the log. */
export interface LicenseMonitor {
  latest(): SeatCount | null;
  /** Counts now (also what the interval does); never throws. */
  refresh(): Promise<SeatCount | null>;
  stop(): void;
}

export function startLicenseMonitor(deps: {
  count: () => Promise<DirectoryResult<{ used: number; perGroup: { id: string; users: number }[] }>>;
  seats: number | undefined;
  logger: Logger;
  /** How often to count (default 6 h); each over-allocated count warns once. */
  intervalMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}): LicenseMonitor {
  const log = deps.logger.child({ component: 'licensing' });
  let latest: SeatCount | null = null;
  const refresh = async (): Promise<SeatCount | null> => {
    const counted = await deps.count().catch(() => null);
    if (!counted?.ok) {
      log.warn({ code: counted?.code ?? 'directory_unavailable' }, 'licensed seats could not be counted');
      return latest;
    }
    latest = seatCount(counted.value, deps.seats);
    if (overAllocated(latest)) {
      log.warn(
        { seatsUsed: latest.used, seatsTotal: latest.total },
        `licensed groups hold ${latest.used} users for ${latest.total ?? 0} seats: nobody is refused, but the licence is exceeded`,
      );
    }
    return latest;
  };
  const set =
    deps.setInterval ??
    ((fn: () => void, ms: number) => {
      const h = setInterval(fn, ms);
      h.unref();
      return h;
    });
  const clear = deps.clearInterval ?? ((h: unknown) => clearInterval(h as NodeJS.Timeout));
  void refresh();
  const handle = set(() => void refresh(), deps.intervalMs ?? 6 * 3_600_000);
  return { latest: () => latest, refresh, stop: () => clear(handle) };
}
