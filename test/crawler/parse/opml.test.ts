import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ParseError } from "../../../crawler/errors.ts";
import { readOpmlFeeds } from "../../../crawler/parse/opml.ts";

const test = suite("crawler/parse/opml");
const URL = "https://me.example/following.opml";

function failure(text: string): ParseError {
  try {
    readOpmlFeeds(text, { url: URL });
  } catch (error) {
    assert.instance(error, ParseError);
    return error as ParseError;
  }
  return assert.unreachable("expected a ParseError") as never;
}

test("reads every outline with an xmlUrl, in folders too, relative to xml:base and the list's URL", () => {
  const feeds = readOpmlFeeds(`<?xml version="1.0"?>
<opml version="2.0"><head><title>Who I follow</title></head><body>
  <outline text="Alice &amp; co" xmlUrl="https://alice.example/feed.xml"/>
  <outline text="Folder">
    <outline title="Bob" text="ignored" xmlUrl="/bob.xml"/>
    <outline xml:base="https://carol.example/blog/" text="Carol" xmlUrl="feed.xml"/>
  </outline>
</body></opml>`, { url: URL });
  assert.equal(feeds, [
    { url: "https://alice.example/feed.xml", name: "Alice & co" },
    { url: "https://me.example/bob.xml", name: "Bob" },
    { url: "https://carol.example/blog/feed.xml", name: "Carol" },
  ]);
});

test("drops what is not http(s), keeps the first of duplicates, and stops at maxFeeds", () => {
  const text = `<opml version="2.0"><body>
<outline xmlUrl="javascript:alert(1)"/><outline xmlUrl="file:///etc/passwd"/><outline xmlUrl="  "/>
<outline text="first" xmlUrl="https://a.example/f"/><outline text="second" xmlUrl="https://a.example/f"/>
<outline xmlUrl="https://b.example/f"/><outline xmlUrl="https://c.example/f"/></body></opml>`;
  assert.equal(readOpmlFeeds(text, { url: URL }).map((f) => [f.url, f.name]), [["https://a.example/f", "first"], ["https://b.example/f", null], ["https://c.example/f", null]]);
  assert.is(readOpmlFeeds(text, { url: URL, maxFeeds: 2 }).length, 2);
});

test("a list that follows nobody is an empty list, not an error (feedsmith rejects it)", () => {
  assert.equal(readOpmlFeeds(`<opml version="2.0"><body></body></opml>`, { url: URL }), []);
  assert.equal(readOpmlFeeds(`\uFEFF<opml version="2.0"><head/><body/></opml>`, { url: URL }), []);
});

test("broken XML is read leniently, as feeds are", () => {
  const feeds = readOpmlFeeds(`<opml><body><outline text="AT&T" xmlUrl="https://att.example/feed?a=1&b=2"/><outline xmlUrl="https://x.example/f">`, { url: URL });
  assert.equal(feeds.map((f) => f.url), ["https://att.example/feed?a=1&b=2", "https://x.example/f"]);
});

test("an HTML page, garbage, an empty body and an entity bomb are ParseErrors with their codes", () => {
  assert.is(failure("<!doctype html><html><body>Not found</body></html>").code, "not-a-feed");
  assert.match(failure("<html><body>Not found</body></html>").message, /^parse: not a follow list \(a <html> document, not OPML\): https:\/\/me\.example\/following\.opml$/);
  assert.is(failure("this is not XML at all").code, "unreadable");
  assert.is(failure("  \n").code, "empty");
  const bomb = `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "${"x".repeat(1000)}"><!ENTITY b "${"&a;".repeat(1000)}"><!ENTITY c "${"&b;".repeat(1000)}">]><opml><body><outline text="&c;" xmlUrl="https://a.example/"/></body></opml>`;
  assert.is(failure(bomb).code, "entity-limit");
});

test.run();
