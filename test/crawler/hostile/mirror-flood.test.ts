/**
 * Issue 6, a finding of hostile-server.test.ts: a feed of 100,000 tiny items made the mirror write 100,000
 * entry pages (about 840 MB, 23 s) on every change. A creator's pages now show its newest `maxEntries`
 * entries (MIRROR_MAX_ENTRIES by default); the store still keeps every one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { MIRROR_MAX_ENTRIES, regenerateMirrors, writeMirrorPages } from "../../../crawler/mirror.ts";
import { parseFeed } from "../../../crawler/parse/index.ts";
import { setup } from "../../helpers/setup.ts";
import { storeParsed } from "../../helpers/stored.ts";
import { openTempStore } from "../../helpers/temp-store.ts";

const URL_ = "https://flood.example/rss";
const SITE = "https://me.example/";

function flood(count: number) {
  const items = Array.from({ length: count }, (_, i) => `<item><guid>g${i}</guid><title>Post ${i}</title>`
    + `<pubDate>${new Date(Date.UTC(2025, 0, 1) + i * 3600_000).toUTCString()}</pubDate><description>Body ${i}</description></item>`);
  return storeParsed(parseFeed(`<rss version="2.0"><channel><title>Flood</title><link>https://flood.example/</link>${items.join("")}</channel></rss>`, { url: URL_ }), URL_);
}

const entryPages = (dir: string) => readdirSync(dir).filter((name) => !["index.html", "feed.xml", "tags", "page"].includes(name));

const test = suite<{ out: string }>("mirror pages: a flood of entries");

setup(test, (ctx) => {
  ctx.out = mkdtempSync(join(tmpdir(), "capsule-flood-"));
});

test.after((ctx) => {
  if (ctx.out) rmSync(ctx.out, { recursive: true, force: true });
});

test("only the newest maxEntries entries get pages; the timeline is paginated over them", async ({ out }) => {
  const { feed, entries } = flood(50);
  await writeMirrorPages(feed, entries, { outDir: out, siteUrl: SITE, maxEntries: 10, pageSize: 4 });
  const dir = join(out, feed.id);
  const slugs = entryPages(dir);
  assert.is(slugs.length, 10);
  assert.equal(slugs.sort(), Array.from({ length: 10 }, (_, i) => `g${40 + i}`));
  assert.equal(readdirSync(join(dir, "page")).sort(), ["2", "3"]);
  const index = readFileSync(join(dir, "index.html"), "utf8");
  assert.match(index, "Post 49");
  assert.not.match(index, "Post 39");
});

test("regenerateMirrors reads and writes at most MIRROR_MAX_ENTRIES of a creator's entries", async ({ out }) => {
  const temp = openTempStore();
  try {
    const count = MIRROR_MAX_ENTRIES + 25;
    const { feed, entries } = flood(count);
    await temp.store.commitRefresh({ feed, entries, log: { at: "2025-06-01T00:00:00.000Z", outcome: "new", status: 200, added: 0, ms: 1, message: null, url: URL_, code: null } });
    assert.is(temp.store.getFeed(feed.id)!.entryCount, count, "the store keeps every entry");
    const result = await regenerateMirrors(temp.store, { outDir: out, siteUrl: SITE });
    assert.equal(result.failed, []);
    assert.is(entryPages(join(out, feed.id)).length, MIRROR_MAX_ENTRIES);
  } finally {
    await temp.dispose();
  }
});

test("maxEntries must be a positive integer", async ({ out }) => {
  const { feed, entries } = flood(2);
  for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
    try {
      await writeMirrorPages(feed, entries, { outDir: out, siteUrl: SITE, maxEntries });
      assert.unreachable(`maxEntries ${maxEntries} was accepted`);
    } catch (error) {
      assert.instance(error, TypeError);
      assert.match((error as Error).message, "mirror: expected maxEntries to be a positive integer");
    }
  }
});

test.run();
