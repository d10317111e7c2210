import { test } from "uvu";
import * as assert from "uvu/assert";
import { readCategories, readDate, readFirstPeople, readItemLinks, readSource } from "../../../crawler/parse/rss-elements.ts";
import { readXml } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";
import { findChild } from "../../../crawler/parse/xml-tree.ts";

const item = (inner: string) => readXml(`<item xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">${inner}</item>`,
  { lenient: false, url: "https://r.example/feed" }).root;

test("links keep document order: <link>, <enclosure>, then atom:link", () => {
  const links = readItemLinks(item('<enclosure url="/e.mp3" type="audio/mpeg" length="9"/><link>/page</link><atom:link rel="replies" href="/c"/>'), "");
  assert.equal(links.map((link) => [link.rel, link.href]), [["enclosure", "https://r.example/e.mp3"], ["alternate", "https://r.example/page"], ["replies", "https://r.example/c"]]);
});

test("dates fall back in order and skip unreadable values", () => {
  const element = item("<pubDate>garbage</pubDate><dc:date>2024-05-06T07:08:09Z</dc:date>");
  assert.is(readDate(element, ["", "pubdate"], [NS.dc, "date"])?.toISOString(), "2024-05-06T07:08:09.000Z");
  assert.is(readDate(element, ["", "missing"]), null);
});

test("people come from the first element present, with all its repeats", () => {
  const element = item("<dc:creator>First</dc:creator><dc:creator>Second</dc:creator><author>a@r.example</author>");
  assert.equal(readFirstPeople(element, ["", "author"], [NS.dc, "creator"]).map((person) => person.email ?? person.name), ["a@r.example"]);
  assert.equal(readFirstPeople(element, [NS.dc, "creator"]).map((person) => person.name), ["First", "Second"]);
});

test("categories from several vocabularies, nested text ignored, duplicates dropped", () => {
  const element = item('<category domain="d">a<image/></category><dc:subject>b</dc:subject><category>a</category><media:category label="L">c</media:category>');
  assert.equal(readCategories(element, "").map((category) => [category.term, category.scheme]), [["a", "d"], ["a", null], ["b", null], ["c", "http://search.yahoo.com/mrss/category_schema"]]);
});

test("<source url> names the feed an item came from", () => {
  const source = readSource(findChild(item('<source url="https://origin.example/rss">Origin</source>'), "", "source"), { language: null });
  assert.is(source?.title?.value, "Origin");
  assert.is(source?.feedUrl, "https://origin.example/rss");
});

test.run();
