// bench/crawl.ts: the crawler against its transport and client ceilings and against newsboat.
// 10,000 feeds of 20 entries (a fifth of them signed capsules, each its own creator) are written to disk
// and served by nginx on 127.0.0.1 (its own process, so the server never shares the crawler's event loop).
// In one run, alternating, each phase in a fresh process:
//   http     a bare keep-alive node:http loop fetching every feed: the transport limit
//   got      a bare got loop fetching every feed: the HTTP client's ceiling
//   first    the first crawl: fetch, parse, verify, sanitise, store (a new LMDB store)
//   recrawl  the same crawl again: every feed answers 304
//   newsboat `newsboat -x reload` over 2,000 of the same feeds (its default settings), the peer
// Targets (issue 4): first crawl ≥ 5× newsboat; re-crawl ≥ 0.8× the bare got loop; peak memory ≤ 256 MB.
// Run: node --import tsx bench/crawl.ts [feeds=10000] [runs=3]   (needs nginx and newsboat: apt-get install nginx-light newsboat)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OPTIONS, parseSize } from "../crawler/config.ts";
import { heapFlag } from "../crawler/heap-limit.ts";
import { capsuleFeed, ENTRIES_PER_FEED, plainFeed } from "./crawl-feeds.ts";

const REPO = resolve(new URL(".", import.meta.url).pathname, "..");
const FEEDS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);
const NEWSBOAT_FEEDS = Math.min(2_000, FEEDS);
const CONCURRENCY = 32;
const PORT = 18_000 + Math.floor(Math.random() * 2_000);
const BASE = `http://127.0.0.1:${PORT}`;

for (const tool of ["/usr/sbin/nginx", "/usr/bin/newsboat"]) {
  if (spawnSync(tool, ["-v"]).error) {
    console.error(`bench/crawl: ${tool} is missing. Install it with: apt-get install -y nginx-light newsboat`);
    process.exit(1);
  }
}

function startNginx(folder: string) {
  const conf = join(folder, "nginx.conf");
  writeFileSync(conf, `worker_processes 1;
pid ${folder}/nginx.pid;
error_log ${folder}/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${folder}/tmp; proxy_temp_path ${folder}/tmp; fastcgi_temp_path ${folder}/tmp; uwsgi_temp_path ${folder}/tmp; scgi_temp_path ${folder}/tmp;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  sendfile on;
  etag on;
  types { application/rss+xml xml; }
  server { listen 127.0.0.1:${PORT}; root ${folder}/www; }
}
`);
  mkdirSync(join(folder, "tmp"), { recursive: true });
  return spawn("/usr/sbin/nginx", ["-c", conf, "-p", folder], { stdio: "ignore" });
}

