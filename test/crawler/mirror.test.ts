import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse, serialize, type DefaultTreeAdapterTypes } from "parse5";
import { XmlParser, Xslt } from "xslt-processor";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { assignSlugs } from "../../crawler/mirror-slug.ts";
import { MirrorError } from "../../crawler/errors.ts";
import { regenerateMirrors, writeMirrorPages } from "../../crawler/mirror.ts";
import { readMirrorIndex } from "../../crawler/mirror-index.ts";
import { mirrorIdOf, type CapsuleState, type StoredEntry, type StoredFeed } from "../../crawler/model.ts";
import { parseFeed } from "../../crawler/parse/index.ts";
import type { Store } from "../../crawler/store.ts";
import { verifyCapsule } from "../../crawler/verify.ts";
import { deriveKeyPair } from "../../site/format/index.ts";
import { DELETED_ID, FORGED_TITLE, ORIGIN, ORIGIN_FEED, renderOriginFeed } from "../helpers/capsule-origin.ts";
import { readXssPayloads } from "../helpers/conformance.ts";
import { findUnsafe } from "../helpers/html-safety.ts";
import { setup } from "../helpers/setup.ts";
import { storeParsed } from "../helpers/stored.ts";
import { REPO } from "../helpers/temp-capsule.ts";
import { openTempStore } from "../helpers/temp-store.ts";

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.Document;

const SITE = "https://bob.example/";
const PLAIN_URL = "https://blog.example/rss";

function plainFeed(count: number, title = "B's blog"): string {
  const items = Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toUTCString();
    return `<item><title>Post ${i + 1}</title><link>https://blog.example/p/${i + 1}/</link><guid>https://blog.example/p/${i + 1}/</guid>` +
      `<pubDate>${day}</pubDate><category>Clay</category><description>&lt;p&gt;Body ${i + 1}&lt;/p&gt;</description></item>`;
  });
  return `<rss version="2.0"><channel><title>${title}</title><link>https://blog.example/</link><description>About B.</description>${items.join("")}</channel></rss>`;
}

/** Writes a refresh the way the crawler does: feed state, entry versions and a log line in one commit. */
async function commit(store: Store, feed: StoredFeed, entries: readonly StoredEntry[], at: string): Promise<StoredFeed> {
  await store.commitRefresh({
    feed: store.getFeed(feed.id) ? { ...store.getFeed(feed.id)!, capsule: feed.capsule } : feed, entries,
    log: { at, outcome: "new", status: 200, added: 0, ms: 1, message: null, url: feed.url, code: null },
  });
  return store.getFeed(feed.id)!;
}

function stored(xml: string, url: string, at = "2025-01-10T00:00:00.000Z") {
  return storeParsed(parseFeed(xml, { url }), url, at);
}

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

function findAll(node: Node, test: (element: Element) => boolean, found: Element[] = []): Element[] {
  if ("tagName" in node && test(node)) found.push(node);
  for (const child of "childNodes" in node ? node.childNodes : []) findAll(child as Node, test, found);
  return found;
}
const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;
const hasClass = (name: string) => (element: Element) => (attr(element, "class") ?? "").split(/\s+/).includes(name);
function textOf(node: Node): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterTypes.TextNode).value;
  return ("childNodes" in node ? node.childNodes : []).map((child) => textOf(child as Node)).join("");
}

const Pages = suite<{ store: ReturnType<typeof openTempStore>; out: string; capsule: StoredFeed; plain: StoredFeed; result: Awaited<ReturnType<typeof regenerateMirrors>> }>("mirror pages");

setup(Pages, async (ctx) => {
  ctx.store = openTempStore();
  ctx.out = mkdtempSync(join(tmpdir(), "capsule-mirror-"));
  const capsule = stored(renderOriginFeed({ forged: true }), ORIGIN_FEED);
  const plain = stored(plainFeed(3), PLAIN_URL);
  ctx.capsule = await commit(ctx.store.store, capsule.feed, capsule.entries, "2025-01-10T00:00:00.000Z");
  ctx.plain = await commit(ctx.store.store, plain.feed, plain.entries, "2025-01-10T00:00:00.000Z");
  ctx.result = await regenerateMirrors(ctx.store.store, { outDir: ctx.out, siteUrl: SITE });
});
Pages.after(async (ctx) => {
  await ctx.store?.dispose();
  if (ctx.out) rmSync(ctx.out, { recursive: true, force: true });
});

