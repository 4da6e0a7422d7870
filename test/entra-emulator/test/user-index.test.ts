import { describe, expect, it } from 'vitest';
import { evaluateFilter, parseFilter } from '../src/odata-filter.js';
import { createTenant, type UserRecord } from '../src/tenant.js';
import { usersMatching } from '../src/user-index.js';

const read = (r: UserRecord, p: string) => {
  const v = (r.user as unknown as Record<string, unknown>)[p];
  return v === undefined ? null : (v as string | string[] | null);
};

describe('usersMatching (the $filter index)', () => {
  const tenant = createTenant({ generatedUsers: 300 });
  const scan = (filter: string) =>
    [...tenant.users.values()].filter((r) => evaluateFilter(parseFilter(filter), (p) => read(r, p)));
  const someUser = [...tenant.users.values()].find((r) => (r.user.otherMails ?? []).length > 0);

  it.each([
    "userPrincipalName eq 'ADELE.VANCE@contoso.example'",
    "userPrincipalName eq 'user00123@contoso.example' or mail eq 'user00123@contoso.example'",
    "employeeId eq '100123'",
    "mail eq 'nobody@contoso.example'",
    "displayName eq 'user00007@contoso.example' or employeeId eq 'user00007@contoso.example'",
    `otherMails/any(x:x eq '${someUser?.user.otherMails?.[0] ?? ''}')`,
    "userPrincipalName eq 'x'' or 1 eq 1'",
  ])('finds what a scan of every user finds, in tenant order: %s', (filter) => {
    const expected = scan(filter);
    expect(usersMatching(tenant, parseFilter(filter), read)).toEqual(expected);
  });

  it('answers a look-up by one property only with users holding the value in that property', () => {
    // Any property may hold the value in the index; the filter still decides.
    const upn = [...tenant.users.values()][0]?.user.userPrincipalName ?? '';
    expect(usersMatching(tenant, parseFilter(`mail eq '${upn}'`), read)).toEqual(scan(`mail eq '${upn}'`));
    expect(usersMatching(tenant, parseFilter(`userPrincipalName eq '${upn}'`), read)).toHaveLength(1);
  });

  it('sees users added after the index was built', () => {
    const small = createTenant();
    const before = usersMatching(small, parseFilter("userPrincipalName eq 'late@contoso.example'"), read);
    const template = [...small.users.values()][0] as UserRecord;
    const late: UserRecord = {
      ...template,
      user: { ...template.user, id: 'late-id', userPrincipalName: 'late@contoso.example' },
    };
    small.users.set('late-id', late);
    expect(before).toEqual([]);
    expect(usersMatching(small, parseFilter("userPrincipalName eq 'late@contoso.example'"), read)).toEqual([
      late,
    ]);
  });
});
