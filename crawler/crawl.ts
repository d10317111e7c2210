/**
 * A crawl: bring the store's feed list in line with the follow list (content/following.yaml, the same file
 * the site publishes as its blogroll), then refresh feeds through the polite queue. `capsule crawl` runs one
 * over every followed feed; the daemon runs one over the feeds that are due, on its schedule.
 */
import { readFileSync } from "node:fs";
import { readFollowList } from "../site/follow-list.ts";
import { loadProfile } from "../site/profile.ts";
import { Authenticator } from "./authenticate.ts";
import type { CrawlerConfig } from "./config.ts";
import { buildUserAgent, createFetchAgent, type FetchAgent, type FetchOptions } from "./fetch.ts";
import type { StoredFeed } from "./model.ts";
import { ProcessPool } from "./process-pool.ts";
import { FetchQueue, hostOf } from "./queue.ts";
import { refreshFeed, type RefreshContext, type RefreshResult } from "./refresh.ts";
import { openStore, type Store } from "./store.ts";

/** Feeds in one crawl from which parsing moves to worker threads. */
export const WORKER_THRESHOLD = 200;
/** Bodies from this size are parsed in a worker even on small crawls. */
export const LARGE_BODY_BYTES = 1024 * 1024;

const PACKAGE = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string; homepage?: string };

/** Everything a crawl needs, opened once: the store, the queue, the verifier cache and the fetch settings. */
export interface Crawler {
  readonly config: CrawlerConfig;
  readonly store: Store;
  readonly queue: FetchQueue;
  readonly context: RefreshContext;
  close(): Promise<void>;
}

/** A crawl's running totals, for the progress bar and the final line. */
export interface CrawlProgress {
  total: number;
  done: number;
  added: number;
  unchanged: number;
  errors: number;
}

/** Opens the store and prepares fetching as the configuration says. */
export function openCrawler(config: CrawlerConfig, options: { lookup?: FetchOptions["lookup"]; now?: () => Date } = {}): Crawler {
  const store = openStore(config.dataDir, { maxLogPerFeed: config.logPerFeed });
  // One pool per crawler: its address policy never changes, so pooled sockets never skip a check they needed.
  const agent: FetchAgent = createFetchAgent({ maxSockets: Math.max(16, config.perHostConcurrency * 4) });
  const fetch: FetchOptions = {
    userAgent: buildUserAgent({ version: PACKAGE.version, projectUrl: PACKAGE.homepage, followerUrl: config.followerUrl || followerUrlOf(config.contentDir) }),
    timeouts: { connect: config.connectTimeout * 1000, total: config.timeout * 1000 },
    maxBodyBytes: config.maxBodyBytes,
    maxRedirects: config.maxRedirects,
    allowPrivateAddresses: config.allowPrivateAddresses,
    lookup: options.lookup,
    agent,
  };
  const context: RefreshContext = {
    store, fetch, authenticator: new Authenticator(),
    limits: { minInterval: config.minInterval, maxInterval: config.maxInterval, maxBackoff: config.maxBackoff },
    redirectMoves: config.redirectMoves,
    ownSiteUrl: config.followerUrl || followerUrlOf(config.contentDir),
    now: options.now,
  };
  const queue = new FetchQueue({ concurrency: config.concurrency, perHost: config.perHostConcurrency });
  return {
    config, store, queue, context,
    async close() {
      queue.clear();
      await queue.onIdle();
      agent.close();
      await store.close();
    },
  };
}

/** Makes the store follow exactly the feeds in the follow list; unfollowed feeds keep their entries. */
export async function syncFollowList(crawler: Crawler): Promise<{ added: string[]; removed: string[] }> {
  const follows = readFollowList(crawler.config.contentDir);
  const wanted = new Set(follows.map((follow) => follow.url));
  const added: string[] = [];
  const removed: string[] = [];
  for (const url of wanted) if (!crawler.store.findFeed(url)?.following) added.push(url);
  await crawler.store.addFeeds(added);
  for (const feed of crawler.store.listFeeds()) {
    if (feed.following && !wanted.has(feed.followedUrl) && !wanted.has(feed.url)) {
      await crawler.store.setFollowing(feed.id, false);
      crawler.context.authenticator.forget(feed.id);
      removed.push(feed.followedUrl);
    }
  }
  return { added, removed };
}

/** What a crawl needs of a feed: the store holds the rest, read afresh when its turn comes. */
export type FeedRef = Pick<StoredFeed, "id" | "url">;

