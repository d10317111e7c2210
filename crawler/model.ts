/**
 * What the crawler keeps about each followed feed and each entry it has seen. These records are what
 * `crawler/store.ts` writes to LMDB, what `capsule status` prints, what the HTTP server re-serves and what
 * mirror pages are rendered from. Times are ISO 8601 strings so records read the same after a restart.
 */
import { createHash } from "node:crypto";
import type { CheckpointState, EntryPayload } from "../site/format/index.ts";
import type { CapsuleChannelEnvelope, CapsuleEnvelope, FeedFormat, ParsedEntry } from "./parse/index.ts";

/** How far an entry can be trusted. `rejected` entries are kept (nothing is lost) but never shown as the creator's. */
export type EntryTrust =
  | { readonly status: "verified"; readonly via: "signature" | "checkpoint" | "cache"; readonly signer: string }
  | { readonly status: "unsigned" }
  | { readonly status: "rejected"; readonly reason: string; readonly message: string };

/** One version of one entry, as stored. A new version is stored whenever the entry's content hash changes. */
export interface StoredEntry {
  readonly feedId: string;
  /** The entry's identity within its feed: the capsule payload id, else the guid, else the link, else a content hash. */
  readonly key: string;
  /** SHA-256 (unpadded base64url, as the format names payloads) of this version: the signed payload bytes for capsule entries, the entry's content otherwise. */
  readonly hash: string;
  /** When this version was first stored. */
  readonly firstSeen: string;
  /** When the entry says it was published (or updated, or first seen, when it says neither): the sort key. */
  readonly published: string;
  /** The entry as parsed, unsanitised: what the origin said, kept so nothing is lost. */
  readonly entry: ParsedEntry;
  /** The body to show, already sanitised: rendered from the verified payload where there is one. */
  readonly html: string;
  readonly trust: EntryTrust;
  /** The decoded payload, for verified capsule entries (a tombstone when the creator deleted the entry). */
  readonly payload: EntryPayload | null;
  /** The signed envelope exactly as received, so a mirror re-serves bytes anyone can verify. */
  readonly envelope: CapsuleEnvelope | null;
}

/** What a capsule feed proved about its creator; the root key is pinned on first sight. */
export interface CapsuleState {
  /** The creator's identity (their root key, `did:key:…`), pinned the first time the feed was seen. */
  readonly id: string;
  readonly pinnedAt: string;
  /** Where the identity record lives (`/.well-known/capsule.json`), as the feed says. */
  readonly identityHref: string | null;
  /** The latest valid channel envelopes (certificates, checkpoint, location), re-served as received. */
  readonly envelopes: readonly CapsuleChannelEnvelope[];
  /** The latest accepted checkpoint: a newer one must continue it. */
  readonly checkpoint: CheckpointState | null;
  /** The highest location sequence seen in a valid record. */
  readonly locationSeq: number;
  /** The feed URLs the current location record names (empty without one). */
  readonly feeds: readonly string[];
  /** Base URLs of mirrors the creator lists in their location record. */
  readonly mirrors: readonly string[];
  readonly profile: Readonly<Record<string, readonly string[]>>;
  /** The creator's follow list (OPML), as the feed links it. */
  readonly following: string | null;
}

/** The outcome of the last fetch, as `capsule status` shows it. */
export interface FetchSummary {
  readonly at: string;
  readonly outcome: "new" | "unchanged" | "error";
  /** HTTP status, when a response arrived. */
  readonly status: number | null;
  /** New entry versions stored by this fetch. */
  readonly added: number;
  readonly ms: number;
  /** The error message (outcome `error`), or a warning worth showing (bozo feed, rejected entries). */
  readonly message: string | null;
}

