/**
 * The crawler's verify step: decides, for every entry of a freshly parsed feed, whether it is the creator's
 * (verified), an ordinary feed's (unsigned) or not to be trusted (rejected, kept but never shown as theirs).
 *
 * The creator's root key is pinned the first time their feed is seen; after that a feed naming another
 * identity proves nothing (docs/format.md §7). Signatures are expensive (about 5,500 Ed25519 verifications a
 * second per core), so one `Verifier` per feed is kept between refreshes: a payload is verified once, and a
 * valid checkpoint authenticates every payload it lists by hash (docs/format.md §8).
 */
import {
  createKeyring, hashBytes, pickCurrentLocation, readEnvelope, Verifier,
  type CheckpointState, type Envelope, type EntryPayload, type Keyring,
} from "../site/format/index.ts";
import type { CapsuleState, EntryTrust, StoredFeed } from "./model.ts";
import type { CapsuleChannelEnvelope, CapsuleEnvelope, ParsedFeed } from "./parse/index.ts";

/** What the verify step concluded about one fetched feed. */
export interface FeedAuthentication {
  /** The capsule state to store (null for an ordinary feed). */
  readonly capsule: CapsuleState | null;
  /** One per parsed entry, in order. */
  readonly entries: readonly { readonly trust: EntryTrust; readonly payload: EntryPayload | null; readonly hash: string | null }[];
  /** Feed-level findings worth showing in `capsule status` (a changed identity, a rolled-back checkpoint…). */
  readonly problems: readonly string[];
}

interface Cached {
  readonly certificates: string;
  readonly verifier: Verifier;
}

/** Verifies fetched feeds against their pinned identities, remembering what was verified per feed. */
export class Authenticator {
  readonly #verifiers = new Map<string, Cached>();
  readonly #limit: number;

  /** @param limit feeds whose verifiers are kept in memory (least recently used are dropped). @default 20_000 */
  constructor(limit = 20_000) {
    this.#limit = limit;
  }

  /** Authenticates a parsed feed for a stored feed record; never throws on bad input. */
  authenticate(feed: StoredFeed, parsed: ParsedFeed, now: Date = new Date()): FeedAuthentication {
    const extension = parsed.capsule;
    const signedItems = parsed.entries.some((entry) => entry.capsule !== null);
    const pinned = feed.capsule;
    if (!pinned && !extension?.identity && !signedItems) {
      return { capsule: null, entries: parsed.entries.map(() => UNSIGNED_ENTRY), problems: [] };
    }
    const claimed = extension?.identity?.id;
    if (pinned && claimed !== undefined && claimed !== pinned.id) {
      const message = `the feed names the identity ${claimed}, but ${pinned.id} was pinned on ${pinned.pinnedAt}`;
      return { capsule: pinned, entries: parsed.entries.map(() => reject("wrong-author", message)), problems: [`${message}; its entries are not trusted`] };
    }
    const root = pinned?.id ?? claimed;
    if (root === undefined) {
      const message = "signed items, but the feed names no capsule:identity to verify them against";
      return { capsule: null, entries: parsed.entries.map((entry) => (entry.capsule ? reject("uncertified-key", message) : UNSIGNED_ENTRY)), problems: [message] };
    }

    const problems: string[] = [];
    const channel = extension?.envelopes ?? [];
    // Certificates seen before still count: a mirror or a trimmed feed may leave them out.
    const certificates = unique([...channel.filter((e) => e.kind === "certificate"), ...(pinned?.envelopes ?? []).filter((e) => e.kind === "certificate")]);
    const verifier = this.#verifierFor(feed.id, root, certificates, problems);
    if (!verifier) {
      return { capsule: pinned, entries: parsed.entries.map(() => reject("malformed-key", problems[0] ?? "unusable identity")), problems };
    }

    const checkpoint = this.#acceptCheckpoint(verifier, channel, pinned?.checkpoint ?? null, problems);
    const location = chooseLocation(channel, pinned, verifier.keyring, problems);
    const entries = parsed.entries.map((entry) => {
      const read = readEnvelope(toCarried(entry.capsule));
      if (read.status === "unsigned") {
        return reject("unsigned", "an unsigned item in a signed capsule feed: whoever served the feed could have added it");
      }
      if (read.status === "invalid") return reject(read.reason, read.message);
      const result = verifier.verifyEntry(read.envelope);
      if (result.status === "valid") {
        return { trust: { status: "verified" as const, via: result.via, signer: result.signer }, payload: result.value, hash: result.hash };
      }
      return result.status === "invalid" ? reject(result.reason, result.message) : reject("uncertified-key", "no key to verify against");
    });
    const rejected = entries.filter((entry) => entry.trust.status === "rejected").length;
    if (rejected > 0) problems.push(`${rejected} of ${entries.length} entries failed verification and are kept flagged, not shown`);

    const validCertificates = certificates.filter((envelope) => isCertificateOf(envelope, verifier.keyring));
    const capsule: CapsuleState = {
      id: root,
      pinnedAt: pinned?.pinnedAt ?? now.toISOString(),
      identityHref: extension?.identity?.href ?? pinned?.identityHref ?? null,
      envelopes: [
        ...validCertificates,
        ...(checkpoint ? [checkpoint.envelope] : pinned?.envelopes.filter((e) => e.kind === "checkpoint") ?? []),
        ...(location ? [location.envelope] : pinned?.envelopes.filter((e) => e.kind === "location") ?? []),
      ],
      checkpoint: checkpoint?.state ?? pinned?.checkpoint ?? null,
      locationSeq: location?.seq ?? pinned?.locationSeq ?? 0,
      feeds: location?.feeds ?? pinned?.feeds ?? [],
      mirrors: location?.mirrors ?? pinned?.mirrors ?? [],
      profile: Object.keys(extension?.profile ?? {}).length > 0 ? extension!.profile : pinned?.profile ?? {},
      following: extension?.following ?? pinned?.following ?? null,
    };
    return { capsule, entries, problems };
  }

