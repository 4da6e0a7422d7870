// The one place OData string literals are built. Everything a person types reaches Graph's
// $filter only through quoteODataString, so `o'brien` or `x' or 1 eq 1` can neither fail nor
// widen a look-up (OData ABNF: a single quote inside a string literal is written twice).

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An Entra object id (or app/tenant id): the only thing allowed into a Graph URL path segment. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** `'…'` with every `'` doubled. */
export function quoteODataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `$filter` matching a user by UPN, mail, any otherMails entry or employeeId (needs ConsistencyLevel: eventual). */
export function userLookupFilter(identifier: string): string {
  const q = quoteODataString(identifier);
  return [
    `userPrincipalName eq ${q}`,
    `mail eq ${q}`,
    `otherMails/any(m:m eq ${q})`,
    `employeeId eq ${q}`,
  ].join(' or ');
}

/** `$filter` for a property equal to a GUID (principalId, appId); refuses anything else. */
export function guidEqualsFilter(property: 'principalId' | 'appId' | 'id', guid: string): string {
  if (!isGuid(guid)) throw new RangeError(`not a GUID for ${property}`);
  return `${property} eq ${quoteODataString(guid)}`;
}