function worker(phase: string, folder: string): Record<string, number> {
  // BENCH_CPU_PROF=folder writes a V8 profile of each crawl phase there (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF && phase === "crawl" ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  // The crawl runs under the heap ceiling `capsule crawl` starts itself with (crawler/heap-limit.ts).
  const ceiling = phase === "crawl" ? [heapFlag(parseSize(OPTIONS.heapLimit.default)!)] : [];
  const out = execFileSync(process.execPath, [...profile, ...ceiling, "--import", "tsx", join(REPO, "bench/crawl-worker.ts"), phase, folder, BASE, String(FEEDS), String(CONCURRENCY)], { encoding: "utf8", maxBuffer: 1 << 26 });
  const result = JSON.parse(out.split("\n").find((line) => line.startsWith("RESULT "))!.slice(7)) as Record<string, number>;
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${JSON.stringify(result)}\n`);
  return result;
}

function newsboat(folder: string): number {
  const home = join(folder, `newsboat-${Math.random().toString(36).slice(2)}`);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "urls"), Array.from({ length: NEWSBOAT_FEEDS }, (_, i) => `${BASE}/f/${i}.xml`).join("\n") + "\n");
  writeFileSync(join(home, "config"), "");
  const started = performance.now();
  execFileSync("/usr/bin/newsboat", ["-x", "reload", "-u", join(home, "urls"), "-c", join(home, "cache.db"), "-C", join(home, "config")], { env: { ...process.env, HOME: home }, stdio: "ignore" });
  const ms = performance.now() - started;
  rmSync(home, { recursive: true, force: true });
  return (NEWSBOAT_FEEDS / ms) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const folder = mkdtempSync(join(tmpdir(), "capsule-bench-crawl-"));
chmodSync(folder, 0o755); // nginx's workers run as another user when started by root
const nginx = (() => {
  process.stderr.write(`writing ${FEEDS} feeds (${FEEDS / 5} signed)…\n`);
  mkdirSync(join(folder, "www/f"), { recursive: true });
  mkdirSync(join(folder, "content"), { recursive: true });
  for (let n = 0; n < FEEDS; n++) writeFileSync(join(folder, `www/f/${n}.xml`), n % 5 === 0 ? capsuleFeed(n) : plainFeed(n));
  return startNginx(folder);
})();

try {
  await new Promise((r) => setTimeout(r, 500));
  worker("http", folder); // warm the page cache and nginx; not counted
  const figures: Record<string, number[]> = { http: [], got: [], first: [], recrawl: [], newsboat: [], firstRss: [], recrawlRss: [], firstAnon: [], recrawlAnon: [] };
  for (let run = 0; run < RUNS; run++) {
    rmSync(join(folder, "store"), { recursive: true, force: true });
    figures.http!.push(worker("http", folder).feedsPerSecond!);
    figures.got!.push(worker("got", folder).feedsPerSecond!);
    const first = worker("crawl", folder);
    figures.first!.push(first.feedsPerSecond!);
    figures.firstRss!.push(first.maxRssMb!);
    figures.firstAnon!.push(first.peakAnonMb!);
    if (first.errors! > 0 || first.sampledRejected! > 0 || first.sampledVerified === 0) throw new Error(`first crawl was not clean: ${JSON.stringify(first)}`);
    const again = worker("crawl", folder);
    figures.recrawl!.push(again.feedsPerSecond!);
    figures.recrawlRss!.push(again.maxRssMb!);
    figures.recrawlAnon!.push(again.peakAnonMb!);
    if (again.unchanged !== FEEDS) throw new Error(`re-crawl should find every feed unchanged: ${JSON.stringify(again)}`);
    figures.newsboat!.push(newsboat(folder));
    process.stderr.write(`run ${run + 1}/${RUNS}: ${Object.entries(figures).map(([k, v]) => `${k} ${Math.round(v.at(-1)!)}`).join(", ")}\n`);
  }
  const m = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  const row = (name: string, value: number, note = "") => console.log(`${name.padEnd(34)} ${Math.round(value).toLocaleString("en").padStart(8)} feeds/s${note}`);
  console.log(`\n${FEEDS.toLocaleString("en")} feeds × ${ENTRIES_PER_FEED} entries (${(FEEDS / 5).toLocaleString("en")} signed capsules), nginx on loopback, concurrency ${CONCURRENCY}; median of ${RUNS} runs`);
  row("bare node:http keep-alive loop", m.http!);
  row("bare got loop", m.got!);
  row("first crawl (fetch→store)", m.first!, `   ${(m.first! / m.newsboat!).toFixed(1)}× newsboat (target ≥ 5×), peak ${Math.round(m.firstAnon!)} MB own + store pages = ${Math.round(m.firstRss!)} MB RSS`);
  row("re-crawl (all 304)", m.recrawl!, `   ${(m.recrawl! / m.got!).toFixed(2)}× bare got (target ≥ 0.8×), peak ${Math.round(m.recrawlAnon!)} MB own, ${Math.round(m.recrawlRss!)} MB RSS`);
  row(`newsboat -x reload (${NEWSBOAT_FEEDS.toLocaleString("en")} feeds)`, m.newsboat!);
} finally {
  nginx.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  rmSync(folder, { recursive: true, force: true });
}
