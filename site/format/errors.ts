import { CapsuleError } from "../errors.ts";

// Errors the format throws on purpose, only on the *producing* side (building, signing, reading key
// files). Verification never throws: it returns a typed result (see result.ts).

/** A value cannot be written as RFC 8785 canonical JSON (non-finite number, undefined, lone surrogate…). */
export class CanonicalizationError extends CapsuleError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("CAPSULE_NOT_CANONICALIZABLE", `format: ${message}`, {
      hint: "Only plain JSON data can be signed: strings, finite numbers, booleans, null, arrays and plain objects.",
      ...options,
    });
  }
}

/** Fields handed to a signing function do not form a valid capsule object. */
export class InvalidObjectError extends CapsuleError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("CAPSULE_INVALID_OBJECT", `format: ${message}`, {
      hint: "See docs/format.md for the fields each object type takes.",
      ...options,
    });
  }
}

/** A key is missing, of the wrong kind, or a key file cannot be read. */
export class KeyError extends CapsuleError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("CAPSULE_BAD_KEY", `format: ${message}`, options);
  }
}
