// RFC 8785 JSON Canonicalization Scheme (JCS), https://www.rfc-editor.org/rfc/rfc8785
//
// - object members sorted by the UTF-16 code units of their names (§3.2.3), which is exactly what the
//   default `Array.prototype.sort` does on strings;
// - numbers serialised like ECMAScript `Number.prototype.toString` (§3.2.2.3), which `String(n)` is
//   (and `String(-0)` is "0", as the RFC wants);
// - strings serialised like ECMAScript `JSON.stringify` (§3.2.2.2), once lone surrogates are refused,
//   because JCS inputs must be I-JSON (RFC 7493 §2.1);
// - no whitespace; UTF-8 output (§3.2.4).
import { isProvablyCanonical } from "./canonical-scan.ts";
import { CanonicalizationError } from "./errors.ts";

/** Deeper than this is refused; it also stops cyclic structures without tracking every ancestor. */
const MAX_DEPTH = 256;

// String.prototype.isWellFormed (ES2024, in Node 20+) finds lone surrogates natively; the regex is the
// fallback: a lone surrogate is the only code point of general category Cs a `u`-mode regex can see.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const LONE_SURROGATE = /\p{Cs}/u;
const isWellFormed = nativeIsWellFormed
  ? (text: string) => nativeIsWellFormed.call(text)
  : (text: string) => !LONE_SURROGATE.test(text);

// `ignoreBOM: true` keeps a leading U+FEFF in the text, so JSON.parse rejects it instead of us silently
// accepting a byte form that is not canonical.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class PathedError extends Error {
  constructor(readonly reason: string, readonly path: string[]) {
    super(reason);
  }
}

/** Serialises plain JSON data as RFC 8785 canonical JSON text; throws CanonicalizationError otherwise. */
export function canonicalizeToString(value: unknown): string {
  try {
    return serialize(value, 0);
  } catch (error) {
    if (error instanceof PathedError) {
      const where = error.path.length === 0 ? "the value" : `$${error.path.reverse().join("")}`;
      throw new CanonicalizationError(`cannot canonicalise ${where}: ${error.reason}`);
    }
    throw error;
  }
}

/** Serialises plain JSON data as the UTF-8 bytes of its RFC 8785 canonical form. */
export function canonicalize(value: unknown): Uint8Array {
  return Buffer.from(canonicalizeToString(value), "utf8");
}

/** What `parseCanonicalJson` found in a byte string. */
export type CanonicalParse =
  | { ok: true; value: unknown; text: string }
  | { ok: false; reason: "malformed-json" | "not-canonical"; message: string };

/** Parses UTF-8 JSON bytes and checks they are exactly the canonical form of what they encode; never throws. */
export function parseCanonicalJson(bytes: Uint8Array): CanonicalParse {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: "malformed-json", message: "payload is not valid UTF-8" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "malformed-json", message: `payload is not JSON: ${(error as Error).message}` };
  }
  // The one-pass scan proves almost every canonical payload; whatever it cannot prove is canonicalised,
  // so the scan only ever makes acceptance faster, never different.
  if (isProvablyCanonical(text)) return { ok: true, value, text };
  let canonical: string;
  try {
    canonical = canonicalizeToString(value);
  } catch (error) {
    return { ok: false, reason: "not-canonical", message: `payload has no canonical form: ${(error as Error).message}` };
  }
  // Comparing strings is comparing bytes: the decode was strict and the canonical text is well formed.
  if (canonical !== text) {
    const at = findFirstDifference(canonical, text);
    return {
      ok: false,
      reason: "not-canonical",
      message: `payload is JSON but not RFC 8785 canonical JSON (first difference at character ${at}: ` +
        `expected ${JSON.stringify(canonical.slice(at, at + 12))}, found ${JSON.stringify(text.slice(at, at + 12))})`,
    };
  }
  return { ok: true, value, text };
}

function serialize(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return serializeString(value);
    case "number":
      if (!Number.isFinite(value)) throw new PathedError(`${value} is not a finite number`, []);
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (depth >= MAX_DEPTH) throw new PathedError(`nested deeper than ${MAX_DEPTH} levels (or cyclic)`, []);
      return Array.isArray(value) ? serializeArray(value, depth + 1) : serializeObject(value, depth + 1);
    default:
      throw new PathedError(`${typeof value} is not JSON`, []);
  }
}

function serializeString(value: string): string {
  if (!isWellFormed(value)) throw new PathedError("string contains a lone surrogate (not I-JSON)", []);
  return JSON.stringify(value);
}

function serializeArray(array: readonly unknown[], depth: number): string {
  let out = "[";
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ",";
    try {
      out += serialize(array[i], depth);
    } catch (error) {
      if (error instanceof PathedError) error.path.push(`[${i}]`);
      throw error;
    }
  }
  return out + "]";
}

function serializeObject(object: object, depth: number): string {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object.constructor as { name?: string } | undefined)?.name ?? "object";
    throw new PathedError(`${name} is not a plain object (convert it to JSON data first)`, []);
  }
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += ",";
    try {
      out += serializeString(key) + ":" + serialize(record[key], depth);
    } catch (error) {
      if (error instanceof PathedError) error.path.push(`[${JSON.stringify(key)}]`);
      throw error;
    }
  }
  return out + "}";
}

function findFirstDifference(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return length;
}
