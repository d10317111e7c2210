/**
 * Issue 6, "Script never runs", in real Chromium: a daemon crawls feeds carrying every DOMPurify payload in
 * every field (test/crawler/hostile/xss-feeds.ts), writes the mirror pages and re-serves the feeds
 * (hostile-world.ts). Chromium opens the mirror pages as the follower's site publishes them (static files, no
 * Content-Security-Policy to help) and the XSLT view of the daemon's re-served feeds (native XSLT, and XSLT
 * off so feed-fallback.js and xslt-processor.js build it): no dialog opens, no script is compiled in the page
 * but the daemon's own two files, no request leaves for an unexpected host.
 *
 * Chromium sees every page of the four feeds that hold every payload in every entry field (timeline pages,
 * entry pages and the tags index: hundreds, about a minute's work), and the channel fields of one creator in
 * CREATOR_SAMPLE (each creator is a crawled feed, a home page and a styled feed: all 223 would add a minute
 * and a half more).
 * test/crawler/hostile/xss-pipeline.test.ts checks every page of every creator with parse5. Text that only
 * looks like markup in the styled feed: hostile-feed-view.test.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mirrorIdOf } from "../../crawler/model.ts";
import { setup } from "../helpers/setup.ts";
import { listPages, NOTHING, startHostileWorld, visitAll, type HostileWorld } from "./hostile-world.ts";

/** One creator feed in this many is crawled (payloads in the channel). */
const CREATOR_SAMPLE = 12;

const test = suite<{ world: HostileWorld }>("hostile: every payload in Chromium");

setup(test, async (ctx) => {
  ctx.world = await startHostileWorld((i) => i % CREATOR_SAMPLE === 0);
});

test.after(async (ctx) => {
  await ctx.world?.close();
});

test("mirror pages: no dialog, no script, no request off the site, with every payload in every field", async ({ world }) => {
  const all = world.daemon.crawler.store.listFeeds().filter((feed) => !/creator-\d+\.xml$/.test(feed.url)).map(mirrorIdOf);
  assert.is(all.length, 4);
  // The mirrors index (every crawled creator's name and origin); each creator's home page (its profile fields
  // and its entry); every page of the four feeds holding all the payloads: timeline pages (titles, summaries,
  // the notes' bodies, dates, tags), entry pages (full body, image, attachments, tags) and the tags index. One
  // page per tag would add half a minute for no new field: it holds the tag's name and the entries' titles.
  const pages = listPages(world.mirrorDir).filter((path) => {
    const [id, ...rest] = path.split("/");
    if (!all.includes(id!)) return rest.length === 0;
    return rest[0] !== "tags" || rest.length === 1;
  });
  assert.ok(pages.length > 2 * world.payloads.length, `${pages.length} pages`);
  const findings = await visitAll(world.native, pages.map((path) => new URL(`mirror/${path ? `${path}/` : ""}`, world.site.url).href), {
    origins: [new URL(world.site.url).origin, world.origin.origin], scripts: [],
  });
  assert.equal(findings, NOTHING);
});

test("the daemon's re-served feeds, styled by native XSLT and by xslt-processor: no dialog, no script but the daemon's, no request off it", async ({ world }) => {
  // Native XSLT: the four feeds of all the payloads (the newest 200 of each, as the daemon re-serves them) and
  // every crawled creator. xslt-processor needs about a second for 200 items: it gets the RSS halves (articles:
  // title and summary) and the JSON feed (notes: the body); test/crawler/hostile/xss-pipeline.test.ts runs it
  // on every crawled creator's feed too.
  const feeds = world.daemon.crawler.store.listFeeds();
  const urlOf = (feed: (typeof feeds)[number]) => `${world.daemon.url}mirror/${mirrorIdOf(feed)}/feed.xml`;
  const allowed = { origins: [new URL(world.daemon.url).origin, world.origin.origin], scripts: ["/feed-fallback.js", "/xslt-processor.js"] };
  const inFallback = (feed: (typeof feeds)[number]) => /\/xss\/(rss-a\.xml|rss-b\.xml|feed\.json)$/.test(feed.url);
  for (const browser of [world.native, world.noXslt]) {
    const urls = feeds.filter((feed) => browser === world.native || inFallback(feed)).map(urlOf);
    const findings = await visitAll(browser, urls, allowed, ".timeline .entry");
    // A CSP violation means entry markup came alive and the daemon's policy stopped it (hostile-feed-view.test.ts covers the feed view without one).
    assert.equal({ ...findings, csp: [] }, NOTHING, browser === world.native ? "native XSLT" : "xslt-processor");
  }
});

test("the watch itself catches a dialog, an inline script, a handler and a request off the site", async ({ world }) => {
  const hostile = join(world.mirrorDir, "zz-watch-check");
  mkdirSync(hostile, { recursive: true });
  writeFileSync(join(hostile, "index.html"), `<!doctype html><title>x</title><img src="x" onerror="alert(1)"><script src="https://evil.example/x.js"></script>`);
  try {
    const findings = await visitAll(world.native, [new URL("mirror/zz-watch-check/", world.site.url).href], { origins: [new URL(world.site.url).origin], scripts: [] });
    assert.is(findings.dialogs.length, 1, JSON.stringify(findings));
    assert.ok(findings.scripts.length >= 1, JSON.stringify(findings));
    assert.equal(findings.requests.map((r) => r.replace(/^.*: /, "")), ["script https://evil.example/x.js"]);
  } finally {
    rmSync(hostile, { recursive: true, force: true });
  }
});

test.run();
