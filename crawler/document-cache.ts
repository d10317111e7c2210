/**
 * Documents other than followed feeds (other capsules' follow lists, the feeds of people suggested to you),
 * fetched the way the crawler fetches feeds and kept in the store's `documents` table: through the crawler's
 * queue (per-host limits), with its fetch options (SSRF checks, caps, User-Agent), conditionally with the
 * kept validators, and not at all while the kept copy is younger than `maxAge`. As with feeds, a failed fetch
 * or an unreadable body never replaces a good copy: the caller gets the kept one and a note saying why.
 *
 * A body that cannot be read and has no good copy to fall back on is kept as an "unreadable" record (its
 * validators and the reason), so a broken document is asked for once per `maxAge`, conditionally, not on
 * every run. A fetch that fails outright is remembered in memory for `retryFailedAfter`, so a daemon that
 * runs every minute does not knock on a dead host every minute either.
 */
import type { Crawler } from "./crawl.ts";
import { fetchFeed, type FetchResult } from "./fetch.ts";
import type { CachedDocument } from "./store.ts";

/** Content type of a kept record that says why the document could not be used; its text is the reason. */
export const UNREADABLE_DOCUMENT = "application/vnd.capsule.unreadable";

/** How to turn one kind of document into a value, and back from what is kept. */
export interface DocumentKind<T> {
  /** The store key for a URL; kinds that keep something other than the body use their own prefix. */
  keyOf(url: string): string;
  /** Reads a fetched body into the text to keep and its value; throws (with a message for people) when unusable. */
  read(fetched: { body: Buffer; contentType: string | null; url: string }): { text: string; contentType: string | null; value: T };
  /** Reads kept text back into a value; throws when it is not usable (written by an older Capsule). */
  reread(document: CachedDocument, url: string): T;
}

/** Options of {@link readDocument}. */
export interface DocumentOptions {
  /** Seconds a kept copy is used without asking the server again. @default 21_600 (6 h) */
  maxAge?: number;
  /** Seconds before a document whose fetch failed is asked for again. @default min(maxAge, 1800) */
  retryFailedAfter?: number;
  /** Body cap in bytes for this kind of document (never above the crawler's own). @default the crawler's maxBodyBytes */
  maxBodyBytes?: number;
  /** @default new Date() */
  now?: Date;
}

/** What a read found: the value (fresh, revalidated or kept), where it came from, and what went wrong. */
export interface DocumentRead<T> {
  /** Undefined when neither the server nor the store had a usable copy. */
  readonly value: T | undefined;
  /** `cache`: within maxAge; `fetched`: a new body; `not-modified`: the server confirmed the kept copy; `stale`: the fetch failed, kept copy used; `none`: nothing usable. */
  readonly from: "cache" | "fetched" | "not-modified" | "stale" | "none";
  /** When the value was last fetched or confirmed; null when there is none. */
  readonly fetchedAt: string | null;
  /** Why the server's current copy could not be used (fetch error, unreadable body), or undefined. */
  readonly problem?: string;
  /** Whether this read sent a request. */
  readonly requested: boolean;
}

const DEFAULT_MAX_AGE = 6 * 3600;
/** Failed fetches per crawler: key → when and why, forgotten after `retryFailedAfter` (or when the map is full). */
const failures = new WeakMap<Crawler, Map<string, { at: number; message: string }>>();
const MAX_REMEMBERED_FAILURES = 10_000;
/**
 * Values read back from kept text, per crawler, by store key and body hash: a daemon that works suggestions
 * out after every wake-up parses each kept follow list once, not once a minute. Values are shared: read only.
 */
const reread = new WeakMap<Crawler, Map<string, { kind: DocumentKind<unknown>; bodyHash: string; value: unknown }>>();
const MAX_REREAD = 2_000;

