/**
 * One feed through the pipeline, like miniflux's `RefreshFeed`: fetch → process (parse → verify → build
 * entries: crawler/process.ts, in a worker thread on large crawls) → store, then plan the next fetch. This
 * is the only module that connects the steps. Whatever fails is recorded on the feed (message, code, consecutive count, next retry) and never touches stored entries: a
 * broken fetch or feed leaves the previous copy exactly as it was.
 */
import type { Authenticator } from "./authenticate.ts";
import { CrawlerError, FetchError } from "./errors.ts";
import { fetchFeed, type FetchOptions, type FetchResult } from "./fetch.ts";
import type { FetchLogRecord, StoredFeed } from "./model.ts";
import type { ProcessPool } from "./process-pool.ts";
import { processFeed, type ProcessOutput } from "./process.ts";
import { fetchFromMirrors, type MirrorRescue } from "./fallback.ts";
import { addSeconds, planNextInterval, planRetry, type ScheduleLimits } from "./schedule.ts";
import type { Store } from "./store.ts";

/** What a refresh needs; built once per crawl or daemon. */
export interface RefreshContext {
  readonly store: Store;
  readonly authenticator: Authenticator;
  /** Worker threads for parsing and sanitising; without one, that happens in this thread. */
  readonly pool?: ProcessPool;
  /** Bodies of at least this many bytes go to `pool`; smaller ones are processed here. @default 0 */
  readonly poolFrom?: number;
  readonly fetch: FetchOptions;
  readonly limits: ScheduleLimits;
  /** Fetches answered 301/308 to the same place before the stored URL moves. @default 3 */
  readonly redirectMoves?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** This follower's own site: its mirror of a creator is never a source for that creator (it is our own copy). */
  readonly ownSiteUrl?: string;
  /** Mirror feed URLs the mesh knows for a capsule (followers that publish `/mirror/<id>/feed.xml`). */
  readonly mirrorHints?: (feed: StoredFeed) => readonly string[];
}

/** The outcome of one refresh, for progress output. */
export interface RefreshResult {
  readonly feedId: string;
  readonly outcome: "new" | "unchanged" | "error";
  /** New entry versions stored. */
  readonly added: number;
  readonly error?: CrawlerError;
  /** Warnings about an otherwise successful fetch (bozo feed, entries that failed verification). */
  readonly warnings: readonly string[];
}

/** Refreshes one stored feed; never throws for anything the feed or the network does. */
export async function refreshFeed(feedId: string, context: RefreshContext): Promise<RefreshResult> {
  const first = await refreshOnce(feedId, context);
  if (!first.movedTo) return first;
  // A signed move: fetch the new address in this same cycle, so followers switch within one crawl.
  const second = await refreshOnce(feedId, context);
  return { ...second, added: first.added + second.added, warnings: [...first.warnings, ...second.warnings] };
}

async function refreshOnce(feedId: string, context: RefreshContext): Promise<RefreshResult & { movedTo?: string }> {
  const now = context.now?.() ?? new Date();
  const started = performance.now();
  const feed = context.store.getFeed(feedId);
  if (!feed) return { feedId, outcome: "error", added: 0, warnings: [], error: new CrawlerError("unknown-feed", `refresh: no feed with id ${feedId}`) };

  let fetched: FetchResult;
  try {
    fetched = await fetchFeed(feed.url, feed.validators, context.fetch);
  } catch (error) {
    return recordFailure(feed, toCrawlerError(error, feed.url), now, started, context);
  }
  if (fetched.kind === "not-modified") {
    const next = planNextInterval(feed.recentPosts, now, context.limits, { cacheControl: fetched.cacheControl, expires: fetched.expires });
    const updated: StoredFeed = {
      ...succeeded(feed, fetched, now, next, context),
      validators: { ...feed.validators, etag: fetched.etag ?? feed.validators.etag, lastModified: fetched.lastModified ?? feed.validators.lastModified },
      lastFetch: summary(now, "unchanged", fetched.status, started, null),
    };
    await context.store.commitRefresh({ feed: updated, log: logLine(updated, null) });
    return { feedId, outcome: "unchanged", added: 0, warnings: [] };
  }

  const input = { feed, body: fetched.body, url: fetched.url, contentType: fetched.contentType, now: now.toISOString() };
  let processed: ProcessOutput;
  try {
    processed = await processFeed(input, context);
  } catch (error) {
    return recordFailure(feed, toCrawlerError(error, fetched.url), now, started, context);
  }
  const { meta, entries, warnings } = processed;
  const recentPosts = mergeRecent(feed.recentPosts, entries.map((e) => e.published));
  const next = planNextInterval(recentPosts, now, context.limits, { ttlMinutes: meta.ttl, cacheControl: fetched.cacheControl, expires: fetched.expires });
  let updated: StoredFeed = {
    ...succeeded(feed, fetched, now, next, context),
    title: meta.title ?? feed.title,
    siteUrl: meta.siteUrl ?? feed.siteUrl,
    description: meta.description ?? feed.description,
    language: meta.language ?? feed.language,
    format: meta.format,
    validators: { etag: fetched.etag, lastModified: fetched.lastModified, bodyHash: fetched.bodyHash },
    recentPosts,
    capsule: processed.capsule,
    lastFetch: summary(now, "new", fetched.status, started, warnings[0] ?? null),
  };
  const move = findMove(feed, processed, now);
  if (move) updated = { ...updated, ...move };
  const added = await context.store.commitRefresh({ feed: updated, entries, log: logLine(updated, null) });
  return { feedId, outcome: added > 0 ? "new" : "unchanged", added, warnings, movedTo: move?.url };
}

/**
 * A valid location record with a higher sequence than any seen before, naming feeds that do not include the
 * one fetched now, moves the feed there (docs/format.md §9: the highest valid sequence wins, wherever found).
 */
