/**
 * The crawler's storage, and the only module that touches LMDB. One environment in the data folder holds:
 *
 * - `feeds`:    feed id → StoredFeed
 * - `urls`:     URL (as followed, and as fetched now) → feed id
 * - `entries`:  [feed id, entry key] → the current version of each entry (a StoredEntry)
 * - `versions`: [feed id, entry key, hash] → every earlier version, moved here when replaced (nothing is ever deleted)
 * - `timeline`: [feed id, published, entry key] → hash, to list a feed's entries newest first
 * - `log`:      [feed id, slot] → FetchLogRecord, a ring of the last `maxLogPerFeed` fetches
 * - `documents`: URL → CachedDocument, other documents fetched politely (follow lists for discovery)
 * - `meta`:     `schemaVersion`
 *
 * Every write is one LMDB transaction (`commitRefresh` writes a feed's state, its new entry versions and its
 * log line together), so a crash leaves either all of a refresh or none of it. lmdb-js batches concurrent
 * transactions into one commit, which is what makes thousands of refreshes a second affordable.
 * https://github.com/kriszyp/lmdb-js#dbtransactioncallback-function-promise
 */
import { mkdirSync } from "node:fs";
import { asBinary, open, type Database, type RootDatabase } from "lmdb";
import { isNewerVersion } from "../site/format/index.ts";
import type { EntryForStore } from "./entry-codec.ts";
import { StoreError } from "./errors.ts";
import { feedIdOf, identityInMirrorUrl, type CapsuleState, type FetchLogRecord, type StoredEntry, type StoredFeed } from "./model.ts";

/** The layout this code reads and writes; `MIGRATIONS[n]` upgrades a store from version n to n + 1. */
export const SCHEMA_VERSION = 1;
const MIGRATIONS: Record<number, (store: Store) => void> = {};

const HIGHEST = String.fromCodePoint(0x10ffff);
/** Entries written per transaction when one refresh brings more (see commitRefresh). */
export const ENTRY_SLICE = 2_000;

export interface StoreOptions {
  /** Fetch log lines kept per feed. @default 200 */
  maxLogPerFeed?: number;
}

/** What one refresh writes: the feed's new state, the entry versions it found, and its log line. */
export interface RefreshCommit {
  readonly feed: StoredFeed;
  /** Entries as parsed this time; only versions whose hash is new are written. A worker's are pre-encoded. */
  readonly entries?: readonly EntryForStore[];
  readonly log: FetchLogRecord;
}

/** A document other than a feed, kept with what is needed to fetch it again conditionally. */
export interface CachedDocument {
  readonly fetchedAt: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly bodyHash: string | null;
  /** The body as text (documents are small: follow lists, identity records). */
  readonly text: string;
  readonly contentType: string | null;
}

type Key = string | number | (string | number)[];

/** Opens (creating if needed) the store in `path`; throws StoreError when it cannot be opened or is too new. */
export function openStore(path: string, options: StoreOptions = {}): Store {
  let root: RootDatabase;
  try {
    mkdirSync(path, { recursive: true });
    // No compression: LZ4 on every put cost more CPU than parsing the feed did (bench/crawl.ts).
    root = open({ path });
  } catch (error) {
    throw new StoreError("store-open", `store: cannot open the data folder ${path} (${(error as Error).message})`, {
      cause: error, hint: "Check that the folder is writable and not on a network file system (LMDB needs mmap and file locks).",
    });
  }
  const store = new Store(root, options.maxLogPerFeed ?? 200);
  store.migrate();
  return store;
}

/** The crawler's LMDB store. Reads are synchronous (memory-mapped); writes return when committed to disk. */
export class Store {
  readonly #root: RootDatabase;
  readonly #meta: Database<unknown, string>;
  readonly #feeds: Database<StoredFeed, string>;
  readonly #urls: Database<string, string>;
  readonly #entries: Database<StoredEntry, Key>;
  readonly #versions: Database<StoredEntry, Key>;
  readonly #timeline: Database<string, Key>;
  readonly #log: Database<FetchLogRecord, Key>;
  readonly #documents: Database<CachedDocument, string>;
  readonly #maxLog: number;
  readonly #fetchCounts = new Map<string, number>();

