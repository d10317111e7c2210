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
  if (typeof text !== "string") return { ok: false, message: "expected a base64url string" };
  if (!ALPHABET.test(text)) {
    const bad = [...text].find((char) => !/[A-Za-z0-9_-]/.test(char)) ?? "";
    const what = bad === "=" ? "padding '=' (capsule base64url is unpadded)" : `character ${JSON.stringify(bad)}`;
    return { ok: false, message: `not base64url: ${what} at position ${text.indexOf(bad)}` };
  }
  const tail = text.length % 4;
  if (tail === 1) return { ok: false, message: `not base64url: length ${text.length} cannot encode whole bytes` };
  if ((tail === 2 && !LAST_OF_2.test(text)) || (tail === 3 && !LAST_OF_3.test(text))) {
    return { ok: false, message: "not canonical base64url: the unused bits of the last character are not zero" };
  }
  return { ok: true, bytes: Buffer.from(text, "base64url") };
}