/** Reads the document at `url` from the store or, when the kept copy is too old, politely from the network; never throws for what the server or the body does. */
export async function readDocument<T>(crawler: Crawler, url: string, kind: DocumentKind<T>, options: DocumentOptions = {}): Promise<DocumentRead<T>> {
  const now = options.now ?? new Date();
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
  const key = kind.keyOf(url);
  const kept = crawler.store.getDocument(key);
  const usable = kept ? reuse(crawler, key, kept, url, kind) : undefined;
  const age = kept ? (now.getTime() - Date.parse(kept.fetchedAt)) / 1000 : Infinity;
  // What the store can still give when the network gives nothing new: the kept value, or the kept reason.
  const keptRead = (from: "cache" | "stale", problem: string | undefined, requested: boolean): DocumentRead<T> => usable && "value" in usable
    ? { value: usable.value, from, fetchedAt: kept!.fetchedAt, problem, requested }
    : { value: undefined, from: "none", fetchedAt: null, problem: problem ?? usable?.problem, requested };
  if (usable && age >= 0 && age < maxAge) return keptRead("cache", undefined, false);

  const remembered = failures.get(crawler);
  const failure = remembered?.get(key);
  if (failure && now.getTime() - failure.at < (options.retryFailedAfter ?? Math.min(maxAge, 1800)) * 1000) {
    return keptRead("stale", failure.message, false);
  }
  const previous = usable ? { etag: kept!.etag, lastModified: kept!.lastModified, bodyHash: kept!.bodyHash } : {};
  const fetchOptions = { ...crawler.context.fetch, maxBodyBytes: Math.min(options.maxBodyBytes ?? Infinity, crawler.config.maxBodyBytes) };
  let fetched: FetchResult | undefined;
  try {
    fetched = await crawler.queue.add(`document ${key}`, url, () => fetchFeed(url, previous, fetchOptions));
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (!remembered) failures.set(crawler, new Map([[key, { at: now.getTime(), message }]]));
    else {
      if (remembered.size >= MAX_REMEMBERED_FAILURES) remembered.clear();
      remembered.set(key, { at: now.getTime(), message });
    }
    return keptRead("stale", message, true);
  }
  remembered?.delete(key);
  if (fetched === undefined) return keptRead("stale", "not fetched: the same document is being fetched right now", false);
  const at = now.toISOString();
  const validators = { etag: fetched.etag, lastModified: fetched.lastModified };

  if (fetched.kind === "not-modified") {
    if (!usable || !kept) return { value: undefined, from: "none", fetchedAt: null, problem: `the server answered ${fetched.status} (not modified) to a request without validators`, requested: true };
    await crawler.store.putDocument(key, { ...kept, ...validators, fetchedAt: at });
    return "value" in usable
      ? { value: usable.value, from: "not-modified", fetchedAt: at, requested: true }
      : { value: undefined, from: "none", fetchedAt: null, problem: usable.problem, requested: true };
  }
  try {
    const read = kind.read({ body: fetched.body, contentType: fetched.contentType, url: fetched.url });
    await crawler.store.putDocument(key, { ...validators, fetchedAt: at, bodyHash: fetched.bodyHash, text: read.text, contentType: read.contentType });
    remember(crawler, key, kind, fetched.bodyHash, read.value);
    return { value: read.value, from: "fetched", fetchedAt: at, requested: true };
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (usable && "value" in usable) {
      // The good copy stays, and counts as checked now: the broken body is asked for again after maxAge.
      await crawler.store.putDocument(key, { ...kept!, fetchedAt: at });
      return { value: usable.value, from: "stale", fetchedAt: kept!.fetchedAt, problem: message, requested: true };
    }
    await crawler.store.putDocument(key, { ...validators, fetchedAt: at, bodyHash: fetched.bodyHash, text: message, contentType: UNREADABLE_DOCUMENT });
    return { value: undefined, from: "none", fetchedAt: null, problem: message, requested: true };
  }
}

// A kept record is a value, a remembered reason, or (written in a shape this code no longer reads) nothing.
function reuse<T>(crawler: Crawler, key: string, kept: CachedDocument, url: string, kind: DocumentKind<T>): { value: T } | { problem: string } | undefined {
  if (kept.contentType === UNREADABLE_DOCUMENT) return { problem: kept.text };
  const known = reread.get(crawler)?.get(key);
  if (known && known.kind === kind && known.bodyHash === kept.bodyHash) return { value: known.value as T };
  let value: T;
  try {
    value = kind.reread(kept, url);
  } catch {
    return undefined;
  }
  if (kept.bodyHash !== null) remember(crawler, key, kind, kept.bodyHash, value);
  return { value };
}

function remember<T>(crawler: Crawler, key: string, kind: DocumentKind<T>, bodyHash: string, value: T): void {
  let memo = reread.get(crawler);
  if (!memo) reread.set(crawler, (memo = new Map()));
  if (memo.size >= MAX_REREAD) memo.clear();
  memo.set(key, { kind: kind as DocumentKind<unknown>, bodyHash, value });
}
