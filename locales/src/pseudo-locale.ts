// Builds the qps-ploc pseudo-locale from English at run time, so it can never go stale:
// every letter accented, each string bracketed and padded to about 140 % of its length,
// like Microsoft's pseudo-localization. {{variables}} and $t() nesting stay untouched.

const accented: Readonly<Record<string, string>> = {
  a: 'à',
  b: 'ƀ',
  c: 'ç',
  d: 'ð',
  e: 'é',
  f: 'ƒ',
  g: 'ĝ',
  h: 'ĥ',
  i: 'î',
  j: 'ĵ',
  k: 'ķ',
  l: 'ļ',
  m: 'ɱ',
  n: 'ñ',
  o: 'ö',
  p: 'þ',
  q: 'ǫ',
  r: 'ŕ',
  s: 'š',
  t: 'ţ',
  u: 'û',
  v: 'ṽ',
  w: 'ŵ',
  x: 'ẋ',
  y: 'ý',
  z: 'ž',
  A: 'Å',
  B: 'Ɓ',
  C: 'Ç',
  D: 'Ð',
  E: 'É',
  F: 'Ƒ',
  G: 'Ĝ',
  H: 'Ĥ',
  I: 'Î',
  J: 'Ĵ',
  K: 'Ķ',
  L: 'Ļ',
  M: 'Ṁ',
  N: 'Ñ',
  O: 'Ö',
  P: 'Þ',
  Q: 'Ǫ',
  R: 'Ŕ',
  S: 'Š',
  T: 'Ţ',
  U: 'Û',
  V: 'Ṽ',
  W: 'Ŵ',
  X: 'Ẋ',
  Y: 'Ý',
  Z: 'Ž',
};

// Interpolations and nesting must reach i18next unchanged.
const protectedPattern = /(\{\{[^}]*\}\}|\$t\([^)]*\))/;

/** One string in pseudo-locale form: "[Ŝţàŕţ !!!]". */
export function pseudoLocalizeText(text: string): string {
  const body = text
    .split(protectedPattern)
    .map((part, i) => (i % 2 === 1 ? part : [...part].map((ch) => accented[ch] ?? ch).join('')))
    .join('');
  const padding = ' ' + '!'.repeat(Math.max(2, Math.ceil(text.length * 0.4) - 2));
  return `[${body}${padding}]`;
}

/** A whole resource tree in pseudo-locale form, keys unchanged. */
export function pseudoLocalize<T>(resources: T): T {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return pseudoLocalizeText(value);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return walk(resources) as T;
}
