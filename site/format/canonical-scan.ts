// A fast, one-pass proof that JSON text (already accepted by JSON.parse) is RFC 8785 canonical, without
// re-serialising it. It answers true only when it can prove it; anything it is unsure about (an escaped
// member name) or finds wrong answers false, and the caller falls back to canonicalising, which stays the
// authority. What canonical text looks like, given that JSON.parse already checked the grammar:
// - no whitespace outside strings (§3.2.1);
// - inside strings only the escapes ECMAScript JSON.stringify writes (§3.2.2.2): \" \\ \b \f \n \r \t and
//   \u00xx in lowercase hex for the other controls below U+0020; everything else raw. (Raw controls cannot
//   occur: JSON.parse refuses them; lone surrogates cannot occur raw in strictly decoded UTF-8.)
// - numbers spelled as ECMAScript Number.prototype.toString spells them (§3.2.2.3);
// - members of each object in strictly ascending UTF-16 code unit order of their names (§3.2.3), which
//   also rules out duplicate names.
// Measured alternatives (a byte loop, Buffer#indexOf, one regex for both characters) were all slower than
// String#indexOf here.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// The last member name of each open container, as its start and end in the text (-1: none yet), so
// names are compared where they stand instead of being sliced out. Kept between calls (a scan runs to
// its end without yielding), like the cursor, so that a scan allocates nothing.
const nameStarts: number[] = [];
const nameEnds: number[] = [];
const cursor: Cursor = { quote: -1, escape: -1, escaped: false };

/** Tells whether JSON text that JSON.parse accepted is provably in RFC 8785 canonical form. */
export function isProvablyCanonical(text: string): boolean {
  const proved = scan(text);
  if (nameStarts.length > 1024) nameStarts.length = nameEnds.length = 0; // do not keep what a deep text grew
  return proved;
}

function scan(text: string): boolean {
  let depth = -1;
  cursor.quote = -1;
  cursor.escape = -1;
  cursor.escaped = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = findStringEnd(text, i + 1, cursor);
      if (end < 0) return false;
      if (text.charCodeAt(end + 1) === 0x3a /* : */) {
        if (cursor.escaped) return false; // names with escapes are left to the full canonicaliser
        const last = nameStarts[depth] as number;
        if (last >= 0 && !isBefore(text, last, nameEnds[depth] as number, i + 1, end)) return false;
        nameStarts[depth] = i + 1;
        nameEnds[depth] = end;
      }
      i = end + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      nameStarts[++depth] = -1;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      i++;
    } else if (c === 0x2c /* , */ || c === 0x3a /* : */) {
      i++;
    } else if (c === 0x74 /* t */ || c === 0x6e /* n */) {
      i += 4; // true, null
    } else if (c === 0x66 /* f */) {
      i += 5; // false
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      if (String(Number(token)) !== token) return false;
      i = end;
    } else {
      return false; // whitespace or anything else outside a string
    }
  }
  return true;
}

// Whether text[aStart, aEnd) sorts strictly before text[bStart, bEnd) by UTF-16 code units, as
// JavaScript's `<` on strings does; equal names (duplicates) do not.
function isBefore(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const length = aLength < bLength ? aLength : bLength;
  for (let k = 0; k < length; k++) {
    const a = text.charCodeAt(aStart + k);
    const b = text.charCodeAt(bStart + k);
    if (a !== b) return a < b;
  }
  return aLength < bLength;
}

// - + . 0-9 e E: the characters a JSON number can contain.
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

interface Cursor {
  /** The next '"' and '\\' found at or after the current position (Infinity: no more backslashes), kept
   * across strings so no stretch of text is searched twice. */
  quote: number;
  escape: number;
  /** Whether the string just scanned contained an escape. */
  escaped: boolean;
}

// Returns the index of the quote closing a string whose content starts at `from`, or -1 if an escape in
// it is not one JSON.stringify would write.
function findStringEnd(text: string, from: number, cursor: Cursor): number {
  let i = from;
  cursor.escaped = false;
  for (;;) {
    if (cursor.quote < i) cursor.quote = text.indexOf('"', i);
    if (cursor.escape < i) {
      const found = text.indexOf("\\", i);
      cursor.escape = found < 0 ? Infinity : found;
    }
    if (cursor.quote < 0) return -1;
    if (cursor.quote < cursor.escape) return cursor.quote;
    const escape = cursor.escape;
    cursor.escaped = true;
    switch (text.charCodeAt(escape + 1)) {
      case QUOTE: case BACKSLASH: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: // " \ b f n r t
        i = escape + 2;
        break;
      case 0x75: // u
        if (!isCanonicalUnicodeEscape(text.slice(escape + 2, escape + 6))) return -1;
        i = escape + 6;
        break;
      default:
        return -1;
    }
  }
}

// \u00xx is canonical only for controls without a short escape, in lowercase hex.
function isCanonicalUnicodeEscape(hex: string): boolean {
  if (!/^00[01][0-9a-f]$/.test(hex)) return false;
  const code = parseInt(hex, 16);
  return code !== 0x08 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d;
}
