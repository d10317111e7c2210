// crawlFeeds keeps a bounded window of feeds in the queue and takes hosts in turn: a crawl of many feeds
// never holds all of them as waiting tasks, and one slow host's per-host limit does not hold up the others.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../crawler/config.ts";
import { crawlFeeds, interleaveByHost, openCrawler, selectFeeds, type Crawler } from "../../crawler/crawl.ts";
import { setup } from "../helpers/setup.ts";

const test = suite("crawler/crawl window");
const SLOW_FEEDS = 120;
const QUICK_FEEDS = 6;
let slow: Server;
let quick: Server;
let folder = "";
let crawler: Crawler;
const queued: number[] = [];

const rss = (title: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link>`
  + `<item><guid>${title}-1</guid><title>One</title><description>Hello</description></item></channel></rss>`;

async function listen(delayMs: number): Promise<Server> {
  const server = createServer((request, response) => {
    queued.push(crawler.queue.size);
    setTimeout(() => response.writeHead(200, { "content-type": "application/rss+xml" }).end(rss(request.url!.slice(1))), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const urlOf = (server: Server, name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}`;

setup(test, async () => {
  folder = mkdtempSync(join(tmpdir(), "capsule-window-"));
  crawler = openCrawler(loadConfig({ dataDir: join(folder, "store"), contentDir: join(folder, "content"), allowPrivateAddresses: "true",
    concurrency: "4", perHostConcurrency: "2", workers: "0", followerUrl: "https://me.example/" }, {}));
  slow = await listen(40);
  quick = await listen(0);
  for (let i = 0; i < SLOW_FEEDS; i++) await crawler.store.addFeed(urlOf(slow, `slow-${i}`));
  for (let i = 0; i < QUICK_FEEDS; i++) await crawler.store.addFeed(urlOf(quick, `quick-${i}`));
});

test.after(async () => {
  await crawler?.close();
  slow?.close();
  quick?.close();
  rmSync(folder, { recursive: true, force: true });
});

test("hosts are taken in turn, each host's feeds in their own order", () => {
  const feeds = ["a/1", "a/2", "a/3", "b/1", "c/1", "c/2"].map((path) => ({ id: path, url: `https://${path.split("/")[0]}.test/${path}` }));
  assert.equal(interleaveByHost(feeds).map((feed) => feed.id), ["a/1", "b/1", "c/1", "a/2", "c/2", "a/3"]);
  assert.equal(interleaveByHost(feeds.slice(0, 3)).map((feed) => feed.id), ["a/1", "a/2", "a/3"]);
  assert.equal(interleaveByHost([]), []);
});

test("a crawl of many feeds holds a bounded window in the queue, and a slow host does not hold up a quick one", async () => {
  // The slow host's feeds first, as a follow list might have them.
  const feeds = selectFeeds(crawler.store).sort((a, b) => Number(b.url.includes("/slow-")) - Number(a.url.includes("/slow-")));
  assert.is(feeds.length, SLOW_FEEDS + QUICK_FEEDS);
  assert.match(feeds[QUICK_FEEDS]!.url, /\/slow-/);
  const finished: string[] = [];
  const progress = await crawlFeeds(crawler, feeds, (_, result) => finished.push(result.feedId));
  assert.is(progress.done, SLOW_FEEDS + QUICK_FEEDS);
  assert.is(progress.errors, 0);
  assert.is(progress.added, SLOW_FEEDS + QUICK_FEEDS);
  // 4 × concurrency lanes, at least 64: never every feed at once.
  const window = Math.max(64, 4 * 4);
  assert.ok(Math.max(...queued) <= window, `at most ${window} feeds queued at once, saw ${Math.max(...queued)}`);
  // The slow host serves 2 at a time at 40 ms each: its 120 feeds take 2.4 s; the quick host's 6 finish early.
  const quickIds = new Set(feeds.filter((feed) => feed.url.includes("/quick-")).map((feed) => feed.id));
  const lastQuick = Math.max(...finished.map((id, index) => (quickIds.has(id) ? index : -1)));
  assert.ok(lastQuick < 30, `the quick host's feeds finished by position ${lastQuick} of ${finished.length}`);
});

test.run();
