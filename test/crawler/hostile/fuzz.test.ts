/**
 * Issue 6, "Fuzzing": fast-check properties over the parser and the sanitiser, seeded from the feedparser
 * conformance corpus (test/conformance/feedparser/) and DOMPurify's payloads. The mutations are
 * XML- and HTML-aware (entities, DOCTYPEs, CDATA, encodings, broken and deep nesting, hostile markup spliced
 * into real feeds), on top of the byte-level fuzzing in test/crawler/parse/hostile.test.ts.
 *
 * Properties: the parser returns a feed or throws a `ParseError` with one of its documented codes, never
 * anything else and never "internal" (a bug); the sanitiser's output, and every entry body the processing
 * step stores, passes `findUnsafe` (parse5, as a browser reads it). Runs are bounded (FUZZ_RUNS scales
 * them; the seed is printed on failure and FUZZ_SEED replays it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../../crawler/authenticate.ts";
import { ParseError, type ParseErrorCode } from "../../../crawler/errors.ts";
import { feedIdOf, type StoredFeed } from "../../../crawler/model.ts";
import { parseFeed } from "../../../crawler/parse/index.ts";
import { processFeedBody } from "../../../crawler/process.ts";
import { sanitizeHtml } from "../../../crawler/sanitize.ts";
import { findUnsafe } from "../../helpers/html-safety.ts";
import { FEEDPARSER_CORPUS, readXssPayloads } from "../../helpers/conformance.ts";
import { makeStoredFeed } from "../../helpers/stored.ts";

const URL_BASE = "https://fuzz.example/feed.xml";
const SCALE = Number(process.env["FUZZ_RUNS"] ?? 1);
const SEED = process.env["FUZZ_SEED"] === undefined ? undefined : Number(process.env["FUZZ_SEED"]);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)), ...(SEED === undefined ? {} : { seed: SEED }) });

const CODES: readonly ParseErrorCode[] = ["empty", "not-a-feed", "unreadable", "entity-limit", "options"];

// ---------------------------------------------------------------------------------------------------------
// Seeds

const corpus: { file: string; bytes: Buffer }[] = [];
const sanitizeSeeds: string[] = [];
const records = JSON.parse(readFileSync(join(FEEDPARSER_CORPUS, "expectations.json"), "utf8")) as { file: string }[];
// A stable sample of every folder (every fifth file), plus every sanitiser case: they carry the most markup.
for (const [index, { file }] of records.entries()) {
  if (index % 5 === 0 || file.includes("/sanitize/")) corpus.push({ file, bytes: readFileSync(join(FEEDPARSER_CORPUS, file)) });
}
for (const { file, bytes } of corpus) if (file.includes("/sanitize/")) sanitizeSeeds.push(bytes.toString("utf8"));
const payloads = readXssPayloads().map((p) => p.payload);

/** Snippets that make XML parsers work hard or take wrong turns. */
const XML_SNIPPETS = [
  "<!DOCTYPE rss [<!ENTITY a \"&b;&b;\"><!ENTITY b \"&c;&c;\"><!ENTITY c \"xx\">]>", "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">",
  "<!ENTITY e SYSTEM \"http://127.0.0.1:1/x\">", "&e;", "&amp;", "&#0;", "&#x0;", "&#xD800;", "&#1114112;", "&#xFFFE;", "&nbsp;", "&unknown;", "&",
  "<![CDATA[", "]]>", "<![CDATA[<script>alert(1)</script>]]>", "<!--", "-->", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "<?pi x?>",
  "<item>", "</item>", "<entry>", "</entry>", "<channel>", "</rss>", "<title>", "</title>", "<link>javascript:alert(1)</link>",
  "<description>", "</description>", "<content:encoded>", "<summary type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">",
  "<content type=\"html\">&lt;img src=x onerror=alert(1)&gt;</content>", " xml:base=\"javascript:alert(1)//\"", " xmlns=\"\"", " xmlns:a=\"urn:a\"",
  " a=\"1\" a=\"2\"", "<a:b:c>", "<1bad>", "<", ">", "\"", "'", "\u0000", "\u0001", "\uFFFE", "\uFEFF", "\u0085", "\u2028", "\r", "\r\n",
  "<pubDate>Sat, 01 Jan 0000 00:00:00 GMT</pubDate>", "<updated>9999-99-99T99:99:99Z</updated>", "<guid>", "<enclosure url=\"data:text/html,x\"/>",
  "<x>".repeat(600), "</x>".repeat(600), "\"".repeat(50), "é", "\ud800", "日本",
];

