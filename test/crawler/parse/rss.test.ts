import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mapRss } from "../../../crawler/parse/rss.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

const URL = "https://rss.example/feed.xml";
const map = (text: string) => mapRss(readXml(text, { lenient: false, url: URL }).root);
const fixture = (name: string) => readFileSync(new globalThis.URL(`../../fixtures/feeds/${name}`, import.meta.url), "utf8");

test("channel metadata: title, link, self, hub, language, ttl, dates", () => {
  const feed = map(fixture("capsule-signed-rss.xml"));
  assert.is(feed.version, "2.0");
  assert.equal(feed.title, { value: "Ada's capsule", type: "text", base: URL, language: "en" });
  assert.is(feed.siteUrl, "https://ada.example/");
  assert.is(feed.feedUrl, "https://ada.example/feed.xml");
  assert.equal(feed.hubs, ["https://hub.example/"]);
  assert.is(feed.ttl, 60);
  assert.is(feed.updated?.toISOString(), "2024-01-02T10:00:00.000Z");
  assert.is(feed.entries.length, 3);
});

test("items: guid, permalink rules, relative links, summary and content, authors, categories", () => {
  const [first, second, third] = map(fixture("capsule-signed-rss.xml")).entries;
  assert.is(first?.guid, "urn:capsule:entry:01HQ7Z5K3V");
  assert.is(first?.url, "https://ada.example/posts/engine/");
  assert.equal(first?.summary, { value: "A note on <em>the engine</em>.", type: "html", base: URL, language: "en" });
  assert.ok(first?.content?.value.startsWith('<p>The engine <a href="/posts/notes/">'));
  assert.equal(first?.authors, [{ name: "Ada Lovelace", email: null, url: null }]);
  assert.equal(first?.categories, [{ term: "engines", scheme: null, label: null }]);
  assert.is(first?.published?.toISOString(), "2024-01-02T09:30:00.000Z");
  assert.is(second?.url, "https://rss.example/posts/note/", "a relative <link> resolves against the feed URL");
  assert.is(third?.guid, null);
});

test("a guid is the link only when it is a permalink URL", () => {
  const feed = map(`<rss version="2.0"><channel>
    <item><guid>https://a.example/1</guid></item>
    <item><guid isPermaLink="false">https://a.example/2</guid></item>
    <item><guid>abc</guid></item>
    <item><guid>https://a.example/4</guid><link>https://a.example/four</link></item>
  </channel></rss>`);
  assert.equal(feed.entries.map((entry) => entry.url), ["https://a.example/1", null, null, "https://a.example/four"]);
});

test("RSS 0.91 without a channel, naked markup and enclosures", () => {
  const feed = map(`<rss version="0.91"><item><title>T</title><description><p>Naked <b>markup</b></p></description>
    <enclosure url="/a.mp3" length="123" type="audio/mpeg"/></item></rss>`);
  assert.is(feed.version, "0.91");
  const entry = feed.entries[0];
  assert.equal(entry?.summary?.value, "<p>Naked <b>markup</b></p>");
  assert.equal(entry?.enclosures, [{ url: "https://rss.example/a.mp3", type: "audio/mpeg", length: 123 }]);
  assert.is(entry?.links[0]?.rel, "enclosure");
});

test("titles are text unless they plainly hold HTML", () => {
  const feed = map(`<rss><channel><item><title>1 &lt; 2 &amp; AT&amp;T</title></item><item><title>&lt;b&gt;Bold&lt;/b&gt;</title></item></channel></rss>`);
  assert.equal(feed.entries.map((entry) => [entry.title?.value, entry.title?.type]), [["1 < 2 & AT&T", "text"], ["<b>Bold</b>", "html"]]);
});

test("channel people, image, categories, cloud, moves and podcast flags", () => {
  const feed = map(`<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
    <managingEditor>ed@rss.example (The Editor)</managingEditor><webMaster>web@rss.example</webMaster>
    <image><url>/logo.png</url><title>Logo</title><link>/</link><width>88</width><height>31</height><description>Alt</description></image>
    <category domain="https://tags.example/">news</category><itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category>
    <cloud domain="rpc.example" port="80" path="/RPC2" registerProcedure="notify" protocol="xml-rpc"/>
    <itunes:new-feed-url>https://moved.example/feed.xml</itunes:new-feed-url><itunes:block>Yes</itunes:block><itunes:explicit>no</itunes:explicit>
  </channel></rss>`);
  assert.equal(feed.authors, [{ name: "The Editor", email: "ed@rss.example", url: null }]);
  assert.equal(feed.publisher, { name: null, email: "web@rss.example", url: null });
  assert.equal(feed.image, { url: "https://rss.example/logo.png", title: "Logo", link: "https://rss.example/", width: 88, height: 31, description: "Alt" });
  assert.equal(feed.categories.map((category) => category.term), ["news", "Technology", "Gadgets"]);
  assert.equal(feed.cloud, { domain: "rpc.example", port: 80, path: "/RPC2", registerProcedure: "notify", protocol: "xml-rpc" });
  assert.is(feed.movedTo, "https://moved.example/feed.xml");
  assert.is(feed.blocked, true);
  assert.is(feed.explicit, false);
});

test("an RSS 2.0 namespace declared on <rss> is honoured", () => {
  const feed = map('<rss xmlns="http://backend.userland.com/rss2"><channel><title>NS</title><item><title>I</title></item></channel></rss>');
  assert.is(feed.title?.value, "NS");
  assert.is(feed.entries[0]?.title?.value, "I");
});

test.run();
