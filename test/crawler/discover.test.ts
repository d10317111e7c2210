import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../crawler/config.ts";
import { crawlFeeds, openCrawler, selectFeeds, syncFollowList, type Crawler } from "../../crawler/crawl.ts";
import { startDaemon } from "../../crawler/daemon.ts";
import { discoverCreators, readFollowLists, type Discovery } from "../../crawler/discover.ts";
import { formatDiscovery } from "../../crawler/discover-view.ts";
import { setup } from "../helpers/setup.ts";
import { createTestCreator, type TestCreator } from "../helpers/signed-feed.ts";
import { makeCapsule, removeCapsule, runCliAsync } from "../helpers/temp-capsule.ts";

const test = suite("crawler/discover");
const HOUR = 3600_000;
const T0 = new Date("2025-06-01T12:00:00Z");
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

// Who follows whom. You follow alice, bob, erin (list answers 500), frank (list is an HTML page) and a plain feed.
// alice lists carol, gina, bob (followed), you, and bob again through a mirror URL naming his key;
// bob lists carol through a mirror that serves her feed, zoe, alice (followed); carol (depth 2) lists zoe, hank, alice.
const creators = {
  alice: createTestCreator(0x11, "Alice"), bob: createTestCreator(0x12, "Bob"), erin: createTestCreator(0x13, "Erin"),
  frank: createTestCreator(0x14, "Frank"), carol: createTestCreator(0x15, "Carol"), zoe: createTestCreator(0x16, "Zoe"),
};
const ZOE_NAME = `Zoe <img src=x onerror=alert(1)>`;
let server: Server;
let base = "";
const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
/** Paths answered by hand instead of from `documents` (a 500, a list that changed). */
const overrides = new Map<string, (response: ServerResponse) => void>();
const documents = new Map<string, { body: string; type: string }>();
const folders: string[] = [];

function opml(urls: string[]): string {
  return `<?xml version="1.0"?>\n<opml version="2.0"><head><title>Following</title></head><body>\n${urls.map((url, i) => `<outline type="rss" text="Listed ${i}" xmlUrl="${url}"/>`).join("\n")}\n</body></opml>\n`;
}

function capsuleFeed(creator: TestCreator, slug: string, options: { following?: boolean; profile?: string; posts?: [string, string, string][] } = {}): string {
  const posts = options.posts ?? [["first", "2025-02-01T00:00:00Z", "First post"]];
  return creator.renderFeed(posts.map(([id, published, title]) => ({ sealed: creator.sign({ id, published, body: `${title} body.` }), title })), {
    url: `${base}/${slug}/feed.xml`,
    following: options.following ? `${base}/${slug}/following.opml` : undefined,
    extraChannel: options.profile ? `<capsule:profile>${options.profile}</capsule:profile>` : undefined,
  });
}

