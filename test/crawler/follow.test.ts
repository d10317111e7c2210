import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../crawler/config.ts";
import { crawlFeeds, openCrawler, selectFeeds, syncFollowList, type Crawler } from "../../crawler/crawl.ts";
import { FollowError, followCreator, formatFollowResult, type FollowOptions } from "../../crawler/follow.ts";
import { isResolvingFollow, parseFollowTarget } from "../../crawler/follow-target.ts";
import { identityInMirrorUrl } from "../../crawler/model.ts";
import { readFollowList, removeFollow } from "../../site/follow-list.ts";
import { setup } from "../helpers/setup.ts";
import { createTestCreator, tamperEnvelope } from "../helpers/signed-feed.ts";
import { makeCapsule, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

// A small mesh on one loopback server: every name resolves to 127.0.0.1 through an injected lookup (a name in
// `gone` does not resolve at all, as when a host is taken down), the server answers by Host header, and the
// `_capsule` TXT records come from an injected resolver. The follower follows Bob, Carol and Mallory.
const test = suite("crawler/follow: by handle or identity, starting from any mirror");
const alice = createTestCreator(0x51, "Alice");
const bob = createTestCreator(0x61, "Bob");
const carol = createTestCreator(0x71, "Carol");
const mallory = createTestCreator(0x81, "Mallory");
const dave = createTestCreator(0x91, "Dave");
const ALICE_ID = alice.rootKey.did.slice("did:key:".length);
const alicePosts = [1, 2, 3].map((n) => alice.sign({ id: `a${n}`, published: `2025-05-0${n}T00:00:00Z`, body: `Alice's post ${n}` }));

type Answer = { status: number; body: string; type?: string };
const sites = new Map<string, Map<string, () => Answer>>();
const gone = new Set<string>();
const txt = new Map<string, string[][]>();
let server: Server;
let port = 0;

const origin = (host: string) => `http://${host}:${port}/`;
const mirrorOf = (host: string) => `${origin(host)}mirror/${ALICE_ID}/feed.xml`;
const route = (host: string, path: string, answer: () => Answer) => {
  if (!sites.has(host)) sites.set(host, new Map());
  sites.get(host)!.set(path, answer);
};
const xml = (body: string): Answer => ({ status: 200, body, type: "application/xml" });
const aliceFeed = (url: string) => alice.renderFeed(alicePosts.map((sealed) => ({ sealed })), { url });

const lookup: LookupFunction = (hostname, options, callback) => {
  if (gone.has(hostname)) {
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return options.all ? callback(error, []) : callback(error, "", 4);
  }
  if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
};

const resolveTxt = async (name: string): Promise<string[][]> => {
  const records = txt.get(name);
  if (records) return records;
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};
const options: FollowOptions = { resolveTxt, originOf: origin };

/** The baseline mesh: Alice's origin up, Bob and Carol honest mirrors of her, Mallory a capsule with no mirror of her. */
function resetMesh(): void {
  sites.clear();
  gone.clear();
  txt.clear();
  route("alice.example", "/", () => ({ status: 200, type: "text/html", body: `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Alice</body></html>` }));
  route("alice.example", "/feed.xml", () => xml(aliceFeed(`${origin("alice.example")}feed.xml`)));
  for (const [host, creator] of [["bob.example", bob], ["carol.example", carol], ["mallory.example", mallory]] as const) {
    route(host, "/feed.xml", () => xml(creator.renderFeed([{ sealed: creator.sign({ id: "hello" }) }], { url: `${origin(host)}feed.xml` })));
  }
  route("bob.example", `/mirror/${ALICE_ID}/feed.xml`, () => xml(aliceFeed(mirrorOf("bob.example"))));
  route("carol.example", `/mirror/${ALICE_ID}/feed.xml`, () => xml(aliceFeed(mirrorOf("carol.example"))));
}

interface Follower {
  crawler: Crawler;
  dir: string;
  following(): string;
  crawl(): Promise<void>;
  close(): Promise<void>;
}

/** A follower's project (profile, follow list, data folder) and its crawler, having crawled Bob, Carol and Mallory once. */
async function startFollower(): Promise<Follower> {
  const dir = mkdtempSync(join(tmpdir(), "capsule-follow-"));
  mkdirSync(join(dir, "content"));
  writeFileSync(join(dir, "content/profile.yaml"), `name: Me\nhandle: me\nbio: Following.\nurl: ${origin("me.example")}\nlanguage: en\n`);
  writeFileSync(join(dir, "content/following.yaml"), ["bob.example", "carol.example", "mallory.example"].map((h) => `- url: ${origin(h)}feed.xml\n`).join(""));
  const config = loadConfig({ allowPrivateAddresses: "true", workers: "0" }, {}, dir);
  const crawler = openCrawler(config, { lookup });
  const crawl = async () => {
    await syncFollowList(crawler);
    await crawlFeeds(crawler, selectFeeds(crawler.store, { force: true }));
  };
  await crawl();
  return {
    crawler, dir, crawl,
    following: () => readFileSync(join(dir, "content/following.yaml"), "utf8"),
    async close() {
      await crawler.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function withFollower(run: (follower: Follower) => Promise<void>): Promise<void> {
  resetMesh();
  const follower = await startFollower();
  try {
    await run(follower);
  } finally {
    await follower.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<FollowError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, FollowError);
    return error as FollowError;
  }
  assert.unreachable("expected a FollowError");
  throw new Error("unreachable");
}

setup(test, async () => {
  server = createServer((request, response) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "");
    if (gone.has(host)) return void request.socket.destroy(); // a kept-alive connection to a host taken down
    const answer = sites.get(host)?.get(request.url ?? "/")?.() ?? { status: 404, body: "not found", type: "text/plain" };
    response.writeHead(answer.status, { "content-type": answer.type ?? "text/plain" }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

test.after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

test("the three forms: a URL stays a URL, handles and keys go to the crawler", () => {
  assert.equal(parseFollowTarget("https://alice.example/"), { kind: "url", url: "https://alice.example/" });
  assert.equal(parseFollowTarget("@Alice.Example"), { kind: "handle", domain: "alice.example" });
  assert.equal(parseFollowTarget("alice.example"), { kind: "handle", domain: "alice.example" });
  assert.equal(parseFollowTarget(ALICE_ID), { kind: "identity", identity: alice.rootKey.did });
  assert.equal(parseFollowTarget(alice.rootKey.did), { kind: "identity", identity: alice.rootKey.did });
  for (const bad of ["alice", "10.0.0.1", "did:key:z6Mkbad", "javascript:alert(1)", "alice.example/feed.xml", "me@alice.example"]) {
    assert.is(parseFollowTarget(bad), undefined, bad);
  }
  assert.ok(isResolvingFollow(["alice.example"]));
  assert.ok(isResolvingFollow(["did:key:z6Mkbad"]), "a malformed key gets the crawler's explanation");
  assert.not.ok(isResolvingFollow(["https://alice.example/feed.xml", "--name", "bob.example"]));
  assert.not.ok(isResolvingFollow(["javascript:alert(1)"]), "the site's follow keeps refusing non-URLs as it did");
  assert.not.ok(isResolvingFollow(["--help"]));
});

test("origin up: follows the origin's advertised feed; the TXT record confirms the key", async () => {
  await withFollower(async ({ crawler, following }) => {
    txt.set("_capsule.alice.example", [[`v=capsule1 id=${alice.rootKey.did}`]]);
    const result = await followCreator(crawler, "@alice.example", options);
    assert.is(result.url, `${origin("alice.example")}feed.xml`);
    assert.is(result.resolvedBy, "origin");
    assert.is(result.identity, alice.rootKey.did);
    assert.is(result.chosen?.verified, 3);
    assert.match(result.keyFrom.join(" "), "confirmed by DNS _capsule.alice.example");
    assert.equal(readFollowList(join(crawler.config.contentDir)).map((f) => f.url).at(-1), result.url);
    assert.match(following(), result.url);
    assert.match(formatFollowResult(result), `Following Alice (${alice.rootKey.did}) at ${result.url}.`);
  });
});

test("origin gone, TXT record: follows a mirror URL that pins the key; the crawl then stores verified entries from it", async () => {
  await withFollower(async (follower) => {
    gone.add("alice.example");
    txt.set("_capsule.alice.example", [["v=capsule1 ", `id=${alice.rootKey.did}`]]);
    const result = await followCreator(follower.crawler, "alice.example", options);
    assert.is(result.resolvedBy, "dns");
    assert.is(identityInMirrorUrl(result.url), alice.rootKey.did, "the followed URL pins Alice's key");
    assert.ok([mirrorOf("bob.example"), mirrorOf("carol.example")].includes(result.url), result.url);
    assert.match(result.notes.join("\n"), "ENOTFOUND");
    const text = formatFollowResult(result);
    assert.match(text, "through the mirror");
    assert.match(text, "key from: DNS _capsule.alice.example");
    assert.match(text, "verified: 3 entries, checkpoint 1");

    await follower.crawl();
    const feed = follower.crawler.store.listFeeds().find((f) => f.capsule?.id === alice.rootKey.did)!;
    assert.ok(feed, "Alice is in the store, pinned to her key");
    const entries = follower.crawler.store.listEntries(feed.id);
    assert.is(entries.length, 3);
    assert.ok(entries.every((e) => e.trust.status === "verified"));
  });
});

test("origin gone, no TXT record: the key comes from a follower's mirror/index.json", async () => {
  await withFollower(async ({ crawler, following }) => {
    gone.add("alice.example");
    sites.get("bob.example")!.delete(`/mirror/${ALICE_ID}/feed.xml`); // Bob's site does not mirror her after all
    route("carol.example", "/mirror/index.json", () => ({
      status: 200, type: "application/json",
      body: JSON.stringify({ mirrors: [{ id: ALICE_ID, identity: alice.rootKey.did, origin: `${origin("alice.example")}feed.xml`, name: "Alice", feed: mirrorOf("carol.example"), entries: 3 }] }),
    }));
    const result = await followCreator(crawler, "alice.example", options);
    assert.is(result.resolvedBy, "mirror-index");
    assert.match(result.keyFrom.join(" "), "Carol's mirrors index");
    assert.is(result.url, mirrorOf("carol.example"));
    const bobs = result.candidates.find((c) => c.url === mirrorOf("bob.example"));
    assert.is(bobs?.outcome, "failed", "Bob's site was tried (it publishes no index) and said 404");
    assert.match(bobs?.reason ?? "", "404");
    assert.match(following(), mirrorOf("carol.example"));
  });
});

test("origin gone, no TXT record: a key the store pinned from that host before is used", async () => {
  await withFollower(async (follower) => {
    const first = await followCreator(follower.crawler, "alice.example", options);
    await follower.crawl();
    removeFollow(follower.crawler.config.contentDir, first.url);
    await follower.crawl(); // unfollowed: the store keeps her feed and what it proved
    gone.add("alice.example");
    const result = await followCreator(follower.crawler, "alice.example", options);
    assert.is(result.resolvedBy, "store");
    assert.match(result.keyFrom.join(" "), `your crawler's store: ${origin("alice.example")}feed.xml named this key`);
    assert.is(identityInMirrorUrl(result.url), alice.rootKey.did);
    const tried = result.candidates.find((c) => c.url === `${origin("alice.example")}feed.xml`);
    assert.is(tried?.outcome, "failed", "where the store read her before was tried first");
  });
});

test("by did:key: a forging mirror and one serving another creator are refused and reported; the honest one is followed", async () => {
  await withFollower(async ({ crawler, following }) => {
    gone.add("alice.example");
    const forged = alicePosts.map((sealed) => ({ sealed: { ...sealed, envelope: tamperEnvelope(sealed.envelope, "Alice endorses Mallory.") } }));
    route("mallory.example", `/mirror/${ALICE_ID}/feed.xml`, () => xml(alice.renderFeed(forged, { url: mirrorOf("mallory.example") })));
    route("carol.example", `/mirror/${ALICE_ID}/feed.xml`, () => xml(mallory.renderFeed([{ sealed: mallory.sign({ id: "a1", body: "Not Alice." }) }], { url: mirrorOf("carol.example") })));
    const result = await followCreator(crawler, alice.rootKey.did, options);
    assert.is(result.url, mirrorOf("bob.example"));
    assert.is(result.resolvedBy, "identity");
    const byUrl = new Map(result.candidates.map((c) => [c.url, c]));
    assert.is(byUrl.get(mirrorOf("mallory.example"))?.outcome, "rejected");
    assert.match(byUrl.get(mirrorOf("mallory.example"))?.reason ?? "", "3 of 3 signed entries failed verification");
    assert.is(byUrl.get(mirrorOf("carol.example"))?.outcome, "rejected");
    assert.match(byUrl.get(mirrorOf("carol.example"))?.reason ?? "", `another creator (${mallory.rootKey.did})`);
    const text = formatFollowResult(result);
    assert.match(text, `rejected: ${mirrorOf("mallory.example")} (Mallory's site): 3 of 3 signed entries failed verification`);
    assert.match(text, `rejected: ${mirrorOf("carol.example")}`);
    assert.match(following(), mirrorOf("bob.example"));
    assert.not.match(following(), "mallory.example/mirror");

    const again = await followCreator(crawler, ALICE_ID, options);
    assert.is(again.added, false, "a second follow finds her in the follow list");
    assert.is(again.url, mirrorOf("bob.example"));
  });
});

test("nothing found: a clear error with a hint, and following.yaml unchanged", async () => {
  await withFollower(async ({ crawler, following }) => {
    const before = following();
    const unknown = await failure(followCreator(crawler, dave.rootKey.did, options));
    assert.is(unknown.code, "follow-not-found");
    assert.is(unknown.message, `follow: no mirror of ${dave.rootKey.did} found among the 3 capsules you follow (asked 3: 0 refused as forged or not theirs, 3 failed)`);
    assert.match(unknown.hint ?? "", `/mirror/${dave.rootKey.did.slice(8)}/feed.xml`);
    assert.is(unknown.candidates.length, 3, "each followed capsule's site was asked");

    gone.add("ghost.example");
    const ghost = await failure(followCreator(crawler, "ghost.example", options));
    assert.is(ghost.code, "follow-not-found");
    assert.match(ghost.message, /^follow: ghost\.example gave no capsule feed \(fetch: could not resolve ghost\.example \(ENOTFOUND\)\), there is no DNS _capsule\.ghost\.example record, and none of the 3 capsules you follow knows its key$/);
    assert.match(ghost.hint ?? "", "capsule follow did:key:");
    assert.is(following(), before);
  });
});

test("a TXT record naming another key than the origin serves: refused", async () => {
  await withFollower(async ({ crawler, following }) => {
    const before = following();
    txt.set("_capsule.alice.example", [[`v=capsule1 id=${mallory.rootKey.did}`]]);
    const error = await failure(followCreator(crawler, "alice.example", options));
    assert.is(error.code, "follow-mismatch");
    assert.match(error.message, `serves the capsule ${alice.rootKey.did}, but DNS _capsule.alice.example names ${mallory.rootKey.did}`);
    assert.is(following(), before);
  });
});

test("the CLI: a key goes to the crawler (one line and a hint on failure); a URL stays the site's; --help names every form", () => {
  const dir = makeCapsule({ "content/following.yaml": "" });
  try {
    const failed = runCli(dir, ["follow", dave.rootKey.did, "--allow-private-addresses"]);
    assert.is(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, `capsule: follow: no mirror of ${dave.rootKey.did} found among the 0 capsules you follow\nAsk someone who follows them`);
    assert.is(readFileSync(join(dir, "content/following.yaml"), "utf8"), "");
    const malformed = runCli(dir, ["follow", "did:key:z6Mkbad"]);
    assert.is(malformed.code, 1);
    assert.match(malformed.stderr, 'capsule: follow: "did:key:z6Mkbad" is not a feed URL (https://…), a handle (alice.example or @alice.example), or an identity');
    const help = runCli(dir, ["follow", "--help"]);
    assert.match(help.stdout, "by handle (alice.example, @alice.example) or identity (did:key:z6Mk…, z6Mk…)");
  } finally {
    removeCapsule(dir);
  }
});

test.run();
