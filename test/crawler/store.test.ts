import { suite } from "uvu";
import * as assert from "uvu/assert";
import { open } from "lmdb";
import { StoreError } from "../../crawler/errors.ts";
import type { FetchLogRecord, StoredEntry, StoredFeed } from "../../crawler/model.ts";
import type { ParsedEntry } from "../../crawler/parse/index.ts";
import { ENTRY_SLICE, openStore, SCHEMA_VERSION } from "../../crawler/store.ts";
import { packEntries, unpackEntry } from "../../crawler/entry-codec.ts";
import { openTempStore } from "../helpers/temp-store.ts";

const test = suite("crawler/store");
const URL_A = "https://a.example/feed.xml";

function parsed(title: string): ParsedEntry {
  return {
    guid: title, url: null, title: { value: title, type: "text", base: URL_A, language: null }, summary: null, content: null,
    published: new Date("2026-01-01T00:00:00Z"), updated: null, created: null, authors: [], contributors: [], categories: [],
    enclosures: [], links: [], comments: null, inReplyTo: [], publisher: null, license: null, expires: null, blocked: false,
    explicit: null, location: null, language: null, rights: null, image: null, source: null, capsule: null,
  };
}

function entry(feed: StoredFeed, key: string, hash: string, published: string): StoredEntry {
  return {
    feedId: feed.id, key, hash, firstSeen: new Date().toISOString(), published, entry: parsed(`${key} ${hash}`),
    html: `<p>${key}</p>`, trust: { status: "unsigned" }, payload: null, envelope: null,
  };
}

function log(at: string, outcome: FetchLogRecord["outcome"] = "new"): FetchLogRecord {
  return { at, outcome, status: 200, added: 0, ms: 3, message: null, url: URL_A, code: null };
}

test("follows a URL once and keeps the record when followed again", async () => {
  const temp = openTempStore();
  try {
    const first = await temp.store.addFeed(URL_A);
    const again = await temp.store.addFeed(URL_A);
    assert.is(again.id, first.id);
    assert.is(temp.store.listFeeds().length, 1);
    assert.ok(first.id.startsWith("a.example-"), first.id);
    assert.is(temp.store.findFeed(URL_A)?.id, first.id);
    await temp.store.setFollowing(first.id, false);
    assert.is(temp.store.getFeed(first.id)?.following, false);
    assert.is((await temp.store.addFeed(URL_A)).following, true);
  } finally {
    await temp.dispose();
  }
});

test("a follow list is added in one transaction: new feeds, one followed again, a URL twice, one already followed", async () => {
  const temp = openTempStore();
  try {
    const before = await temp.store.addFeed(URL_A);
    await temp.store.setFollowing(before.id, false);
    const kept = await temp.store.addFeed("https://c.example/feed.xml");
    const urls = Array.from({ length: 500 }, (_, i) => `https://many-${i}.example/feed.xml`);
    const added = await temp.store.addFeeds([URL_A, ...urls, urls[0]!, "https://c.example/feed.xml"], new Date("2026-03-01T00:00:00Z"));
    assert.is(added.length, 503);
    assert.is(added[0]!.id, before.id, "the unfollowed feed keeps its record");
    assert.is(added[0]!.following, true);
    assert.is(added[0]!.schedule.nextDue, "2026-03-01T00:00:00.000Z");
    assert.is(added[501]!.id, added[1]!.id, "a URL given twice is one feed");
    assert.equal(added[502], kept);
    assert.is(temp.store.listFeeds().length, 502);
    for (const url of urls) assert.is(temp.store.findFeed(url)?.following, true, url);
  } finally {
    await temp.dispose();
  }
});