Pages("regenerates every changed feed and marks it mirrored", ({ result, store, capsule, plain }) => {
  assert.equal(result.failed, []);
  assert.equal([...result.regenerated].sort(), [capsule.id, plain.id].sort());
  for (const feed of [capsule, plain]) assert.is(store.store.getFeed(feed.id)?.mirroredAt, feed.changedAt);
  assert.equal(store.store.listChangedFeeds(), []);
});

Pages("a capsule's home page: its profile card, then its publishable entries with a verified note each", ({ out, capsule }) => {
  const id = mirrorIdOf(capsule);
  assert.is(id, capsule.capsule!.id.replace("did:key:", ""), "the folder is the identity key");
  const page = parse(readFileSync(join(out, id, "index.html"), "utf8"));
  const card = findAll(page, hasClass("h-card"))[0]!;
  assert.is(textOf(findAll(card, hasClass("p-name"))[0]!), "Alice Potter");
  assert.is(textOf(findAll(card, hasClass("bio"))[0]!), "Pots & kilns.");
  assert.is(attr(findAll(card, hasClass("avatar"))[0]!, "src"), `${ORIGIN}avatar.png`);
  assert.match(textOf(findAll(page, hasClass("mirror-banner"))[0]!), "Every post here carries its author’s signature.");
  const entries = findAll(page, hasClass("h-entry"));
  assert.is(entries.length, 4, "three notes and an article; the forgery and the tombstone are not shown");
  assert.match(textOf(entries[1]!), "On kilns & glazes");
  for (const entry of entries) {
    const note = findAll(entry, hasClass("mirror-note"))[0]!;
    assert.match(textOf(note), /^mirrored from alice\.example, verified$/);
    assert.match(attr(findAll(note, (e) => e.tagName === "a")[0]!, "href") ?? "", /^https:\/\/alice\.example\/posts\//);
  }
  const links = findAll(page, (e) => e.tagName === "link");
  assert.equal(links.map((l) => [attr(l, "rel"), attr(l, "href")]), [
    ["canonical", `${SITE}mirror/${id}/`],
    ["stylesheet", "/style.css"],
    ["alternate", `${SITE}mirror/${id}/feed.xml`],
    ["blogroll", `${ORIGIN}following.opml`],
    ["capsule-identity", `${ORIGIN}.well-known/capsule.json`],
  ]);
  const nav = findAll(page, (e) => e.tagName === "nav")[0]!;
  assert.equal(findAll(nav, (e) => e.tagName === "a").map((a) => [textOf(a), attr(a, "href")]), [
    ["Posts", `/mirror/${id}/`], ["Tags", `/mirror/${id}/tags/`], ["Feed", `${SITE}mirror/${id}/feed.xml`], ["Original", ORIGIN],
  ]);
});

Pages("one page per entry, a deleted page for the tombstone, tag pages and the feed", ({ out, capsule }) => {
  const dir = join(out, mirrorIdOf(capsule));
  const note = parse(readFileSync(join(dir, "note-1", "index.html"), "utf8"));
  assert.is(textOf(findAll(note, hasClass("e-content"))[0]!).trim(), "First note about clay.");
  assert.ok(findAll(note, (e) => e.tagName === "em").length === 1, "the body's markup is kept");
  assert.is(attr(findAll(note, (e) => e.tagName === "link" && attr(e, "rel") === "canonical")[0]!, "href"), `${ORIGIN}posts/note-1/`);
  assert.equal(findAll(note, (e) => attr(e, "rel") === "tag").map((a) => attr(a, "href")), [`/mirror/${mirrorIdOf(capsule)}/tags/clay/`]);
  const essay = readFileSync(join(dir, "essay", "index.html"), "utf8");
  assert.match(essay, `<a href="${ORIGIN}media/log.csv" download>log.csv</a>`);
  const deleted = readFileSync(join(dir, DELETED_ID, "index.html"), "utf8");
  assert.match(deleted, "<h1>Deleted</h1>");
  const clay = parse(readFileSync(join(dir, "tags", "clay", "index.html"), "utf8"));
  assert.is(findAll(clay, (e) => e.tagName === "li" && findAll(e, (a) => a.tagName === "a").length > 0 && e.parentNode?.nodeName === "ol").length, 2);
  const report = verifyCapsule({ feed: { feed: parseFeed(readFileSync(join(dir, "feed.xml"), "utf8"), { url: `${SITE}mirror/x/feed.xml` }), url: `${SITE}mirror/x/feed.xml` } });
  assert.equal(report.problems, []);
  assert.is(report.entries.verified, 5);
});

Pages("an ordinary feed: profile from its title and description, entries marked unsigned", ({ out, plain }) => {
  const dir = join(out, plain.id);
  const page = parse(readFileSync(join(dir, "index.html"), "utf8"));
  assert.is(textOf(findAll(page, hasClass("p-name"))[0]!), "B's blog");
  assert.is(textOf(findAll(page, hasClass("bio"))[0]!), "About B.");
  assert.not.match(textOf(findAll(page, hasClass("mirror-banner"))[0]!), "signature");
  const notes = findAll(page, hasClass("mirror-note")).map(textOf);
  assert.equal(notes, Array(3).fill("mirrored from blog.example, unsigned"));
  const slugs = readdirSync(dir).filter((name) => !["index.html", "feed.xml", "tags"].includes(name));
  assert.is(slugs.length, 3);
  for (const slug of slugs) assert.match(slug, /^[a-z0-9-]+-[0-9a-f]{8}$/);
});

Pages("rejected entries never appear in any file", ({ out }) => {
  for (const [path, content] of readTree(out)) {
    assert.not.match(content, FORGED_TITLE, path);
    assert.not.match(content, "never wrote", path);
  }
});

Pages("the index lists every mirrored creator", ({ out, capsule, plain }) => {
  const index = parse(readFileSync(join(out, "index.html"), "utf8"));
  const links = findAll(index, (e) => e.tagName === "a" && (attr(e, "href") ?? "").startsWith("/mirror/"));
  assert.equal(links.map((a) => [textOf(a), attr(a, "href")]), [["Alice Potter", `/mirror/${mirrorIdOf(capsule)}/`], ["B's blog", `/mirror/${plain.id}/`]]);
});

Pages("index.json lists every mirrored creator for machines: key, origin, name and this site's copy", async ({ out, store, capsule, plain }) => {
  const text = readFileSync(join(out, "index.json"), "utf8");
  const id = mirrorIdOf(capsule);
  const expected = [
    { id: plain.id, identity: null, origin: PLAIN_URL, name: "B's blog", site: "https://blog.example/", feed: `${SITE}mirror/${plain.id}/feed.xml`, entries: 3 },
    { id, identity: capsule.capsule!.id, origin: ORIGIN_FEED, name: "Alice Potter", site: ORIGIN, feed: `${SITE}mirror/${id}/feed.xml`, entries: store.store.getFeed(capsule.id)!.entryCount },
  ];
  assert.equal(JSON.parse(text), { mirrors: expected });
  assert.equal(readMirrorIndex(text), expected, "what one site writes, another reads back whole");
  // An index missing (an older Capsule wrote the folder) is written even when no creator changed.
  rmSync(join(out, "index.json"));
  assert.equal(await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE }), { regenerated: [], failed: [] });
  assert.is(readFileSync(join(out, "index.json"), "utf8"), text);
});

