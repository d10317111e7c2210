// The signed envelope every capsule object travels in:
//   { payload: base64url(JCS bytes), signature: base64url(Ed25519 signature), key: did:key of the signer }
// The signature covers "capsule-v1:" ‖ type ‖ "\n" ‖ payload bytes (domain separation), so a signature
// made for one object type can never be accepted for another, nor for anything else signed with the key.
// Verifiers check the exact payload bytes; they never re-serialise a parsed object to check a signature.
import { sign, verify } from "node:crypto";
import { decodeBase64url, decodeBase64urlInto, diagnoseBase64url, encodeBase64url } from "./base64url.ts";
import { canonicalize, parseCanonicalJson } from "./canonical.ts";
import { importDidKey, type ImportedDidKey } from "./did.ts";
import { KeyError } from "./errors.ts";
import { hashBytes } from "./hash.ts";
import type { KeyPair } from "./keys.ts";
import { invalid, UNSIGNED, type Invalid, type PayloadSource, type Unsigned } from "./result.ts";

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

// Opening decodes the payload into one reused buffer, right after its type's domain prefix, and the
// signature into another, so that verifying allocates no buffer at all. Both hold the envelope opened
// last (`current`); an Opened used after another envelope was opened decodes its strings again, and the
// payload bytes a caller keeps are always a buffer of their own.
const SCRATCH_SIZE = 64 * 1024; // larger payloads get a buffer of their own, as they are rare
const scratch = Buffer.allocUnsafeSlow(SCRATCH_SIZE);
const signatureScratch = Buffer.allocUnsafeSlow(64);
let current: Opened | undefined;

/** Decodes an envelope and checks everything but the signature and the object's fields; never throws. */
export function openEnvelope(input: unknown, type: ObjectType): Opened | Invalid | Unsigned {
  if (input === undefined || input === null) return UNSIGNED;
  if (!isEnvelope(input)) {
    return invalid("malformed-envelope", `a signed ${type} must be an object with exactly the strings payload, signature and key`);
  }
  const imported = importDidKey(input.key);
  if (!imported.ok) return invalid("malformed-key", `signer key: ${imported.message}`);
  if (imported.key.algorithm !== "ed25519") return invalid("malformed-key", `signer key ${input.key} is an X25519 key, which cannot sign`);
  const { payload, signature } = input;
  if (payload.length > Math.ceil((MAX_PAYLOAD_BYTES * 4) / 3)) {
    return invalid("too-large", `${type} payload is over ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const prefix = PREFIX.get(type) as Buffer;
  const end = prefix.length + Math.floor((payload.length * 3) / 4);
  const own = end > SCRATCH_SIZE ? Buffer.allocUnsafe(end) : undefined;
  const buffer = own ?? scratch;
  current = undefined; // the scratch buffers are about to change
  buffer.set(prefix, 0);
  if (decodeBase64urlInto(buffer, prefix.length, payload) < 0) {
    return invalid("malformed-base64", `${type} payload: ${diagnoseBase64url(payload)}`);
  }
  if (signature.length !== 86 || decodeBase64urlInto(signatureScratch, 0, signature) !== 64) {
    // 86 characters are exactly 64 bytes; anything else is refused, with the messages of a full decode.
    const decoded = decodeBase64url(signature);
    if (!decoded.ok) return invalid("malformed-base64", `${type} signature: ${decoded.message}`);
    if (decoded.bytes.length !== 64) {
      return invalid("malformed-signature", `${type} signature is ${decoded.bytes.length} bytes; Ed25519 signatures are 64`);
    }
    signatureScratch.set(decoded.bytes, 0); // not reached: a strict 64-byte signature has 86 characters
  }
  const parsed = parseCanonicalJson(buffer.subarray(prefix.length, end));
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
  return (current = new Opened(input, type, imported.key, record, { payload, signature, own, end }));
}

/** An envelope whose encoding, key and canonical JSON are sound, before its signature and fields are checked. */
export class Opened implements PayloadSource {
  readonly status = "opened";
  readonly #payload: string;
  readonly #signature: string;
  /** Domain prefix ‖ payload in a buffer of this envelope's own, or undefined when they are in `scratch`. */
  readonly #own: Buffer | undefined;
  /** Where the payload ends in that buffer. */
  readonly #end: number;
  #bytes: Buffer | undefined;

  constructor(
    readonly envelope: Envelope,
    /** The type the envelope was opened as, whose domain prefix the signature must cover. */
    readonly type: ObjectType,
    readonly key: ImportedDidKey,
    readonly object: Record<string, unknown>,
    decoded: { payload: string; signature: string; own: Buffer | undefined; end: number },
  ) {
    // The strings that were decoded are kept, not read again from the envelope, which could change.
    this.#payload = decoded.payload;
    this.#signature = decoded.signature;
    this.#own = decoded.own;
    this.#end = decoded.end;
  }

  /** The payload bytes, in a buffer of their own (made on first read: verification itself needs none). */
  get bytes(): Buffer {
    if (this.#bytes === undefined) {
      const start = (PREFIX.get(this.type) as Buffer).length;
      if (this.#own !== undefined) this.#bytes = this.#own.subarray(start, this.#end);
      else if (current === this) this.#bytes = Buffer.from(scratch.subarray(start, this.#end));
      else this.#bytes = Buffer.from(this.#payload, "base64url"); // strict, so exactly the bytes opened
    }
    return this.#bytes;
  }

  /** Returns the SHA-256 of the payload bytes as base64url, without copying them. */
  hashPayload(): string {
    if (this.#bytes !== undefined || this.#own !== undefined || current !== this) return hashBytes(this.bytes);
    return hashBytes(scratch.subarray((PREFIX.get(this.type) as Buffer).length, this.#end));
  }

  /** Checks the Ed25519 signature over the type's domain prefix ‖ payload bytes; never throws. */
  hasValidSignature(): boolean {
    const input = this.#load();
    try {
      return verify(null, input.subarray(0, this.#end), this.key.keyObject, signatureScratch);
    } catch {
      return false;
    }
  }

  // Returns the buffer holding domain prefix ‖ payload, with the signature in `signatureScratch`,
  // decoding them again if another envelope was opened since (both decodes succeeded once already).
  #load(): Buffer {
    if (current === this) return this.#own ?? scratch;
    current = undefined;
    if (this.#own === undefined) {
      const prefix = PREFIX.get(this.type) as Buffer;
      scratch.set(prefix, 0);
      scratch.write(this.#payload, prefix.length, this.#end - prefix.length, "base64url");
    }
    signatureScratch.write(this.#signature, 0, 64, "base64url");
    current = this;
    return this.#own ?? scratch;
  }
}

/** Checks an opened envelope's Ed25519 signature over its domain-separated payload. */
export function checkSignature(opened: Opened, type: ObjectType): Invalid | undefined {
  // The signature is checked under the prefix of the type the envelope was opened as, which is `type`.
  return opened.hasValidSignature() ? undefined : invalid("bad-signature", `${type} signature does not match its payload and key ${opened.key.did}`);
}

/** Tells whether an opened envelope is one of the given object types (for callers holding mixed envelopes). */
export function isObjectType(value: unknown): value is ObjectType {
  return typeof value === "string" && (OBJECT_TYPES as readonly string[]).includes(value);
}
