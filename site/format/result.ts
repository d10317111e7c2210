// The one result shape of every verification: callers switch on `status`, programs on `reason`, people
// read `message`. Verification never throws on bad input; a throw from a verify function is a bug.

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
  /** The exact payload bytes that were authenticated (store these, not a re-serialisation). */
  readonly bytes: Uint8Array;
  /** base64url SHA-256 of the payload bytes: the object's content address, as listed in checkpoints. */
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