function serveFixtures(): void {
  const xml = "application/xml";
  const set = (path: string, body: string, type = xml) => documents.set(path, { body, type });
  const url = (slug: string) => `${base}/${slug}/feed.xml`;
  const bobMirror = `${base}/mirror/${creators.bob.rootKey.did.replace("did:key:", "")}/feed.xml`;
  set("/alice/feed.xml", capsuleFeed(creators.alice, "alice", { following: true }));
  set("/alice/following.opml", opml([url("carol"), url("gina"), `${url("bob")}#fragment`, `${base}/me/feed.xml`, bobMirror]), "text/x-opml");
  set("/bob/feed.xml", capsuleFeed(creators.bob, "bob", { following: true }));
  const carolMirror = `/mirror/${creators.carol.rootKey.did.replace("did:key:", "")}/feed.xml`;
  set("/bob/following.opml", opml([`${base}${carolMirror}`, url("zoe"), url("alice")]));
  set("/erin/feed.xml", capsuleFeed(creators.erin, "erin", { following: true }));
  set("/frank/feed.xml", capsuleFeed(creators.frank, "frank", { following: true }));
  set("/frank/following.opml", "<!doctype html><html><body>Log in to see this page</body></html>", "text/html");
  set("/plain/feed.xml", `<rss version="2.0"><channel><title>Plain</title><link>${base}/plain/</link><item><title>Hi</title><guid>p1</guid></item></channel></rss>`);
  set("/carol/feed.xml", capsuleFeed(creators.carol, "carol", {
    following: true, profile: "<capsule:name>Carol C.</capsule:name><capsule:bio>Birds &amp; code.</capsule:bio>",
    posts: [["winter", "2025-01-10T00:00:00Z", "Winter birds"], ["spring", "2025-03-04T08:00:00Z", "Spring migration"]],
  }));
  set(carolMirror, documents.get("/carol/feed.xml")!.body);
  set("/carol/following.opml", opml([url("zoe"), url("hank"), url("alice")]));
  set("/zoe/feed.xml", capsuleFeed(creators.zoe, "zoe", { profile: `<capsule:name>${ZOE_NAME.replace(/</g, "&lt;").replace(/>/g, "&gt;")}</capsule:name>` }));
  set("/gina/feed.xml", `<rss version="2.0"><channel><title>Gina's notes</title><link>${base}/gina/</link><description>&lt;p&gt;Notes on &lt;b&gt;maps&lt;/b&gt;.&lt;/p&gt;</description>
<item><title>Old map</title><link>${base}/gina/old</link><pubDate>Mon, 03 Mar 2025 00:00:00 GMT</pubDate></item>
<item><description>&lt;p&gt;A note without a title about contour lines, hachures, and the long history of drawing hills on flat paper so that people can read them at a glance.&lt;/p&gt;</description><link>${base}/gina/new</link><pubDate>Wed, 05 Mar 2025 00:00:00 GMT</pubDate></item>
</channel></rss>`);
  set("/hank/feed.xml", `<rss version="2.0"><channel><title>Hank</title><link>${base}/hank/</link></channel></rss>`);
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = request.url ?? "/";
  requests.push({ path, headers: request.headers });
  const override = overrides.get(path);
  if (override) return override(response);
  const document = documents.get(path);
  if (path === "/erin/following.opml") return void response.writeHead(500).end("down");
  if (!document) return void response.writeHead(404).end("not found");
  const etag = `"${createHash("sha256").update(document.body).digest("hex").slice(0, 16)}"`;
  if (request.headers["if-none-match"] === etag) return void response.writeHead(304, { etag }).end();
  response.writeHead(200, { "content-type": document.type, etag }).end(document.body);
}

const FOLLOWING = ["alice", "bob", "erin", "frank", "plain"].map((slug) => `- url: BASE/${slug}/feed.xml\n`).join("");

/** A follower's folder with the follow list, crawled once: the state `capsule discover` starts from. */
async function openFollower(): Promise<{ crawler: Crawler; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), "capsule-discover-"));
  folders.push(folder);
  mkdirSync(join(folder, "content"));
  writeFileSync(join(folder, "content/following.yaml"), FOLLOWING.replaceAll("BASE", base));
  const crawler = openCrawler(loadConfig({ allowPrivateAddresses: "true", followerUrl: `${base}/me/` }, {}, folder));
  await syncFollowList(crawler);
  const progress = await crawlFeeds(crawler, selectFeeds(crawler.store));
  assert.is(progress.errors, 0);
  return { crawler, folder };
}

const names = (discovery: Discovery) => discovery.suggestions.map((s) => s.name);
const since = (mark: number) => requests.slice(mark);

setup(test, async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  serveFixtures();
});