Pages("only changed feeds are regenerated", async ({ out, store, capsule, plain }) => {
  const inode = (id: string) => statSync(join(out, id)).ino;
  const before = { capsule: inode(mirrorIdOf(capsule)), plain: inode(plain.id) };
  const idle = await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE });
  assert.equal(idle, { regenerated: [], failed: [] });
  assert.equal({ capsule: inode(mirrorIdOf(capsule)), plain: inode(plain.id) }, before, "nothing rewritten");

  const edited = stored(plainFeed(3).replace("Body 2", "Body 2, edited"), PLAIN_URL, "2025-01-11T00:00:00.000Z");
  await commit(store.store, plain, edited.entries, "2025-01-11T00:00:00.000Z");
  const after = await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE });
  assert.equal(after, { regenerated: [plain.id], failed: [] });
  assert.is(inode(mirrorIdOf(capsule)), before.capsule, "the unchanged capsule was left alone");
  assert.is.not(inode(plain.id), before.plain);
  assert.match([...readTree(join(out, plain.id)).values()].join("\n"), "Body 2, edited");
});

Pages.run();

const Atomic = suite<{ store: ReturnType<typeof openTempStore>; out: string }>("mirror pages: atomic replace");

setup(Atomic, (ctx) => {
  ctx.store = openTempStore();
  ctx.out = mkdtempSync(join(tmpdir(), "capsule-mirror-"));
});
Atomic.after(async (ctx) => {
  await ctx.store?.dispose();
  if (ctx.out) rmSync(ctx.out, { recursive: true, force: true });
});

