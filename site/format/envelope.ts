// The signed envelope every capsule object travels in:
//   { payload: base64url(JCS bytes), signature: base64url(Ed25519 signature), key: did:key of the signer }
// The signature covers "capsule-v1:" ‖ type ‖ "\n" ‖ payload bytes (domain separation), so a signature
// made for one object type can never be accepted for another, nor for anything else signed with the key.
// Verifiers check the exact payload bytes; they never re-serialise a parsed object to check a signature.
import { sign, verify } from "node:crypto";
import { decodeBase64url, decodeBase64urlAfter, encodeBase64url } from "./base64url.ts";
import { canonicalize, parseCanonicalJson } from "./canonical.ts";
import { importDidKey, type ImportedDidKey } from "./did.ts";
import { KeyError } from "./errors.ts";
import { hashBytes } from "./hash.ts";
import type { KeyPair } from "./keys.ts";
import { invalid, UNSIGNED, type Invalid, type Unsigned } from "./result.ts";

export type ObjectType = "certificate" | "entry" | "checkpoint" | "identity" | "location";

/** A signed object as it travels: three strings. */
export interface Envelope {
  readonly payload: string;
  readonly signature: string;
  readonly key: string;
}

/** An envelope made by a signer, with the bytes it carries and their hash. */
export interface Sealed<T> {
  readonly envelope: Envelope;
  readonly value: T;
  readonly bytes: Uint8Array;
  readonly hash: string;
}

/** An envelope whose encoding, key and canonical JSON are sound, before its signature and fields are checked. */
export interface Opened {
  readonly status: "opened";
  readonly envelope: Envelope;
  readonly bytes: Buffer;
  /** The domain prefix of the expected type followed by the payload bytes: what the signature covers. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  readonly key: ImportedDidKey;
  readonly object: Record<string, unknown>;
}

export const FORMAT_VERSION = 1;
/** Payloads larger than this are refused before decoding (bodies that large go behind bodyUrl). */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

const OBJECT_TYPES: readonly ObjectType[] = ["certificate", "entry", "checkpoint", "identity", "location"];
const PREFIX = new Map(OBJECT_TYPES.map((type) => [type, Buffer.from(`capsule-v1:${type}\n`, "ascii")]));

/** Returns the exact bytes an Ed25519 signature covers for an object type and payload. */
export function buildSigningInput(type: ObjectType, payload: Uint8Array): Buffer {
  return Buffer.concat([PREFIX.get(type) as Buffer, payload]);
}

/** Canonicalises an object and signs it under its type's domain prefix. */
export function sealEnvelope<T extends { readonly type: ObjectType }>(object: T, key: KeyPair): Sealed<T> {
  if (key.algorithm !== "ed25519") throw new KeyError(`cannot sign with an ${key.algorithm} key (${key.did}); signing keys are Ed25519`);
  const bytes = canonicalize(object);
  const signature = sign(null, buildSigningInput(object.type, bytes), key.privateKey);
  const envelope = { payload: encodeBase64url(bytes), signature: encodeBase64url(signature), key: key.did };
  return { envelope, value: object, bytes, hash: hashBytes(bytes) };
}

/** Tells whether a value has the shape of an envelope (three strings, nothing else). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.payload === "string" && typeof record.signature === "string" && typeof record.key === "string" &&
    Object.keys(record).length === 3;
}

/** Decodes an envelope and checks everything but the signature and the object's fields; never throws. */
export function openEnvelope(input: unknown, type: ObjectType): Opened | Invalid | Unsigned {
  if (input === undefined || input === null) return UNSIGNED;
  if (!isEnvelope(input)) {
    return invalid("malformed-envelope", `a signed ${type} must be an object with exactly the strings payload, signature and key`);
  }
  const imported = importDidKey(input.key);
  if (!imported.ok) return invalid("malformed-key", `signer key: ${imported.message}`);
  if (imported.key.algorithm !== "ed25519") return invalid("malformed-key", `signer key ${input.key} is an X25519 key, which cannot sign`);
  if (input.payload.length > Math.ceil((MAX_PAYLOAD_BYTES * 4) / 3)) {
    return invalid("too-large", `${type} payload is over ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const payload = decodeBase64urlAfter(PREFIX.get(type) as Buffer, input.payload);
  if (!payload.ok) return invalid("malformed-base64", `${type} payload: ${payload.message}`);
  const signature = decodeBase64url(input.signature);
  if (!signature.ok) return invalid("malformed-base64", `${type} signature: ${signature.message}`);
  if (signature.bytes.length !== 64) {
    return invalid("malformed-signature", `${type} signature is ${signature.bytes.length} bytes; Ed25519 signatures are 64`);
  }
  const parsed = parseCanonicalJson(payload.bytes);
  if (!parsed.ok) return invalid(parsed.reason, `${type} ${parsed.message}`);
  const object = parsed.value;
  if (typeof object !== "object" || object === null || Array.isArray(object)) {
    return invalid("malformed-object", `${type} payload must be a JSON object`);
  }
  const record = object as Record<string, unknown>;
  if (record.type !== type) {
    return invalid("wrong-type", `expected a ${type}, but the payload's type is ${JSON.stringify(record.type) ?? "missing"}`);
  }
  if (record.v !== FORMAT_VERSION) {
    return invalid("unsupported-version", `${type} has format version ${JSON.stringify(record.v)}; this verifier reads version ${FORMAT_VERSION}`);
  }
  return { status: "opened", envelope: input, bytes: payload.bytes, signingInput: payload.whole, signature: signature.bytes, key: imported.key, object: record };
}

/** Checks an opened envelope's Ed25519 signature over its domain-separated payload. */
export function checkSignature(opened: Opened, type: ObjectType): Invalid | undefined {
  // signingInput was built with the prefix of the type the envelope was opened as, which is `type`.
  let ok = false;
  try {
    ok = verify(null, opened.signingInput, opened.key.keyObject, opened.signature);
  } catch {
    ok = false;
  }
  return ok ? undefined : invalid("bad-signature", `${type} signature does not match its payload and key ${opened.key.did}`);
}

/** Tells whether an opened envelope is one of the given object types (for callers holding mixed envelopes). */
export function isObjectType(value: unknown): value is ObjectType {
  return typeof value === "string" && (OBJECT_TYPES as readonly string[]).includes(value);
}
