import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { renderMirrorFeed } from "../../crawler/mirror-feed.ts";
import { parseFeed } from "../../crawler/parse/index.ts";
import { verifyCapsule } from "../../crawler/verify.ts";
import { DELETED_ID, FORGED_TITLE, ORIGIN, ORIGIN_FEED, POSTS, renderOriginFeed, rootKey } from "../helpers/capsule-origin.ts";
import { readFeedEnvelopes } from "../helpers/feed-envelopes.ts";
import { storeParsed } from "../helpers/stored.ts";

const SELF = `https://bob.example/mirror/${rootKey.did.replace("did:key:", "")}/feed.xml`;

function mirrorOf(xml: string, options: { limit?: number } = {}) {
  const { feed, entries } = storeParsed(parseFeed(xml, { url: ORIGIN_FEED }), ORIGIN_FEED);
  return { feed, entries, xml: renderMirrorFeed(feed, entries, { selfUrl: SELF, ...options }) };
}

function verifyXml(xml: string, url: string) {
  return verifyCapsule({ feed: { feed: parseFeed(xml, { url }), url } });
}

const Capsule = suite("renderMirrorFeed: a capsule");

Capsule("the re-served feed verifies every entry as on the origin, checkpoint consistent", () => {
  const origin = renderOriginFeed();
  const before = verifyXml(origin, ORIGIN_FEED);
  assert.equal(before.problems, [], "the fixture itself verifies");
  const after = verifyXml(mirrorOf(origin).xml, SELF);
  assert.equal(after.problems, []);
  assert.is(after.identity?.root, rootKey.did);
  assert.equal({ ...after.entries, failed: after.entries.failed.length }, { ...before.entries, failed: 0 });
  assert.equal([after.entries.verified, after.entries.tombstones, after.entries.unsigned.length], [POSTS.length + 1, 1, 0]);
  assert.equal(after.checkpoint, before.checkpoint);
  assert.equal(after.checkpoint, { seq: 1, created: "2025-01-04T00:00:00Z", listed: 4, matched: 4, notListed: ["note-3"], conflicts: [] });
  assert.equal(after.keys.map((k) => k.state), ["valid"]);
});

Capsule("items carry the original payload, key and signature; the channel its envelopes", () => {
  const origin = renderOriginFeed();
  const { xml } = mirrorOf(origin);
  const sorted = (list: { payload: string; key: string; signature: string }[]) => list.map((e) => `${e.payload} ${e.key} ${e.signature}`).sort();
  for (const element of ["entry", "certificate", "checkpoint", "location"] as const) {
    assert.equal(sorted(readFeedEnvelopes(xml, element)), sorted(readFeedEnvelopes(origin, element)), element);
  }
  assert.match(xml, `<capsule:identity href="${ORIGIN}.well-known/capsule.json">${rootKey.did}</capsule:identity>`);
});

Capsule("a forged entry is left out; the rest still verifies", () => {
  const origin = renderOriginFeed({ forged: true });
  const before = verifyXml(origin, ORIGIN_FEED);
  assert.equal(before.entries.failed.map((f) => f.reason), ["bad-signature"], "the origin carries the forgery");
  const { xml, entries } = mirrorOf(origin);
  assert.ok(entries.some((e) => e.trust.status === "rejected"), "the helper stored it as rejected");
  assert.not.match(xml, FORGED_TITLE);
  assert.not.match(xml, "never wrote");
  const after = verifyXml(xml, SELF);
  assert.equal(after.problems, []);
  assert.is(after.entries.verified, POSTS.length + 1);
});

Capsule("a verified tombstone is re-served as a tombstone item, without content", () => {
  const { xml } = mirrorOf(renderOriginFeed());
  const feed = parseFeed(xml, { url: SELF });
  const tombstone = feed.entries.find((e) => e.guid === `${ORIGIN}posts/${DELETED_ID}/`);
  assert.ok(tombstone, "the tombstone item keeps the deleted post's guid");
  assert.is(tombstone!.summary?.value, "This post was deleted by its author.");
  assert.is(tombstone!.content, null);
  assert.ok(tombstone!.capsule, "it carries the signed tombstone");
  assert.is(feed.entries.length, POSTS.length + 1);
});

Capsule("channel: stylesheet, fallback script, the creator's title, link, profile, follow list; self is the mirror", () => {
  const { xml } = mirrorOf(renderOriginFeed());
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>\n'), xml.slice(0, 120));
  assert.match(xml, '<capsule:browser><script xmlns="http://www.w3.org/1999/xhtml" src="/feed-fallback.js" defer="defer"></script></capsule:browser>');
  const feed = parseFeed(xml, { url: SELF });
  assert.is(feed.bozo, false, feed.bozoReasons.join("; "));
  assert.is(feed.title?.value, "Alice Potter");
  assert.is(feed.siteUrl, ORIGIN);
  assert.is(feed.description?.value, "Pots & kilns.");
  assert.is(feed.feedUrl, SELF);
  assert.equal(feed.capsule?.profile["name"], ["Alice Potter"]);
  assert.equal(feed.capsule?.profile["link"], ["https://code.example/alice"]);
  assert.equal(feed.capsule?.profile["contact"], ["mailto:alice@alice.example"]);
  assert.is(feed.capsule?.following, `${ORIGIN}following.opml`);
  const essay = feed.entries.find((e) => e.title?.value === "On kilns & glazes")!;
  assert.is(essay.url, `${ORIGIN}posts/essay/`, "items link to the original");
  assert.is(essay.summary?.value, "Why ash &lt;matters&gt;.", "an article's summary is escaped text");
  assert.match(essay.content?.value ?? "", "<strong>body</strong>");
  assert.equal(essay.categories.map((c) => c.term), ["kilns", "clay"]);
  assert.equal(essay.enclosures.map((e) => [e.url, e.type, e.length]), [[`${ORIGIN}media/log.csv`, "text/csv", 14]]);
});