/** A followed feed: where it is, how it answered, when it is due, and what it proved. */
export interface StoredFeed {
  /** Stable id, also the folder name under `/mirror/`: the host plus a hash of the URL first followed. */
  readonly id: string;
  /** The URL fetched now (changes after repeated permanent redirects, or a signed move). */
  readonly url: string;
  /** The URL as it was followed (the follow list's spelling). */
  readonly followedUrl: string;
  /** Whether it is on the follow list; unfollowed feeds keep their entries but are not fetched. */
  readonly following: boolean;
  readonly addedAt: string;
  readonly title: string | null;
  readonly siteUrl: string | null;
  readonly description: string | null;
  readonly language: string | null;
  readonly format: FeedFormat | null;
  readonly validators: { readonly etag: string | null; readonly lastModified: string | null; readonly bodyHash: string | null };
  readonly lastFetch: FetchSummary | null;
  readonly lastSuccess: string | null;
  readonly errors: { readonly consecutive: number; readonly code: string | null; readonly message: string | null; readonly since: string | null };
  readonly schedule: { readonly nextDue: string; readonly intervalSeconds: number; readonly retryAfter: string | null };
  /** Consecutive fetches answered with 301/308 to the same place; the URL moves after enough of them. */
  readonly permanentRedirect: { readonly to: string; readonly count: number } | null;
  /** Recent publication times (newest first, at most 20), for the adaptive schedule. */
  readonly recentPosts: readonly string[];
  readonly entryCount: number;
  readonly capsule: CapsuleState | null;
  /** Other places this creator's signed feed was fetched from when the origin failed, with how they did. */
  readonly mirrors: readonly MirrorRecord[];
  /** The last move followed: a signed location record named a new feed URL. */
  readonly moved: { readonly from: string; readonly to: string; readonly seq: number; readonly at: string } | null;
  /** When stored content last changed; mirror pages are regenerated for feeds changed since `mirroredAt`. */
  readonly changedAt: string | null;
  readonly mirroredAt: string | null;
}

/** A mirror of a followed capsule and its record: what it served that verified, and what did not. */
export interface MirrorRecord {
  /** The mirror's copy of the feed (`<mirror base>/mirror/<id>/feed.xml`). */
  readonly url: string;
  /** Where the crawler learned of it: the creator's location record, a follower's follow list, the follow list entry itself. */
  readonly source: "location" | "mesh" | "followed";
  readonly lastTried: string | null;
  readonly lastOk: string | null;
  /** Fetches that gave a feed whose entries verified. */
  readonly good: number;
  /** Fetches that failed (network, status, unparseable). */
  readonly failed: number;
  /** Entries it served that did not verify against the pinned key (forged or altered). */
  readonly rejected: number;
  readonly lastError: string | null;
}

/** One line of a feed's fetch log (the last few hundred per feed are kept). */
export interface FetchLogRecord extends FetchSummary {
  readonly url: string;
  readonly code: string | null;
}

/** The stable id of a feed followed at `url`: readable host, then 8 hex of the URL's hash. */
export function feedIdOf(url: string): string {
  let host = "feed";
  try {
    host = new URL(url).host.toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[.-]+|[.-]+$/g, "") || "feed";
  } catch {
    // Not a URL: the hash alone still makes a stable id.
  }
  return `${host}-${createHash("sha256").update(url).digest("hex").slice(0, 8)}`;
}

/** Whether a stored entry may be shown and re-served as the creator's own words. */
export function isPublishable(entry: StoredEntry): boolean {
  if (entry.trust.status === "rejected") return false;
  return !(entry.payload !== null && "deleted" in entry.payload);
}

/**
 * The folder name of a followed creator under `/mirror/`: for a capsule, its identity key (the multibase part
 * of its `did:key`), so every mirror in the mesh serves a creator at the same path; for an ordinary feed, its id.
 */
export function mirrorIdOf(feed: Pick<StoredFeed, "id" | "capsule">): string {
  return feed.capsule ? feed.capsule.id.replace(/^did:key:/, "") : feed.id;
}

/** Where a mirror whose site is at `base` serves this creator's feed: `<base>mirror/<id>/feed.xml`. */
export function mirrorFeedUrl(base: string, feed: Pick<StoredFeed, "id" | "capsule">): string | undefined {
  try {
    return new URL(`mirror/${mirrorIdOf(feed)}/feed.xml`, base.endsWith("/") ? base : `${base}/`).href;
  } catch {
    return undefined;
  }
}

/**
 * The identity a URL of the form `…/mirror/z6Mk…/feed.xml` names: following a creator through any mirror
 * pins the key in the path before anything is fetched, so the mirror cannot substitute another creator.
 */
export function identityInMirrorUrl(url: string): string | undefined {
  const match = /\/mirror\/(z6Mk[1-9A-HJ-NP-Za-km-z]{40,60})\/feed\.xml$/.exec(url.split(/[?#]/)[0] ?? "");
  return match ? `did:key:${match[1]}` : undefined;
}
