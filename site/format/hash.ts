// SHA-256 (FIPS 180-4) digests written as unpadded base64url: how payloads, bodies and attachments are
// named in checkpoints and entries.
import { createHash } from "node:crypto";

/** Returns the SHA-256 of bytes (or of a string's UTF-8) as 43 characters of unpadded base64url. */
export function hashBytes(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("base64url");
}