Atomic("a creator that fails keeps its previous pages whole; the others are regenerated; the error is returned", async ({ store, out }) => {
  const good = stored(plainFeed(2, "Good"), "https://good.example/rss");
  const flaky = stored(plainFeed(2, "Flaky"), "https://flaky.example/rss");
  await commit(store.store, good.feed, good.entries, "2025-01-10T00:00:00.000Z");
  const flakyFeed = await commit(store.store, flaky.feed, flaky.entries, "2025-01-10T00:00:00.000Z");
  assert.equal((await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE })).failed, []);
  const snapshot = readTree(join(out, flakyFeed.id));

  // A record the renderer cannot read (a damaged or future-format entry): rendering throws for this creator only.
  const broken = { ...flaky.entries[0]!, hash: "broken", entry: null } as unknown as StoredEntry;
  await commit(store.store, flakyFeed, [broken], "2025-01-11T00:00:00.000Z");
  const edited = stored(plainFeed(2, "Good").replace("Body 1", "Body 1, edited"), "https://good.example/rss", "2025-01-11T00:00:00.000Z");
  await commit(store.store, good.feed, edited.entries, "2025-01-11T00:00:00.000Z");
  const result = await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE });

  assert.equal(result.regenerated, [good.feed.id]);
  assert.equal(result.failed.map((f) => f.feedId), [flakyFeed.id]);
  const error = result.failed[0]!.error;
  assert.ok(error instanceof MirrorError);
  assert.is(error.code, "mirror-write");
  assert.match(error.message, /^mirror: cannot write the pages of https:\/\/flaky\.example\/rss \(/);
  assert.equal(readTree(join(out, flakyFeed.id)), snapshot, "the previous pages are untouched");
  assert.equal(store.store.listChangedFeeds().map((f) => f.id), [flakyFeed.id], "it stays due for the next run");
  assert.match([...readTree(join(out, good.feed.id)).values()].join("\n"), "Body 1, edited");
  assert.equal(readdirSync(out).filter((name) => name.startsWith(".")), [], "no temp folder is left behind");
});

Atomic("a replaced creator holds exactly the new pages: a page that is gone is removed", async ({ out }) => {
  const first = stored(plainFeed(3, "Shrinking"), "https://shrink.example/rss");
  await writeMirrorPages(first.feed, first.entries, { outDir: out, siteUrl: SITE });
  const before = readTree(join(out, first.feed.id));
  // The third post turns out to be rejected (its next version failed a check): its page must go.
  const third = first.entries.find((e) => e.entry.title?.value === "Post 3")!;
  const rejected: StoredEntry = { ...third, hash: "rejected", trust: { status: "rejected", reason: "bad-signature", message: "x" } };
  const { files } = await writeMirrorPages(first.feed, first.entries.map((e) => (e === third ? rejected : e)), { outDir: out, siteUrl: SITE });
  const after = readTree(join(out, first.feed.id));
  assert.is(after.size, files);
  assert.is(before.size - after.size, 1, "one entry page fewer");
  assert.not.match([...after.values()].join("\n"), "Post 3");
  assert.equal(readdirSync(out).filter((name) => name.startsWith(".")), []);
});

