import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../crawler/authenticate.ts";
import { CrawlerError } from "../../crawler/errors.ts";
import { feedIdOf, type StoredFeed } from "../../crawler/model.ts";
import { ProcessPool } from "../../crawler/process-pool.ts";
import { processFeedBody } from "../../crawler/process.ts";
import { unpackEntry } from "../../crawler/entry-codec.ts";
import { openTempStore } from "../helpers/temp-store.ts";
import { createTestCreator } from "../helpers/signed-feed.ts";

const test = suite("crawler/process-pool");
const alice = createTestCreator(0x71, "Alice");
const xml = alice.renderFeed([1, 2].map((n) => ({ sealed: alice.sign({ id: `n${n}`, body: `**Note ${n}** <img src=x onerror=alert(1)>` }) })));

async function feedRecord(): Promise<{ feed: StoredFeed; dispose(): Promise<void> }> {
  const temp = openTempStore();
  const feed = await temp.store.addFeed("https://alice.example/feed.xml");
  return { feed, dispose: () => temp.dispose() };
}

test("a worker gives the same result as this thread: verified, rendered, sanitised", async () => {
  const { feed, dispose } = await feedRecord();
  const pool = new ProcessPool(2);
  try {
    const input = { feed, body: Buffer.from(xml), url: "https://alice.example/feed.xml", contentType: "application/rss+xml", now: "2026-01-01T00:00:00.000Z" };
    const local = processFeedBody(input, new Authenticator());
    const output = await pool.run(input);
    // The worker's entries come encoded for the store, with the fields a refresh reads beside them.
    assert.ok(output.entries.every((entry) => "packed" in entry && entry.packed.length > 0));
    const remote = { ...output, entries: output.entries.map(unpackEntry) };
    assert.equal(remote, local);
    assert.equal(output.entries.map((e) => [e.key, e.hash, e.published, e.trust]), local.entries.map((e) => [e.key, e.hash, e.published, e.trust]));
    assert.is(remote.capsule?.id, alice.rootKey.did);
    assert.equal(remote.entries.map((e) => e.trust.status), ["verified", "verified"]);
    assert.match(remote.entries[0]!.html, "<strong>Note 1</strong>");
    assert.not.match(remote.entries[0]!.html, "onerror");
    assert.is(feed.id, feedIdOf("https://alice.example/feed.xml"));
  } finally {
    await pool.close();
    await dispose();
  }
});

test("a parse error comes back as a crawler error with its code and message; closing rejects new work", async () => {
  const { feed, dispose } = await feedRecord();
  const pool = new ProcessPool(1);
  try {
    const input = { feed, body: Buffer.from("<html><body>hi</body></html>"), url: "https://alice.example/", contentType: "text/html", now: "2026-01-01T00:00:00.000Z" };
    const error = await pool.run(input).catch((e: unknown) => e);
    assert.instance(error, CrawlerError);
    assert.is((error as CrawlerError).code, "not-a-feed");
    assert.match((error as Error).message, /^parse: not a feed/);
    await pool.close();
    const closed = await pool.run(input).catch((e: unknown) => e);
    assert.is((closed as CrawlerError).code, "pool-closed");
  } finally {
    await pool.close();
    await dispose();
  }
});

test.run();