const HTML_SNIPPETS = [
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "<a href=\"java&#x09;script:alert(1)\">",
  "<a href=\" &#14; javascript:alert(1)\">", "<svg><script>alert(1)</script></svg>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<style>@import 'x'</style>", "<p style=\"background:url(x)\">",
  "<iframe srcdoc=\"<script>alert(1)</script>\">", "<form action=\"javascript:alert(1)\"><button>", "<object data=\"x\">", "<embed src=x>",
  "<base href=\"javascript:/\">", "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">", "<link rel=stylesheet href=x>",
  "<img srcset=\"javascript:alert(1) 1x, x 2x\">", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img src=\"data:image/png;base64,AAAA\">",
  "<video poster=javascript:alert(1)>", "<source src=vbscript:x>", "<details open ontoggle=alert(1)>", "<template><script>alert(1)</script></template>",
  "<textarea><script>alert(1)</script></textarea>", "<xmp><script>", "<!--<img src=x onerror=alert(1)>-->", "<![CDATA[<img src=x onerror=alert(1)>]]>",
  "<select><style><img src=x onerror=alert(1)></style></select>", "<table><td><a href=\"data:text/html,x\">", "<p", "</", "<<", "=\"", "'",
  "&lt;script&gt;", "&#60;script&#62;", "<blockquote cite=\"javascript:alert(1)\">", "<q cite=data:text/html,x>", "<div id=x name=y class=z>",
  "<a href=\"//evil.example\">", "<a href=\"#top\">", "<a href=\"mailto:a@b.example\">", "<img width=1 height=1 src=https://t.example/p.gif>",
];

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

/** One edit of a text: insert a snippet, delete or duplicate a slice, or swap two slices. */
const edit = (snippets: readonly string[]) => fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...snippets) }, { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: "binary" }) }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.nat({ max: 64 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.nat({ max: 256 }) }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat(), length: fc.nat({ max: 128 }) }),
);
type Edit = typeof edit extends (s: readonly string[]) => fc.Arbitrary<infer E> ? E : never;

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = e.at % (out.length + 1);
    if (e.kind === "insert") out = out.slice(0, at) + e.text + out.slice(at);
    else if (e.kind === "delete") out = out.slice(0, at) + out.slice(at + e.length);
    else if (e.kind === "duplicate") out = out.slice(0, at + e.length) + out.slice(at, at + e.length) + out.slice(at + e.length);
    else {
      const other = e.other % (out.length + 1);
      const [a, b] = at < other ? [at, other] : [other, at];
      if (a + e.length <= b) out = out.slice(0, a) + out.slice(b, b + e.length) + out.slice(a + e.length, b) + out.slice(a, a + e.length) + out.slice(b + e.length);
    }
  }
  return out;
}

/** The text as bytes in one of the encodings feeds arrive in (a BOM or not, a matching declaration or not). */
const ENCODINGS = ["utf8", "utf8-bom", "utf16le", "utf16le-bom", "utf16be-bom", "latin1"] as const;
function encode(text: string, encoding: (typeof ENCODINGS)[number]): Buffer {
  switch (encoding) {
    case "utf8": return Buffer.from(text, "utf8");
    case "utf8-bom": return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    case "utf16le": return Buffer.from(text, "utf16le");
    case "utf16le-bom": return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf16be-bom": return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);
    case "latin1": return Buffer.from(text, "latin1");
  }
}

const CONTENT_TYPES = [undefined, "application/rss+xml", "application/atom+xml; charset=iso-8859-1", "text/xml; charset=utf-16", "text/html", "application/json", "application/feed+json", "application/octet-stream; charset=bogus"];

