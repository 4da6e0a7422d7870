// A tiny OData $filter parser for exactly the clauses MyPass and `mypass doctor` send:
//   prop eq 'literal'   |   coll/any(x:x eq 'literal')   |   clauses joined with `or`, parentheses.
// Anything else is refused the way Graph refuses an unsupported query.

export type FilterNode =
  | { kind: 'eq'; property: string; value: string }
  | { kind: 'any'; collection: string; value: string }
  | { kind: 'or'; items: FilterNode[] };

export class FilterError extends Error {
  constructor(
    /** 'syntax' → 400 BadRequest; 'unsupported' → 400 Request_UnsupportedQuery. */
    readonly reason: 'syntax' | 'unsupported',
    message: string,
    readonly property?: string,
  ) {
    super(message);
  }
}

type Token =
  | { t: 'ident'; v: string; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'punct'; v: '(' | ')' | ':' | '/' | ','; at: number };

export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // OData string literal: '' inside is one quote.
      let v = '';
      const at = i;
      i++;
      for (;;) {
        if (i >= input.length)
          throw new FilterError('syntax', `Unterminated string literal at position ${at}.`);
        const d = input[i];
        if (d === "'") {
          if (input[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      out.push({ t: 'string', v, at });
    } else if (c === '(' || c === ')' || c === ':' || c === '/' || c === ',') {
      out.push({ t: 'punct', v: c, at: i });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const at = i;
      while (i < input.length && /[A-Za-z0-9_.]/.test(input[i] ?? '')) i++;
      out.push({ t: 'ident', v: input.slice(at, i), at });
    } else {
      throw new FilterError('syntax', `Syntax error: character '${c}' is not valid at position ${i}.`);
    }
  }
  return out;
}

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (what: string): never => {
    const t = peek();
    throw new FilterError(
      'syntax',
      t
        ? `Syntax error at position ${t.at} in '${input}': ${what}.`
        : `Syntax error: ${what} at the end of '${input}'.`,
    );
  };
  const expectPunct = (v: string): void => {
    const t = peek();
    if (t?.t !== 'punct' || t.v !== v) fail(`'${v}' expected`);
    pos++;
  };
  const expectIdent = (): string => {
    const t = peek();
    if (t?.t !== 'ident') return fail('identifier expected');
    pos++;
    return t.v;
  };
  const expectString = (property: string): string => {
    const t = peek();
    if (t?.t !== 'string') {
      throw new FilterError('unsupported', `Unsupported literal for property '${property}'.`, property);
    }
    pos++;
    return t.v;
  };
  const expectOperator = (property: string): void => {
    const op = expectIdent();
    if (op !== 'eq') {
      throw new FilterError(
        'unsupported',
        `Unsupported operator '${op}' for property '${property}'.`,
        property,
      );
    }
  };

  const primary = (): FilterNode => {
    const t = peek();
    if (t?.t === 'punct' && t.v === '(') {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    const name = expectIdent();
    const next = peek();
    if (next?.t === 'punct' && next.v === '(') {
      throw new FilterError('unsupported', `Unsupported function '${name}'.`, name);
    }
    if (next?.t === 'punct' && next.v === '/') {
      pos++;
      const fn = expectIdent();
      if (fn !== 'any') throw new FilterError('unsupported', `Unsupported lambda '${fn}'.`, name);
      expectPunct('(');
      const variable = expectIdent();
      expectPunct(':');
      const ref = expectIdent();
      if (ref !== variable) fail(`range variable '${variable}' expected`);
      expectOperator(name);
      const value = expectString(name);
      expectPunct(')');
      return { kind: 'any', collection: name, value };
    }
    expectOperator(name);
    return { kind: 'eq', property: name, value: expectString(name) };
  };

  const or = (): FilterNode => {
    const items = [primary()];
    for (;;) {
      const t = peek();
      if (t?.t !== 'ident') break;
      if (t.v === 'or') {
        pos++;
        items.push(primary());
      } else if (t.v === 'and' || t.v === 'not') {
        throw new FilterError('unsupported', `Unsupported logical operator '${t.v}'.`);
      } else {
        fail(`unexpected '${t.v}'`);
      }
    }
    return items.length === 1 ? (items[0] as FilterNode) : { kind: 'or', items };
  };

  if (tokens.length === 0) fail('empty filter');
  const node = or();
  if (pos < tokens.length) fail('end of expression expected');
  return node;
}

/** Properties and collections a node refers to (for per-resource validation). */
export function referencedProperties(node: FilterNode): { eq: string[]; any: string[] } {
  if (node.kind === 'eq') return { eq: [node.property], any: [] };
  if (node.kind === 'any') return { eq: [], any: [node.collection] };
  const parts = node.items.map(referencedProperties);
  return { eq: parts.flatMap((p) => p.eq), any: parts.flatMap((p) => p.any) };
}

/** Evaluate with case-insensitive string equality, as Entra compares directory strings. */
// Module level, not per call: evaluateFilter runs once per user per lookup (thousands in the bench).
function same(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

export function evaluateFilter(
  node: FilterNode,
  read: (property: string) => string | null | undefined | (string | null)[],
): boolean {
  switch (node.kind) {
    case 'eq': {
      const v = read(node.property);
      return Array.isArray(v) ? false : same(v, node.value);
    }
    case 'any': {
      const v = read(node.collection);
      return Array.isArray(v) && v.some((x) => same(x, node.value));
    }
    case 'or':
      return node.items.some((n) => evaluateFilter(n, read));
  }
}