Atomic("leftovers of a run that crashed mid-swap are removed", async ({ store, out }) => {
  mkdirSync(join(out, ".blog.example-1234abcd.4242-deadbeef.tmp", "x"), { recursive: true });
  mkdirSync(join(out, ".blog.example-1234abcd.4242-deadbeef.old"), { recursive: true });
  writeFileSync(join(out, "index.html.4242-deadbeef.tmp"), "half");
  writeFileSync(join(out, "index.json.4242-deadbeef.tmp"), "{\"mirr");
  await regenerateMirrors(store.store, { outDir: out, siteUrl: SITE });
  assert.equal(readdirSync(out).filter((name) => name.startsWith(".") || name.endsWith(".tmp")), []);
});

Atomic("long timelines are paginated like the home page", async ({ out }) => {
  const long = stored(plainFeed(45, "Long"), "https://long.example/rss");
  await writeMirrorPages(long.feed, long.entries, { outDir: out, siteUrl: SITE, pageSize: 20 });
  const dir = join(out, long.feed.id);
  const count = (path: string) => findAll(parse(readFileSync(join(dir, path), "utf8")), hasClass("h-entry")).length;
  assert.equal([count("index.html"), count("page/2/index.html"), count("page/3/index.html")], [20, 20, 5]);
  assert.not.ok(existsSync(join(dir, "page/4")));
  const pager = findAll(parse(readFileSync(join(dir, "page/2/index.html"), "utf8")), hasClass("pager"))[0]!;
  assert.equal(findAll(pager, (e) => e.tagName === "a").map((a) => [attr(a, "rel"), attr(a, "href")]), [
    ["prev", `/mirror/${long.feed.id}/`], ["next", `/mirror/${long.feed.id}/page/3/`],
  ]);
});

Atomic.run();

const Slugs = suite("entry slugs");

Slugs("stable, URL-safe and unique; entry ids stay as they are", () => {
  const keys = [
    "note-1", "2025-01-02-hello", "https://blog.example/2024/05/hello-world/", "https://other.example/hello-world/",
    "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "tag:blog.example,2024:post/7", "page", "tags", "feed.xml", "Ünïcödé title?", "",
  ];
  const slugs = assignSlugs(keys);
  assert.is(slugs.get("note-1"), "note-1");
  assert.is(slugs.get("2025-01-02-hello"), "2025-01-02-hello");
  assert.match(slugs.get("https://blog.example/2024/05/hello-world/")!, /^hello-world-[0-9a-f]{8}$/);
  assert.match(slugs.get("Ünïcödé title?")!, /^unicode-title-[0-9a-f]{8}$/);
  for (const reserved of ["page", "tags", "feed.xml"]) assert.is.not(slugs.get(reserved), reserved);
  const values = [...slugs.values()];
  assert.is(new Set(values).size, keys.length);
  for (const slug of values) assert.match(slug, /^[A-Za-z0-9][A-Za-z0-9._~-]*$/);
  assert.equal(assignSlugs([...keys].reverse()), slugs, "the same keys always get the same slugs");
});

Slugs.run();

// The XSS proof: every DOMPurify payload, in every field a feed can carry, through the same sanitising the crawl
// does (test/helpers/stored.ts: sanitizeHtml on the body) and the mirror's pages and feed, judged by parse5.
const Xss = suite<{ store: ReturnType<typeof openTempStore>; out: string; payloads: string[] }>("mirror pages: XSS payloads");

const HEAD_LINKS = new Set(["canonical", "stylesheet", "alternate", "blogroll", "capsule-identity"]);
const isSafeUrl = (url: string | undefined) => url !== undefined && (/^https?:\/\/[^\s]/i.test(url) || /^\/(?!\/)/.test(url));