const mutatedFeed = fc.record({
  seed: fc.constantFrom(...corpus.map((c) => c.bytes.toString("latin1"))),
  edits: fc.array(edit(XML_SNIPPETS), { minLength: 1, maxLength: 8 }),
  encoding: fc.constantFrom(...ENCODINGS),
  contentType: fc.constantFrom(...CONTENT_TYPES),
}).map(({ seed, edits, encoding, contentType }) => ({ bytes: encode(applyEdits(Buffer.from(seed, "latin1").toString("utf8"), edits), encoding), contentType }));

/** A JSON Feed whose fields hold anything JSON can (wrong types, nesting, hostile strings). */
const jsonFeed = fc.record({
  version: fc.oneof(fc.constant("https://jsonfeed.org/version/1.1"), fc.constant("https://jsonfeed.org/version/1"), fc.jsonValue()),
  title: fc.oneof(fc.string(), fc.jsonValue()),
  home_page_url: fc.oneof(fc.constantFrom("javascript:alert(1)", "https://ok.example/", "//x", "data:text/html,x"), fc.jsonValue()),
  items: fc.oneof(fc.array(fc.record({
    id: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
    url: fc.oneof(fc.constantFrom("javascript:alert(1)", "https://ok.example/p", " vbscript:x"), fc.jsonValue()),
    content_html: fc.oneof(fc.constantFrom(...HTML_SNIPPETS, ...payloads), fc.jsonValue()),
    content_text: fc.oneof(fc.string(), fc.jsonValue()),
    date_published: fc.oneof(fc.constantFrom("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "-271821-04-19T00:00:00Z", "2025-13-45"), fc.jsonValue()),
    authors: fc.jsonValue(),
    attachments: fc.jsonValue(),
  }, { requiredKeys: [] }), { maxLength: 5 }), fc.jsonValue()),
}, { requiredKeys: ["version"] }).map((feed) => Buffer.from(JSON.stringify(feed)));

/** HTML built from hostile snippets, DOMPurify payloads, random text, and mutations of both. */
const hostileHtml = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...HTML_SNIPPETS), fc.constantFrom(...payloads), fc.string({ maxLength: 20 })), { maxLength: 8 }).map((parts) => parts.join("")),
  fc.record({ base: fc.constantFrom(...payloads, ...HTML_SNIPPETS), edits: fc.array(edit([...HTML_SNIPPETS, ...XML_SNIPPETS]), { maxLength: 6 }) }).map(({ base, edits }) => applyEdits(base, edits)),
  ...(sanitizeSeeds.length > 0 ? [fc.record({ base: fc.constantFrom(...sanitizeSeeds), edits: fc.array(edit(HTML_SNIPPETS), { maxLength: 4 }) }).map(({ base, edits }) => applyEdits(base, edits))] : []),
);

const BASES = [URL_BASE, "http://fuzz.example/a/b/", "https://fuzz.example/?q=1#f", "about:blank", "javascript:alert(1)", "data:text/html,x", "not a url"];

// ---------------------------------------------------------------------------------------------------------

