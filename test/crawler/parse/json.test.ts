import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isJsonFeed, mapJsonFeed, readJson } from "../../../crawler/parse/json.ts";

const URL = "https://fixture.example/json-feed-1.1.json";
const fixture = readFileSync(new globalThis.URL("../../fixtures/feeds/json-feed-1.1.json", import.meta.url), "utf8");

test("JSON Feed 1.1: feed fields, authors, hubs, relative URLs", () => {
  const json = readJson(fixture);
  assert.ok(json && isJsonFeed(json.value));
  const feed = mapJsonFeed(json.value as Record<string, unknown>, URL);
  assert.is(feed.version, "1.1");
  assert.equal(feed.title, { value: "JSON capsule", type: "text", base: URL, language: "en-GB" });
  assert.is(feed.siteUrl, "https://json.example/");
  assert.is(feed.feedUrl, "https://json.example/feed.json");
  assert.is(feed.image?.url, "https://fixture.example/icon.png");
  assert.is(feed.icon, "https://fixture.example/favicon.ico");
  assert.equal(feed.authors, [{ name: "Jay", email: null, url: "https://json.example/about" }]);
  assert.equal(feed.hubs, ["https://hub.example/"]);
});

test("JSON Feed items: html and text content, dates, tags, attachments, numeric ids", () => {
  const feed = mapJsonFeed(readJson(fixture)!.value as Record<string, unknown>, URL);
  const [second, first] = feed.entries;
  assert.equal([second?.content?.type, second?.summary?.value], ["html", "The second item"]);
  assert.is(second?.updated?.toISOString(), "2024-03-02T08:00:00.000Z");
  assert.equal(second?.categories.map((category) => category.term), ["json", "capsule"]);
  assert.equal(second?.enclosures, [{ url: "https://fixture.example/audio.mp3", type: "audio/mpeg", length: 12_000_000 }]);
  assert.is(first?.guid, "1", "numeric ids become strings");
  assert.equal([first?.content?.value, first?.content?.type], ["First, plain text.", "text"]);
  assert.equal(first?.authors.map((author) => author.name), ["Jay"], "items inherit the feed's authors");
});

test("JSON Feed 1.0 author, and fields of the wrong type are ignored one by one", () => {
  const feed = mapJsonFeed({ version: "https://jsonfeed.org/version/1", title: 42, author: { name: "Old" },
    items: [{ id: { no: 1 }, title: ["x"], url: 7, tags: "nope", attachments: [{ url: 1 }], date_published: "never" }, "junk"] }, URL);
  assert.is(feed.version, "1");
  assert.is(feed.title, null);
  assert.equal(feed.authors.map((author) => author.name), ["Old"]);
  assert.is(feed.entries.length, 1);
  const entry = feed.entries[0];
  assert.equal([entry?.guid, entry?.title, entry?.url, entry?.published, entry?.categories, entry?.enclosures], [null, null, null, null, [], []]);
});

test("invalid JSON from the wild is repaired once; hopeless JSON is undefined", () => {
  const repaired = readJson('{"version":"https://jsonfeed.org/version/1.1","title":"line\nbreak","items":[{"id":"1",},],}');
  assert.ok(repaired);
  assert.equal(repaired.repairs.length, 1);
  assert.is((repaired.value as { title: string }).title, "line\nbreak");
  assert.is(readJson("{nope"), undefined);
  assert.not.ok(isJsonFeed({ hello: "world" }));
  assert.not.ok(isJsonFeed([1, 2]));
});

test.run();
