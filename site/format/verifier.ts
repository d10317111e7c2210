// A Verifier holds what a follower has already established about one capsule, so each payload costs one
// Ed25519 verification at most once, and usually none at all:
// - payload hashes already verified are remembered (via "cache");
// - a valid checkpoint authenticates every entry payload whose SHA-256 it lists (via "checkpoint"), so
//   a 20-entry feed costs one signature check plus 20 SHA-256 hashes instead of 20 signature checks.
// The unit of authenticity is the payload bytes: once they are authenticated, the envelope's own
// signature is not consulted again. Changing the keyring (a new certificate, a revocation) starts over.
import { checkAuthority, parseObject } from "./authenticate.ts";
import { CHECKPOINT_RULES, compareCheckpoints, type CheckpointPayload, type CheckpointState } from "./checkpoint.ts";
import { ENTRY_RULES, type EntryPayload } from "./entry.ts";
import type { ObjectType } from "./envelope.ts";
import type { Keyring } from "./keyring.ts";
import { verifyLocationRecord, type LocationPayload } from "./location.ts";
import type { ObjectRules, Parsed } from "./authenticate.ts";
import { validPayload, type Valid, type VerifyResult } from "./result.ts";

export interface VerifierOptions {
  /** How many payload hashes (verified or listed) to remember. @default 100_000 */
  readonly cacheSize?: number;
}

interface Listed {
  readonly id: string;
  readonly updated: string;
  readonly signer: string;
}

/** Remembers verified payloads and checkpoint listings for one capsule's keyring. */
export class Verifier {
  #keyring: Keyring;
  readonly #cacheSize: number;
  readonly #verified = new Map<string, { readonly type: ObjectType; readonly signer: string }>();
  readonly #listed = new Map<string, Listed>();
  #checkpoint: CheckpointState | undefined;
  #locationSeq = 0;

  constructor(keyring: Keyring, options: VerifierOptions = {}) {
    this.#keyring = keyring;
    this.#cacheSize = options.cacheSize ?? 100_000;
  }

  get keyring(): Keyring {
    return this.#keyring;
  }

  /** The latest checkpoint accepted so far (store it; pass it back as `previous` after a restart). */
  get checkpoint(): CheckpointState | undefined {
    return this.#checkpoint;
  }

  /** Replaces the keyring and forgets everything established under the old one. */
  setKeyring(keyring: Keyring): void {
    this.#keyring = keyring;
    this.#verified.clear();
    this.#listed.clear();
  }

  /** Tells whether payload bytes with this hash are already authenticated (verified, or listed by a checkpoint). */
  isAuthenticated(hash: string): boolean {
    return this.#verified.has(hash) || this.#listed.has(hash);
  }

  /** Verifies an entry, through the cache or a checkpoint listing when possible; never throws. */
  verifyEntry(envelope: unknown): VerifyResult<EntryPayload> {
    const parsed = parseObject(envelope, ENTRY_RULES, this.#keyring.root);
    if (parsed.status !== "parsed") return parsed;
    const hash = parsed.opened.hashPayload();
    const known = this.#verified.get(hash);
    if (known !== undefined && known.type === "entry") return this.#valid(parsed, hash, known.signer, "cache");
    const listed = this.#listed.get(hash);
    if (listed !== undefined && listed.id === parsed.value.id && listed.updated === parsed.value.updated) {
      this.#remember(hash, "entry", listed.signer);
      return this.#valid(parsed, hash, listed.signer, "checkpoint");
    }
    return this.#verifySignature(parsed, ENTRY_RULES, hash);
  }

  /**
   * Verifies a checkpoint and that it continues `previous` (by default the latest accepted one), then
   * lets it vouch for the entry payloads it lists; never throws.
   */
  verifyCheckpoint(envelope: unknown, options: { previous?: CheckpointState } = {}): VerifyResult<CheckpointPayload> {
    const parsed = parseObject(envelope, CHECKPOINT_RULES, this.#keyring.root);
    if (parsed.status !== "parsed") return parsed;
    const hash = parsed.opened.hashPayload();
    const known = this.#verified.get(hash);
    const result = known !== undefined && known.type === "checkpoint"
      ? this.#valid(parsed, hash, known.signer, "cache")
      : this.#verifySignature(parsed, CHECKPOINT_RULES, hash);
    if (result.status !== "valid") return result;
    const previous = options.previous ?? this.#checkpoint;
    if (previous !== undefined) {
      const comparison = compareCheckpoints(previous, result);
      if (comparison.status !== "consistent") return comparison;
    }
    if (this.#checkpoint === undefined || result.value.seq > this.#checkpoint.value.seq) {
      this.#checkpoint = { value: result.value, hash: result.hash };
    }
    for (const [id, updated, entryHash] of result.value.entries) {
      this.#bound(this.#listed).set(entryHash, { id, updated, signer: result.signer });
    }
    return result;
  }

  /** Verifies a location record, refusing one older than the highest already accepted; never throws. */
  verifyLocation(envelope: unknown): VerifyResult<LocationPayload> {
    const result = verifyLocationRecord(envelope, this.#keyring, { knownSeq: this.#locationSeq });
    if (result.status === "valid") this.#locationSeq = Math.max(this.#locationSeq, result.value.seq);
    return result;
  }

  #verifySignature<T>(parsed: Parsed<T>, rules: ObjectRules<T>, hash: string): Valid<T> | VerifyResult<T> {
    const result = checkAuthority(parsed, rules, this.#keyring, hash);
    if (result.status === "valid") this.#remember(result.hash, rules.type, result.signer);
    return result;
  }

  #valid<T>(parsed: Parsed<T>, hash: string, signer: string, via: "cache" | "checkpoint"): Valid<T> {
    return validPayload(parsed.value, parsed.opened, signer, via, hash);
  }

  #remember(hash: string, type: ObjectType, signer: string): void {
    this.#bound(this.#verified).set(hash, { type, signer });
  }

  // Maps keep insertion order, so dropping the first key drops the oldest.
  #bound<V>(map: Map<string, V>): Map<string, V> {
    if (map.size >= this.#cacheSize) map.delete(map.keys().next().value as string);
    return map;
  }
}
