/**
 * `capsule daemon`: node-cron wakes it on the configured schedule; each wake-up syncs the follow list,
 * refreshes the feeds that are due (the scheduler has already decided when each one is), and regenerates the
 * mirror pages of creators whose content changed. Beside it, the HTTP server re-serves every mirrored feed
 * from the store. One feed's failure is recorded on that feed; nothing a feed does stops the daemon.
 */
import { getHeapStatistics } from "node:v8";
import { schedule, type ScheduledTask } from "node-cron";
import type { CrawlerConfig } from "./config.ts";
import { crawlFeeds, openCrawler, selectFeeds, siteUrlOf, syncFollowList, type Crawler } from "./crawl.ts";
import { discoverCreators, type Discovery } from "./discover.ts";
import type { FetchOptions } from "./fetch.ts";
import { learnMirrors, saveOwnMirrors } from "./mesh.ts";
import { regenerateMirrors } from "./mirror.ts";
import { renderMirrorFeed } from "./mirror-feed.ts";
import { mirrorIdOf, type StoredFeed } from "./model.ts";
import { startServer, type MirrorSource, type RunningServer } from "./serve.ts";
import { describeFeeds } from "./status.ts";

/** Entries the re-served feed of one creator carries (newest first; verified tombstones always). @default 200 */
export const MIRROR_FEED_LIMIT = 200;

export interface DaemonOptions {
  /** Where one line per wake-up and per problem goes. @default console.log */
  log?: (line: string) => void;
  /** A `dns.lookup`-compatible function (tests). */
  lookup?: FetchOptions["lookup"];
}

/** A running daemon. */
export interface Daemon {
  /** The HTTP server's origin, with a trailing slash. */
  readonly url: string;
  readonly crawler: Crawler;
  /** Runs one wake-up now (the schedule runs them otherwise); `all` fetches every followed feed, due or not. */
  tick(options?: { all?: boolean }): Promise<void>;
  /** Stops the schedule, lets running fetches finish, closes the server and the store. */
  close(): Promise<void>;
}

/** Starts the server and the schedule, and runs a first wake-up right away (not awaited). */
export async function startDaemon(config: CrawlerConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const log = options.log ?? ((line: string) => console.log(line));
  const crawler = openCrawler(config, { lookup: options.lookup });
  const mirrors = new MirrorIndex(crawler);
  const state = { started: new Date().toISOString(), wakeUps: 0, lastWakeUp: null as string | null, lastSummary: null as string | null, running: false };
  let server: RunningServer;
  // The last discovery run, worked out after each wake-up and served as it is: a request never fetches.
  let discovery: Discovery | undefined;
  try {
    server = await startServer({ source: { ...createSource(crawler, mirrors, config, () => state), readSuggestions: () => discovery }, host: config.host, port: config.port, log });
  } catch (error) {
    await crawler.close();
    throw error;
  }
  const siteUrl = siteUrlOf(crawler) ?? server.url;

  let current: Promise<void> | undefined;
  const tick = async (options: { all?: boolean } = {}): Promise<void> => {
    if (current) await current; // one wake-up at a time; a forced one runs after the running one
    current ??= wakeUp(options.all === true).finally(() => (current = undefined));
    return current;
  };
  async function wakeUp(all: boolean): Promise<void> {
    state.running = true;
    try {
      const sync = await syncFollowList(crawler);
      if (sync.added.length + sync.removed.length > 0) log(`follow list: ${sync.added.length} added, ${sync.removed.length} removed`);
      const due = selectFeeds(crawler.store, all ? {} : { dueBy: new Date() });
      const mesh = due.length > 0 ? await learnMirrors(crawler) : undefined;
      if (mesh) saveOwnMirrors(crawler, mesh.ours);
      const progress = await crawlFeeds(crawler, due, (_, result) => {
        if (result.error) log(`${result.feedId}: ${result.error.message}`);
      }, mesh?.hints);
      const mirrored = await regenerateMirrors(crawler.store, { outDir: config.mirrorDir, siteUrl });
      for (const failure of mirrored.failed) log(`${failure.feedId}: ${failure.error.message}`);
      mirrors.rebuild();
      state.lastSummary = `${progress.done} due feeds: ${progress.added} new entries, ${progress.unchanged} unchanged, ${progress.errors} errors; ${mirrored.regenerated.length} mirrors regenerated`;
      if (progress.done > 0) log(state.lastSummary);
      discovery = await discoverCreators(crawler).catch((error: Error) => {
        log(`discover: suggestions not updated (${error.message}); the last ones stay`);
        return discovery;
      });
    } catch (error) {
      // A broken follow list or a full disk: say so and try again at the next wake-up.
      log(`daemon: this wake-up failed (${(error as Error).message}); trying again at the next one`);
    } finally {
      state.wakeUps++;
      state.lastWakeUp = new Date().toISOString();
      state.running = false;
    }
  }

  const task: ScheduledTask = schedule(config.schedule, () => tick(), { noOverlap: true, name: "capsule-crawl" });
  void tick();
  return {
    url: server.url,
    crawler,
    tick,
    async close() {
      await task.stop();
      await task.destroy();
      await current;
      await server.close();
      await crawler.close();
    },
  };
}

