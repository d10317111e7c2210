/**
 * Mirror regeneration cost: with 1,000 followed feeds of which 10 changed, `regenerateMirrors` should cost
 * about what it costs when only those 10 feeds exist (target: at most 2×), because only changed feeds are
 * rendered; what grows with the follow count is listing the changed feeds and the mirrors index.
 * Both stores are real LMDB stores in temp folders, filled through `store.commitRefresh` with 20 synthetic
 * entries per feed (about 1 KB of HTML each). Each round changes one entry of the same 10 feeds in both
 * stores, then times one regeneration of each, in alternating order. Prints medians of wall and CPU time.
 * Run: npx tsx bench/mirror.ts [rounds]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { regenerateMirrors } from "../crawler/mirror.ts";
import type { StoredEntry, StoredFeed } from "../crawler/model.ts";
import { parseFeed } from "../crawler/parse/index.ts";
import { openStore, type Store } from "../crawler/store.ts";
import { storeParsed } from "../test/helpers/stored.ts";

const FEEDS = 1000;
const CHANGED = 10;
const ENTRIES = 20;
const ROUNDS = Number(process.argv[2] ?? 9);
const SITE = "https://bench.example/";

function renderFeed(n: number): string {
  const items = Array.from({ length: ENTRIES }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toUTCString();
    return `<item><title>Post ${i} of feed ${n}</title><link>https://feed${n}.example/p/${i}/</link><guid>https://feed${n}.example/p/${i}/</guid>` +
      `<pubDate>${day}</pubDate><category>tag${i % 4}</category><dc:creator>Author ${n}</dc:creator>` +
      `<description>&lt;p&gt;${"Lorem ipsum dolor sit amet, consectetur adipiscing. ".repeat(20)}&lt;a href="/x"&gt;link&lt;/a&gt;&lt;/p&gt;</description></item>`;
  });
  return `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed ${n}</title><link>https://feed${n}.example/</link>` +
    `<description>Synthetic feed ${n}</description>${items.join("")}</channel></rss>`;
}

function synthesise(n: number): { feed: StoredFeed; entries: StoredEntry[] } {
  const url = `https://feed${n}.example/rss`;
  return storeParsed(parseFeed(renderFeed(n), { url }), url, "2025-01-01T00:00:00.000Z");
}

async function commit(store: Store, feed: StoredFeed, entries: readonly StoredEntry[], at: string): Promise<void> {
  await store.commitRefresh({ feed: store.getFeed(feed.id) ?? feed, entries, log: { at, outcome: "new", status: 200, added: 0, ms: 1, message: null, url: feed.url, code: null } });
}

async function fill(store: Store, count: number): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - start) }, (_, k) => {
      const { feed, entries } = synthesise(start + k);
      return commit(store, feed, entries, "2025-01-01T00:00:00.000Z");
    }));
  }
}

// The same change in both stores: one entry of each of the first CHANGED feeds gets a new version.
async function changeFeeds(store: Store, round: number): Promise<void> {
  const at = new Date(Date.UTC(2025, 1, 1, 0, round)).toISOString();
  await Promise.all(Array.from({ length: CHANGED }, (_, n) => {
    const { feed, entries } = synthesise(n);
    const edited = { ...entries[0]!, hash: `${entries[0]!.hash}-r${round}`, html: `${entries[0]!.html}<p>Edit ${round}</p>`, firstSeen: at };
    return commit(store, feed, [edited], at);
  }));
}

async function time(store: Store, outDir: string): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await regenerateMirrors(store, { outDir, siteUrl: SITE });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (result.failed.length > 0 || result.regenerated.length !== CHANGED) {
    throw new Error(`expected ${CHANGED} regenerated, got ${result.regenerated.length} (${result.failed.map((f) => f.error.message).join("; ")})`);
  }
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), "capsule-bench-mirror-"));
const big = { store: openStore(join(dir, "store-1000")), out: join(dir, "out-1000"), name: `${CHANGED} of ${FEEDS}` };
const small = { store: openStore(join(dir, "store-10")), out: join(dir, "out-10"), name: `${CHANGED} of ${CHANGED}` };
try {
  let started = performance.now();
  await fill(big.store, FEEDS);
  await fill(small.store, CHANGED);
  console.log(`filled: ${FEEDS} + ${CHANGED} feeds × ${ENTRIES} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  await regenerateMirrors(big.store, { outDir: big.out, siteUrl: SITE });
  await regenerateMirrors(small.store, { outDir: small.out, siteUrl: SITE });
  console.log(`first regeneration of all ${FEEDS} feeds: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const times = new Map<string, { wall: number; cpu: number }[]>([[big.name, []], [small.name, []]]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 === 0 ? [big, small] : [small, big]) {
      await changeFeeds(side.store, round);
      times.get(side.name)!.push(await time(side.store, side.out));
    }
  }
  const summary = [...times].map(([name, list]) => ({ name, wall: median(list.map((t) => t.wall)), cpu: median(list.map((t) => t.cpu)) }));
  for (const { name, wall, cpu } of summary) console.log(`regenerate ${name} changed: median ${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms CPU (${ROUNDS} rounds)`);
  const [many, few] = summary;
  console.log(`ratio (1,000 followed / 10 followed): ${(many!.wall / few!.wall).toFixed(2)}× wall, ${(many!.cpu / few!.cpu).toFixed(2)}× CPU (target ≤ 2×)`);
} finally {
  await big.store.close();
  await small.store.close();
  rmSync(dir, { recursive: true, force: true });
}