/** findUnsafe on the page's body, plus the head: only title, meta and link, with known rels and http(s) or site URLs. */
function findUnsafePage(page: string): string[] {
  const document = parse(page);
  const root = document.childNodes.find((n) => n.nodeName === "html") as Element;
  const head = root.childNodes.find((n) => n.nodeName === "head") as Element;
  const body = root.childNodes.find((n) => n.nodeName === "body") as Element;
  const problems = findUnsafe(serialize(body));
  for (const element of head.childNodes.filter((n): n is Element => "tagName" in n)) {
    if (!["title", "meta", "link"].includes(element.tagName)) problems.push(`<${element.tagName}> in head`);
    for (const a of element.attrs) if (a.name.startsWith("on")) problems.push(`${a.name} on <${element.tagName}> in head`);
    if (element.tagName === "link" && (!HEAD_LINKS.has(attr(element, "rel") ?? "") || !isSafeUrl(attr(element, "href")))) {
      problems.push(`head link ${attr(element, "rel")} ${attr(element, "href")}`);
    }
    if (element.tagName === "meta" && /^og:(url|image)$/.test(attr(element, "property") ?? "") && !isSafeUrl(attr(element, "content"))) {
      problems.push(`head meta ${attr(element, "property")} ${attr(element, "content")}`);
    }
  }
  return problems;
}

const xmlText = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");

function hostileItem(payload: string, i: number): string {
  const p = xmlText(payload);
  return `<item><title>${p}</title><link>${p}</link><guid isPermaLink="false">xss-${i}</guid><dc:creator>${p}</dc:creator><category>${p}</category>` +
    `<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><description>${p}</description><content:encoded>${p}</content:encoded>` +
    `<enclosure url="${p}" type="${p}" length="1"/></item>`;
}

/** A parsed feed of `items`, then the raw payload put into every field a hostile parser or feed could fill. */
function parseHostile(url: string, title: string, items: { payload: string; i: number }[]) {
  const xml = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>` +
    `<title>${xmlText(title)}</title><link>${new URL("/", url).href}</link><description>${xmlText(title)}</description>` +
    `${items.map(({ payload, i }) => hostileItem(payload, i)).join("")}</channel></rss>`;
  const parsed = parseFeed(xml, { url });
  parsed.entries.forEach((entry, n) => {
    const { payload, i } = items[n]!;
    entry.title = { value: payload, type: i % 2 ? "html" : "text", base: url, language: null };
    entry.summary = { value: payload, type: "html", base: url, language: null };
    entry.content = { value: payload, type: "html", base: url, language: null };
    entry.authors = [{ name: payload, email: payload, url: payload }];
    entry.url = payload;
    entry.enclosures = [{ url: payload, type: payload, length: 1 }];
    entry.image = payload;
    entry.language = payload;
    entry.categories = [{ term: payload, label: null, scheme: null }];
  });
  return storeParsed(parsed, url);
}

function hostileCapsule(payload: string, i: number): CapsuleState {
  return {
    id: deriveKeyPair(Uint8Array.from({ length: 32 }, (_, k) => (i + k) % 256)).did, pinnedAt: "2025-01-10T00:00:00.000Z",
    identityHref: payload, envelopes: [], checkpoint: null, locationSeq: 0, feeds: [], mirrors: [], following: payload,
    profile: { name: [payload], handle: [payload], bio: [payload], avatar: [payload], link: [payload, "javascript:alert(1)"], contact: [payload, "javascript:alert(1)"], payment: [payload, "vbscript:x"] },
  };
}

setup(Xss, async (ctx) => {
  ctx.payloads = readXssPayloads().map((p) => p.payload);
  assert.is(ctx.payloads.length, 223);
  ctx.store = openTempStore();
  ctx.out = mkdtempSync(join(tmpdir(), "capsule-mirror-xss-"));
  // One creator per payload: the payload is its name, bio, title, description, site and every field of its one
  // entry (every other creator a capsule with a hostile profile); and one creator with all of them on one timeline.
  for (const [i, payload] of ctx.payloads.entries()) {
    const { feed, entries } = parseHostile(`https://evil${i}.example/rss`, payload, [{ payload, i }]);
    const hostile: StoredFeed = i % 2 === 0
      ? { ...feed, siteUrl: payload, title: payload, description: payload, language: payload }
      : { ...feed, siteUrl: payload, capsule: hostileCapsule(payload, i) };
    await commit(ctx.store.store, hostile, entries, "2025-01-10T00:00:00.000Z");
  }
  const all = parseHostile("https://all.example/rss", "All of them", ctx.payloads.map((payload, i) => ({ payload, i })));
  await commit(ctx.store.store, { ...all.feed, capsule: hostileCapsule("javascript:alert(1)", 1000) }, all.entries, "2025-01-10T00:00:00.000Z");
  const result = await regenerateMirrors(ctx.store.store, { outDir: ctx.out, siteUrl: SITE });
  assert.equal(result.failed.map((f) => f.error.message), []);
  assert.is(result.regenerated.length, 224);
});
Xss.after(async (ctx) => {
  await ctx.store?.dispose();
  if (ctx.out) rmSync(ctx.out, { recursive: true, force: true });
});

