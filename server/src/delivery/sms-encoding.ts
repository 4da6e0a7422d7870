// SMS bodies in the GSM 03.38 alphabet whenever the language allows. One character outside it
// (a "•" in a masked address, a no-break space from a date format, a typographic apostrophe) makes
// the whole message UCS-2: 70 characters a segment instead of 160, so an English notification
// cost three segments instead of one. Only characters with an exact plain equivalent are replaced
// (what gateways call smart encoding); letters of other scripts are left alone, and such a message
// simply goes as UCS-2.

// The GSM 03.38 basic character set, and its extension table (each of those costs two septets).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const gsm7 = new Set([...GSM7_BASIC, ...GSM7_EXTENSION]);

const plainEquivalents: Readonly<Record<string, string>> = {
  '•': '*',
  '\u00a0': ' ', // no-break space
  '\u2007': ' ', // figure space
  '\u2009': ' ', // thin space
  '\u202f': ' ', // narrow no-break space (some languages' date formats)
  '\u2010': '-',
  '\u2011': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2026': '...',
  '\u200e': '', // left-to-right mark
  '\u200f': '', // right-to-left mark
};

/** Whether every character of `text` is in the GSM 03.38 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!gsm7.has(ch)) return false;
  return true;
}

/**
 * `text` with the characters above replaced, when that makes it fit GSM 03.38; otherwise as it
 * was (a message in Greek, Arabic or Polish keeps its typography: it is UCS-2 anyway).
 */
export function smsText(text: string): string {
  if (isGsm7(text)) return text;
  const plain = Array.from(text, (ch) => plainEquivalents[ch] ?? ch).join('');
  return isGsm7(plain) ? plain : text;
}

/** Segments a gateway will bill for `text` (single, or concatenated with a 6-byte header each). */
export function smsSegments(text: string): number {
  if (isGsm7(text)) {
    let septets = 0;
    for (const ch of text) septets += GSM7_EXTENSION.includes(ch) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  // UCS-2 counts UTF-16 code units.
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}
