import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NotAFeedError, ParseError } from "../../../crawler/errors.ts";
import { parseFeed } from "../../../crawler/parse/index.ts";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url));
const at = (name: string) => ({ url: `https://fixture.example/${name}` });

test("a capsule-signed RSS feed: format, signed envelopes raw and unverified, well formed", () => {
  const feed = parseFeed(fixture("capsule-signed-rss.xml"), at("capsule-signed-rss.xml"));
  assert.equal([feed.format, feed.version, feed.encoding, feed.bozo], ["rss", "2.0", "utf-8", false]);
  assert.equal(feed.bozoReasons, []);
  assert.is(feed.capsule?.identity?.id, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
  assert.is(feed.capsule?.envelopes.length, 3);
  assert.equal(feed.entries.map((entry) => entry.capsule?.signature ?? null), ["ZW50cnktc2lnbmF0dXJlLTE", "ZW50cnktc2lnbmF0dXJlLTI", null]);
});

test("each format through the one entry point", () => {
  assert.equal([parseFeed(fixture("atom-0.3.xml"), at("a")).format, parseFeed(fixture("atom-0.3.xml"), at("a")).version], ["atom", "0.3"]);
  assert.is(parseFeed(fixture("rdf-rss-1.0.rdf"), at("r")).format, "rdf");
  const json = parseFeed(fixture("json-feed-1.1.json"), { url: "https://fixture.example/feed.json", contentType: "application/feed+json" });
  assert.equal([json.format, json.version, json.bozo], ["json", "1.1", false]);
  assert.is(json.entries[0]?.capsule?.payload, "eyJpZCI6IjIifQ");
});

test("strings are accepted as already-decoded text", () => {
  const feed = parseFeed("\uFEFF<rss><channel><title>Text in</title></channel></rss>", { url: "https://s.example/" });
  assert.is(feed.title?.value, "Text in");
  assert.is(feed.encoding, "");
});

test("broken XML is read leniently and marked bozo with the reasons", () => {
  const feed = parseFeed(fixture("broken-bare-ampersand-and-nbsp.xml"), at("broken.xml"));
  assert.ok(feed.bozo);
  assert.match(feed.bozoReasons[0] ?? "", /^not well-formed XML: a bare `&` \(line 4/);
  assert.ok(feed.bozoReasons.includes("replaced 5 HTML entities XML does not define"), feed.bozoReasons.join(" | "));
  assert.is(feed.title?.value, "Tom & Jerry\u00a0Weekly");
  assert.is(feed.siteUrl, "https://tj.example/?a=1&b=2");
  assert.is(feed.description?.value, "Café news — © 2024 &madeup; AT&T");
  assert.is(feed.entries[0]?.summary?.value, "Kept as written inside CDATA: & &nbsp; <b>bold</b>");
});

test("a wrong declared encoding and UTF-16 without BOM", () => {
  const cp1252 = parseFeed(fixture("windows-1252-declared-utf8.xml"), at("w.xml"));
  assert.equal([cp1252.encoding, cp1252.bozo, cp1252.title?.value], ["windows-1252", true, "Café “quotes” – don’t"]);
  assert.is(cp1252.entries[0]?.title?.value, "Naïve résumé € 5");
  const utf16 = parseFeed(fixture("utf16le-no-bom.xml"), at("u.xml"));
  assert.equal([utf16.encoding, utf16.bozo, utf16.title?.value], ["utf-16le", false, "UTF-16 without BOM: héllo ✓ 日本"]);
});

test("a feed served as text/plain or text/html still parses, marked bozo", () => {
  const plain = parseFeed("<rss><channel><title>t</title></channel></rss>", { url: "https://s.example/", contentType: "text/plain" });
  assert.ok(plain.bozo);
  assert.equal(plain.bozoReasons, ["served as text/plain, not as a feed media type"]);
  assert.not.ok(parseFeed("<rss/>", { url: "https://s.example/", contentType: "application/rss+xml; charset=utf-8" }).bozo);
});

test("errors are typed ParseErrors with miniflux-style messages and no credentials", () => {
  const url = "https://user:secret@fixture.example/page";
  try {
    parseFeed(fixture("html-page-advertising-feeds.html"), { url, contentType: "text/html" });
    assert.unreachable("should throw");
  } catch (error) {
    assert.instance(error, NotAFeedError);
    assert.match((error as Error).message, /^parse: not a feed \(an HTML page, it advertises https:\/\/fixture\.example\/feed\.xml https:\/\/blog\.example\/atom\.xml\): https:\/\/fixture\.example\/page$/);
    assert.not.match((error as Error).message, /secret/);
  }
  const codeOf = (input: string, url = "https://s.example/") => {
    try {
      parseFeed(input, { url });
      return "none";
    } catch (error) {
      return error instanceof ParseError ? error.code : "untyped";
    }
  };
  assert.is(codeOf(""), "empty");
  assert.is(codeOf("{not json"), "unreadable");
  assert.is(codeOf('{"hello":1}'), "not-a-feed");
  assert.is(codeOf("<opml version=\"2.0\"/>"), "not-a-feed");
  assert.is(codeOf("<rss>", "not a url"), "options");
});

test.run();