/** Mirror id → feed id, rebuilt after each wake-up so a request costs one Map lookup and one store read. */
class MirrorIndex {
  readonly #crawler: Crawler;
  #ids = new Map<string, string>();

  constructor(crawler: Crawler) {
    this.#crawler = crawler;
    this.rebuild();
  }

  rebuild(): void {
    const ids = new Map<string, string>();
    for (const feed of this.#crawler.store.eachFeed()) if (feed.entryCount > 0) ids.set(mirrorIdOf(feed), feed.id);
    this.#ids = ids;
  }

  find(mirrorId: string): StoredFeed | undefined {
    const id = this.#ids.get(mirrorId);
    return id === undefined ? undefined : this.#crawler.store.getFeed(id);
  }

  *list(): Iterable<{ id: string; title: string }> {
    for (const [mirrorId, feedId] of this.#ids) {
      const feed = this.#crawler.store.getFeed(feedId);
      if (feed) yield { id: mirrorId, title: feed.title ?? feed.url };
    }
  }
}

function createSource(crawler: Crawler, mirrors: MirrorIndex, config: CrawlerConfig, state: () => object): MirrorSource {
  return {
    lookupFeed(mirrorId) {
      const feed = mirrors.find(mirrorId);
      if (!feed) return undefined;
      // Changes whenever the re-served document would: new entries, a new checkpoint, a new title.
      const version = `${feed.changedAt}|${feed.capsule?.checkpoint?.hash ?? ""}|${feed.capsule?.locationSeq ?? ""}|${feed.title ?? ""}`;
      return {
        version,
        lastModified: feed.changedAt ? new Date(feed.changedAt) : null,
        render: () => {
          const base = siteUrlOf(crawler) ?? `http://${config.host}:${config.port}/`;
          return renderMirrorFeed(feed, crawler.store.listEntries(feed.id, { limit: MIRROR_FEED_LIMIT * 2 }), {
            selfUrl: new URL(`mirror/${mirrorId}/feed.xml`, base).href, limit: MIRROR_FEED_LIMIT,
          });
        },
      };
    },
    listMirrors: () => mirrors.list(),
    readStatus: () => ({ daemon: { ...state(), pid: process.pid, memory: memoryFigures() }, feeds: describeFeeds(crawler.store.listFeeds()) }),
  };
}

// What the daemon holds, in megabytes: resident memory, the JavaScript heap, and the heap's ceiling
// (CAPSULE_HEAP_LIMIT; crawler/heap-limit.ts), the figure to raise when the heap nears it.
function memoryFigures(): { rssMb: number; heapUsedMb: number; heapLimitMb: number } {
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const usage = process.memoryUsage();
  return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapLimitMb: mb(getHeapStatistics().heap_size_limit) };
}