function findMove(feed: StoredFeed, processed: ProcessOutput, now: Date): Pick<StoredFeed, "url" | "moved" | "validators" | "permanentRedirect"> | undefined {
  const capsule = processed.capsule;
  if (!capsule || capsule.locationSeq <= (feed.capsule?.locationSeq ?? 0)) return undefined;
  const target = capsule.feeds[0];
  if (target === undefined || capsule.feeds.includes(feed.url) || !/^https?:/i.test(target)) return undefined;
  return {
    url: target,
    moved: { from: feed.url, to: target, seq: capsule.locationSeq, at: now.toISOString() },
    validators: { etag: null, lastModified: null, bodyHash: null },
    permanentRedirect: null,
  };
}

// Success resets the error count and plans from the feed's own rhythm; repeated permanent redirects move it.
function succeeded(feed: StoredFeed, fetched: FetchResult, now: Date, next: number, context: RefreshContext): StoredFeed {
  const moved = permanentTarget(fetched);
  const count = moved && feed.permanentRedirect?.to === moved ? feed.permanentRedirect.count + 1 : moved ? 1 : 0;
  const move = moved !== null && count >= (context.redirectMoves ?? 3);
  return {
    ...feed,
    url: move ? moved : feed.url,
    permanentRedirect: moved && !move ? { to: moved, count } : null,
    lastSuccess: now.toISOString(),
    errors: { consecutive: 0, code: null, message: null, since: null },
    schedule: { nextDue: addSeconds(now, next), intervalSeconds: next, retryAfter: null },
  };
}

/** Where every hop of this fetch pointed permanently (301/308 all the way), or null. */
function permanentTarget(fetched: FetchResult): string | null {
  if (fetched.redirects.length === 0) return null;
  return fetched.redirects.every((hop) => hop.status === 301 || hop.status === 308) ? fetched.url : null;
}

async function recordFailure(feed: StoredFeed, error: CrawlerError, now: Date, started: number, context: RefreshContext): Promise<RefreshResult & { movedTo?: string }> {
  const consecutive = feed.errors.consecutive + 1;
  const retryAfter = error instanceof FetchError ? error.retryAfter : null;
  const wait = planRetry(consecutive, now, context.limits, retryAfter);
  let updated: StoredFeed = {
    ...feed,
    errors: { consecutive, code: error.code, message: error.message, since: feed.errors.since ?? now.toISOString() },
    schedule: { nextDue: addSeconds(now, wait), intervalSeconds: wait, retryAfter: retryAfter ? addSeconds(now, wait) : null },
    lastFetch: summary(now, "error", error instanceof FetchError ? error.status ?? null : null, started, error.message),
  };
  // The origin failed: a pinned capsule's signed entries may still be fetched from its mirrors.
  if (!feed.capsule) {
    await context.store.commitRefresh({ feed: updated, log: logLine(updated, error.code) });
    return { feedId: feed.id, outcome: "error", added: 0, error, warnings: [] };
  }
  const { rescue, records } = await fetchFromMirrors(feed, context, now);
  updated = { ...updated, mirrors: records };
  if (!rescue) {
    await context.store.commitRefresh({ feed: updated, log: logLine(updated, error.code) });
    return { feedId: feed.id, outcome: "error", added: 0, error, warnings: [] };
  }
  const missing = countMissing(rescue, context, feed);
  const note = `origin failed (${error.message}); ${rescue.entries.length} verified entries read from the mirror ${rescue.mirror}`
    + (missing > 0 ? `; ${missing} entries the signed checkpoint lists are still missing` : "");
  updated = {
    ...updated,
    capsule: rescue.processed.capsule ?? feed.capsule,
    recentPosts: mergeRecent(feed.recentPosts, rescue.entries.map((e) => e.published)),
    lastFetch: summary(now, "new", null, started, note),
  };
  const move = findMove(feed, rescue.processed, now);
  if (move) updated = { ...updated, ...move, errors: { consecutive: 0, code: null, message: null, since: null }, schedule: { ...updated.schedule, nextDue: now.toISOString() } };
  const added = await context.store.commitRefresh({ feed: updated, entries: rescue.entries, log: logLine(updated, error.code) });
  return { feedId: feed.id, outcome: added > 0 ? "new" : "unchanged", added, error, warnings: [note], movedTo: move?.url };
}

// Withheld entries show up as checkpoint items that neither the store nor the mirror has (docs/format.md §8).
function countMissing(rescue: MirrorRescue, context: RefreshContext, feed: StoredFeed): number {
  const items = rescue.processed.capsule?.checkpoint?.value.entries ?? [];
  const served = new Set(rescue.entries.map((entry) => entry.key));
  return items.filter(([id]) => !served.has(id) && context.store.getEntry(feed.id, id) === undefined).length;
}

function toCrawlerError(error: unknown, url: string): CrawlerError {
  if (error instanceof CrawlerError) return error;
  return new CrawlerError("internal", `refresh: unexpected failure (${error instanceof Error ? error.message : String(error)}): ${url}`, {
    cause: error, hint: "This is a bug in Capsule: please report it with the feed URL.",
  });
}

function summary(now: Date, outcome: "new" | "unchanged" | "error", status: number | null, started: number, message: string | null) {
  return { at: now.toISOString(), outcome, status, added: 0, ms: Math.round(performance.now() - started), message };
}

function logLine(feed: StoredFeed, code: string | null): FetchLogRecord {
  return { ...feed.lastFetch!, url: feed.url, code };
}

function mergeRecent(previous: readonly string[], published: readonly string[]): string[] {
  return [...new Set([...published, ...previous])].sort().reverse().slice(0, 20);
}
