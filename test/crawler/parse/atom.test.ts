import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mapAtom } from "../../../crawler/parse/atom.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

const URL = "https://atom.example/feed.atom";
const map = (text: string) => mapAtom(readXml(text, { lenient: false, url: URL }).root);
const fixture = (name: string) => readFileSync(new globalThis.URL(`../../fixtures/feeds/${name}`, import.meta.url), "utf8");

test("Atom 1.0: text constructs keep their type; xhtml loses its wrapper div", () => {
  const feed = map(`<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;lt;b&amp;gt;</title>
    <subtitle type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Sub <b>title</b></div></subtitle>
    <entry><title>History of the &lt;blink&gt; tag</title><content type="text">1 &lt; 2</content>
    <summary type="html">&lt;p&gt;Para&lt;/p&gt;</summary></entry></feed>`);
  assert.is(feed.version, "1.0");
  assert.equal([feed.title?.value, feed.title?.type], ["A &lt;b&gt;", "html"]);
  assert.equal([feed.description?.value, feed.description?.type], ["Sub <b>title</b>", "html"]);
  const entry = feed.entries[0];
  assert.equal([entry?.title?.value, entry?.title?.type], ["History of the <blink> tag", "text"]);
  assert.equal([entry?.content?.value, entry?.content?.type], ["1 < 2", "text"]);
  assert.equal([entry?.summary?.value, entry?.summary?.type], ["<p>Para</p>", "html"]);
});

test("links, alternate preference, self, hub, enclosures, people with inheritance", () => {
  const feed = map(`<feed xmlns="http://www.w3.org/2005/Atom"><author><name>Feed Author</name></author>
    <link rel="self" href="/feed.atom"/><link rel="hub" href="https://hub.example/"/>
    <link rel="alternate" type="application/json" href="/feed.json"/><link rel="alternate" type="text/html" href="/"/>
    <entry><id>urn:1</id><link href="/one"/><link rel="enclosure" type="audio/mpeg" length="42" href="/one.mp3"/>
      <contributor><name>C</name><email>c@atom.example</email><uri>/c</uri></contributor></entry>
    <entry><id>urn:2</id><author><name>Own</name></author></entry></feed>`);
  assert.is(feed.feedUrl, "https://atom.example/feed.atom");
  assert.is(feed.siteUrl, "https://atom.example/", "the HTML alternate wins over the JSON one");
  assert.equal(feed.hubs, ["https://hub.example/"]);
  const [first, second] = feed.entries;
  assert.is(first?.url, "https://atom.example/one");
  assert.equal(first?.enclosures, [{ url: "https://atom.example/one.mp3", type: "audio/mpeg", length: 42 }]);
  assert.equal(first?.authors, [{ name: "Feed Author", email: null, url: null }], "inherited from the feed");
  assert.equal(first?.contributors, [{ name: "C", email: "c@atom.example", url: "https://atom.example/c" }]);
  assert.equal(second?.authors.map((author) => author.name), ["Own"]);
});

test("Atom 0.3: tagline, copyright, modified, issued, base64 and escaped modes", () => {
  const feed = map(fixture("atom-0.3.xml"));
  assert.is(feed.version, "0.3");
  assert.equal([feed.description?.value, feed.description?.type], ["<b>Still</b> online", "html"]);
  assert.is(feed.rights?.value, "© 2004 Old Example");
  assert.is(feed.updated?.toISOString(), "2004-01-01T19:48:21.000Z");
  assert.equal(feed.authors, [{ name: "Pat", email: "pat@old.example", url: "http://old.example/pat" }]);
  const entry = feed.entries[0];
  assert.equal([entry?.title?.value, entry?.title?.type], ["Example <b>Atom</b>", "html"]);
  assert.equal([entry?.summary?.value, entry?.summary?.type], ["Plain <text> summary", "text"]);
  assert.is(entry?.content?.value, "<div><p>Inline <i>XHTML</i></p></div>");
  assert.is(entry?.published?.toISOString(), "2004-01-01T17:00:00.000Z");
  assert.is(entry?.language, "en", "xml:lang on the feed is in scope for the entry");
  assert.is(entry?.title?.language, "en");
});

test("entry source, categories, rights and threading", () => {
  const feed = map(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
    <entry><category term="t" scheme="https://s.example/" label="Tag"/><rights>CC</rights>
    <thr:in-reply-to ref="urn:parent" href="/parent" type="text/html"/>
    <source><id>urn:origin</id><title>Origin</title><link rel="self" href="https://origin.example/feed"/><author><name>O</name></author></source></entry></feed>`);
  const entry = feed.entries[0];
  assert.equal(entry?.categories, [{ term: "t", scheme: "https://s.example/", label: "Tag" }]);
  assert.is(entry?.rights?.value, "CC");
  assert.equal(entry?.inReplyTo, [{ ref: "urn:parent", href: "https://atom.example/parent", type: "text/html", source: null }]);
  assert.is(entry?.source?.title?.value, "Origin");
  assert.is(entry?.source?.feedUrl, "https://origin.example/feed");
  assert.equal(entry?.authors.map((author) => author.name), ["O"], "an entry without authors takes its source's");
});

test("relative URLs use xml:base on the element or any ancestor", () => {
  const feed = mapAtom(readXml(fixture("relative-urls-xml-base.xml"), { lenient: false, url: "https://fixture.example/f.xml" }).root);
  assert.is(feed.siteUrl, "https://base.example/blog/");
  assert.is(feed.feedUrl, "https://base.example/feed.atom");
  assert.is(feed.icon, "https://base.example/blog/favicon.ico");
  const [first, second] = feed.entries;
  assert.is(first?.url, "https://base.example/blog/2024/post.html");
  assert.is(first?.enclosures[0]?.url, "https://base.example/blog/audio/a.mp3");
  assert.is(first?.authors[0]?.url, "https://base.example/authors/bo");
  assert.is(first?.content?.base, "https://cdn.example/assets/");
  assert.is(first?.summary?.base, "https://base.example/blog/2024/");
  assert.is(second?.url, "https://base.example/blog/safe.html", "a javascript: xml:base is ignored");
});

test.run();
