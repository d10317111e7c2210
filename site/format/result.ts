// The one result shape of every verification: callers switch on `status`, programs on `reason`, people
// read `message`. Verification never throws on bad input; a throw from a verify function is a bug.
import { hashBytes } from "./hash.ts";

/** Stable reason codes; never renamed once published (docs/format.md lists what each means). */
export type InvalidReason =
  | "malformed-envelope"
  | "malformed-base64"
  | "malformed-key"
  | "malformed-signature"
  | "too-large"
  | "malformed-json"
  | "not-canonical"
  | "wrong-type"
  | "unsupported-version"
  | "malformed-object"
  | "wrong-root"
  | "wrong-author"
  | "wrong-domain"
  | "bad-certificate"
  | "uncertified-key"
  | "revoked-key"
  | "expired-key"
  | "bad-signature"
  | "hash-mismatch"
  | "stale-sequence"
  | "checkpoint-fork"
  | "checkpoint-broken-chain"
  | "checkpoint-skips-entry"
  | "checkpoint-rewrites-entry"
  | "ambiguous-dns";

/** How a valid payload was authenticated. */
export type Authentication = "signature" | "checkpoint" | "cache";

/** A payload whose bytes are authentic and whose object is well formed. */
export interface Valid<T> {
  readonly status: "valid";
  readonly value: T;
  /**
   * The exact payload bytes that were authenticated (store these, not a re-serialisation). A getter
   * that copies them out of the verifier's reused buffer on first read.
   */
  readonly bytes: Uint8Array;
  /**
   * base64url SHA-256 of the payload bytes: the object's content address, as listed in checkpoints.
   * Computed on first read when verification did not need it (a getter: read it, do not spread results).
   */
  readonly hash: string;
  /** did:key of the key whose signature vouches for the bytes (the checkpoint's signer when via checkpoint). */
  readonly signer: string;
  readonly via: Authentication;
}

/** Input that must not be trusted, with a stable code and a precise sentence. */
export interface Invalid {
  readonly status: "invalid";
  readonly reason: InvalidReason;
  readonly message: string;
}

/** No signature was there to check (an unsigned feed or item). */
export interface Unsigned {
  readonly status: "unsigned";
}

export type VerifyResult<T> = Valid<T> | Invalid | Unsigned;

/** Builds an Invalid result. */
export function invalid(reason: InvalidReason, message: string): Invalid {
  return { status: "invalid", reason, message };
}

export const UNSIGNED: Unsigned = Object.freeze({ status: "unsigned" });

/** Payload bytes held by something that copies them out only when asked (an opened envelope). */
export interface PayloadSource {
  readonly bytes: Uint8Array;
  /** Returns the SHA-256 of the bytes as base64url, as `hashBytes` would. */
  hashPayload(): string;
}

/**
 * Builds a Valid result; without `hash`, the SHA-256 is taken only if someone reads it, and from a
 * PayloadSource the bytes are copied out only if someone reads them.
 */
export function validPayload<T>(value: T, bytes: Uint8Array | PayloadSource, signer: string, via: Authentication, hash?: string): Valid<T> {
  return new ValidPayload(value, bytes, signer, via, hash);
}

// A class rather than a literal with getters: V8 builds these in nanoseconds, and a one-off verifyEntry
// then costs no SHA-256 (about 1.5% of a verification) and no copy of the payload that nobody asked for.
class ValidPayload<T> implements Valid<T> {
  readonly status = "valid";
  #bytes: Uint8Array | PayloadSource;
  #hash: string | undefined;

  constructor(readonly value: T, bytes: Uint8Array | PayloadSource, readonly signer: string, readonly via: Authentication, hash?: string) {
    this.#bytes = bytes;
    this.#hash = hash;
  }

  get bytes(): Uint8Array {
    const bytes = this.#bytes;
    return bytes instanceof Uint8Array ? bytes : (this.#bytes = bytes.bytes);
  }

  get hash(): string {
    if (this.#hash === undefined) {
      const bytes = this.#bytes;
      this.#hash = bytes instanceof Uint8Array ? hashBytes(bytes) : bytes.hashPayload();
    }
    return this.#hash;
  }

  toJSON(): object {
    return { status: this.status, value: this.value, hash: this.hash, signer: this.signer, via: this.via };
  }
}
