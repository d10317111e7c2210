// One phase of bench/crawl.ts, in its own process so its peak memory is its own:
//   node --import tsx bench/crawl-worker.ts <phase> <folder> <base-url> <feeds> <concurrency>
// phase: http (bare keep-alive node:http loop), got (bare got loop), crawl (the crawler: fetch, parse,
// verify, sanitise, store; the first run fills the store, the next finds every feed unchanged with 304s).
// Prints `RESULT {"phase","feeds","ms","feedsPerSecond","maxRssMb",...}`.
import { Agent, get } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import got from "got";
import { loadConfig } from "../crawler/config.ts";
import { crawlFeeds, openCrawler, selectFeeds } from "../crawler/crawl.ts";

const [phase, folder, base, count, concurrencyText] = process.argv.slice(2) as [string, string, string, string, string];
const FEEDS = Number(count);
const CONCURRENCY = Number(concurrencyText);
const urls = Array.from({ length: FEEDS }, (_, i) => `${base}/f/${i}.xml`);

async function pool(work: (url: string) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < urls.length) await work(urls[next++]!);
  }));
}

async function bareHttp(): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let bytes = 0;
  await pool((url) => new Promise<void>((resolve, reject) => {
    get(url, { agent, headers: { "accept-encoding": "identity" } }, (response) => {
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", resolve);
      response.on("error", reject);
    }).on("error", reject);
  }));
  agent.destroy();
  return { bytes };
}

async function bareGot(): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  let bytes = 0;
  await pool(async (url) => {
    const body = await client(url).buffer();
    bytes += body.length;
  });
  agent.destroy();
  return { bytes };
}

async function crawl(): Promise<Record<string, number>> {
  const config = loadConfig({
    dataDir: join(folder, "store"), contentDir: join(folder, "content"), allowPrivateAddresses: "true",
    concurrency: String(CONCURRENCY), perHostConcurrency: String(CONCURRENCY), followerUrl: "https://bench.example/",
    ...(process.env.BENCH_WORKERS ? { workers: process.env.BENCH_WORKERS } : {}),
  }, {});
  const crawler = openCrawler(config);
  try {
    if (crawler.store.listFeeds().length === 0) {
      await crawler.store.addFeeds(urls); // setting up is not timed
    }
    const feeds = selectFeeds(crawler.store); // as `capsule crawl` picks them
    const started = performance.now();
    const problems = new Map<string, number>();
    const progress = await crawlFeeds(crawler, feeds, (_, result) => {
      const key = result.error?.message.replace(/\/f\/\d+\.xml/, "/f/N.xml");
      if (key) problems.set(key, (problems.get(key) ?? 0) + 1);
    });
    for (const [message, count] of problems) process.stderr.write(`crawl error ×${count}: ${message}\n`);
    const ms = performance.now() - started;
    let verified = 0;
    let rejected = 0;
    for (const feed of feeds.slice(0, 200)) {
      for (const entry of crawler.store.listEntries(feed.id)) {
        if (entry.trust.status === "verified") verified++;
        if (entry.trust.status === "rejected") rejected++;
      }
    }
    return { crawlMs: ms, added: progress.added, unchanged: progress.unchanged, errors: progress.errors, sampledVerified: verified, sampledRejected: rejected };
  } finally {
    await crawler.close();
  }
}

// Peak memory the process owns (anonymous pages), sampled; LMDB's memory-mapped file pages are the OS page
// cache of the store and count in RSS but not here. Both are printed.
let peakAnonKb = 0;
let peakHeap = 0;
let peakExternal = 0;
const sampleMemory = () => {
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  peakExternal = Math.max(peakExternal, usage.external);
  const match = /RssAnon:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  if (match) peakAnonKb = Math.max(peakAnonKb, Number(match[1]));
};
const sampler = setInterval(sampleMemory, 50);
const started = performance.now();
const extra = phase === "http" ? await bareHttp() : phase === "got" ? await bareGot() : await crawl();
const ms = (extra["crawlMs"] as number | undefined) ?? performance.now() - started;
sampleMemory();
clearInterval(sampler);
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`RESULT ${JSON.stringify({ phase, feeds: FEEDS, ms, feedsPerSecond: (FEEDS / ms) * 1000, maxRssMb, peakAnonMb: peakAnonKb / 1024, peakHeapMb: peakHeap / 2 ** 20, peakExternalMb: peakExternal / 2 ** 20, ...extra })}\n`);
