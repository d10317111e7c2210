import { test } from "uvu";
import * as assert from "uvu/assert";
import { NotAFeedError, ParseError } from "../../../crawler/errors.ts";
import { detectXmlFormat, findAdvertisedFeeds, sniffSyntax } from "../../../crawler/parse/detect.ts";
import { readXml } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";

const URL = "https://site.example/blog/";
const rootOf = (text: string) => readXml(text, { lenient: false, url: URL }).root;

test("XML and JSON are told apart from the first characters", () => {
  assert.is(sniffSyntax('  {"version":"https://jsonfeed.org/version/1.1"}', undefined, URL), "json");
  assert.is(sniffSyntax('<?xml version="1.0"?><rss/>', undefined, URL), "xml");
  assert.is(sniffSyntax("Warning: PHP notice\n<rss version=\"2.0\"/>", undefined, URL), "xml", "junk before the root");
  assert.is(sniffSyntax('<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss/>', undefined, URL), "xml",
    "an HTML doctype in front of a feed root is not a page");
  assert.is(sniffSyntax("<rss/>", "text/html", URL), "xml", "a feed mislabelled text/html still parses");
});

test("an HTML page is not a feed, and the error names the feeds it advertises", () => {
  const page = `<!doctype html><html><head><base href="https://cdn.site.example/">
    <link rel="alternate" type="application/rss+xml" href="feed.xml"><link rel="alternate" type="application/atom+xml" href="/atom.xml?a=1&amp;b=2">
    <link rel="alternate" hreflang="fr" href="/fr/"><link rel="stylesheet" href="s.css"></head><body></body></html>`;
  try {
    sniffSyntax(page, "text/html; charset=utf-8", URL);
    assert.unreachable("should throw");
  } catch (error) {
    assert.instance(error, NotAFeedError);
    const notAFeed = error as NotAFeedError;
    assert.is(notAFeed.code, "not-a-feed");
    assert.equal(notAFeed.advertised, ["https://cdn.site.example/feed.xml", "https://cdn.site.example/atom.xml?a=1&b=2"]);
    assert.match(notAFeed.message, /^parse: not a feed \(an HTML page, it advertises https:\/\/cdn\.site\.example\/feed\.xml /);
    assert.match(notAFeed.hint ?? "", /follow https:\/\/cdn\.site\.example\/feed\.xml/);
  }
  assert.throws(() => sniffSyntax("<html><body>hi</body></html>", undefined, URL), (error: unknown) => error instanceof NotAFeedError && error.advertised.length === 0);
});

test("empty bodies and non-markup are typed errors", () => {
  assert.throws(() => sniffSyntax(" \n\t", undefined, URL), (error: unknown) => error instanceof ParseError && error.code === "empty");
  assert.throws(() => sniffSyntax("%PDF-1.7 ...", undefined, URL), (error: unknown) => error instanceof NotAFeedError && /neither XML nor JSON/.test(error.message));
});

test("findAdvertisedFeeds accepts JSON feeds and unquoted attributes, and skips other schemes", () => {
  assert.equal(findAdvertisedFeeds("<link rel=alternate type=application/feed+json href=/feed.json><link rel=alternate type=application/rss+xml href=javascript:x>", URL),
    ["https://site.example/feed.json"]);
});

test("the XML format comes from the root element", () => {
  assert.equal(detectXmlFormat(rootOf('<rss version="2.0"/>'), URL), { format: "rss", ns: NS.rss });
  assert.equal(detectXmlFormat(rootOf('<feed xmlns="http://www.w3.org/2005/Atom"/>'), URL), { format: "atom", ns: NS.atom });
  assert.equal(detectXmlFormat(rootOf('<feed version="0.3" xmlns="http://purl.org/atom/ns#"/>'), URL), { format: "atom", ns: NS.atom03 });
  assert.equal(detectXmlFormat(rootOf('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel/></rdf:RDF>'), URL), { format: "rdf", ns: NS.rss10 });
  assert.equal(detectXmlFormat(rootOf('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel/></rdf:RDF>'), URL), { format: "rdf", ns: NS.rss090 });
  assert.throws(() => detectXmlFormat(rootOf("<opml/>"), URL), /an OPML file/);
  assert.throws(() => detectXmlFormat(rootOf("<svg/>"), URL), /root element is <svg>/);
});

test.run();
