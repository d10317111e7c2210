/**
 * Parse throughput: Capsule's parseFeed against feedsmith (the library the design notes tried first) on the
 * same bytes. feedsmith does less (no well-formedness check, no xml:base, no capsule namespace, no
 * decoding from bytes), so it is the baseline to stay close to, not to beat.
 * Run: npx tsx bench/parse.ts
 */
import { parseFeed as parseWithFeedsmith } from "feedsmith";
import { parseFeed } from "../crawler/parse/index.ts";

const URL = "https://bench.example/feed.xml";

function buildFeed(items: number, contentChars: number): Buffer {
  const entries = Array.from({ length: items }, (_, index) => `<item><title>Post ${index}</title>
    <link>https://bench.example/p/${index}</link><guid isPermaLink="true">https://bench.example/p/${index}</guid>
    <pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate><dc:creator>Ann</dc:creator><category>tag${index % 5}</category>
    <description>&lt;p&gt;Summary ${index} with a &lt;a href="/x"&gt;link&lt;/a&gt;&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>${"Lorem ipsum dolor sit amet. ".repeat(Math.ceil(contentChars / 28))}</p>]]></content:encoded>
    <capsule:entry key="did:key:z6Mk" signature="c2lnbmF0dXJl">eyJpZCI6${index}</capsule:entry></item>`);
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:capsule="urn:capsule:1"><channel><title>Bench</title>
    <link>https://bench.example/</link><description>d</description>${entries.join("")}</channel></rss>`);
}

function measure(run: () => unknown, minimumMs = 1500): number {
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < minimumMs) {
    run();
    count += 1;
  }
  return (count * 1000) / (performance.now() - started);
}

/** Parses per second, with the time per parse so the slow case is not rounded to "0.1/s". */
function describeRate(perSecond: number): string {
  return `${perSecond.toFixed(perSecond < 10 ? 3 : 1)}/s (${(1000 / perSecond).toFixed(perSecond < 10 ? 0 : 2)} ms each)`;
}

const cases = [
  { name: "20 entries, 1 KB content each", bytes: buildFeed(20, 1000) },
  { name: "100,000 entries, 100 B content each", bytes: buildFeed(100_000, 100) },
];
for (const { name, bytes } of cases) {
  const text = bytes.toString("utf8");
  measure(() => parseFeed(bytes, { url: URL }), 200);
  const ours = measure(() => parseFeed(bytes, { url: URL }));
  const baseline = measure(() => parseWithFeedsmith(text));
  const size = `${(bytes.length / 1024).toFixed(0)} KB`;
  console.log(`${name} (${size}): parseFeed ${describeRate(ours)}, feedsmith ${describeRate(baseline)}, ratio ${(ours / baseline).toFixed(2)}`);
}
