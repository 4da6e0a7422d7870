import { describe, expect, it } from 'vitest';
import { FilterError, evaluateFilter, parseFilter } from '../src/odata-filter.js';

describe('OData filter parser', () => {
  it('parses eq, any() lambdas, or and parentheses', () => {
    expect(parseFilter("userPrincipalName eq 'a@b'")).toEqual({
      kind: 'eq',
      property: 'userPrincipalName',
      value: 'a@b',
    });
    expect(parseFilter("(mail eq 'x') or otherMails/any(o:o eq 'y')")).toEqual({
      kind: 'or',
      items: [
        { kind: 'eq', property: 'mail', value: 'x' },
        { kind: 'any', collection: 'otherMails', value: 'y' },
      ],
    });
  });

  it("reads '' inside a literal as one quote", () => {
    expect(parseFilter("mail eq 'o''brien@x'")).toEqual({ kind: 'eq', property: 'mail', value: "o'brien@x" });
    expect(parseFilter("mail eq 'x'' or 1 eq 1'")).toEqual({
      kind: 'eq',
      property: 'mail',
      value: "x' or 1 eq 1",
    });
  });

  it.each([
    ["mail eq 'x", 'syntax'],
    ["mail eq 'x' or", 'syntax'],
    ['', 'syntax'],
    ["mail eq 'a' and mail eq 'b'", 'unsupported'],
    ["mail ne 'a'", 'unsupported'],
    ["startswith(mail,'a')", 'unsupported'],
    ['mail eq 1', 'syntax'],
    ["otherMails/all(m:m eq 'a')", 'unsupported'],
    ["otherMails/any(m:n eq 'a')", 'syntax'],
    ["mail eq 'x' mail", 'syntax'],
  ])('refuses %j (%s)', (input, reason) => {
    try {
      parseFilter(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FilterError);
      expect((e as FilterError).reason).toBe(reason);
    }
  });

  it('evaluates case-insensitively over single values and collections', () => {
    const user: Record<string, string | string[] | null> = {
      mail: 'A@B.example',
      otherMails: ['X@y.example'],
      employeeId: null,
    };
    const read = (p: string): string | string[] | null => user[p] ?? null;
    expect(evaluateFilter(parseFilter("mail eq 'a@b.EXAMPLE'"), read)).toBe(true);
    expect(evaluateFilter(parseFilter("otherMails/any(m:m eq 'x@Y.example')"), read)).toBe(true);
    expect(evaluateFilter(parseFilter("employeeId eq '1' or mail eq 'no'"), read)).toBe(false);
  });
});
