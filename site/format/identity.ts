// The identity record, served at /.well-known/capsule.json as one envelope. It names the root identity,
// the domain it is served from (the domain is only a handle: it must point back), the certificates of
// the keys that sign for the capsule, where its feeds and follow list are, a profile and its mirrors.
// `seq` is the capsule's location sequence (the same counter location records use).
import { checkAuthority, parseOpened, type ObjectRules } from "./authenticate.ts";
import { FORMAT_VERSION, isEnvelope, openEnvelope, type Envelope } from "./envelope.ts";
import {
  checkArray, checkConstant, checkDid, checkDomain, checkHttpUrl, checkNullable, checkObject, checkSequence, checkText,
  checkTimestamp, findProblem, type FieldSpec,
} from "./fields.ts";
import { createKeyring, type Keyring } from "./keyring.ts";
import { invalid, type Invalid, type Unsigned, type Valid } from "./result.ts";

export interface Profile {
  readonly name: string;
  readonly bio: string;
  readonly avatar: string | null;
}

export interface IdentityPayload {
  readonly type: "identity";
  readonly v: 1;
  /** The root identity (did:key), the one thing a follower pins. */
  readonly id: string;
  /** The host name this record is served from and vouches for. */
  readonly domain: string;
  readonly created: string;
  readonly seq: number;
  readonly certificates: readonly Envelope[];
  readonly feeds: readonly string[];
  readonly following: string | null;
  readonly profile: Profile;
  readonly mirrors: readonly string[];
}

/** A valid identity record, with the keyring its certificates build. */
export type VerifiedIdentity = Valid<IdentityPayload> & { readonly keyring: Keyring };

const PROFILE: Record<string, FieldSpec> = {
  name: { check: checkText(200) },
  bio: { check: checkText(5000, true) },
  avatar: { check: checkNullable(checkHttpUrl) },
};

const FIELDS: Record<string, FieldSpec> = {
  type: { check: checkConstant("identity") },
  v: { check: checkConstant(FORMAT_VERSION) },
  id: { check: checkDid("ed25519") },
  domain: { check: checkDomain },
  created: { check: checkTimestamp },
  seq: { check: checkSequence },
  certificates: { check: checkArray((value) => (isEnvelope(value) ? undefined : "a certificate envelope"), { max: 100 }) },
  feeds: { check: checkArray(checkHttpUrl, { max: 20, unique: true }) },
  following: { check: checkNullable(checkHttpUrl) },
  profile: { check: checkObject(PROFILE, "profile") },
  mirrors: { check: checkArray(checkHttpUrl, { max: 100, unique: true }) },
};

/** Finds what is wrong with an identity payload object, or undefined when it is well formed. */
export function findIdentityProblem(object: unknown): string | undefined {
  const problem = findProblem(object, FIELDS, "identity record");
  if (problem !== undefined) return problem;
  if ((object as IdentityPayload).feeds.length === 0) return "identity record lists no feed";
  return undefined;
}

export const IDENTITY_RULES: ObjectRules<IdentityPayload> = {
  type: "identity",
  findProblem: findIdentityProblem,
  authorOf: (record) => record.id,
  timeOf: (record) => record.created,
};

/**
 * Verifies an identity record: its certificates against its own root, its signature against them, and
 * optionally that it is the pinned identity and names the domain it was fetched from; never throws.
 */
export function verifyIdentityRecord(envelope: unknown, options: { root?: string; domain?: string } = {}): VerifiedIdentity | Invalid | Unsigned {
  const opened = openEnvelope(envelope, "identity");
  if (opened.status !== "opened") return opened;
  const claimed = (opened.object as { id?: unknown }).id;
  const root = options.root ?? (typeof claimed === "string" ? claimed : "");
  const parsed = parseOpened(opened, IDENTITY_RULES, root);
  if (parsed.status !== "parsed") {
    return parsed.reason === "wrong-author"
      ? invalid("wrong-author", `identity record is for ${JSON.stringify(claimed)}, not the pinned identity ${root}`)
      : parsed;
  }
  const record = parsed.value;
  if (options.domain !== undefined && record.domain !== options.domain.toLowerCase()) {
    return invalid("wrong-domain", `identity record names the domain ${record.domain}, but was served by ${options.domain}`);
  }
  const built = createKeyring(record.id, record.certificates);
  if (built.status !== "valid") return built;
  const [rejected] = built.rejected;
  if (rejected !== undefined) {
    return invalid("bad-certificate", `identity record certificate ${rejected.index} is not valid (${rejected.reason}): ${rejected.message}`);
  }
  const result = checkAuthority(parsed, IDENTITY_RULES, built.keyring);
  if (result.status !== "valid") return result;
  const { value, bytes, hash, signer, via } = result;
  return { status: "valid", value, bytes, hash, signer, via, keyring: built.keyring };
}