/**
 * Refreshes `feeds` through the queue; resolves when all are done. One feed's failure is recorded on that
 * feed and never stops the others. At most a few times `concurrency` feeds wait in the queue at once (a
 * waiting feed costs a few kilobytes of closures and promises: 10,000 at once held 60 MB), taken host by
 * host in turn so that one host's per-host limit never holds up feeds from the others.
 */
export async function crawlFeeds(
  crawler: Crawler, feeds: readonly FeedRef[], onProgress?: (progress: CrawlProgress, result: RefreshResult) => void,
  /** Mirror feed URLs the mesh knows per feed id (crawler/mesh.ts), for the fallback when an origin fails. */
  mirrorHints?: ReadonlyMap<string, readonly string[]>,
): Promise<CrawlProgress> {
  const progress: CrawlProgress = { total: feeds.length, done: 0, added: 0, unchanged: 0, errors: 0 };
  // Workers start only when first used: on big crawls (starting one costs about as much as 100 feeds) and
  // for any body big enough to hold the thread (refresh.ts), so the daemon keeps answering while it parses.
  const pool = crawler.config.workers > 0 ? new ProcessPool(crawler.config.workers) : undefined;
  const everyFeed = feeds.length >= WORKER_THRESHOLD;
  const context: RefreshContext = {
    ...crawler.context,
    ...(pool ? { pool, poolFrom: everyFeed ? 0 : LARGE_BODY_BYTES } : {}),
    ...(mirrorHints ? { mirrorHints: (feed: StoredFeed) => mirrorHints.get(feed.id) ?? [] } : {}),
  };
  const order = interleaveByHost(feeds);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const { id, url } = order[next++]!;
      const result = await crawler.queue.add(id, url, () => refreshFeed(id, context)).catch((error: unknown) => ({
        feedId: id, outcome: "error" as const, added: 0, warnings: [], error: error as never,
      }));
      if (!result) continue; // already queued by someone else
      progress.done++;
      progress.added += result.added;
      if (result.outcome === "error") progress.errors++;
      else if (result.outcome === "unchanged") progress.unchanged++;
      onProgress?.(progress, result);
    }
  };
  const lanes = Math.min(order.length, Math.max(64, 4 * crawler.config.concurrency));
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await pool?.close();
  }
  return progress;
}

/** `feeds` reordered one host at a time in turn (a, b, c, a, b, a, …), each host's feeds in their own order. */
export function interleaveByHost(feeds: readonly FeedRef[]): FeedRef[] {
  const byHost = new Map<string, FeedRef[]>();
  for (const feed of feeds) {
    const host = hostOf(feed.url);
    const list = byHost.get(host);
    if (list) list.push(feed);
    else byHost.set(host, [feed]);
  }
  if (byHost.size <= 1) return [...feeds];
  const lists = [...byHost.values()];
  const order: FeedRef[] = [];
  for (let round = 0; order.length < feeds.length; round++) {
    for (const list of lists) if (round < list.length) order.push(list[round]!);
  }
  return order;
}

/** Followed feeds a crawl should fetch now: all of them, or only those due (`dueBy`), never those under Retry-After unless forced. */
export function selectFeeds(store: Store, options: { dueBy?: Date; force?: boolean; now?: Date } = {}): FeedRef[] {
  const now = (options.now ?? new Date()).toISOString();
  const due = options.dueBy?.toISOString();
  const selected: FeedRef[] = [];
  for (const feed of store.eachFeed()) {
    if (!feed.following) continue;
    const wanted = options.force || ((feed.schedule.retryAfter === null || feed.schedule.retryAfter <= now) && (due === undefined || feed.schedule.nextDue <= due));
    // Only the id and URL are kept: a whole stored feed is kilobytes, and a crawl of 10,000 held them all.
    if (wanted) selected.push({ id: feed.id, url: feed.url });
  }
  return selected;
}

/** The follower's own site URL (`followerUrl`, else the profile's `url`), where mirror pages are published. */
export function siteUrlOf(crawler: Crawler): string | undefined {
  return crawler.config.followerUrl || followerUrlOf(crawler.config.contentDir);
}

function followerUrlOf(contentDir: string): string | undefined {
  try {
    return loadProfile(contentDir).url;
  } catch {
    return undefined; // no profile (a crawler-only setup): the User-Agent just leaves the follower out
  }
}
