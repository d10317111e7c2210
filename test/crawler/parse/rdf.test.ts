import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mapRdf } from "../../../crawler/parse/rdf.ts";
import { readXml } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";

const URL = "https://fixture.example/rdf-rss-1.0.rdf";
const root = (text: string) => readXml(text, { lenient: false, url: URL }).root;

test("RSS 1.0: channel, image beside the channel, items beside the channel", () => {
  const feed = mapRdf(root(readFileSync(new globalThis.URL("../../fixtures/feeds/rdf-rss-1.0.rdf", import.meta.url), "utf8")), NS.rss10);
  assert.is(feed.version, "1.0");
  assert.is(feed.title?.value, "RDF Site");
  assert.is(feed.id, "https://rdf.example/index.rdf");
  assert.is(feed.siteUrl, "https://rdf.example/");
  assert.is(feed.language, "de");
  assert.is(feed.image?.url, "https://rdf.example/logo.png");
  assert.is(feed.entries.length, 2);
  const [first, second] = feed.entries;
  assert.is(first?.guid, "https://rdf.example/1");
  assert.equal([first?.summary?.value, first?.summary?.language], ["Erster <b>Eintrag</b>", "de"]);
  assert.is(first?.published?.toISOString(), "2024-02-03T03:05:06.000Z");
  assert.equal(first?.authors.map((author) => author.name), ["Grete"]);
  assert.equal(first?.categories.map((category) => category.term), ["rdf"]);
  assert.is(second?.content?.value, "<p>Full text</p>");
});

test("RSS 0.90 uses the Netscape namespace", () => {
  const feed = mapRdf(root(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
    <channel><title>Old</title><link>http://old.example/</link></channel><item><title>I</title><link>http://old.example/i</link></item></rdf:RDF>`), NS.rss090);
  assert.is(feed.version, "0.90");
  assert.is(feed.title?.value, "Old");
  assert.is(feed.entries[0]?.url, "http://old.example/i");
});

test.run();
