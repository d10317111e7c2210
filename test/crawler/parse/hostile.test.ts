/**
 * Hostile input at the parse step (issue 6): every case either parses to a sane result or throws a typed
 * ParseError, quickly and without reading anything but the bytes it was given. Fuzzing at the end feeds
 * random and mutated feeds (from the feedparser corpus and our fixtures) and checks no untyped error escapes.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ParseError } from "../../../crawler/errors.ts";
import { parseFeed, type ParsedFeed } from "../../../crawler/parse/index.ts";
import { FEEDPARSER_CORPUS } from "../../helpers/conformance.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");
const fixtures = path.join(repoRoot, "test/fixtures/feeds");
const url = "https://hostile.example/feed.xml";
const fixture = (name: string) => readFileSync(path.join(fixtures, name));

function codeOf(run: () => unknown): string {
  try {
    run();
    return "parsed";
  } catch (error) {
    return error instanceof ParseError ? error.code : `untyped ${String(error)}`;
  }
}

function timed<T>(limitMs: number, run: () => T): T {
  const started = performance.now();
  const result = run();
  const elapsed = performance.now() - started;
  assert.ok(elapsed < limitMs, `took ${Math.round(elapsed)} ms, limit ${limitMs} ms`);
  return result;
}

test("parse never fetches and never touches the file system: no I/O module is imported", () => {
  const dir = path.join(repoRoot, "crawler/parse");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(path.join(dir, file), "utf8");
    assert.not.match(source, /from "(?:node:)?(?:fs|fs\/promises|http|https|net|tls|dns|child_process|worker_threads)"/, file);
    assert.not.match(source, /\b(?:fetch|require|import)\s*\(/, file);
  }
});

test("billion laughs stops with entity-limit, fast and without a gigabyte string", () => {
  const before = process.memoryUsage().heapUsed;
  const code = timed(2000, () => codeOf(() => parseFeed(fixture("billion-laughs.xml"), { url })));
  assert.is(code, "entity-limit");
  assert.ok(process.memoryUsage().heapUsed - before < 64 * 1024 * 1024, "heap grew by more than 64 MB");
});

test("an external entity pointing at /etc/passwd is never read", () => {
  const feed = parseFeed(fixture("xxe-etc-passwd.xml"), { url });
  const everything = JSON.stringify(feed);
  assert.is(feed.title?.value, "Leak: &xxe;");
  assert.ok(feed.bozo);
  assert.not.match(everything, /root:|\/bin\/(?:ba)?sh|nologin/);
  if (existsSync("/etc/passwd")) {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n").filter((entry) => entry.length > 8)) {
      assert.not.ok(everything.includes(line), "a line of /etc/passwd leaked");
    }
  }
});

test("deep nesting is cut at the depth limit; the rest of the feed is still read", () => {
  const feed = parseFeed(fixture("deep-nesting.xml"), { url });
  assert.ok(feed.bozo);
  assert.ok(feed.bozoReasons.some((reason) => reason.includes("nested deeper than 512")), feed.bozoReasons.join());
  assert.equal(feed.entries.map((entry) => entry.title?.value), ["Deep item", "After"]);
  const unclosed = `<rss><channel><item><title>x</title><description>${"<d>".repeat(200_000)}`;
  assert.is(timed(5000, () => parseFeed(unclosed, { url })).entries.length, 1);
});

test("100,000 items are all read, in linear time", () => {
  const items = Array.from({ length: 100_000 }, (_, index) => `<item><title>t${index}</title><guid>g${index}</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>`);
  const feed = timed(20_000, () => parseFeed(Buffer.from(`<rss version="2.0"><channel><title>Many</title>${items.join("")}</channel></rss>`), { url }));
  assert.is(feed.entries.length, 100_000);
  assert.is(feed.entries[99_999]?.guid, "g99999");
});

test("a 20 MB item is read whole", () => {
  const body = "&lt;p&gt;word &amp;amp; word&lt;/p&gt; ".repeat(550_000);
  const feed = timed(15_000, () => parseFeed(Buffer.from(`<rss><channel><item><title>Big</title><description>${body}</description></item></channel></rss>`), { url }));
  assert.ok(body.length > 20_000_000);
  assert.is(feed.entries[0]?.summary?.value.length, "<p>word &amp; word</p> ".repeat(550_000).trim().length);
});

test("duplicate and missing GUIDs are kept as they are (deduplication is the store's business)", () => {
  const feed = parseFeed("<rss><channel><item><guid>same</guid><title>a</title></item><item><guid>same</guid><title>b</title></item><item><title>c</title></item></channel></rss>", { url });
  assert.equal(feed.entries.map((entry) => [entry.guid, entry.title?.value]), [["same", "a"], ["same", "b"], [null, "c"]]);
});

test("dates in the year 0 are dropped, dates in 9999 are kept", () => {
  const feed = parseFeed("<rss><channel><item><pubDate>Sat, 01 Jan 0000 00:00:00 GMT</pubDate></item><item><pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate></item></channel></rss>", { url });
  assert.equal(feed.entries.map((entry) => entry.published?.getUTCFullYear() ?? null), [null, 9999]);
});

test("NUL bytes, invalid UTF-8 and Content-Type lies", () => {
  const nul = parseFeed(Buffer.from("<rss><channel><title>a\u0000b</title>\u0000</channel></rss>"), { url });
  assert.equal([nul.title?.value, nul.bozo], ["ab", true]);
  const invalid = parseFeed(new Uint8Array([...Buffer.from("<rss><channel><title>x"), 0xc3, 0x28, 0xff, ...Buffer.from("</title></channel></rss>")]), { url });
  assert.ok(invalid.bozo);
  assert.is(invalid.title?.value, "xÃ(ÿ");
  const json = parseFeed('{"version":"https://jsonfeed.org/version/1.1","items":[]}', { url, contentType: "application/rss+xml" });
  assert.is(json.format, "json");
  const rss = parseFeed("<rss/>", { url, contentType: "application/json" });
  assert.is(rss.format, "rss");
});

test("no URL field of the model ever holds a script, data or file URL", () => {
  const bad = ["javascript:alert(1)", " java&#x09;script:alert(2)", "vbscript:x", "data:text/html,&lt;script&gt;", "file:///etc/passwd"];
  const item = (value: string) => `<item><link>${value}</link><guid>${value}</guid><comments>${value}</comments>
    <enclosure url="${value}" type="audio/mpeg"/><atom:link rel="alternate" href="${value}"/><itunes:image href="${value}"/>
    <source url="${value}">s</source></item>`;
  const feed = parseFeed(`<rss xmlns:atom="http://www.w3.org/2005/Atom" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:capsule="urn:capsule:1"><channel>
    <link>${bad[0]}</link><atom:link rel="self" href="${bad[1]}"/><image><url>${bad[2]}</url></image><atom:icon>${bad[3]}</atom:icon>
    <capsule:identity href="${bad[4]}">did:key:z</capsule:identity><capsule:following href="${bad[0]}"/>
    <capsule:profile><capsule:avatar href="${bad[3]}"/></capsule:profile>${bad.map(item).join("")}</channel></rss>`, { url });
  const urls = [feed.siteUrl, feed.feedUrl, feed.image?.url, feed.icon, feed.capsule?.identity?.href, feed.capsule?.following,
    ...(feed.capsule?.profile["avatar"] ?? []), ...feed.links.map((link) => link.href),
    ...feed.entries.flatMap((entry) => [entry.url, entry.comments, entry.image, entry.source?.feedUrl,
      ...entry.links.map((link) => link.href), ...entry.enclosures.map((enclosure) => enclosure.url)])];
  assert.is(feed.entries.length, 5);
  assert.equal(urls.filter((value) => value !== null && value !== undefined), []);
});

test("empty and non-feed bodies are typed errors", () => {
  assert.is(codeOf(() => parseFeed(new Uint8Array(), { url })), "empty");
  assert.is(codeOf(() => parseFeed(fixture("html-page-advertising-feeds.html"), { url })), "not-a-feed");
  assert.is(codeOf(() => parseFeed(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { url })), "not-a-feed");
});

/** The parser's contract: a ParsedFeed with an entries array, or a ParseError with a code. */
function checkContract(bytes: Uint8Array): void {
  let feed: ParsedFeed;
  try {
    feed = parseFeed(bytes, { url });
  } catch (error) {
    assert.instance(error, ParseError, `untyped: ${String(error)}`);
    assert.ok(typeof (error as ParseError).code === "string");
    return;
  }
  assert.ok(Array.isArray(feed.entries));
  assert.ok(typeof feed.bozo === "boolean");
}