  constructor(root: RootDatabase, maxLogPerFeed: number) {
    this.#root = root;
    this.#meta = root.openDB({ name: "meta" });
    this.#feeds = root.openDB({ name: "feeds" });
    this.#urls = root.openDB({ name: "urls" });
    this.#entries = root.openDB({ name: "entries" });
    this.#versions = root.openDB({ name: "versions" });
    this.#timeline = root.openDB({ name: "timeline" });
    this.#log = root.openDB({ name: "log" });
    this.#documents = root.openDB({ name: "documents" });
    this.#maxLog = Math.max(1, maxLogPerFeed);
  }

  /** Brings an older store up to `SCHEMA_VERSION`, refusing one written by a newer Capsule. */
  migrate(): void {
    const found = this.#meta.get("schemaVersion");
    if (found === undefined) {
      this.#root.transactionSync(() => this.#meta.putSync("schemaVersion", SCHEMA_VERSION));
      return;
    }
    if (typeof found !== "number" || found > SCHEMA_VERSION) {
      throw new StoreError("store-version", `store: the data folder has schema version ${String(found)}, newer than this Capsule's ${SCHEMA_VERSION}`, {
        hint: "Upgrade Capsule, or point the crawler at another data folder.",
      });
    }
    for (let version = found; version < SCHEMA_VERSION; version++) {
      const step = MIGRATIONS[version];
      this.#root.transactionSync(() => {
        step?.(this);
        this.#meta.putSync("schemaVersion", version + 1);
      });
    }
  }

  get schemaVersion(): number {
    return this.#meta.get("schemaVersion") as number;
  }

  getFeed(id: string): StoredFeed | undefined {
    return this.#feeds.get(id);
  }

  /** Finds a feed by the URL it was followed at or is fetched from now. */
  findFeed(url: string): StoredFeed | undefined {
    const id = this.#urls.get(url);
    return id === undefined ? undefined : this.#feeds.get(id);
  }

  /** Every feed ever followed (unfollowed ones too: their entries are kept), in id order. */
  listFeeds(): StoredFeed[] {
    return [...this.eachFeed()];
  }

  /**
   * Every feed, decoded one at a time as the iteration reaches it: for scans that keep little of each (a stored
   * feed is kilobytes; 10,000 of them at once are 50 MB). Do not await inside the loop: it holds a read transaction.
   */
  eachFeed(): Iterable<StoredFeed> {
    return this.#feeds.getRange().map(({ value }) => value);
  }

  /** Follows `url` (idempotent): creates the feed record, or marks an unfollowed one followed again. */
  async addFeed(url: string, now: Date = new Date()): Promise<StoredFeed> {
    return (await this.addFeeds([url], now))[0]!;
  }

  /** Follows every URL in one transaction (a follow list of thousands is one commit, not thousands); as addFeed each. */
  async addFeeds(urls: readonly string[], now: Date = new Date()): Promise<StoredFeed[]> {
    return this.#root.transaction(() => urls.map((url) => {
      const existing = this.findFeed(url);
      if (existing) {
        if (existing.following) return existing;
        const again = { ...existing, following: true, schedule: { ...existing.schedule, nextDue: now.toISOString() } };
        this.#feeds.put(existing.id, again);
        return again;
      }
      const feed = createFeedRecord(url, now);
      this.#feeds.put(feed.id, feed);
      this.#urls.put(url, feed.id);
      return feed;
    }));
  }

  /** Stops fetching a feed; its entries stay (a mirror keeps what it has). */
  async setFollowing(id: string, following: boolean): Promise<void> {
    await this.#root.transaction(() => {
      const feed = this.#feeds.get(id);
      if (feed && feed.following !== following) this.#feeds.put(id, { ...feed, following });
    });
  }

  /**
   * Writes one refresh: the feed's state, the entry versions not seen before, and a log line, in one
   * transaction. Returns how many new versions were stored. A flood of entries (a feed of 100,000 items) is
   * written in slices of `ENTRY_SLICE`, each its own transaction committed before the next is started, so the
   * thread serves and fetches in between; the feed's state goes with the last slice. A crash between slices
   * loses nothing acknowledged: the feed keeps its old validators, so the next fetch stores the rest.
   */
  async commitRefresh(commit: RefreshCommit): Promise<number> {
    const { feed } = commit;
    const entries = commit.entries ?? [];
    let written = { added: 0, created: 0 };
    let start = 0;
    for (; entries.length - start > ENTRY_SLICE; start += ENTRY_SLICE) {
      const slice = entries.slice(start, start + ENTRY_SLICE);
      const result = await this.#root.transaction(() => this.#writeEntries(feed.id, slice));
      written = { added: written.added + result.added, created: written.created + result.created };
    }
    return this.#root.transaction(() => {
      const last = this.#writeEntries(feed.id, start === 0 ? entries : entries.slice(start));
      const added = written.added + last.added;
      const stored: StoredFeed = {
        ...feed,
        entryCount: feed.entryCount + written.created + last.created,
        changedAt: added > 0 ? commit.log.at : feed.changedAt,
        // A fetched body with nothing new in it is "unchanged" to the reader of `capsule status`.
        lastFetch: feed.lastFetch ? { ...feed.lastFetch, added, outcome: feed.lastFetch.outcome === "new" && added === 0 ? "unchanged" : feed.lastFetch.outcome } : null,
      };
      this.#feeds.put(feed.id, stored);
      if (this.#urls.get(feed.url) !== feed.id) this.#urls.put(feed.url, feed.id);
      this.#log.put([feed.id, this.#nextLogSlot(feed.id)], { ...commit.log, added, outcome: stored.lastFetch?.outcome ?? commit.log.outcome });
      return added;
    });
  }

  /** Inside a transaction: stores the versions not seen before; returns how many, and how many keys are new. */
  #writeEntries(feedId: string, entries: readonly EntryForStore[]): { added: number; created: number } {
    let added = 0;
    let created = 0;
    for (const entry of entries) {
      const current = this.#entries.get([feedId, entry.key]);
      if (current?.hash === entry.hash) continue;
      if (current && this.#versions.doesExist([feedId, entry.key, entry.hash])) continue; // an older version came back: keep the newer
      // Entries a worker built arrive encoded (crawler/entry-codec.ts): their bytes are written as they are.
      const value = toStoredValue(entry);
      if (current && !isReplacement(entry, current)) {
        // Kept, but not shown: an older signed version (a rollback) or an unverified copy of a verified entry.
        this.#versions.put([feedId, entry.key, entry.hash], value);
        continue;
      }
      if (current) {
        // Each version is written once: the current one in `entries`, earlier ones in `versions`.
        this.#versions.put([feedId, entry.key, current.hash], current);
        this.#timeline.remove([feedId, current.published, current.key]);
      } else {
        created++;
      }
      this.#entries.put([feedId, entry.key], value);
      this.#timeline.put([feedId, entry.published, entry.key], entry.hash);
      added++;
    }
    return { added, created };
  }

  getEntry(feedId: string, key: string): StoredEntry | undefined {
    return this.#entries.get([feedId, key]);
  }

  /** A feed's current entries, newest first. */
  listEntries(feedId: string, options: { limit?: number } = {}): StoredEntry[] {
    const entries: StoredEntry[] = [];
    for (const { key } of this.#timeline.getRange({ start: [feedId, HIGHEST], end: [feedId], reverse: true, limit: options.limit })) {
      const entry = this.#entries.get([feedId, (key as string[])[2] as string]);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Every version of one entry that was ever stored, oldest first (the current one last). */
  listVersions(feedId: string, key: string): StoredEntry[] {
    const earlier = [...this.#versions.getRange({ start: [feedId, key], end: [feedId, key, HIGHEST] }).map(({ value }) => value)];
    const current = this.#entries.get([feedId, key]);
    return [...earlier.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen)), ...(current ? [current] : [])];
  }

  /** A feed's fetch log, newest first. */
  listLog(feedId: string, limit = this.#maxLog): FetchLogRecord[] {
    const lines = [...this.#log.getRange({ start: [feedId], end: [feedId, Number.MAX_SAFE_INTEGER] }).map(({ value }) => value)];
    return lines.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  }

  /** Feeds whose stored content changed since their mirror pages were last written. */
  listChangedFeeds(): StoredFeed[] {
    const changed: StoredFeed[] = [];
    for (const feed of this.eachFeed()) if (feed.changedAt !== null && (feed.mirroredAt === null || feed.changedAt > feed.mirroredAt)) changed.push(feed);
    return changed;
  }

  /** Records that a feed's mirror pages now reflect its content as of `at`. */
  async markMirrored(id: string, at: string): Promise<void> {
    await this.#root.transaction(() => {
      const feed = this.#feeds.get(id);
      if (feed) this.#feeds.put(id, { ...feed, mirroredAt: at });
    });
  }

  /** A cached document (a follow list, an identity record), or undefined. */
  getDocument(url: string): CachedDocument | undefined {
    return this.#documents.get(url);
  }

  /** Caches a document with its validators, for conditional requests next time. */
  async putDocument(url: string, document: CachedDocument): Promise<void> {
    await this.#root.transaction(() => this.#documents.put(url, document));
  }

  /** Waits for pending writes and closes the environment. */
  async close(): Promise<void> {
    await this.#root.close();
  }

  // The log is a ring per feed: slot = fetch number modulo the cap, so trimming costs nothing.
  #nextLogSlot(feedId: string): number {
    let count = this.#fetchCounts.get(feedId);
    if (count === undefined) {
      count = 0;
      let newest = "";
      for (const { key, value } of this.#log.getRange({ start: [feedId], end: [feedId, Number.MAX_SAFE_INTEGER] })) {
        if (value.at >= newest) {
          newest = value.at;
          count = ((key as [string, number])[1] + 1) % this.#maxLog;
        }
      }
    }
    this.#fetchCounts.set(feedId, (count + 1) % this.#maxLog);
    return count;
  }
}

