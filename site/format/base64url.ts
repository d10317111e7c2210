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
  // Node's decoder skips characters it does not understand and also accepts "+" and "/", so: a text is
  // strict exactly when it decodes to floor(3n/4) bytes, has neither "+" nor "/", and its last character
  // leaves the unused bits zero. The property tests check this against re-encoding.
  const size = Math.floor((text.length * 3) / 4);
  const whole = Buffer.allocUnsafe(prefix.length + size);
  whole.set(prefix, 0);
  const written = text.length % 4 === 1 ? -1 : whole.write(text, prefix.length, "base64url");
  if (written !== size || text.includes("+") || text.includes("/") || !hasZeroTail(text)) return { ok: false, message: diagnose(text) };
  return { ok: true, bytes: whole.subarray(prefix.length), whole };
}

const EMPTY = new Uint8Array(0);

function hasZeroTail(text: string): boolean {
  const tail = text.length % 4;
  if (tail === 0) return true;
  const last = text[text.length - 1] as string;
  return tail === 2 ? "AQgw".includes(last) : "AEIMQUYcgkosw048".includes(last);
}

function diagnose(text: string): string {
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
