import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../crawler/authenticate.ts";
import { listMirrorCandidates } from "../../crawler/fallback.ts";
import { createFetchAgent, type FetchAgent } from "../../crawler/fetch.ts";
import { isPublishable } from "../../crawler/model.ts";
import { refreshFeed, type RefreshContext } from "../../crawler/refresh.ts";
import type { Store } from "../../crawler/store.ts";
import { describeFeeds } from "../../crawler/status.ts";
import { renderEnvelopeXml } from "../../site/format/index.ts";
import { setup } from "../helpers/setup.ts";
import { createTestCreator, tamperEnvelope } from "../helpers/signed-feed.ts";
import { openTempStore } from "../helpers/temp-store.ts";

const test = suite("crawler/fallback and moves");
const alice = createTestCreator(0x21, "Alice");
const mallory = createTestCreator(0xa1, "Mallory");
const ID = alice.rootKey.did.replace("did:key:", "");
const posts = [1, 2, 3, 4].map((n) => alice.sign({ id: `p${n}`, published: `2025-04-0${n}T00:00:00Z`, body: `Post ${n}` }));
const routes = new Map<string, () => { status: number; body: string }>();
let server: Server;
let base = "";
let agent: FetchAgent;

function context(store: Store, hints: string[] = []): RefreshContext {
  return {
    store, authenticator: new Authenticator(),
    fetch: { userAgent: "Capsule/test", allowPrivateAddresses: true, agent, timeouts: { connect: 2000, total: 4000 } },
    limits: { minInterval: 900, maxInterval: 86400, maxBackoff: 86400 },
    mirrorHints: () => hints,
  };
}

const feedOf = (n: number, url: string, extraChannel = "") => alice.renderFeed(posts.slice(0, n).map((sealed) => ({ sealed })), { url, extraChannel });

