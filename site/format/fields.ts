// Field checks shared by every object type. Each check returns undefined when the value is fine, or a
// phrase describing what was expected ("a timestamp like 2025-01-31T12:00:00Z"). Every field has exactly
// one accepted spelling, so that one object has one canonical byte form (timestamps to the second in UTC,
// URLs in their WHATWG serialisation, hashes as unpadded base64url).
import { isDidKey, type KeyAlgorithm } from "./did.ts";

export type Check = (value: unknown) => string | undefined;

/** One field of an object: its check, and whether it may be absent. */
export interface FieldSpec {
  readonly check: Check;
  readonly optional?: boolean;
}

const TIMESTAMP = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;
// 32 bytes are 43 base64url characters; the last carries 4 data bits, so its 2 low bits must be zero.
const HASH = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
// RFC 3986 path-rootless segments without ":" (so nothing looks like a scheme), non-ASCII and reserved
// characters percent-encoded with uppercase hex, no empty, "." or ".." segments.
const PATH_SEGMENT = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=@]|%[0-9A-F]{2})+";
const CAPSULE_PATH = new RegExp(`^${PATH_SEGMENT}(?:/${PATH_SEGMENT})*$`);
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;
const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

interface Compiled {
  readonly names: readonly string[];
  readonly specs: readonly FieldSpec[];
}

const compiled = new WeakMap<object, Compiled>();

function compile(fields: Readonly<Record<string, FieldSpec>>): Compiled {
  let found = compiled.get(fields);
  if (found === undefined) compiled.set(fields, (found = { names: Object.keys(fields), specs: Object.values(fields) }));
  return found;
}

/** Finds the first problem in an object against its field specs, naming the field; undefined when fine. */
export function findProblem(object: unknown, fields: Readonly<Record<string, FieldSpec>>, what: string): string | undefined {
  if (typeof object !== "object" || object === null || Array.isArray(object)) return `${what} must be a JSON object`;
  const record = object as Record<string, unknown>;
  const { names, specs } = compile(fields);
  let present = 0;
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string;
    const spec = specs[i] as FieldSpec;
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    if (value === undefined) {
      if (spec.optional) continue;
      return `${what} lacks the field ${JSON.stringify(key)}`;
    }
    present++;
    const problem = spec.check(value);
    if (problem !== undefined) return `${what} field ${JSON.stringify(key)} must be ${problem}, got ${describe(value)}`;
  }
  // Every known field was counted once, so any extra own key is one the spec does not name.
  if (Object.keys(record).length !== present) {
    const unknown = Object.keys(record).find((key) => !Object.hasOwn(fields, key));
    return `${what} has an unknown field ${JSON.stringify(unknown)}`;
  }
  return undefined;
}

/** Accepts exactly one value. */
export function checkConstant(expected: string | number | boolean): Check {
  return (value) => (value === expected ? undefined : JSON.stringify(expected));
}

/** Accepts one of a few strings. */
export function checkOneOf(...options: string[]): Check {
  return (value) => (typeof value === "string" && options.includes(value) ? undefined : options.map((o) => JSON.stringify(o)).join(" or "));
}

export const checkTimestamp: Check = (value) =>
  typeof value === "string" && TIMESTAMP.test(value) && isRealInstant(value)
    ? undefined
    : "a UTC timestamp to the second like 2025-01-31T12:00:00Z";

export const checkSequence: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : "an integer from 1 to 2^53-1";

export const checkSize: Check = (value) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : "a byte count (integer ≥ 0)";

export const checkHash: Check = (value) =>
  typeof value === "string" && HASH.test(value) ? undefined : "a SHA-256 digest as 43 characters of unpadded base64url";

export const checkEntryId: Check = (value) =>
  typeof value === "string" && ENTRY_ID.test(value) ? undefined : "an entry id: 1-128 of A-Z a-z 0-9 . _ ~ -, starting with a letter or digit";