/** The parser's contract: a feed, or a ParseError with a documented code (never "internal": that is a bug). */
function checkParse(bytes: Uint8Array, contentType?: string): void {
  try {
    const feed = parseFeed(bytes, { url: URL_BASE, contentType });
    assert.ok(Array.isArray(feed.entries));
    assert.type(feed.bozo, "boolean");
  } catch (error) {
    if (!(error instanceof ParseError)) throw new Error(`untyped ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    if (!CODES.includes(error.code)) throw new Error(`ParseError with code ${error.code}: ${error.message}`, { cause: error });
  }
}

const parser = suite("fuzz: the parser");

parser("the corpus and the payloads are there to seed from", () => {
  assert.ok(corpus.length > 300, `${corpus.length} corpus feeds`);
  assert.ok(sanitizeSeeds.length > 50, `${sanitizeSeeds.length} sanitiser cases`);
  assert.is(payloads.length, 223);
});

parser("XML-aware mutations of corpus feeds, in any encoding and Content-Type: a feed or a documented ParseError", () => {
  fc.assert(fc.property(mutatedFeed, ({ bytes, contentType }) => checkParse(bytes, contentType)), runs(600));
});

parser("JSON Feeds with anything in their fields: a feed or a documented ParseError", () => {
  fc.assert(fc.property(jsonFeed, fc.constantFrom(...CONTENT_TYPES), (bytes, contentType) => checkParse(bytes, contentType)), runs(300));
});

parser.run();

// ---------------------------------------------------------------------------------------------------------

const sanitiser = suite("fuzz: the sanitiser");

sanitiser("sanitizeHtml output is always safe, whatever the markup and the base URL", () => {
  fc.assert(fc.property(hostileHtml, fc.constantFrom(...BASES), (html, baseUrl) => {
    const problems = findUnsafe(sanitizeHtml(html, { baseUrl }));
    if (problems.length > 0) throw new Error(`unsafe output (${problems.join("; ")}) for ${JSON.stringify(html)} at ${baseUrl}`);
  }), runs(800));
});

sanitiser("sanitising twice changes nothing unsafe either (no mutation XSS through a second pass)", () => {
  fc.assert(fc.property(hostileHtml, (html) => {
    const once = sanitizeHtml(html, { baseUrl: URL_BASE });
    assert.equal(findUnsafe(sanitizeHtml(once, { baseUrl: URL_BASE })), []);
  }), runs(300));
});

const authenticator = new Authenticator();
const FEED: StoredFeed = makeStoredFeed(URL_BASE, { id: feedIdOf(URL_BASE) });

/** What the crawl stores for a body: every entry's sanitised HTML must be safe. */
function checkProcessed(body: Uint8Array, contentType: string | null): void {
  let output;
  try {
    output = processFeedBody({ feed: FEED, body, url: URL_BASE, contentType, now: "2026-01-01T00:00:00.000Z" }, authenticator);
  } catch (error) {
    if (error instanceof ParseError && CODES.includes(error.code)) return;
    throw error;
  }
  for (const entry of output.entries) {
    const problems = findUnsafe(entry.html);
    if (problems.length > 0) throw new Error(`stored entry ${entry.key} is unsafe: ${problems.join("; ")}`);
  }
}

/** An RSS or Atom feed whose entries carry hostile HTML in every place a body can come from. */
const hostileFeed = fc.record({
  format: fc.constantFrom("rss", "atom"),
  bodies: fc.array(hostileHtml, { minLength: 1, maxLength: 4 }),
  base: fc.constantFrom("https://fuzz.example/", "javascript:alert(1)//", "data:text/html,x", ""),
  edits: fc.array(edit(XML_SNIPPETS), { maxLength: 3 }),
}).map(({ format, bodies, base, edits }) => {
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
  const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
  const xml = format === "rss"
    ? `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>F</title>${bodies.map((b, i) =>
      `<item><guid>g${i}</guid><title>${escape(b)}</title><description>${escape(b)}</description><content:encoded>${cdata(b)}</content:encoded></item>`).join("")}</channel></rss>`
    : `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="${escape(base)}"><title>F</title>${bodies.map((b, i) =>
      `<entry><id>e${i}</id><title type="html">${escape(b)}</title><summary type="html">${escape(b)}</summary><content type="xhtml" xml:base="${escape(base)}"><div xmlns="http://www.w3.org/1999/xhtml">${b}</div></content></entry>`).join("")}</feed>`;
  return Buffer.from(applyEdits(xml, edits));
});

sanitiser("every entry body the processing step stores is safe: hostile feeds, and mutated corpus feeds", () => {
  fc.assert(fc.property(hostileFeed, (body) => checkProcessed(body, "application/xml")), runs(250));
  fc.assert(fc.property(mutatedFeed, ({ bytes, contentType }) => checkProcessed(bytes, contentType ?? null)), runs(250));
  fc.assert(fc.property(jsonFeed, (bytes) => checkProcessed(bytes, "application/feed+json")), runs(150));
});

sanitiser.run();
