// base64url without padding, RFC 4648 §5. Decoding is strict so that every byte string has exactly one
// text form: no padding, nothing outside the alphabet, no whitespace, and the unused low bits of the last
// character must be zero (RFC 4648 §3.5 lets decoders reject non-zero ones; we must, or a signature could
// be altered without changing the bytes it decodes to).

/** What `decodeBase64url` found. */
export type Base64urlDecode = { ok: true; bytes: Buffer } | { ok: false; message: string };

const ALPHABET = /^[A-Za-z0-9_-]*$/;
// Last character when 2 characters carry 1 byte (4 unused bits) or 3 characters carry 2 bytes (2 unused).
const LAST_OF_2 = /[AQgw]$/;
const LAST_OF_3 = /[AEIMQUYcgkosw048]$/;

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Decodes strict unpadded base64url; returns a failure instead of throwing. */
export function decodeBase64url(text: string): Base64urlDecode {
  const decoded = decodeBase64urlAfter(EMPTY, text);
  return decoded.ok ? { ok: true, bytes: decoded.bytes } : decoded;
}

/**
 * Decodes strict base64url into a new buffer that starts with `prefix`, so a signing input (domain
 * prefix ‖ payload) is built without a second copy. `bytes` is the decoded part, `whole` all of it.
 */
export function decodeBase64urlAfter(prefix: Uint8Array, text: string): { ok: true; bytes: Buffer; whole: Buffer } | { ok: false; message: string } {
  if (typeof text !== "string") return { ok: false, message: "expected a base64url string" };
  const whole = Buffer.allocUnsafe(prefix.length + Math.floor((text.length * 3) / 4));
  whole.set(prefix, 0);
  if (decodeBase64urlInto(whole, prefix.length, text) < 0) return { ok: false, message: diagnoseBase64url(text) };
  return { ok: true, bytes: whole.subarray(prefix.length), whole };
}

/**
 * Decodes strict base64url into `target` from `offset`, which must leave room for floor(3n/4) bytes;
 * returns how many bytes it wrote, or -1 when the text is not strict (`diagnoseBase64url` says why).
 * Verification decodes into a reused buffer this way, allocating nothing.
 */
export function decodeBase64urlInto(target: Buffer, offset: number, text: string): number {
  if (text.length <= SHORT) return decodeShort(target, offset, text);
  // Node's decoder skips characters it does not understand and also accepts "+" and "/", so: a text is
  // strict exactly when it decodes to floor(3n/4) bytes, has neither "+" nor "/", and its last character
  // leaves the unused bits zero. The property tests check both paths against re-encoding.
  const size = Math.floor((text.length * 3) / 4);
  const written = text.length % 4 === 1 ? -1 : target.write(text, offset, size, "base64url");
  if (written !== size || text.includes("+") || text.includes("/") || !hasZeroTail(text)) return -1;
  return size;
}

const EMPTY = new Uint8Array(0);

// Texts up to this long (signatures are 86 characters) are decoded by the loop below: measured next to
// the signature check it feeds, the loop costs about half of what a call into Node's decoder does.
const SHORT = 128;
const SEXTETS = new Int8Array(128).fill(-1); // character code → its 6 bits, or -1 outside the alphabet
for (let i = 0; i < 64; i++) SEXTETS["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charCodeAt(i)] = i;

function sextetAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? (SEXTETS[c] as number) : -1;
}

// Strict by construction: every character is in the alphabet, the length leaves whole bytes, and the
// unused low bits of the last character are zero; otherwise -1, like Node's decoder path above.
function decodeShort(target: Buffer, offset: number, text: string): number {
  const tail = text.length % 4;
  if (tail === 1) return -1;
  const whole = text.length - tail;
  let j = offset;
  for (let i = 0; i < whole; i += 4) {
    const a = sextetAt(text, i);
    const b = sextetAt(text, i + 1);
    const c = sextetAt(text, i + 2);
    const d = sextetAt(text, i + 3);
    if ((a | b | c | d) < 0) return -1;
    target[j++] = (a << 2) | (b >> 4);
    target[j++] = ((b & 0x0f) << 4) | (c >> 2);
    target[j++] = ((c & 0x03) << 6) | d;
  }
  if (tail > 0) {
    const a = sextetAt(text, whole);
    const b = sextetAt(text, whole + 1);
    const c = tail === 3 ? sextetAt(text, whole + 2) : 0;
    if ((a | b | c) < 0 || (tail === 2 ? b & 0x0f : c & 0x03) !== 0) return -1;
    target[j++] = (a << 2) | (b >> 4);
    if (tail === 3) target[j++] = ((b & 0x0f) << 4) | (c >> 2);
  }
  return j - offset;
}

function hasZeroTail(text: string): boolean {
  const tail = text.length % 4;
  if (tail === 0) return true;
  const last = text[text.length - 1] as string;
  return tail === 2 ? "AQgw".includes(last) : "AEIMQUYcgkosw048".includes(last);
}

/** Says why a text that `decodeBase64urlInto` refused is not strict base64url. */
export function diagnoseBase64url(text: string): string {
  if (!ALPHABET.test(text)) {
    const bad = [...text].find((char) => !/[A-Za-z0-9_-]/.test(char)) ?? "";
    const what = bad === "=" ? "padding '=' (capsule base64url is unpadded)" : `character ${JSON.stringify(bad)}`;
    return `not base64url: ${what} at position ${text.indexOf(bad)}`;
  }
  const tail = text.length % 4;
  if (tail === 1) return `not base64url: length ${text.length} cannot encode whole bytes`;
  if ((tail === 2 && !LAST_OF_2.test(text)) || (tail === 3 && !LAST_OF_3.test(text))) {
    return "not canonical base64url: the unused bits of the last character are not zero";
  }
  return "not canonical base64url";
}