export const checkMediaType: Check = (value) =>
  typeof value === "string" && MEDIA_TYPE.test(value) ? undefined : "a lowercase media type without parameters, like image/png";

export const checkDomain: Check = (value) =>
  typeof value === "string" && DOMAIN.test(value) ? undefined : "a lowercase ASCII host name without port or trailing dot";

/** Accepts a did:key of one algorithm. */
export function checkDid(algorithm: KeyAlgorithm): Check {
  const name = algorithm === "ed25519" ? "an Ed25519 did:key (did:key:z6Mk…)" : "an X25519 did:key (did:key:z6LS…)";
  return (value) => (isDidKey(value, algorithm) ? undefined : name);
}

export const checkAnyDid: Check = (value) =>
  isDidKey(value, "ed25519") || isDidKey(value, "x25519") ? undefined : "an Ed25519 or X25519 did:key";

/** Accepts a string of at most `max` UTF-16 code units, non-empty unless `allowEmpty`. */
export function checkText(max: number, allowEmpty = false): Check {
  return (value) =>
    typeof value === "string" && value.length <= max && (allowEmpty || value.length > 0)
      ? undefined
      : `${allowEmpty ? "a" : "a non-empty"} string of at most ${max} characters`;
}

export const checkHttpUrl: Check = (value) => {
  if (typeof value === "string" && value.length <= 2048 && URL.canParse(value)) {
    const url = new URL(value);
    const plain = url.username === "" && url.password === "" && url.hash === "";
    if ((url.protocol === "https:" || url.protocol === "http:") && plain && url.href === value) return undefined;
  }
  return "an absolute http(s) URL in normalised form (as new URL(u).href writes it), without credentials or fragment";
};

/** A path relative to the capsule's root, like media/cat.jpg: no scheme, host, "..", query or fragment. */
export const checkCapsulePath: Check = (value) =>
  typeof value === "string" && value.length <= 2048 && CAPSULE_PATH.test(value) && !DOT_SEGMENT.test(value)
    ? undefined
    : "a path relative to the capsule root like media/cat.jpg (percent-encoded, no leading /, no . or .., no ?, # or :)";

/** Accepts null or what another check accepts. */
export function checkNullable(check: Check): Check {
  return (value) => {
    if (value === null) return undefined;
    const problem = check(value);
    return problem === undefined ? undefined : `null or ${problem}`;
  };
}

/** Accepts an array whose items pass a check, optionally without duplicates. */
export function checkArray(item: Check, options: { max?: number; unique?: boolean } = {}): Check {
  const { max = 10_000, unique = false } = options;
  return (value) => {
    if (!Array.isArray(value) || value.length > max) return `an array of at most ${max} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i]);
      if (problem !== undefined) return `an array whose items are each ${problem} (item ${i} is not)`;
    }
    if (unique && hasDuplicates(value)) return "an array without duplicates";
    return undefined;
  };
}

/** Accepts a nested object described by its own field specs. */
export function checkObject(fields: Readonly<Record<string, FieldSpec>>, what: string): Check {
  return (value) => {
    const problem = findProblem(value, fields, what);
    return problem === undefined ? undefined : `a valid ${what} (${problem})`;
  };
}

// The pattern already bounds each field; what is left is the length of the month (no 2025-02-30).
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealInstant(text: string): boolean {
  const day = (text.charCodeAt(8) - 48) * 10 + (text.charCodeAt(9) - 48);
  if (day <= 28) return true;
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  if (month !== 2) return day <= (MONTH_DAYS[month] as number);
  const year = Number(text.slice(0, 4));
  return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

// Short arrays (tags) are compared pairwise, which is cheaper than building a Set.
function hasDuplicates(values: readonly unknown[]): boolean {
  if (values.length > 16) return new Set(values).size !== values.length;
  for (let i = 1; i < values.length; i++) for (let j = 0; j < i; j++) if (values[i] === values[j]) return true;
  return false;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
