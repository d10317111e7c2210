/**
 * Issue 6, "Addresses": server-side request forgery, end to end with the default configuration. Every
 * spelling of this machine in a followed URL, and a redirect to each from an allowed server, is refused with
 * a reason `capsule status` shows, and fetched only once `allowPrivateAddresses` is set. Private, link-local,
 * CGNAT and multicast ranges are tested on the address check and on the connect path through a lookup that
 * answers them; no test connects anywhere but loopback (`watchConnections` would stop it and say so).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkAddress } from "../../../crawler/address.ts";
import { loadConfig, type CrawlerConfig } from "../../../crawler/config.ts";
import { crawlFeeds, openCrawler, selectFeeds, syncFollowList, type Crawler } from "../../../crawler/crawl.ts";
import { createFetchAgent } from "../../../crawler/fetch.ts";
import type { RefreshResult } from "../../../crawler/refresh.ts";
import { describeFeeds } from "../../../crawler/status.ts";
import { startHttpServer, watchConnections, type ConnectionWatch, type TestHttpServer } from "../../helpers/http-server.ts";
import { setup } from "../../helpers/setup.ts";
import { isOneClearLine } from "./attacks.ts";

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Inside</title><item><guid>inside-1</guid><title>Internal data</title></item></channel></rss>`;

/** A resolver from a table; any other name does not exist. */
function tableLookup(table: Record<string, string | string[]>): LookupFunction {
  return (hostname, options, callback) => {
    const found = table[hostname.toLowerCase()];
    if (found === undefined) return void callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", undefined);
    const addresses = (Array.isArray(found) ? found : [found]).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/** A folder with a follow list, a default configuration (plus `given`) and a crawler on it. */
function openFollowing(urls: readonly string[], lookup: LookupFunction, env: NodeJS.ProcessEnv = {}): { folder: string; config: CrawlerConfig; crawler: Crawler } {
  const folder = mkdtempSync(join(tmpdir(), "capsule-ssrf-"));
  mkdirSync(join(folder, "content"));
  writeFileSync(join(folder, "content/following.yaml"), urls.map((url) => `- url: ${JSON.stringify(url)}\n`).join(""));
  const config = loadConfig({}, env, folder);
  return { folder, config, crawler: openCrawler(config, { lookup }) };
}

/** Syncs the follow list and crawls it; results by the URL as followed. */
async function crawlAll(crawler: Crawler): Promise<Map<string, RefreshResult>> {
  await syncFollowList(crawler);
  const byId = new Map<string, RefreshResult>();
  await crawlFeeds(crawler, selectFeeds(crawler.store), (_, result) => byId.set(result.feedId, result));
  return new Map(crawler.store.listFeeds().map((feed) => [feed.followedUrl, byId.get(feed.id)!]));
}

// ---------------------------------------------------------------------------------------------------------

interface Loopback {
  server: TestHttpServer;
  server6: Server | undefined;
  port6: number;
  watch: ConnectionWatch;
  /** [label, URL as followed, reason the refusal must give] */
  targets: [string, string, RegExp][];
  folders: string[];
}

const loopback = suite<Loopback>("SSRF: this machine, in every spelling, end to end");

setup(loopback, async (ctx) => {
  ctx.folders = [];
  ctx.server = await startHttpServer();
  // [::1] gets its own server, so that once allowed the fetch really lands somewhere.
  ctx.server6 = createServer((_request, response) => void response.writeHead(200, { "content-type": "application/rss+xml" }).end(FEED));
  ctx.port6 = await new Promise<number>((resolve, reject) => {
    ctx.server6!.once("error", reject).listen(0, "::1", () => resolve((ctx.server6!.address() as AddressInfo).port));
  });
  const p = ctx.server.port;
  ctx.targets = [
    ["localhost", `http://localhost:${p}/f/localhost.xml`, /\(localhost is a loopback name\)/],
    ["localhost with a trailing dot", `http://localhost.:${p}/f/localhost-dot.xml`, /\(localhost\. is a loopback name\)/],
    ["a .localhost name", `http://feeds.localhost:${p}/f/sub-localhost.xml`, /\(feeds\.localhost is a loopback name\)/],
    ["127.0.0.1", `http://127.0.0.1:${p}/f/dotted.xml`, /\(127\.0\.0\.1 is a loopback address\)/],
    ["127.0.0.2 (all of 127/8)", `http://127.0.0.2:${p}/f/127-0-0-2.xml`, /\(127\.0\.0\.2 is a loopback address\)/],
    ["[::1]", `http://[::1]:${ctx.port6}/f/ipv6.xml`, /\(::1 is a loopback address\)/],
    ["0.0.0.0", `http://0.0.0.0:${p}/f/unspecified.xml`, /\(0\.0\.0\.0 is an unspecified address\)/],
    ["[::ffff:127.0.0.1]", `http://[::ffff:127.0.0.1]:${p}/f/mapped.xml`, /\(::ffff:7f00:1 is an IPv4-mapped address of 127\.0\.0\.1, a loopback address\)/],
    ["decimal 2130706433", `http://2130706433:${p}/f/decimal.xml`, /\(127\.0\.0\.1 is a loopback address\)/],
    ["octal 0177.0.0.1", `http://0177.0.0.1:${p}/f/octal.xml`, /\(127\.0\.0\.1 is a loopback address\)/],
    ["hex 0x7f.0.0.1", `http://0x7f.0.0.1:${p}/f/hex.xml`, /\(127\.0\.0\.1 is a loopback address\)/],
    ["short 127.1", `http://127.1:${p}/f/short.xml`, /\(127\.0\.0\.1 is a loopback address\)/],
    ["a name that resolves to 127.0.0.1", `http://loopback.test:${p}/f/name.xml`, /refused to connect to loopback\.test \(127\.0\.0\.1 is a loopback address\)/],
    ["a name with a loopback among public answers", `http://rebind.test:${p}/f/mixed.xml`, /refused to connect to rebind\.test \(127\.0\.0\.1 is a loopback address\)/],
  ];
  for (const [, url] of ctx.targets) {
    const path = new URL(url).pathname;
    ctx.server.route(path, (_request, response) => void response.writeHead(200, { "content-type": "application/rss+xml" }).end(FEED));
    ctx.server.route(`/to${path}`, (_request, response) => void response.writeHead(302, { location: url }).end());
  }
  ctx.watch = watchConnections();
});

loopback.after(async (ctx) => {
  ctx.watch?.stop();
  await ctx.server?.close();
  await new Promise((resolve) => (ctx.server6 ? ctx.server6.close(resolve) : resolve(undefined)));
  for (const folder of ctx.folders ?? []) rmSync(folder, { recursive: true, force: true });
});

// The localhost names are not in the table: refused before any lookup, they never need to resolve.
const LOOKUP = tableLookup({ "loopback.test": "127.0.0.1", "rebind.test": ["93.184.215.14", "127.0.0.1"], "allowed.test": "127.0.0.1" });

loopback("by default every spelling is refused before any connection, and status says why", async (ctx) => {
  const { folder, crawler } = openFollowing(ctx.targets.map(([, url]) => url), LOOKUP);
  ctx.folders.push(folder);
  try {
    const attempts = ctx.watch.attempts.length;
    const requests = ctx.server.requests.length;
    const results = await crawlAll(crawler);
    const rows = new Map(describeFeeds(crawler.store.listFeeds()).map((row) => [row.id, row]));
    for (const [label, url, reason] of ctx.targets) {
      const feed = crawler.store.listFeeds().find((f) => f.followedUrl === new URL(url).href)!;
      const result = results.get(feed.followedUrl)!;
      assert.is(result.error?.code, "refused-address", `${label}: ${result.error?.message ?? result.outcome}`);
      assert.match(result.error!.message, reason, label);
      assert.match(result.error!.hint ?? "", /allowPrivateAddresses/, label);
      const row = rows.get(feed.id)!;
      assert.is(row.result, "error (refused-address)", label);
      assert.ok(isOneClearLine(row.lastError) && reason.test(row.lastError!), `${label}: ${row.lastError}`);
      assert.is(row.entries, 0, label);
    }
    assert.equal(ctx.watch.attempts.slice(attempts), [], "no connection was even attempted");
    assert.is(ctx.server.requests.length, requests, "nothing reached the server");
  } finally {
    await crawler.close();
  }
});

loopback("a redirect from an allowed server to each spelling is refused at that hop", async (ctx) => {
  // The default configuration, plus one exception: allowed.test stands for a public server the test can reach.
  const urls = ctx.targets.map(([, url]) => `http://allowed.test:${ctx.server.port}/to${new URL(url).pathname}`);
  const { folder, crawler } = openFollowing(urls, LOOKUP);
  ctx.folders.push(folder);
  const agent = createFetchAgent();
  const allowing: Crawler = { ...crawler, context: { ...crawler.context, fetch: { ...crawler.context.fetch, allowPrivateHosts: ["allowed.test"], agent } } };
  try {
    const requests = ctx.server.requests.length;
    const results = await crawlAll(allowing);
    for (const [index, [label, url, reason]] of ctx.targets.entries()) {
      const result = results.get(urls[index]!)!;
      assert.is(result.error?.code, "refused-address", `${label}: ${result.error?.message ?? result.outcome}`);
      assert.match(result.error!.message, reason, label);
      assert.ok(result.error!.message.endsWith(`: ${new URL(url).href}`), `names the hop it refused: ${result.error!.message}`);
    }
    const seen = ctx.server.requests.slice(requests).map((request) => request.path).sort();
    assert.equal(seen, urls.map((url) => new URL(url).pathname).sort(), "only the allowed server's redirects were requested");
    assert.equal(ctx.watch.blocked, []);
  } finally {
    agent.close();
    await crawler.close();
  }
});

loopback("with allowPrivateAddresses (CAPSULE_ALLOW_PRIVATE_ADDRESSES=true) the same URLs and redirects are fetched", async (ctx) => {
  // 0.0.0.0 reaches this machine on Linux but is not a loopback address to the connection watch: stop it here.
  ctx.watch.stop();
  // Nothing listens on 127.0.0.2, and the public answer of rebind.test must stay unreached.
  const reachable = ctx.targets.filter(([label]) => !label.includes("public answers") && !label.startsWith("127.0.0.2"));
  const redirects = reachable.map(([, url]) => `http://allowed.test:${ctx.server.port}/to${new URL(url).pathname}`);
  const lookup = tableLookup({ "loopback.test": "127.0.0.1", "allowed.test": "127.0.0.1", localhost: "127.0.0.1", "localhost.": "127.0.0.1", "feeds.localhost": "127.0.0.1" });
  const { folder, config, crawler } = openFollowing([...reachable.map(([, url]) => url), ...redirects], lookup, { CAPSULE_ALLOW_PRIVATE_ADDRESSES: "true" });
  ctx.folders.push(folder);
  try {
    assert.is(config.allowPrivateAddresses, true);
    const results = await crawlAll(crawler);
    for (const [url, result] of results) {
      assert.is(result.outcome, "new", `${url}: ${result.error?.message}`);
      assert.is(result.added, 1, url);
    }
    assert.is(results.size, reachable.length * 2);
  } finally {
    await crawler.close();
  }
});

loopback.run();

// ---------------------------------------------------------------------------------------------------------

/** [range, addresses inside it (first, inside, last where it matters), the words of the refusal] */
const RANGES: [string, string[], RegExp][] = [
  ["10/8", ["10.0.0.0", "10.1.2.3", "10.255.255.255"], /a private address/],
  ["172.16/12", ["172.16.0.0", "172.20.10.1", "172.31.255.255"], /a private address/],
  ["192.168/16", ["192.168.0.0", "192.168.1.1", "192.168.255.255"], /a private address/],
  ["169.254/16", ["169.254.0.0", "169.254.169.254", "169.254.255.255"], /a link-local address/],
  ["100.64/10", ["100.64.0.0", "100.100.100.100", "100.127.255.255"], /a shared \(CGNAT\) address/],
  ["127/8", ["127.0.0.0", "127.255.255.255"], /a loopback address/],
  ["0/8", ["0.0.0.0", "0.255.255.255"], /an unspecified address/],
  ["224/4 multicast", ["224.0.0.0", "239.255.255.255"], /a multicast address/],
  ["255.255.255.255", ["255.255.255.255"], /the broadcast address/],
  ["fc00::/7", ["fc00::", "fd00::1", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"], /a unique-local address/],
  ["fe80::/10", ["fe80::", "fe80::1", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"], /a link-local address/],
  ["ff00::/8 multicast", ["ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"], /a multicast address/],
  ["::1 and ::", ["::1", "::"], /a loopback address|an unspecified address/],
  ["IPv4-mapped", ["::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:100.64.0.1"], /an IPv4-mapped address of /],
  ["NAT64 and 6to4 carrying a private IPv4", ["64:ff9b::a00:1", "2002:c0a8:101::1"], /a NAT64 address of 10\.0\.0\.1|a 6to4 address of 192\.168\.1\.1/],
];

/** Just outside each range: the check must not refuse too much either. */
const NEIGHBOURS = [
  "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "169.253.255.255", "169.255.0.0",
  "100.63.255.255", "100.128.0.0", "223.255.255.255", "1.0.0.0", "2001:4860:4860::8888", "2606:4700::1",
];

const ranges = suite<{ server: TestHttpServer; watch: ConnectionWatch; folders: string[] }>("SSRF: private ranges");

setup(ranges, async (ctx) => {
  ctx.server = await startHttpServer();
  ctx.folders = [];
  ctx.watch = watchConnections();
});

ranges.after(async (ctx) => {
  ctx.watch?.stop();
  await ctx.server?.close();
  for (const folder of ctx.folders ?? []) rmSync(folder, { recursive: true, force: true });
});

ranges("the address check refuses every address of each range and allows its neighbours", () => {
  for (const [range, addresses, words] of RANGES) {
    for (const address of addresses) {
      const check = checkAddress(address);
      assert.ok(!check.allowed && words.test(check.reason), `${range}: ${address} → ${JSON.stringify(check)}`);
    }
  }
  for (const address of NEIGHBOURS) assert.equal(checkAddress(address), { allowed: true }, address);
});

ranges("a name resolving into any of them is refused on the connect path, before a socket connects", async (ctx) => {
  const table: Record<string, string | string[]> = {};
  const urls: [string, string, RegExp][] = [];
  RANGES.forEach(([range, addresses, words], r) => addresses.forEach((address, a) => {
    const name = `range-${r}-${a}.test`;
    table[name] = address;
    urls.push([`http://${name}:${ctx.server.port}/feed.xml`, `${range} ${address}`, words]);
  }));
  // Every answer has to pass, not just the first: a private address behind a public one is refused too.
  table["behind-public.test"] = ["93.184.215.14", "10.0.0.1"];
  urls.push([`http://behind-public.test:${ctx.server.port}/feed.xml`, "a private address behind a public one", /10\.0\.0\.1 is a private address/]);
  const { folder, crawler } = openFollowing(urls.map(([url]) => url), tableLookup(table));
  ctx.folders.push(folder);
  try {
    const results = await crawlAll(crawler);
    for (const [url, label, words] of urls) {
      const result = results.get(url)!;
      assert.is(result.error?.code, "refused-address", `${label}: ${result.error?.message ?? result.outcome}`);
      assert.match(result.error!.message, /^fetch: refused to connect to [\w.-]+\.test \(/, label);
      assert.match(result.error!.message, words, label);
    }
    assert.equal(ctx.watch.attempts, [], "no socket was even opened");
    assert.equal(ctx.server.requests, []);
  } finally {
    await crawler.close();
  }
});

ranges.run();
