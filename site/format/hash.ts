// SHA-256 (FIPS 180-4) digests written as unpadded base64url: how payloads, bodies and attachments are
// named in checkpoints and entries.
import * as crypto from "node:crypto";

// crypto.hash (Node 20.12+) is a one-shot digest about twice as fast as createHash on small inputs.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: "base64url") => string }).hash;

/** Returns the SHA-256 of bytes (or of a string's UTF-8) as 43 characters of unpadded base64url. */
export function hashBytes(data: Uint8Array | string): string {
  return oneShot ? oneShot("sha256", data, "base64url") : crypto.createHash("sha256").update(data).digest("base64url");
}
