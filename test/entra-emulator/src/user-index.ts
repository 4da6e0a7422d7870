// The users a $filter can match, found through an index of the values it compares instead of a scan of
// the whole tenant: the bench's tenant has thousands of users and every reset starts with a look-up
// (the scan was the emulator's largest cost). The filter is still evaluated on every candidate, so the
// index only narrows; a filter it cannot narrow (none) falls back to every user.
import { evaluateFilter, type FilterNode } from './odata-filter.js';
import type { Tenant, UserRecord } from './tenant.js';

interface UserIndex {
  /** users.size when built: seeding adds users, nothing removes them; a change rebuilds. */
  size: number;
  /** Lower-cased value → users holding it in any indexed property. */
  byValue: Map<string, UserRecord[]>;
  /** Tenant order, so answers list users as a scan would. */
  order: Map<UserRecord, number>;
}

// The properties a user $filter may compare (graph-routes.ts USER_FILTERABLE_EQ/ANY). None of them is
// changed by any emulated Graph write (only the password, sessions and risk are), so an index built
// once stays true.
const INDEXED = ['userPrincipalName', 'mail', 'employeeId', 'id', 'displayName', 'otherMails'] as const;

const indexes = new WeakMap<Map<string, UserRecord>, UserIndex>();

function build(users: Map<string, UserRecord>): UserIndex {
  const byValue = new Map<string, UserRecord[]>();
  const order = new Map<UserRecord, number>();
  const add = (value: unknown, r: UserRecord): void => {
    if (typeof value !== 'string') return;
    const key = value.toLowerCase();
    const list = byValue.get(key);
    if (!list) byValue.set(key, [r]);
    else if (list[list.length - 1] !== r) list.push(r);
  };
  for (const r of users.values()) {
    order.set(r, order.size);
    const user = r.user as unknown as Record<string, unknown>;
    for (const property of INDEXED) {
      const value = Object.hasOwn(user, property) ? user[property] : undefined;
      if (Array.isArray(value)) for (const v of value) add(v, r);
      else add(value, r);
    }
  }
  return { size: users.size, byValue, order };
}

function literals(node: FilterNode): string[] {
  return node.kind === 'or' ? node.items.flatMap(literals) : [node.value];
}

/** The users `filter` matches (every user when it is null), in tenant order. */
export function usersMatching(
  tenant: Tenant,
  filter: FilterNode | null,
  read: (r: UserRecord, property: string) => string | null | string[],
): UserRecord[] {
  if (filter === null) return [...tenant.users.values()];
  let index = indexes.get(tenant.users);
  if (!index || index.size !== tenant.users.size) {
    index = build(tenant.users);
    indexes.set(tenant.users, index);
  }
  const candidates = new Set<UserRecord>();
  for (const value of literals(filter)) {
    for (const r of index.byValue.get(value.toLowerCase()) ?? []) candidates.add(r);
  }
  const { order } = index;
  return [...candidates]
    .filter((r) => evaluateFilter(filter, (p) => read(r, p)))
    .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}
