// did:key identifiers, https://w3c-ccg.github.io/did-method-key/
//   did:key:z<base58btc(multicodec varint ‖ 32-byte public key)>
// Multicodec table (https://github.com/multiformats/multicodec): ed25519-pub = 0xed, x25519-pub = 0xec,
// each written as the unsigned varint [code, 0x01]. Hence the familiar prefixes z6Mk… and z6LS….
import { createPublicKey, type KeyObject } from "node:crypto";
import { decodeBase58btc, encodeBase58btc } from "./base58.ts";

export type KeyAlgorithm = "ed25519" | "x25519";

/** A decoded did:key. */
export interface DidKey {
  readonly did: string;
  readonly algorithm: KeyAlgorithm;
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** A did:key with its imported node:crypto public key. */
export interface ImportedDidKey extends DidKey {
  readonly keyObject: KeyObject;
}

export type DidDecode<T = DidKey> = { ok: true; key: T } | { ok: false; message: string };

const PREFIX = "did:key:z";
const CODEC: Record<KeyAlgorithm, readonly [number, number]> = { ed25519: [0xed, 0x01], x25519: [0xec, 0x01] };
// Keys are imported as JWK (RFC 8037 OKP): Node hands the raw key straight to OpenSSL, where a DER SPKI
// import goes through OpenSSL 3's decoder chain and took about 150 µs a key here, against about 25 µs.
const JWK_CURVE: Record<KeyAlgorithm, string> = { ed25519: "Ed25519", x25519: "X25519" };
const CACHE_LIMIT = 4096;
// Decoding base58 costs microseconds and importing a key more; identities recur on every entry, so both
// are remembered (bounded, oldest dropped first).
const cache = new Map<string, { ok: true; key: ImportedDidKey }>();
const wellFormed = new Map<string, KeyAlgorithm>();

/** Writes a raw 32-byte public key as a did:key string. */
export function encodeDidKey(publicKey: Uint8Array, algorithm: KeyAlgorithm): string {
  const [code, continuation] = CODEC[algorithm];
  const bytes = new Uint8Array(2 + publicKey.length);
  bytes[0] = code;
  bytes[1] = continuation;
  bytes.set(publicKey, 2);
  return PREFIX + encodeBase58btc(bytes);
}

/** Reads a did:key string into its algorithm and raw public key; never throws. */
export function decodeDidKey(did: unknown): DidDecode {
  if (typeof did !== "string") return { ok: false, message: "a key must be a did:key string" };
  if (!did.startsWith(PREFIX)) {
    return { ok: false, message: `${abbreviate(did)} is not a did:key with a base58btc ("z") multibase value` };
  }
  const bytes = decodeBase58btc(did.slice(PREFIX.length));
  if (bytes === undefined) return { ok: false, message: `${abbreviate(did)} has characters outside base58btc` };
  const algorithm = findAlgorithm(bytes);
  if (algorithm === undefined) {
    return { ok: false, message: `${abbreviate(did)} is neither an ed25519-pub (0xed) nor an x25519-pub (0xec) key` };
  }
  if (bytes.length !== 34) {
    return { ok: false, message: `${abbreviate(did)} holds ${bytes.length - 2} key bytes, expected 32` };
  }
  return { ok: true, key: { did, algorithm, publicKey: bytes.subarray(2) } };
}

/** Decodes a did:key and imports it as a KeyObject, remembering the result so a key is imported once. */
export function importDidKey(did: unknown): DidDecode<ImportedDidKey> {
  if (typeof did === "string") {
    const cached = cache.get(did);
    if (cached !== undefined) return cached;
  }
  const decoded = decodeDidKey(did);
  if (!decoded.ok) return decoded;
  const { algorithm, publicKey } = decoded.key;
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: { kty: "OKP", crv: JWK_CURVE[algorithm], x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
  } catch (error) {
    return { ok: false, message: `${abbreviate(decoded.key.did)} is not a usable ${algorithm} key: ${(error as Error).message}` };
  }
  const result = { ok: true, key: { ...decoded.key, keyObject } } as const;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(decoded.key.did, result);
  rememberWellFormed(decoded.key.did, algorithm);
  return result;
}

/** Tells whether a string is a well-formed did:key of the given algorithm. */
export function isDidKey(did: unknown, algorithm: KeyAlgorithm): did is string {
  if (typeof did !== "string") return false;
  let known = wellFormed.get(did);
  if (known === undefined) {
    const decoded = decodeDidKey(did);
    if (!decoded.ok) return false;
    known = decoded.key.algorithm;
    rememberWellFormed(did, known);
  }
  return known === algorithm;
}

function rememberWellFormed(did: string, algorithm: KeyAlgorithm): void {
  if (wellFormed.size >= CACHE_LIMIT) wellFormed.delete(wellFormed.keys().next().value as string);
  wellFormed.set(did, algorithm);
}

function findAlgorithm(bytes: Uint8Array): KeyAlgorithm | undefined {
  for (const algorithm of ["ed25519", "x25519"] as const) {
    const [code, continuation] = CODEC[algorithm];
    if (bytes[0] === code && bytes[1] === continuation) return algorithm;
  }
  return undefined;
}

function abbreviate(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}
