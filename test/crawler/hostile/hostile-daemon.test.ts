/**
 * Issue 6, "the daemon keeps running": a started daemon crawls the hostile server's feeds (each with a good
 * copy from an earlier crawl) while this test keeps asking for its /status.json. Every answer must arrive,
 * every attacked feed ends with one clear line in the status and the log, its previous entries stay as they
 * were and its re-served feed still carries them, and a later wake-up still runs.
 *
 * Private addresses are allowed here (the daemon's own configuration reaches the test server on
 * loopback), so the two redirects to private addresses are left to hostile-server.test.ts, which runs
 * with them refused. The 100,000-item flood is there too: crawled beside the others it holds the daemon's
 * thread for seconds (see pending/daemon-latency.pending.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig, type CrawlerConfig } from "../../../crawler/config.ts";
import { crawlFeeds, openCrawler, selectFeeds, syncFollowList } from "../../../crawler/crawl.ts";
import { startDaemon, type Daemon } from "../../../crawler/daemon.ts";
import { mirrorIdOf, type StoredEntry } from "../../../crawler/model.ts";
import type { FeedStatus } from "../../../crawler/status.ts";
import { startHttpServer, watchConnections, type ConnectionWatch, type TestHttpServer } from "../../helpers/http-server.ts";
import { setup } from "../../helpers/setup.ts";
import { ATTACKS, goodFeed, hostileLookup, HOSTILE_HOST, isOneClearLine, type Attack, type AttackContext } from "./attacks.ts";

const SITE = "https://me.example/";
const CHOSEN = ATTACKS.filter((attack) => !attack.needsRefusal && attack.name !== "many-items");

interface Subject {
  readonly attack: Attack;
  readonly context: AttackContext;
  readonly url: string;
  feedId: string;
  before: StoredEntry[];
}

interface Context {
  folder: string;
  config: CrawlerConfig;
  server: TestHttpServer;
  watch: ConnectionWatch;
  daemon: Daemon;
  subjects: Subject[];
  secret: { path: string; token: string };
  log: string[];
  polls: { status: number; ms: number; feeds: number }[];
}

const test = suite<Context>("hostile server: a running daemon");

setup(test, async (ctx) => {
  ctx.folder = mkdtempSync(join(tmpdir(), "capsule-hostile-daemon-"));
  ctx.secret = { path: join(ctx.folder, "outside-secret.txt"), token: `CAPSULE-SECRET-${randomUUID()}` };
  writeFileSync(ctx.secret.path, ctx.secret.token);
  ctx.watch = watchConnections();
  ctx.server = await startHttpServer();
  const origin = `http://${HOSTILE_HOST}:${ctx.server.port}`;
  ctx.subjects = CHOSEN.map((attack) => {
    const path = `/d/${attack.name}.xml`;
    return { attack, url: `${origin}${path}`, feedId: "", before: [], context: { origin, path, secretPath: ctx.secret.path, probePaths: [`/probe/${attack.name}/1`, `/probe/${attack.name}/2`, `/probe/${attack.name}/3`] } };
  });
  mkdirSync(join(ctx.folder, "content"));
  writeFileSync(join(ctx.folder, "content/following.yaml"), ctx.subjects.map((s) => `- url: ${s.url}\n`).join(""));
  ctx.config = loadConfig({
    port: "0", allowPrivateAddresses: "true", followerUrl: SITE, timeout: "2s", connectTimeout: "1s", minInterval: "60s", maxInterval: "60s",
    concurrency: "64", perHostConcurrency: "64", schedule: "0 0 1 1 *",
  }, {}, ctx.folder);

  // The good copies, crawled two hours ago (so every feed is due again now).
  for (const subject of ctx.subjects) {
    const body = goodFeed(subject.attack.name, origin);
    ctx.server.route(subject.context.path, (_request, response) => void response.writeHead(200, { "content-type": "application/rss+xml" }).end(body));
  }
  const earlier = openCrawler(ctx.config, { lookup: hostileLookup, now: () => new Date(Date.now() - 2 * 3600_000) });
  try {
    await syncFollowList(earlier);
    const progress = await crawlFeeds(earlier, selectFeeds(earlier.store));
    if (progress.added !== 2 * ctx.subjects.length) throw new Error(`the good copies were not all stored: ${JSON.stringify(progress)}`);
    for (const subject of ctx.subjects) {
      const feed = earlier.store.findFeed(subject.url)!;
      subject.feedId = feed.id;
      subject.before = earlier.store.listEntries(feed.id);
      if (subject.attack.https) {
        const url = feed.url.replace(/^http:/, "https:");
        await earlier.store.commitRefresh({ feed: { ...feed, url }, log: { ...feed.lastFetch!, url, code: null } });
      }
    }
  } finally {
    await earlier.close();
  }

  for (const subject of ctx.subjects) ctx.server.route(subject.context.path, subject.attack.serve(subject.context));
  ctx.log = [];
  ctx.polls = [];
  ctx.daemon = await startDaemon(ctx.config, { log: (line) => ctx.log.push(line), lookup: hostileLookup });
  // startDaemon runs its first wake-up right away: ask for the status until it says that wake-up is over.
  for (let over = false; !over;) {
    const started = performance.now();
    const response = await fetch(`${ctx.daemon.url}status.json`, { signal: AbortSignal.timeout(15_000) });
    const body = await response.json() as { feeds: unknown[]; daemon: { wakeUps: number; running: boolean } };
    ctx.polls.push({ status: response.status, ms: performance.now() - started, feeds: body.feeds.length });
    over = body.daemon.wakeUps >= 1 && !body.daemon.running;
    if (!over) await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

test.after(async (ctx) => {
  ctx.watch?.stop();
  await ctx.daemon?.close();
  await ctx.server?.close();
  if (ctx.folder) rmSync(ctx.folder, { recursive: true, force: true });
});

test("the daemon answered every status request while it crawled the hostile feeds", ({ polls, subjects }) => {
  // The slow attacks keep the wake-up busy for their 2 s timeout: many polls fall inside it.
  assert.ok(polls.length >= 5, `only ${polls.length} requests were answered during the crawl`);
  assert.equal(polls.filter((poll) => poll.status !== 200 || poll.feeds !== subjects.length), []);
});

test("each attacked feed: one clear error line (or a warning) in the status and the log", async ({ daemon, subjects, log }) => {
  const status = await (await fetch(`${daemon.url}status.json`)).json() as { feeds: FeedStatus[]; daemon: { wakeUps: number; running: boolean } };
  assert.is(status.daemon.running, false);
  const rows = new Map(status.feeds.map((row) => [row.id, row]));
  for (const { attack, feedId } of subjects) {
    const row = rows.get(feedId)!;
    if (attack.expect.kind === "error") {
      assert.is(row.result, `error (${attack.expect.code})`, attack.name);
      assert.is(row.consecutiveErrors, 1, attack.name);
      assert.ok(isOneClearLine(row.lastError), `${attack.name}: ${JSON.stringify(row.lastError)}`);
      assert.match(row.lastError!, attack.expect.message, attack.name);
      assert.equal(log.filter((line) => line.startsWith(`${feedId}: `)), [`${feedId}: ${row.lastError}`], attack.name);
    } else {
      assert.is(row.consecutiveErrors, 0, `${attack.name}: ${row.lastError}`);
      if (attack.expect.warning) assert.match(row.warning ?? "", attack.expect.warning, attack.name);
    }
  }
  assert.ok(log.every((line) => !line.includes("\n")), "every log line is one line");
});

test("previous entries are unchanged and still re-served", async ({ daemon, subjects, secret }) => {
  const { store } = daemon.crawler;
  for (const { attack, feedId, before } of subjects) {
    for (const entry of before) assert.equal(store.getEntry(feedId, entry.key), entry, `${attack.name}: ${entry.key}`);
    const response = await fetch(`${daemon.url}mirror/${mirrorIdOf(store.getFeed(feedId)!)}/feed.xml`);
    assert.is(response.status, 200, attack.name);
    const xml = await response.text();
    for (const n of [1, 2]) assert.match(xml, `Good post ${n} of ${attack.name}`, attack.name);
    assert.not.match(xml, secret.token, attack.name);
  }
});

test("a later wake-up still runs, and the status is still served", async ({ daemon }) => {
  const wakeUps = async () => {
    const response = await fetch(`${daemon.url}status.json`);
    assert.is(response.status, 200);
    return ((await response.json()) as { daemon: { wakeUps: number } }).daemon.wakeUps;
  };
  const before = await wakeUps();
  await daemon.tick();
  assert.is(await wakeUps(), before + 1);
});

test("no connection left loopback", ({ watch }) => {
  assert.equal(watch.blocked, []);
});

test.run();