  /** Forgets a feed's verifier (when it is unfollowed). */
  forget(feedId: string): void {
    this.#verifiers.delete(feedId);
  }

  #verifierFor(feedId: string, root: string, certificates: readonly CapsuleChannelEnvelope[], problems: string[]): Verifier | undefined {
    const key = `${root}\n${certificates.map((c) => c.payload).join("\n")}`;
    const cached = this.#verifiers.get(feedId);
    if (cached && cached.certificates === key) {
      this.#verifiers.delete(feedId); // re-insert: the Map's order is the LRU order
      this.#verifiers.set(feedId, cached);
      return cached.verifier;
    }
    const built = createKeyring(root, certificates.map(toEnvelope));
    if (built.status !== "valid") {
      problems.push(`the identity ${root} is not usable: ${built.message}`);
      return undefined;
    }
    for (const bad of built.rejected) problems.push(`a key certificate is invalid (${bad.reason}): ${bad.message}`);
    const verifier = cached?.verifier ?? new Verifier(built.keyring);
    if (cached) verifier.setKeyring(built.keyring);
    this.#verifiers.delete(feedId);
    this.#verifiers.set(feedId, { certificates: key, verifier });
    if (this.#verifiers.size > this.#limit) this.#verifiers.delete(this.#verifiers.keys().next().value!);
    return verifier;
  }

  #acceptCheckpoint(verifier: Verifier, channel: readonly CapsuleChannelEnvelope[], previous: CheckpointState | null, problems: string[]) {
    let accepted: { envelope: CapsuleChannelEnvelope; state: CheckpointState } | undefined;
    for (const envelope of channel.filter((e) => e.kind === "checkpoint")) {
      const read = readEnvelope(toCarried(envelope));
      if (read.status !== "read") continue;
      const result = verifier.verifyCheckpoint(read.envelope, previous ? { previous } : {});
      if (result.status === "valid") {
        accepted = { envelope, state: { value: result.value, hash: result.hash } };
        previous = accepted.state;
      } else if (result.status === "invalid") {
        problems.push(`checkpoint rejected (${result.reason}): ${result.message}`);
      }
    }
    return accepted;
  }
}

const UNSIGNED_ENTRY = { trust: { status: "unsigned" } as EntryTrust, payload: null, hash: null };

function reject(reason: string, message: string) {
  return { trust: { status: "rejected", reason, message } as EntryTrust, payload: null, hash: null };
}

function chooseLocation(channel: readonly CapsuleChannelEnvelope[], pinned: CapsuleState | null, keyring: Keyring, problems: string[]) {
  const candidates = [...channel.filter((e) => e.kind === "location"), ...(pinned?.envelopes ?? []).filter((e) => e.kind === "location")];
  if (candidates.length === 0) return undefined;
  const choice = pickCurrentLocation(candidates.map(toEnvelope), keyring);
  for (const bad of choice.rejected) {
    if (bad.index < channel.length) problems.push(`location record rejected (${bad.reason}): ${bad.message}`);
  }
  if (!choice.current) return undefined;
  const envelope = candidates.find((c) => hashPayload(c) === choice.current!.hash) ?? candidates[0]!;
  const { seq, feeds, mirrors } = choice.current.value;
  return { envelope, seq, feeds, mirrors };
}

function hashPayload(envelope: CapsuleEnvelope): string | undefined {
  const read = readEnvelope(toCarried(envelope));
  if (read.status !== "read") return undefined;
  return hashBytes(Buffer.from(read.envelope.payload, "base64url"));
}

function isCertificateOf(envelope: CapsuleChannelEnvelope, keyring: Keyring): boolean {
  const payload = envelope.payload;
  for (const key of keyring.keys.values()) if (key.certificate?.payload === payload) return true;
  return false;
}

function unique(envelopes: readonly CapsuleChannelEnvelope[]): CapsuleChannelEnvelope[] {
  const seen = new Set<string>();
  return envelopes.filter((e) => !seen.has(e.payload) && seen.add(e.payload) !== undefined);
}

function toCarried(envelope: CapsuleEnvelope | null) {
  return envelope ? { text: envelope.payload, attributes: { key: envelope.key ?? undefined, signature: envelope.signature ?? undefined } } : null;
}

function toEnvelope(envelope: CapsuleEnvelope): Envelope | undefined {
  const read = readEnvelope(toCarried(envelope));
  return read.status === "read" ? read.envelope : undefined;
}
