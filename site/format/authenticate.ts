// The verification order every object signed by a capsule's keys follows (docs/format.md, "Verifying"):
// cheap checks first, the Ed25519 signature last, so malformed or unauthorised input costs microseconds.
//   1. envelope shape, signer did:key, base64url, size, UTF-8 JSON, canonical bytes, type, version
//   2. the object's fields
//   3. authorship: the object names the keyring's root
//   4. authority: the signer is the root or a certified, unrevoked, unexpired signing key
//   5. the signature over the domain-separated payload
import { checkSignature, openEnvelope, type ObjectType, type Opened } from "./envelope.ts";
import { authorizeSigner, type Keyring } from "./keyring.ts";
import { invalid, validPayload, type Invalid, type Unsigned, type Valid, type VerifyResult } from "./result.ts";

/** How one object type plugs into the shared verification steps. */
export interface ObjectRules<T> {
  readonly type: ObjectType;
  findProblem(object: unknown): string | undefined;
  /** The root identity the object claims to belong to. */
  authorOf(value: T): string;
  /** The object's own time, checked against the signer's expiry. */
  timeOf(value: T): string;
}

/** A payload that passed steps 1-3, waiting for its authority and signature checks. */
export interface Parsed<T> {
  readonly status: "parsed";
  readonly opened: Opened;
  readonly value: T;
}

/** Runs steps 1-3; returns the parsed object or why it was refused. */
export function parseObject<T>(input: unknown, rules: ObjectRules<T>, root: string): Parsed<T> | Invalid | Unsigned {
  const opened = openEnvelope(input, rules.type);
  if (opened.status !== "opened") return opened;
  return parseOpened(opened, rules, root);
}

/** Runs steps 2-3 on an envelope already opened. */
export function parseOpened<T>(opened: Opened, rules: ObjectRules<T>, root: string): Parsed<T> | Invalid {
  const problem = rules.findProblem(opened.object);
  if (problem !== undefined) return invalid("malformed-object", problem);
  const value = opened.object as unknown as T;
  const author = rules.authorOf(value);
  if (author !== root) return invalid("wrong-author", `${rules.type} belongs to ${author}, not to ${root}`);
  return { status: "parsed", opened, value };
}

/** Runs steps 4-5 on a parsed object. */
export function checkAuthority<T>(parsed: Parsed<T>, rules: ObjectRules<T>, keyring: Keyring, hash?: string): Valid<T> | Invalid {
  const { opened, value } = parsed;
  const refused = authorizeSigner(keyring, opened.key.did, rules.timeOf(value));
  if (refused !== undefined) return refused;
  const bad = checkSignature(opened, rules.type);
  if (bad !== undefined) return bad;
  return validPayload(value, opened, opened.key.did, "signature", hash);
}

/** Runs every step for one envelope against a keyring. */
export function verifyObject<T>(input: unknown, rules: ObjectRules<T>, keyring: Keyring): VerifyResult<T> {
  const parsed = parseObject(input, rules, keyring.root);
  if (parsed.status !== "parsed") return parsed;
  return checkAuthority(parsed, rules, keyring);
}
