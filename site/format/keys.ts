// Ed25519 (RFC 8032) signing keys and X25519 (RFC 7748) encryption keys through node:crypto only.
// Private keys are stored as PKCS#8 (RFC 5208, with the RFC 8410 algorithm identifiers), PEM armoured:
// the format `openssl pkey` reads, and the one node:crypto imports without extra code.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { encodeDidKey, type KeyAlgorithm } from "./did.ts";
import { KeyError } from "./errors.ts";

/** A private key with its public half and its did:key identifier. */
export interface KeyPair {
  readonly did: string;
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The raw 32-byte public key. */
  readonly publicKeyBytes: Uint8Array;
}

// PKCS#8 DER of a 32-byte seed: SEQUENCE { version 0, AlgorithmIdentifier { OID }, OCTET STRING { OCTET
// STRING seed } } (RFC 8410 §7). Only the OID differs: 1.3.101.112 Ed25519, 1.3.101.110 X25519.
const PKCS8_HEADER: Record<KeyAlgorithm, Buffer> = {
  ed25519: Buffer.from("302e020100300506032b657004220420", "hex"),
  x25519: Buffer.from("302e020100300506032b656e04220420", "hex"),
};
const NODE_TYPE: Record<string, KeyAlgorithm> = { ed25519: "ed25519", x25519: "x25519" };

/** Generates a fresh random key pair (Ed25519 for signing, X25519 for encryption). */
export function generateKeyPair(algorithm: KeyAlgorithm = "ed25519"): KeyPair {
  const { privateKey } = algorithm === "ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("x25519");
  return toKeyPair(privateKey);
}

/** Derives the key pair of a 32-byte seed (RFC 8032 §5.1.5 private key), for test vectors and backups. */
export function deriveKeyPair(seed: Uint8Array, algorithm: KeyAlgorithm = "ed25519"): KeyPair {
  if (seed.length !== 32) throw new KeyError(`a ${algorithm} seed is 32 bytes, got ${seed.length}`);
  const der = Buffer.concat([PKCS8_HEADER[algorithm], seed]);
  return toKeyPair(createPrivateKey({ key: der, format: "der", type: "pkcs8" }));
}

/** Wraps a node:crypto Ed25519 or X25519 private KeyObject as a KeyPair. */
export function toKeyPair(privateKey: KeyObject): KeyPair {
  const algorithm = NODE_TYPE[privateKey.asymmetricKeyType ?? ""];
  if (privateKey.type !== "private" || algorithm === undefined) {
    throw new KeyError(`expected an Ed25519 or X25519 private key, got a ${privateKey.asymmetricKeyType ?? "secret"} ${privateKey.type} key`, {
      hint: "Capsule keys are made with `capsule keygen`.",
    });
  }
  const publicKey = createPublicKey(privateKey);
  // The SPKI DER of both algorithms is a fixed 12-byte header followed by the raw key.
  const publicKeyBytes = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
  return { did: encodeDidKey(publicKeyBytes, algorithm), algorithm, privateKey, publicKey, publicKeyBytes };
}

/** Writes a private key as a PKCS#8 PEM block, the key file format. */
export function exportPrivateKey(pair: KeyPair): string {
  return pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/** Writes a private key as one line (base64url of its PKCS#8 DER), for environment variables. */
export function exportPrivateKeyLine(pair: KeyPair): string {
  return pair.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url");
}

/** Reads a key file (PKCS#8 PEM) or its one-line form (base64 or base64url of the PKCS#8 DER). */
export function importPrivateKey(text: string, source = "the key"): KeyPair {
  const trimmed = text.trim().replaceAll("\\n", "\n"); // CI variables often carry a PEM with literal "\n"
  let privateKey: KeyObject;
  try {
    privateKey = trimmed.startsWith("-----BEGIN")
      ? createPrivateKey({ key: trimmed, format: "pem" })
      : createPrivateKey({ key: Buffer.from(trimmed, "base64url"), format: "der", type: "pkcs8" });
  } catch (error) {
    throw new KeyError(`cannot read ${source}: ${(error as Error).message}`, {
      cause: error,
      hint: "A capsule key is a PKCS#8 PEM block (-----BEGIN PRIVATE KEY-----) or its base64 DER on one line.",
    });
  }
  return toKeyPair(privateKey);
}
