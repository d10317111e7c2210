// Shared deterministic keys and objects for the format tests (not a test file itself).
import { encodeBase64url } from "../../../site/format/base64url.ts";
import { canonicalize } from "../../../site/format/canonical.ts";
import { buildSigningInput, type Envelope, type ObjectType } from "../../../site/format/envelope.ts";
import { createKeyring, type Keyring } from "../../../site/format/keyring.ts";
import { deriveKeyPair, type KeyPair } from "../../../site/format/keys.ts";
import { createSigner, type EntryFields } from "../../../site/format/signer.ts";
import { sign } from "node:crypto";

/** A 32-byte seed filled with one byte value. */
export function seed(byte: number): Buffer {
  return Buffer.alloc(32, byte);
}

export const rootKey: KeyPair = deriveKeyPair(seed(1));
export const signingKey: KeyPair = deriveKeyPair(seed(2));
export const otherRoot: KeyPair = deriveKeyPair(seed(3));
export const otherKey: KeyPair = deriveKeyPair(seed(4));
export const encryptKey: KeyPair = deriveKeyPair(seed(5), "x25519");

export const signer = createSigner({ rootKey, signingKey });

export const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });

/** The keyring of rootKey with signingKey certified. */
export function makeKeyring(certificates: readonly unknown[] = [certificate.envelope], root = rootKey.did): Keyring {
  const built = createKeyring(root, certificates);
  if (built.status !== "valid") throw new Error(`fixture keyring failed: ${built.message}`);
  return built.keyring;
}

export const noteFields: EntryFields = {
  id: "2025-01-02-hello",
  published: "2025-01-02T10:00:00Z",
  kind: "note",
  body: "Hello, *world*. Ünïcödé and an emoji 😀.",
  tags: ["hello"],
};

export const articleFields: EntryFields = {
  id: "2025-01-03-first-article",
  published: "2025-01-03T10:00:00Z",
  updated: "2025-01-04T08:30:00Z",
  kind: "article",
  title: "First article",
  summary: "What this is about.",
  body: "# First\n\nSome text with a [link](https://example.com/).\n",
  tags: ["capsule", "meta"],
  attachments: [{ url: "media/cat.jpg", mediaType: "image/jpeg", size: 3, sha256: "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", alt: "a cat" }],
};

/** Signs any JSON object under a type's domain prefix, bypassing the signer's field checks. */
export function signRaw(object: unknown, type: ObjectType, key: KeyPair = signingKey, bytes?: Uint8Array): Envelope {
  const payload = bytes ?? canonicalize(object);
  return {
    payload: encodeBase64url(payload),
    signature: encodeBase64url(sign(null, buildSigningInput(type, payload), key.privateKey)),
    key: key.did,
  };
}