Xss("the page check itself catches script in the body and in the head", ({ out }) => {
  const page = readFileSync(join(out, "index.html"), "utf8");
  assert.equal(findUnsafePage(page), []);
  assert.ok(findUnsafePage(page.replace("<main id=\"main\">", "<main id=\"main\"><img src=x onerror=alert(1)>")).length > 0);
  assert.ok(findUnsafePage(page.replace("</head>", "<link rel=\"canonical\" href=\"javascript:alert(1)\"></head>")).length > 0);
  assert.ok(findUnsafePage(page.replace("</head>", "<script>alert(1)</script></head>")).length > 0);
});

Xss("no output page can run script", ({ out }) => {
  const pages = [...readTree(out)].filter(([path]) => path.endsWith(".html"));
  assert.ok(pages.length > 223 * 3, `only ${pages.length} pages`); // index, entry page, tags index per creator, plus tag pages
  const unsafe = pages.map(([path, page]) => ({ path, problems: findUnsafePage(page) })).filter((p) => p.problems.length > 0);
  assert.equal(unsafe, []);
});

Xss("every re-served feed: items' HTML is safe, links and enclosures are http(s), the styled view is safe", async ({ out }) => {
  const feeds = [...readTree(out)].filter(([path]) => path.endsWith("feed.xml"));
  assert.is(feeds.length, 224);
  const xsl = new XmlParser().xmlParse(readFileSync(join(REPO, "layouts/feed.xsl"), "utf8"));
  const problems: string[] = [];
  const link = (url: string | null | undefined) => (url ? findUnsafe(`<a href="${url.replace(/"/g, "&quot;")}"></a>`) : []);
  for (const [n, [path, xml]] of feeds.entries()) {
    const feed = parseFeed(xml, { url: `${SITE}mirror/${path}` });
    if (feed.bozo) problems.push(`${path}: not well-formed (${feed.bozoReasons.join("; ")})`);
    const profile = feed.capsule?.profile ?? {};
    for (const url of [feed.siteUrl, feed.image?.url, feed.capsule?.following, feed.capsule?.identity?.href, ...["avatar", "link", "contact", "payment"].flatMap((k) => profile[k] ?? [])]) {
      problems.push(...link(url).map((p) => `${path} (channel): ${p}`));
    }
    for (const entry of feed.entries) {
      for (const html of [entry.content?.value, entry.summary?.value]) if (html) problems.push(...findUnsafe(html).map((p) => `${path}: ${p}`));
      for (const url of [entry.url, ...entry.enclosures.map((e) => e.url)]) if (url && !isSafeUrl(url)) problems.push(`${path}: unsafe URL ${url}`);
    }
    // The styled feed (feed.xsl, as feed-fallback.js runs it): the page, and the entry HTML it restores from text.
    // xslt-processor takes ~50 ms a run: the all-payloads feed and every 16th of the others.
    if (!(feed.entries.length > 1 || n % 16 === 0)) continue;
    const styled = parse(await new Xslt().xsltProcess(new XmlParser().xmlParse(xml), xsl));
    const body = findAll(styled, (e) => e.tagName === "body")[0]!;
    const restored = findAll(body, (e) => attr(e, "data-capsule-html") !== undefined).map(textOf);
    problems.push(...[serialize(body), ...restored].flatMap((html) => findUnsafe(html).map((p) => `${path} (styled): ${p}`)));
  }
  assert.equal(problems, []);
});

Xss.run();
