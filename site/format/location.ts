// Location records say where a capsule lives now. Like IPNS records, the valid record with the highest
// sequence wins, wherever it was found (old host, new host, any mirror), so a host can neither hold a
// moved capsule hostage nor roll a follower back by replaying an older record.
import { verifyObject, type ObjectRules } from "./authenticate.ts";
import { FORMAT_VERSION } from "./envelope.ts";
import { checkArray, checkConstant, checkDid, checkHttpUrl, checkNullable, checkSequence, checkTimestamp, findProblem, type FieldSpec } from "./fields.ts";
import type { Keyring } from "./keyring.ts";
import { invalid, type Invalid, type Valid, type VerifyResult } from "./result.ts";

export interface LocationPayload {
  readonly type: "location";
  readonly v: 1;
  readonly author: string;
  /** The capsule's location sequence; each move or change of feeds and mirrors increases it. */
  readonly seq: number;
  readonly created: string;
  readonly feeds: readonly string[];
  readonly mirrors: readonly string[];
  /** The site the capsule moved away from, or null when this record is not a move. */
  readonly movedFrom: string | null;
}

/** The outcome of choosing among location records found in several places. */
export interface LocationChoice {
  readonly current: Valid<LocationPayload> | undefined;
  /** Records that did not verify, by their index in the input. */
  readonly rejected: readonly (Invalid & { readonly index: number })[];
}

const FIELDS: Record<string, FieldSpec> = {
  type: { check: checkConstant("location") },
  v: { check: checkConstant(FORMAT_VERSION) },
  author: { check: checkDid("ed25519") },
  seq: { check: checkSequence },
  created: { check: checkTimestamp },
  feeds: { check: checkArray(checkHttpUrl, { max: 20, unique: true }) },
  mirrors: { check: checkArray(checkHttpUrl, { max: 100, unique: true }) },
  movedFrom: { check: checkNullable(checkHttpUrl) },
};

/** Finds what is wrong with a location payload object, or undefined when it is well formed. */
export function findLocationProblem(object: unknown): string | undefined {
  const problem = findProblem(object, FIELDS, "location record");
  if (problem !== undefined) return problem;
  if ((object as LocationPayload).feeds.length === 0) return "location record lists no feed";
  return undefined;
}

export const LOCATION_RULES: ObjectRules<LocationPayload> = {
  type: "location",
  findProblem: findLocationProblem,
  authorOf: (record) => record.author,
  timeOf: (record) => record.created,
};

/** Verifies a location record; with `knownSeq`, a record older than the one already accepted is stale. */
export function verifyLocationRecord(envelope: unknown, keyring: Keyring, options: { knownSeq?: number } = {}): VerifyResult<LocationPayload> {
  const result = verifyObject(envelope, LOCATION_RULES, keyring);
  if (result.status === "valid" && options.knownSeq !== undefined && result.value.seq < options.knownSeq) {
    return invalid("stale-sequence", `location record seq ${result.value.seq} is older than the accepted seq ${options.knownSeq} (a replayed record)`);
  }
  return result;
}

/** Picks the current location among records from anywhere: the valid one with the highest seq wins. */
export function pickCurrentLocation(records: readonly unknown[], keyring: Keyring): LocationChoice {
  let current: Valid<LocationPayload> | undefined;
  const rejected: (Invalid & { index: number })[] = [];
  records.forEach((record, index) => {
    const result = verifyLocationRecord(record, keyring);
    if (result.status === "invalid") rejected.push({ ...result, index });
    if (result.status !== "valid") return;
    if (current === undefined || isPreferred(result, current)) current = result;
  });
  return { current, rejected };
}

// Two different records with one seq are the author's mistake; the later `created` wins, then the
// smaller hash, so every follower settles on the same one whatever order it saw them in.
function isPreferred(candidate: Valid<LocationPayload>, current: Valid<LocationPayload>): boolean {
  if (candidate.value.seq !== current.value.seq) return candidate.value.seq > current.value.seq;
  if (candidate.value.created !== current.value.created) return candidate.value.created > current.value.created;
  return candidate.hash < current.hash;
}