Capsule("only the newest entries up to the limit, and every tombstone", () => {
  const { xml } = mirrorOf(renderOriginFeed(), { limit: 2 });
  const feed = parseFeed(xml, { url: SELF });
  assert.equal(feed.entries.map((e) => e.guid), [`${ORIGIN}posts/note-3/`, `${ORIGIN}posts/essay/`, `${ORIGIN}posts/${DELETED_ID}/`]);
  const report = verifyXml(xml, SELF);
  assert.equal(report.problems, []);
  assert.equal([report.entries.verified, report.entries.tombstones], [3, 1]);
});

Capsule.run();

const Plain = suite("renderMirrorFeed: an ordinary feed");

const PLAIN_URL = "https://blog.example/rss";
const PLAIN = `<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>A &amp; B blog</title><link>https://blog.example/</link><description>Notes &lt;b&gt;from&lt;/b&gt; B.</description><language>en-gb</language>
<item><title>Hello &lt;world&gt;</title><link>https://blog.example/2024/hello/</link><guid isPermaLink="false">tag:blog.example,2024:1</guid>
<dc:creator>Bea</dc:creator><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><category>Clay</category>
<description>&lt;p&gt;Hi &lt;script&gt;alert(1)&lt;/script&gt;&lt;a href="javascript:alert(2)"&gt;there&lt;/a&gt; &lt;img src="/a.png"&gt;&lt;/p&gt;</description>
<enclosure url="https://blog.example/a.mp3" length="1234" type="audio/mpeg"/></item>
<item><link>https://blog.example/2024/note/</link><guid>https://blog.example/2024/note/</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<description>Just a note.</description></item>
</channel></rss>`;

Plain("re-served as clean RSS 2.0 from the sanitised records: no signatures, guids and links kept", () => {
  const { feed, entries } = storeParsed(parseFeed(PLAIN, { url: PLAIN_URL }), PLAIN_URL);
  const self = `https://bob.example/mirror/${feed.id}/feed.xml`;
  const xml = renderMirrorFeed(feed, entries, { selfUrl: self });
  assert.not.match(xml, "<capsule:entry");
  assert.not.match(xml, "<capsule:identity");
  assert.not.match(xml, "<capsule:following");
  const parsed = parseFeed(xml, { url: self });
  assert.is(parsed.bozo, false, parsed.bozoReasons.join("; "));
  assert.is(parsed.title?.value, "A & B blog");
  assert.is(parsed.description?.value, "Notes from B.");
  assert.is(parsed.language, "en-gb");
  const [hello, note] = parsed.entries;
  assert.is(hello?.guid, "tag:blog.example,2024:1");
  assert.is(hello?.url, "https://blog.example/2024/hello/");
  assert.is(hello?.title?.value, "Hello <world>");
  assert.is(hello?.content?.value, entries[0]!.html, "the stored, sanitised HTML");
  assert.not.match(hello?.content?.value ?? "", /script|javascript/);
  assert.match(hello?.content?.value ?? "", 'src="https://blog.example/a.png"');
  assert.equal(hello?.enclosures.map((e) => [e.url, e.length, e.type]), [["https://blog.example/a.mp3", 1234, "audio/mpeg"]]);
  assert.is(note?.guid, "https://blog.example/2024/note/");
  const report = verifyCapsule({ feed: { feed: parsed, url: self } });
  assert.is(report.feed?.signed, false);
  assert.equal(report.problems, []);
});

Plain("Python feedparser (an outside judge) reads the re-served feed without a bozo flag", () => {
  const { feed, entries } = storeParsed(parseFeed(PLAIN, { url: PLAIN_URL }), PLAIN_URL);
  const dir = mkdtempSync(join(tmpdir(), "capsule-mirror-feed-"));
  try {
    const files = { plain: renderMirrorFeed(feed, entries, { selfUrl: `https://bob.example/mirror/${feed.id}/feed.xml` }), capsule: mirrorOf(renderOriginFeed()).xml };
    for (const [name, xml] of Object.entries(files)) {
      writeFileSync(join(dir, `${name}.xml`), xml);
      const python = "import json,sys,feedparser\nd=feedparser.parse(sys.argv[1])\nprint(json.dumps([bool(d.bozo), str(d.get('bozo_exception','')), d.version, len(d.entries)]))";
      const run = spawnSync("/usr/bin/python3", ["-c", python, join(dir, `${name}.xml`)], { encoding: "utf8" });
      assert.is(run.status, 0, run.stderr);
      const [bozo, why, version, count] = JSON.parse(run.stdout) as [boolean, string, string, number];
      assert.is(bozo, false, `${name}: ${why}`);
      assert.is(version, "rss20");
      assert.is(count, name === "plain" ? 2 : POSTS.length + 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Plain.run();
