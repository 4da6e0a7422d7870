import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  guidEqualsFilter,
  isGuid,
  quoteODataString,
  userLookupFilter,
} from '../../src/directory/odata-filter.js';

/** Reads one OData string literal starting at `i`; returns its value and the index after it. */
function readLiteral(s: string, i: number): { value: string; end: number } {
  expect(s[i]).toBe("'");
  let value = '';
  let j = i + 1;
  for (;;) {
    if (j >= s.length) throw new Error('unterminated literal');
    if (s[j] === "'") {
      if (s[j + 1] === "'") {
        value += "'";
        j += 2;
        continue;
      }
      return { value, end: j + 1 };
    }
    value += s[j];
    j += 1;
  }
}

describe('quoteODataString', () => {
  it("doubles every single quote so o'brien stays one literal", () => {
    expect(quoteODataString("o'brien@contoso.example")).toBe("'o''brien@contoso.example'");
  });

  it('keeps an injection attempt inside the literal', () => {
    const q = quoteODataString("x' or 1 eq 1");
    expect(q).toBe("'x'' or 1 eq 1'");
    expect(readLiteral(q, 0)).toEqual({ value: "x' or 1 eq 1", end: q.length });
  });

  it('round-trips any string as exactly one literal', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const q = quoteODataString(s);
        expect(readLiteral(q, 0)).toEqual({ value: s, end: q.length });
      }),
    );
  });
});

describe('userLookupFilter', () => {
  it('compares the same escaped literal against UPN, mail, otherMails and employeeId', () => {
    expect(userLookupFilter("o'brien@contoso.example")).toBe(
      "userPrincipalName eq 'o''brien@contoso.example' or mail eq 'o''brien@contoso.example' or " +
        "otherMails/any(m:m eq 'o''brien@contoso.example') or employeeId eq 'o''brien@contoso.example'",
    );
  });

  it('has exactly four comparisons whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const filter = userLookupFilter(s);
        // Strip the literals; what is left is the fixed grammar around them.
        let skeleton = '';
        for (let i = 0; i < filter.length;) {
          if (filter[i] === "'") {
            i = readLiteral(filter, i).end;
            skeleton += 'L';
          } else {
            skeleton += filter[i];
            i += 1;
          }
        }
        expect(skeleton).toBe(
          'userPrincipalName eq L or mail eq L or otherMails/any(m:m eq L) or employeeId eq L',
        );
      }),
    );
  });
});

describe('GUIDs', () => {
  it('accepts object ids and refuses anything that could change a URL path', () => {
    expect(isGuid('6e7b768e-07e2-4810-8459-485f84f8f204')).toBe(true);
    expect(isGuid('6E7B768E-07E2-4810-8459-485F84F8F204')).toBe(true);
    expect(isGuid('../me')).toBe(false);
    expect(isGuid('6e7b768e-07e2-4810-8459-485f84f8f204/memberOf')).toBe(false);
    expect(isGuid('adele.vance@contoso.example')).toBe(false);
  });

  it('builds a GUID filter and refuses a non-GUID', () => {
    expect(guidEqualsFilter('principalId', '6e7b768e-07e2-4810-8459-485f84f8f204')).toBe(
      "principalId eq '6e7b768e-07e2-4810-8459-485f84f8f204'",
    );
    expect(() => guidEqualsFilter('appId', "x' or 1 eq 1")).toThrow(RangeError);
  });
});
