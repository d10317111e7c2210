// Checkpoints: a signed list of every entry a capsule has published (live or tombstoned) as
// [id, updated, sha256(payload bytes)], sorted by id, chained to the previous checkpoint by its hash.
// A follower comparing two checkpoints sees withheld entries (an id disappears), silent rewrites (a new
// hash without a later `updated`) and rollbacks (a lower seq). One valid checkpoint signature also
// authenticates every payload whose hash it lists (see verifier.ts).
import { verifyObject, type ObjectRules } from "./authenticate.ts";
import { FORMAT_VERSION } from "./envelope.ts";
import type { EntryPayload } from "./entry.ts";
import { checkConstant, checkDid, checkEntryId, checkHash, checkNullable, checkSequence, checkTimestamp, findProblem, type FieldSpec } from "./fields.ts";
import type { Keyring } from "./keyring.ts";
import { invalid, type Invalid, type VerifyResult } from "./result.ts";

/** One listed entry: its id, its `updated` time and the base64url SHA-256 of its payload bytes. */
export type CheckpointItem = readonly [id: string, updated: string, hash: string];

export interface CheckpointPayload {
  readonly type: "checkpoint";
  readonly v: 1;
  readonly author: string;
  /** Increases by one with each checkpoint the capsule publishes. */
  readonly seq: number;
  readonly created: string;
  /** Hash of the previous checkpoint's payload bytes; null only for the first. */
  readonly prev: string | null;
  /** Every entry ever published, latest version each, in ascending UTF-16 order of id. */
  readonly entries: readonly CheckpointItem[];
}

/** A checkpoint already accepted: its object and payload hash. */
export interface CheckpointState {
  readonly value: CheckpointPayload;
  readonly hash: string;
}

export type CheckpointComparison =
  | { readonly status: "consistent"; readonly same: boolean; readonly added: readonly string[]; readonly changed: readonly string[] }
  | Invalid;

const MAX_ENTRIES = 100_000;

const FIELDS: Record<string, FieldSpec> = {
  type: { check: checkConstant("checkpoint") },
  v: { check: checkConstant(FORMAT_VERSION) },
  author: { check: checkDid("ed25519") },
  seq: { check: checkSequence },
  created: { check: checkTimestamp },
  prev: { check: checkNullable(checkHash) },
  entries: { check: (value) => (Array.isArray(value) && value.length <= MAX_ENTRIES ? undefined : `an array of at most ${MAX_ENTRIES} items`) },
};

/** Finds what is wrong with a checkpoint payload object, or undefined when it is well formed. */
export function findCheckpointProblem(object: unknown): string | undefined {
  const problem = findProblem(object, FIELDS, "checkpoint");
  if (problem !== undefined) return problem;
  const { entries, seq, prev } = object as CheckpointPayload;
  if ((seq === 1) !== (prev === null)) return "checkpoint prev must be null for seq 1 and a hash after it";
  let previousId = "";
  for (let i = 0; i < entries.length; i++) {
    const item = entries[i] as unknown;
    if (!Array.isArray(item) || item.length !== 3) return `checkpoint item ${i} must be [id, updated, hash]`;
    const [id, updated, hash] = item as unknown[];
    const bad = checkEntryId(id) ?? checkTimestamp(updated) ?? checkHash(hash);
    if (bad !== undefined) return `checkpoint item ${i} must be [id, updated, hash]: ${bad}`;
    if (i > 0 && (id as string) <= previousId) return `checkpoint items must be sorted by id without repeats (item ${i}, ${JSON.stringify(id)})`;
    previousId = id as string;
  }
  return undefined;
}

export const CHECKPOINT_RULES: ObjectRules<CheckpointPayload> = {
  type: "checkpoint",
  findProblem: findCheckpointProblem,
  authorOf: (checkpoint) => checkpoint.author,
  timeOf: (checkpoint) => checkpoint.created,
};

/** Verifies a checkpoint, and when the previous accepted one is given, that it continues it; never throws. */
export function verifyCheckpoint(envelope: unknown, keyring: Keyring, options: { previous?: CheckpointState } = {}): VerifyResult<CheckpointPayload> {
  const result = verifyObject(envelope, CHECKPOINT_RULES, keyring);
  if (result.status !== "valid" || options.previous === undefined) return result;
  const comparison = compareCheckpoints(options.previous, result);
  return comparison.status === "consistent" ? result : comparison;
}

/** Compares a checkpoint with the one accepted before it: nothing dropped, rewritten or rolled back. */
export function compareCheckpoints(previous: CheckpointState, next: CheckpointState): CheckpointComparison {
  const old = previous.value;
  const now = next.value;
  if (old.author !== now.author) return invalid("wrong-author", `checkpoint belongs to ${now.author}, the previous one to ${old.author}`);
  if (now.seq < old.seq) return invalid("stale-sequence", `checkpoint seq ${now.seq} is older than the accepted seq ${old.seq} (a rollback or a replay)`);
  if (now.seq === old.seq) {
    if (next.hash === previous.hash) return { status: "consistent", same: true, added: [], changed: [] };
    return invalid("checkpoint-fork", `two different checkpoints share seq ${now.seq}`);
  }
  if (now.seq === old.seq + 1 && now.prev !== previous.hash) {
    return invalid("checkpoint-broken-chain", `checkpoint ${now.seq} does not name checkpoint ${old.seq} as its prev`);
  }
  const listed = new Map(now.entries.map((item) => [item[0], item] as const));
  const changed: string[] = [];
  for (const [id, updated, hash] of old.entries) {
    const item = listed.get(id);
    if (item === undefined) {
      return invalid("checkpoint-skips-entry", `checkpoint ${now.seq} drops entry ${JSON.stringify(id)} listed in checkpoint ${old.seq} (deletions must be tombstones)`);
    }
    if (item[2] === hash && item[1] === updated) continue;
    if (item[2] === hash || item[1] <= updated) {
      return invalid("checkpoint-rewrites-entry", `checkpoint ${now.seq} lists entry ${JSON.stringify(id)} with different content but no later update time (${item[1]}, was ${updated})`);
    }
    changed.push(id);
  }
  const known = new Set(old.entries.map((item) => item[0]));
  const added = now.entries.filter((item) => !known.has(item[0])).map((item) => item[0]);
  return { status: "consistent", same: false, added, changed };
}

/** Lists entries for a checkpoint: the winning version per id (latest updated, tombstone on a tie), sorted by id. */
export function listCheckpointItems(entries: Iterable<{ readonly value: EntryPayload; readonly hash: string }>): CheckpointItem[] {
  const winners = new Map<string, { readonly value: EntryPayload; readonly hash: string }>();
  for (const entry of entries) {
    const current = winners.get(entry.value.id);
    if (current === undefined || isNewerVersion(entry.value, current.value)) winners.set(entry.value.id, entry);
  }
  return [...winners.values()]
    .map(({ value, hash }): CheckpointItem => [value.id, value.updated, hash])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Tells whether one version of an entry supersedes another with the same id. */
export function isNewerVersion(candidate: Pick<EntryPayload, "updated">, current: Pick<EntryPayload, "updated">): boolean {
  if (candidate.updated !== current.updated) return candidate.updated > current.updated;
  return "deleted" in candidate && !("deleted" in current);
}