test("stores new versions only, keeps every version, lists newest first", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    const added = await temp.store.commitRefresh({
      feed, log: log("2026-02-01T00:00:00.000Z"),
      entries: [entry(feed, "one", "h1", "2026-01-01T00:00:00.000Z"), entry(feed, "two", "h2", "2026-01-02T00:00:00.000Z")],
    });
    assert.is(added, 2);
    let stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.entryCount, 2);
    assert.is(stored.changedAt, "2026-02-01T00:00:00.000Z");
    assert.equal(temp.store.listEntries(feed.id).map((e) => e.key), ["two", "one"]);

    // Same content again: nothing new, changedAt untouched.
    const none = await temp.store.commitRefresh({ feed: stored, log: log("2026-02-02T00:00:00.000Z"), entries: [entry(feed, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    assert.is(none, 0);
    stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.changedAt, "2026-02-01T00:00:00.000Z");

    // An edit is a new version; the old one stays; the timeline moves with the new date.
    await temp.store.commitRefresh({ feed: stored, log: log("2026-02-03T00:00:00.000Z"), entries: [entry(feed, "one", "h1b", "2026-01-05T00:00:00.000Z")] });
    stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.entryCount, 2);
    assert.equal(temp.store.listVersions(feed.id, "one").map((e) => e.hash), ["h1", "h1b"]);
    assert.equal(temp.store.listEntries(feed.id).map((e) => `${e.key}:${e.hash}`), ["one:h1b", "two:h2"]);
    assert.equal(temp.store.listEntries(feed.id, { limit: 1 }).map((e) => e.key), ["one"]);

    // The older version served again (a stale mirror, a rolled-back origin) does not replace the newer one.
    await temp.store.commitRefresh({ feed: stored, log: log("2026-02-04T00:00:00.000Z"), entries: [entry(feed, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    assert.is(temp.store.getEntry(feed.id, "one")?.hash, "h1b");
  } finally {
    await temp.dispose();
  }
});

test("a verified entry is never replaced by an unverified copy or an older signed version", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    const signed = (hash: string, updated: string): StoredEntry => ({
      ...entry(feed, "post", hash, "2026-01-01T00:00:00.000Z"),
      trust: { status: "verified", via: "signature", signer: "did:key:z6Mk" },
      payload: { type: "entry", v: 1, author: "did:key:z6Mk", id: "post", updated, published: "2026-01-01T00:00:00Z", kind: "note", body: hash, tags: [], attachments: [] },
    });
    await temp.store.commitRefresh({ feed, log: log("2026-02-01T00:00:00.000Z"), entries: [signed("v2", "2026-01-03T00:00:00Z")] });
    const stale = signed("v1", "2026-01-02T00:00:00Z");
    const forged: StoredEntry = { ...entry(feed, "post", "evil", "2026-01-09T00:00:00.000Z"), trust: { status: "rejected", reason: "bad-signature", message: "x" } };
    const added = await temp.store.commitRefresh({ feed: temp.store.getFeed(feed.id)!, log: log("2026-02-02T00:00:00.000Z"), entries: [stale] });
    await temp.store.commitRefresh({ feed: temp.store.getFeed(feed.id)!, log: log("2026-02-03T00:00:00.000Z"), entries: [forged] });
    assert.is(added, 0);
    assert.is(temp.store.getEntry(feed.id, "post")?.hash, "v2");
    assert.equal(temp.store.listVersions(feed.id, "post").map((v) => v.hash).sort(), ["evil", "v1", "v2"], "both are kept, flagged by their own trust");
    await temp.store.commitRefresh({ feed: temp.store.getFeed(feed.id)!, log: log("2026-02-04T00:00:00.000Z"), entries: [signed("v3", "2026-01-04T00:00:00Z")] });
    assert.is(temp.store.getEntry(feed.id, "post")?.hash, "v3", "a newer signed version does replace it");
  } finally {
    await temp.dispose();
  }
});

test("entries a worker encoded are stored as the same records, and compared by the same rules", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    const signed = (hash: string, updated: string): StoredEntry => ({
      ...entry(feed, "post", hash, "2026-01-01T00:00:00.000Z"),
      trust: { status: "verified", via: "signature", signer: "did:key:z6Mk" },
      payload: { type: "entry", v: 1, author: "did:key:z6Mk", id: "post", updated, published: "2026-01-01T00:00:00Z", kind: "note", body: hash, tags: [], attachments: [] },
    });
    const plain = entry(feed, "plain", "p1", "2026-01-05T00:00:00.000Z");
    const v2 = signed("v2", "2026-01-03T00:00:00Z");
    // Mixed: one encoded and one as built, in one refresh; then an older signed version, encoded.
    const first = packEntries([v2]).entries;
    assert.is(await temp.store.commitRefresh({ feed, log: log("2026-02-01T00:00:00.000Z"), entries: [...first, plain] }), 2);
    assert.equal(temp.store.getEntry(feed.id, "post"), v2, "decoded back to the very record the worker encoded");
    assert.equal(temp.store.getEntry(feed.id, "plain"), plain);
    const stale = packEntries([signed("v1", "2026-01-02T00:00:00Z")]).entries;
    assert.is(await temp.store.commitRefresh({ feed: temp.store.getFeed(feed.id)!, log: log("2026-02-02T00:00:00.000Z"), entries: stale }), 0);
    assert.is(temp.store.getEntry(feed.id, "post")?.hash, "v2", "an older signed version, encoded, does not replace it");
    const newer = packEntries([signed("v3", "2026-01-04T00:00:00Z")]).entries;
    assert.is(await temp.store.commitRefresh({ feed: temp.store.getFeed(feed.id)!, log: log("2026-02-03T00:00:00.000Z"), entries: newer }), 1);
    assert.equal(temp.store.listVersions(feed.id, "post").map((v) => v.hash).sort(), ["v1", "v2", "v3"]);
    assert.equal(temp.store.listEntries(feed.id).map((e) => e.key), ["plain", "post"]);
    assert.equal(unpackEntry(newer[0]!), temp.store.getEntry(feed.id, "post"));
  } finally {
    await temp.dispose();
  }
});