const seeds: Buffer[] = [...readdirSync(fixtures).map((name) => fixture(name))];
const records = JSON.parse(readFileSync(path.join(FEEDPARSER_CORPUS, "expectations.json"), "utf8")) as { file: string }[];
// Every ninth corpus file, a stable sample of every folder.
for (const record of records.filter((_, index) => index % 9 === 0)) seeds.push(readFileSync(path.join(FEEDPARSER_CORPUS, record.file)));

test("fuzz: random bytes only ever give a feed or a ParseError", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => checkContract(bytes)), { numRuns: 500 });
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => checkContract(Buffer.from(`<rss><channel><item>${text}</item></channel></rss>`))), { numRuns: 500 });
});

test("fuzz: mutated corpus feeds only ever give a feed or a ParseError", () => {
  const mutation = fc.tuple(fc.nat(), fc.nat({ max: 16 }), fc.uint8Array({ maxLength: 8 }));
  fc.assert(
    fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
      let bytes = Uint8Array.from(seed);
      for (const [at, remove, insert] of mutations) {
        const index = at % (bytes.length + 1);
        bytes = Uint8Array.from([...bytes.subarray(0, index), ...insert, ...bytes.subarray(index + remove)]);
      }
      checkContract(bytes);
    }),
    { numRuns: 1000 },
  );
});

test.run();