setup(test, async () => {
  server = createServer((request, response) => {
    const route = routes.get(request.url ?? "");
    const answer = route?.() ?? { status: 404, body: "gone" };
    response.writeHead(answer.status, { "content-type": "application/xml" }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = createFetchAgent();
});

test.after(async () => {
  agent?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

test("origin down: verified entries come from a good mirror; a forging mirror gains nothing and is recorded", async () => {
  const temp = openTempStore();
  try {
    routes.clear();
    routes.set("/alice/feed.xml", () => ({ status: 200, body: feedOf(2, `${base}/alice/feed.xml`) }));
    const feed = await temp.store.addFeed(`${base}/alice/feed.xml`);
    const good = `${base}/bob/mirror/${ID}/feed.xml`;
    const forger = `${base}/mallory/mirror/${ID}/feed.xml`;
    await refreshFeed(feed.id, context(temp.store, [forger, good]));
    assert.is(temp.store.getFeed(feed.id)!.entryCount, 2);

    // Alice's host takes her down after she published two more posts, which Bob mirrored.
    routes.set("/alice/feed.xml", () => ({ status: 451, body: "Unavailable For Legal Reasons" }));
    routes.set(`/bob/mirror/${ID}/feed.xml`, () => ({ status: 200, body: feedOf(4, good) }));
    const forged = [{ sealed: { ...posts[0]!, envelope: tamperEnvelope(posts[0]!.envelope, "Alice endorses Mallory.") } }, { sealed: mallory.sign({ id: "p9", body: "fake" }) }];
    routes.set(`/mallory/mirror/${ID}/feed.xml`, () => ({ status: 200, body: alice.renderFeed(forged as never, { url: forger }) }));

    const result = await refreshFeed(feed.id, context(temp.store, [forger, good]));
    assert.is(result.added, 2);
    const stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.entryCount, 4);
    assert.is(stored.errors.consecutive, 1, "the origin is still failing");
    assert.match(stored.lastFetch?.message ?? "", `4 verified entries read from the mirror ${good}`);
    assert.ok(temp.store.listEntries(feed.id).every((entry) => entry.trust.status === "verified" && isPublishable(entry)));
    assert.is(temp.store.getEntry(feed.id, "p1")!.payload && "body" in temp.store.getEntry(feed.id, "p1")!.payload! ? (temp.store.getEntry(feed.id, "p1")!.payload as { body: string }).body : "", "Post 1");
    const records = new Map(stored.mirrors.map((record) => [record.url, record]));
    assert.ok(records.get(forger)!.rejected >= 2, JSON.stringify(records.get(forger)));
    assert.is(records.get(forger)!.good, 0);
    assert.is(records.get(good)!.good, 1);
    assert.is(listMirrorCandidates(stored)[0]!.url, good, "the good mirror is tried first next time");
    const [status] = describeFeeds([stored]);
    assert.match(status!.lastError ?? "", "451");
  } finally {
    await temp.dispose();
  }
});

test("a follower never falls back to its own copy of the creator", async () => {
  const temp = openTempStore();
  try {
    routes.clear();
    routes.set("/alice/feed.xml", () => ({ status: 200, body: feedOf(2, `${base}/alice/feed.xml`) }));
    const feed = await temp.store.addFeed(`${base}/alice/feed.xml`);
    const own = `${base}/me/mirror/${ID}/feed.xml`;
    let asked = 0;
    routes.set(`/me/mirror/${ID}/feed.xml`, () => ((asked += 1), { status: 200, body: feedOf(2, own) }));
    await refreshFeed(feed.id, { ...context(temp.store, [own]), ownSiteUrl: `${base}/me/` });
    routes.set("/alice/feed.xml", () => ({ status: 503, body: "down" }));
    const result = await refreshFeed(feed.id, { ...context(temp.store, [own]), ownSiteUrl: `${base}/me/` });
    assert.is(result.outcome, "error");
    assert.is(asked, 0, "our own mirror was not asked");
  } finally {
    await temp.dispose();
  }
});

test("a new follower follows a creator whose origin is gone, by a mirror URL that names the key", async () => {
  const temp = openTempStore();
  try {
    routes.clear();
    const mirror = `${base}/carol/mirror/${ID}/feed.xml`;
    routes.set(`/carol/mirror/${ID}/feed.xml`, () => ({ status: 200, body: feedOf(3, mirror) }));
    const feed = await temp.store.addFeed(mirror);
    assert.is(feed.capsule?.id, alice.rootKey.did, "pinned from the URL before any fetch");
    await refreshFeed(feed.id, context(temp.store));
    assert.is(temp.store.getFeed(feed.id)!.entryCount, 3);
    assert.ok(temp.store.listEntries(feed.id).every((entry) => entry.trust.status === "verified"));

    // A mirror URL naming Alice's key that serves Mallory's capsule proves nothing.
    const fake = `${base}/evil/mirror/${ID}/feed.xml`;
    routes.set(`/evil/mirror/${ID}/feed.xml`, () => ({ status: 200, body: mallory.renderFeed([{ sealed: mallory.sign({ id: "p1", body: "I am Alice" }) }], { url: fake }) }));
    const impostor = await temp.store.addFeed(fake);
    const result = await refreshFeed(impostor.id, context(temp.store));
    assert.ok(result.warnings.some((w) => w.includes("was pinned")), result.warnings.join("\n"));
    assert.ok(temp.store.listEntries(impostor.id).every((entry) => !isPublishable(entry)));
  } finally {
    await temp.dispose();
  }
});

test("a signed move is followed within one refresh, history and ids kept; an older location record is ignored", async () => {
  const temp = openTempStore();
  try {
    routes.clear();
    const oldUrl = `${base}/old/feed.xml`;
    const newUrl = `${base}/new/feed.xml`;
    routes.set("/old/feed.xml", () => ({ status: 200, body: feedOf(2, oldUrl) }));
    const feed = await temp.store.addFeed(oldUrl);
    await refreshFeed(feed.id, context(temp.store));

    const location = alice.signer.signLocation({ seq: 2, created: "2025-05-01T00:00:00Z", feeds: [newUrl], movedFrom: `${base}/old/` });
    routes.set("/old/feed.xml", () => ({ status: 200, body: feedOf(2, oldUrl, renderEnvelopeXml("location", location.envelope)) }));
    routes.set("/new/feed.xml", () => ({ status: 200, body: feedOf(3, newUrl, renderEnvelopeXml("location", location.envelope)) }));
    const result = await refreshFeed(feed.id, context(temp.store));
    const moved = temp.store.getFeed(feed.id)!;
    assert.is(moved.url, newUrl);
    assert.equal(moved.moved && { from: moved.moved.from, to: moved.moved.to, seq: moved.moved.seq }, { from: oldUrl, to: newUrl, seq: 2 });
    assert.is(result.added, 1, "the new host's new post arrived in the same refresh");
    assert.equal(temp.store.listEntries(feed.id).map((e) => e.key).sort(), ["p1", "p2", "p3"]);
    assert.is(temp.store.listLog(feed.id)[0]?.url, newUrl);

    // The old host (or a stale mirror) still serving seq 1 does not move it back.
    const stale = alice.signer.signLocation({ seq: 1, created: "2025-04-01T00:00:00Z", feeds: [oldUrl] });
    routes.set("/new/feed.xml", () => ({ status: 200, body: feedOf(3, newUrl, renderEnvelopeXml("location", stale.envelope)) }));
    await refreshFeed(feed.id, context(temp.store));
    assert.is(temp.store.getFeed(feed.id)!.url, newUrl);
  } finally {
    await temp.dispose();
  }
});

test.run();