test("a flood of entries is written in slices: all stored, counted once, the feed's state with the last", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    const many = Array.from({ length: 2 * ENTRY_SLICE + 5 }, (_, i) => entry(feed, `k${i}`, `h${i}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const added = await temp.store.commitRefresh({ feed, log: log("2026-02-01T00:00:00.000Z"), entries: many });
    clearInterval(timer);
    assert.is(added, many.length);
    assert.ok(ticks >= 2, `the event loop ran between slices (${ticks} timer ticks)`);
    const stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.entryCount, many.length);
    assert.is(stored.changedAt, "2026-02-01T00:00:00.000Z");
    assert.is(temp.store.listEntries(feed.id).length, many.length);
    assert.is(temp.store.listLog(feed.id)[0]?.added, many.length);
    assert.is(await temp.store.commitRefresh({ feed: stored, log: log("2026-02-02T00:00:00.000Z"), entries: many }), 0);
    assert.is(temp.store.getFeed(feed.id)!.entryCount, many.length);
  } finally {
    await temp.dispose();
  }
});

test("a refresh without entries (an error) changes state, never entries", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    await temp.store.commitRefresh({ feed, log: log("2026-02-01T00:00:00.000Z"), entries: [entry(feed, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    const before = temp.store.getFeed(feed.id)!;
    const failed: StoredFeed = { ...before, errors: { consecutive: 1, code: "timeout", message: "fetch: timed out", since: "2026-02-02T00:00:00.000Z" } };
    await temp.store.commitRefresh({ feed: failed, log: { ...log("2026-02-02T00:00:00.000Z", "error"), message: "fetch: timed out", code: "timeout" } });
    assert.is(temp.store.getFeed(feed.id)?.errors.consecutive, 1);
    assert.is(temp.store.getFeed(feed.id)?.entryCount, 1);
    assert.is(temp.store.listEntries(feed.id).length, 1);
    assert.is(temp.store.listLog(feed.id)[0]?.code, "timeout");
  } finally {
    await temp.dispose();
  }
});

test("the fetch log is a bounded ring that survives a reopen, newest first", async () => {
  const temp = openTempStore({ maxLogPerFeed: 5 });
  try {
    let feed = await temp.store.addFeed(URL_A);
    for (let i = 0; i < 8; i++) {
      await temp.store.commitRefresh({ feed, log: log(`2026-03-0${i + 1}T00:00:00.000Z`) });
      feed = temp.store.getFeed(feed.id)!;
    }
    await temp.store.close();
    const store = temp.reopen();
    await store.commitRefresh({ feed, log: log("2026-03-09T00:00:00.000Z", "unchanged") });
    const lines = store.listLog(feed.id);
    assert.is(lines.length, 5);
    assert.equal(lines.map((l) => l.at.slice(8, 10)), ["09", "08", "07", "06", "05"]);
  } finally {
    await temp.dispose();
  }
});

test("lists feeds changed since their mirror pages were written", async () => {
  const temp = openTempStore();
  try {
    const a = await temp.store.addFeed(URL_A);
    const b = await temp.store.addFeed("https://b.example/feed.xml");
    await temp.store.commitRefresh({ feed: a, log: log("2026-02-01T00:00:00.000Z"), entries: [entry(a, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    await temp.store.commitRefresh({ feed: b, log: log("2026-02-01T00:00:00.000Z"), entries: [entry(b, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    assert.equal(temp.store.listChangedFeeds().map((f) => f.id).sort(), [a.id, b.id].sort());
    await temp.store.markMirrored(a.id, "2026-02-01T00:00:00.000Z");
    assert.equal(temp.store.listChangedFeeds().map((f) => f.id), [b.id]);
  } finally {
    await temp.dispose();
  }
});

test("data persists across reopening, with the schema version recorded", async () => {
  const temp = openTempStore();
  try {
    const feed = await temp.store.addFeed(URL_A);
    await temp.store.commitRefresh({ feed, log: log("2026-02-01T00:00:00.000Z"), entries: [entry(feed, "one", "h1", "2026-01-01T00:00:00.000Z")] });
    await temp.store.close();
    const store = temp.reopen();
    assert.is(store.schemaVersion, SCHEMA_VERSION);
    const back = store.getEntry(feed.id, "one");
    assert.ok(back?.entry.published instanceof Date, "dates come back as dates");
    assert.is(back?.html, "<p>one</p>");
  } finally {
    await temp.dispose();
  }
});

test("refuses a store written by a newer schema with a clear error", async () => {
  const temp = openTempStore();
  try {
    await temp.store.close();
    const raw = open({ path: temp.path });
    await raw.openDB({ name: "meta" }).put("schemaVersion", SCHEMA_VERSION + 1);
    await raw.close();
    assert.throws(() => openStore(temp.path), (error: unknown) => error instanceof StoreError && /newer than this Capsule/.test((error as Error).message));
  } finally {
    await temp.dispose();
  }
});

test.run();
