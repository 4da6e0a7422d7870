// Remembers a pure function's recent results. For parsing the server does on every request with the
// same few inputs (phone numbers of the people resetting now): libphonenumber-js took ~5 % of the API's
// CPU in the bench. Bounded, since the keys can come from anyone: the oldest entry goes first.

/** `compute` memoized over its string key, holding at most `capacity` results. */
export function boundedMemo<V>(capacity: number, compute: (key: string) => V): (key: string) => V {
  const memo = new Map<string, V>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as V;
    const value = compute(key);
    if (memo.size >= capacity) memo.delete(memo.keys().next().value as string);
    memo.set(key, value);
    return value;
  };
}