/**
 * Whether `next` may become the current version in place of `current`: an unverified entry never replaces
 * a verified one, and a signed entry only replaces one with an earlier `updated` (docs/format.md: for one
 * id the latest `updated` wins; a tombstone wins a tie). Unsigned feeds have no such order: the latest fetch wins.
 */
/** The value to put: the entry itself, or the bytes a worker encoded it into (read back as the same StoredEntry). */
function toStoredValue(entry: EntryForStore): StoredEntry {
  // lmdb's typings do not model asBinary(), which writes already-encoded bytes in place of a value.
  return "packed" in entry ? (asBinary(entry.packed) as unknown as StoredEntry) : entry;
}

function isReplacement(next: EntryForStore, current: StoredEntry): boolean {
  if (current.trust.status === "verified" && next.trust.status !== "verified") return false;
  const version = "packed" in next ? next.version : next.payload;
  return version && current.payload ? isNewerVersion(version, current.payload) : true;
}

function createFeedRecord(url: string, now: Date): StoredFeed {
  return {
    id: feedIdOf(url), url, followedUrl: url, following: true, addedAt: now.toISOString(),
    title: null, siteUrl: null, description: null, language: null, format: null,
    validators: { etag: null, lastModified: null, bodyHash: null },
    lastFetch: null, lastSuccess: null,
    errors: { consecutive: 0, code: null, message: null, since: null },
    schedule: { nextDue: now.toISOString(), intervalSeconds: 0, retryAfter: null },
    permanentRedirect: null, recentPosts: [], entryCount: 0, changedAt: null, mirroredAt: null,
    capsule: pinnedByUrl(url, now), mirrors: [], moved: null,
  };
}

// A creator followed through a mirror URL that names their key is pinned to that key from the start.
function pinnedByUrl(url: string, now: Date): CapsuleState | null {
  const id = identityInMirrorUrl(url);
  return id === undefined ? null : {
    id, pinnedAt: now.toISOString(), identityHref: null, envelopes: [], checkpoint: null, locationSeq: 0, feeds: [], mirrors: [], profile: {}, following: null,
  };
}