test.after(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

test("depth 1 ranks by how many of the people you follow follow them, ties by name; followed, mirrored-followed and self are left out", async () => {
  const { crawler } = await openFollower();
  try {
    const discovery = await discoverCreators(crawler, { depth: 1, now: T0 });
    assert.equal(names(discovery), ["Carol C.", "Gina's notes", ZOE_NAME]);
    const [carol, gina, zoe] = discovery.suggestions;
    assert.equal(carol!.counts, [2]);
    assert.equal(carol!.followedBy.map((f) => [f.name, f.step]), [["Alice", 1], ["Bob", 1]], "bob lists her through a mirror: one card, the origin's URL");
    assert.is(carol!.url, `${base}/carol/feed.xml`);
    assert.is(carol!.bio, "Birds & code.");
    assert.ok(carol!.signed, "carol's entries verify against the key her feed names");
    assert.is(carol!.identity, creators.carol.rootKey.did);
    assert.equal(carol!.latest, { title: "Spring migration", published: "2025-03-04T08:00:00.000Z", url: `${base}/posts/spring/` });
    assert.is(gina!.signed, false);
    assert.is(gina!.bio, "Notes on maps.");
    assert.match(gina!.latest!.title, /^A note without a title about contour lines, hachures, and the long history of drawing hills on flat paper so that\S*…$/);
    assert.is(gina!.latest!.url, `${base}/gina/new`);
    assert.equal(zoe!.followedBy.map((f) => f.name), ["Bob"]);
    const urls = discovery.suggestions.map((s) => s.url).join(" ");
    for (const left of ["/bob/", "/alice/", "/me/", "/mirror/", "/hank/"]) assert.not.ok(urls.includes(left), `${left} in ${urls}`);
    assert.equal(discovery.following, { crawled: 5, withLists: 4 });
  } finally {
    await crawler.close();
  }
});

test("depth 2 reads the lists of the capsules found: their follows break ties and add new people", async () => {
  const { crawler } = await openFollower();
  try {
    const discovery = await discoverCreators(crawler, { now: T0 });
    assert.is(discovery.depth, 2);
    assert.equal(names(discovery), ["Carol C.", ZOE_NAME, "Gina's notes", "Hank"]);
    const byName = new Map(discovery.suggestions.map((s) => [s.name, s]));
    assert.equal(byName.get(ZOE_NAME)!.counts, [1, 1]);
    assert.equal(byName.get(ZOE_NAME)!.followedBy.map((f) => [f.name, f.step]), [["Bob", 1], ["Carol C.", 2]]);
    assert.equal(byName.get("Hank")!.counts, [0, 1]);
    assert.equal(byName.get("Gina's notes")!.counts, [1, 0]);
    const limited = await discoverCreators(crawler, { now: T0, limit: 2 });
    assert.equal(names(limited), ["Carol C.", ZOE_NAME]);
  } finally {
    await crawler.close();
  }
});

test("a list answering 500 and a list that is an HTML page are skipped with a note; the rest still counts", async () => {
  const { crawler } = await openFollower();
  try {
    const discovery = await discoverCreators(crawler, { depth: 1, now: T0 });
    assert.is(discovery.suggestions.length, 3);
    const notes = discovery.notes.map((n) => n.message).join("\n");
    assert.match(notes, /Erin's follow list was skipped: fetch: .*500.*\/erin\/following\.opml/);
    assert.match(notes, /Frank's follow list was skipped: parse: not a follow list \(a <html> document, not OPML\)/);
    const problems = new Map<string, string>();
    const lists = await readFollowLists(crawler, crawler.store.listFeeds(), { now: T0, onProblem: (p) => problems.set(p.id, p.message) });
    const alice = crawler.store.findFeed(`${base}/alice/feed.xml`)!;
    assert.equal(lists.get(alice.id), [`${base}/carol/feed.xml`, `${base}/gina/feed.xml`, `${base}/bob/feed.xml`, `${base}/me/feed.xml`, `${base}/mirror/${creators.bob.rootKey.did.slice(8)}/feed.xml`]);
    assert.is(lists.size, 2, "alice's and bob's lists; the plain feed has none, erin's and frank's failed");
    assert.is(problems.size, 2);
  } finally {
    await crawler.close();
  }
});

test("caching: within maxAge nothing is fetched; after it, every kept document is asked for conditionally; a failing list falls back to its copy", async () => {
  const { crawler } = await openFollower();
  try {
    let mark = requests.length;
    const first = await discoverCreators(crawler, { now: T0 });
    const fetched = since(mark).map((r) => r.path).sort();
    assert.equal(fetched, [
      "/alice/following.opml", "/bob/following.opml", "/carol/feed.xml", "/carol/following.opml", "/erin/following.opml",
      "/frank/following.opml", "/gina/feed.xml", "/hank/feed.xml", `/mirror/${creators.carol.rootKey.did.slice(8)}/feed.xml`, "/zoe/feed.xml",
    ]);
    assert.is(first.documents.requested, 10);

    mark = requests.length;
    const again = await discoverCreators(crawler, { now: at(0.25) });
    assert.equal(since(mark), [], "nothing asked within maxAge, not even the broken list, nor the failed one within 30 minutes");
    assert.equal(names(again), names(first));
    assert.is(again.documents.requested, 0);
    assert.ok(again.documents.read >= 8);
    mark = requests.length;
    await discoverCreators(crawler, { now: at(1) });
    assert.equal(since(mark).map((r) => r.path), ["/erin/following.opml"], "a failed list is asked for again after 30 minutes");

    mark = requests.length;
    const later = await discoverCreators(crawler, { now: at(7) });
    const asked = since(mark);
    assert.equal(asked.map((r) => r.path).sort(), fetched);
    for (const request of asked.filter((r) => r.path !== "/erin/following.opml")) {
      assert.ok(request.headers["if-none-match"], `${request.path} asked conditionally`);
    }
    assert.equal(names(later), names(first));

    overrides.set("/alice/following.opml", (response) => void response.writeHead(503).end("busy"));
    try {
      const stale = await discoverCreators(crawler, { now: at(14), depth: 1 });
      assert.equal(names(stale), ["Carol C.", "Gina's notes", ZOE_NAME], "alice's kept list still counts");
      assert.match(stale.notes.map((n) => n.message).join("\n"), /Alice's follow list could not be refreshed \(fetch: .*503.*\); used the copy from 2025-06-01\./);
    } finally {
      overrides.delete("/alice/following.opml");
    }
  } finally {
    await crawler.close();
  }
});

test("maxDocuments bounds the walk and says so", async () => {
  const { crawler } = await openFollower();
  try {
    const mark = requests.length;
    const discovery = await discoverCreators(crawler, { now: T0, maxDocuments: 4, limit: 2 });
    assert.ok(since(mark).length <= 4, `${since(mark).length} requests`);
    assert.is(discovery.documents.read, 4);
    assert.match(discovery.notes.map((n) => n.message).join("\n"), /stopped looking after 2 documents \(maxDocuments 4\)/);
    for (const depth of [0, 5, 1.5]) {
      await discoverCreators(crawler, { depth }).then(() => assert.unreachable(`depth ${depth} accepted`), (error: Error) => assert.match(error.message, `options.depth to be a whole number from 1 to 4, got ${depth}`));
    }
  } finally {
    await crawler.close();
  }
});

test("text output: ranked cards, notes at the end, and no terminal control characters from feeds", async () => {
  const { crawler } = await openFollower();
  try {
    const discovery = await discoverCreators(crawler, { now: T0 });
    const text = formatDiscovery({ ...discovery, notes: [...discovery.notes, { url: "", message: "evil \u001b[31mred\u001b[0m \u202Eesrever" }] });
    assert.match(text, / 1\. Carol C\.  \[signed capsule\]\n {4}http:\/\/127\.0\.0\.1:\d+\/carol\/feed\.xml\n {4}Birds & code\.\n {4}Latest: Spring migration · 2025-03-04 · http:\/\/127\.0\.0\.1:\d+\/posts\/spring\/\n {4}Followed by Alice and Bob \(2 people you follow\)\n/);
    assert.match(text, / 2\. Zoe <img src=x onerror=alert\(1\)>  \[signed capsule\]\n[\s\S]*Followed by Bob \(1 person you follow\); also by Carol C\. \(1 person they follow\)/);
    assert.match(text, /Notes:\n {2}- Erin's follow list was skipped/);
    assert.not.match(text, /[\u001b\u202e]/);
    assert.match(text, "evil [31mred[0m esrever");
  } finally {
    await crawler.close();
  }
});

test("capsule discover prints the ranked list, --json every field, and refuses a bad --depth", async () => {
  const dir = makeCapsule({ "content/following.yaml": FOLLOWING.replaceAll("BASE", base) });
  folders.push(dir);
  const env = { CAPSULE_ALLOW_PRIVATE_ADDRESSES: "true", CAPSULE_URL: `${base}/me/` };
  const crawl = await runCliAsync(dir, ["crawl"], env);
  assert.is(crawl.code, 0, crawl.stderr);
  const text = await runCliAsync(dir, ["discover", "--depth", "1"], env);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /^From the follow lists of 4 of the 5 people you follow: \d+ documents read, \d+ fetched/);
  assert.match(text.stdout, / 1\. Carol C\.  \[signed capsule\][\s\S]* 2\. Gina's notes\n[\s\S]* 3\. Zoe /);
  assert.match(text.stdout, /Notes:\n {2}- Erin's follow list was skipped: fetch: /);
  assert.match(text.stdout, "capsule follow URL");

  const mark = requests.length;
  const json = await runCliAsync(dir, ["discover", "--json", "--limit", "2"], env);
  assert.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as Discovery;
  assert.equal(names(parsed), ["Carol C.", ZOE_NAME]);
  assert.equal(parsed.suggestions[1]!.counts, [1, 1]);
  assert.equal(since(mark).map((r) => r.path).sort(), ["/carol/following.opml", "/erin/following.opml"], "only what depth 1 did not need, and the list that failed (a new process remembers no failures)");
  assert.is(parsed.documents.requested, 2);

  const bad = await runCliAsync(dir, ["discover", "--depth", "9"], env);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^capsule: config: --depth="9" is not a whole number from 1 to 4\nRun `capsule discover --help`/);
});

test("the daemon works suggestions out after a wake-up and serves them at /discover, escaped, and /discover.json", async () => {
  const folder = mkdtempSync(join(tmpdir(), "capsule-discover-daemon-"));
  folders.push(folder);
  mkdirSync(join(folder, "content"));
  writeFileSync(join(folder, "content/following.yaml"), FOLLOWING.replaceAll("BASE", base));
  const daemon = await startDaemon(loadConfig({ port: "0", allowPrivateAddresses: "true", followerUrl: `${base}/me/` }, {}, folder), { log: () => {} });
  try {
    await daemon.tick();
    const index = await (await fetch(daemon.url)).text();
    assert.match(index, `<a href="/discover">`);
    const mark = requests.length;
    const page = await fetch(`${daemon.url}discover`);
    assert.is(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", "text/html");
    assert.ok(page.headers.get("content-security-policy"));
    const html = await page.text();
    assert.match(html, /<h2><a href="http:\/\/127\.0\.0\.1:\d+\/" rel="nofollow">Carol C\.<\/a> <small>signed capsule<\/small><\/h2>/);
    assert.match(html, "Zoe &lt;img src=x onerror=alert(1)&gt;");
    assert.not.match(html, "<img src=x");
    assert.match(html, "Followed by Alice and Bob (2 people you follow)");
    assert.match(html, "Erin&#39;s follow list was skipped");
    const json = await (await fetch(`${daemon.url}discover.json`)).json() as Discovery;
    assert.equal(names(json), ["Carol C.", ZOE_NAME, "Gina's notes", "Hank"]);
    assert.equal(since(mark), [], "serving the page fetches nothing");
  } finally {
    await daemon.close();
  }
});

test.run();
