import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { LookupFunction } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FetchError, type FetchErrorCode } from "../../crawler/errors.ts";
import { buildUserAgent, closeFetchAgents, createFetchAgent, fetchFeed, parseRetryAfter, type FetchOptions, type FetchResult } from "../../crawler/fetch.ts";
import { findClosedPort, startHttpServer, watchConnections, type ConnectionWatch, type TestHttpServer } from "../helpers/http-server.ts";
import { setup } from "../helpers/setup.ts";

const FEED = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Test</title></feed>\n`;
const UA = buildUserAgent({ version: "0.1.0", projectUrl: "https://capsule.example/", followerUrl: "https://me.example/" });
/** Options for fetching from the loopback test server. */
const LOCAL: FetchOptions = { userAgent: UA, allowPrivateAddresses: true };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** Runs a fetch that must fail and returns its FetchError. */
async function fetchFailure(url: string, options: FetchOptions, previous = {}): Promise<FetchError> {
  let result: FetchResult;
  try {
    result = await fetchFeed(url, previous, options);
  } catch (error) {
    assert.instance(error, FetchError);
    return error as FetchError;
  }
  assert.unreachable(`expected ${url} to fail, got ${result.kind} ${result.status}`);
  throw new Error("unreachable");
}

async function expectCode(url: string, options: FetchOptions, code: FetchErrorCode): Promise<FetchError> {
  const error = await fetchFailure(url, options);
  assert.is(error.code, code, error.message);
  assert.ok(error.message.startsWith("fetch: "), error.message);
  assert.type(error.hint, "string");
  return error;
}

/** A lookup that answers every name with one address, like a hosts file. */
function lookupTo(address: string): LookupFunction {
  const family = address.includes(":") ? 6 : 4;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

interface Context {
  server: TestHttpServer;
  watch: ConnectionWatch;
}

// ---------------------------------------------------------------------------------------------------------

const conditional = suite<Context>("fetchFeed: conditional GET");

setup(conditional, async (context) => {
  context.server = await startHttpServer();
  context.watch = watchConnections();
});
conditional.after(async (context) => {
  context.watch.stop();
  await context.server?.close();
  closeFetchAgents();
});

conditional("200 then 304 with ETag", async ({ server }) => {
  server.route("/etag.xml", (request, response) => {
    if (request.headers["if-none-match"] === '"v1"') return void response.writeHead(304, { etag: '"v1"' }).end();
    response.writeHead(200, { "content-type": "application/atom+xml", etag: '"v1"', "cache-control": "max-age=300" }).end(FEED);
  });
  const url = `${server.origin}/etag.xml`;
  const first = await fetchFeed(url, {}, LOCAL);
  assert.is(first.kind, "modified");
  if (first.kind !== "modified") return;
  assert.is(first.status, 200);
  assert.is(first.body.toString(), FEED);
  assert.is(first.bodyHash, sha256(FEED));
  assert.is(first.etag, '"v1"');
  assert.is(first.contentType, "application/atom+xml");
  assert.is(first.cacheControl, "max-age=300");
  assert.is(first.url, url);
  assert.equal(first.redirects, []);
  const second = await fetchFeed(url, { etag: first.etag, bodyHash: first.bodyHash }, LOCAL);
  assert.is(second.kind, "not-modified");
  assert.is(second.status, 304);
  assert.is(second.etag, '"v1"');
  assert.is(server.requests.at(-1)?.headers["if-none-match"], '"v1"');
});

conditional("200 then 304 with Last-Modified, keeping the validators the 304 leaves out", async ({ server }) => {
  const stamp = "Wed, 01 Jan 2025 10:00:00 GMT";
  server.route("/lm.xml", (request, response) => {
    if (request.headers["if-modified-since"] === stamp) return void response.writeHead(304).end();
    response.writeHead(200, { "last-modified": stamp }).end(FEED);
  });
  const url = `${server.origin}/lm.xml`;
  const first = await fetchFeed(url, {}, LOCAL);
  assert.is(first.kind, "modified");
  assert.is(first.lastModified, stamp);
  assert.is(first.etag, null);
  const second = await fetchFeed(url, { lastModified: stamp, etag: '"old"' }, LOCAL);
  assert.is(second.kind, "not-modified");
  assert.is(second.status, 304);
  assert.is(second.lastModified, stamp);
  assert.is(second.etag, '"old"');
  const sent = server.requests.at(-1)?.headers;
  assert.is(sent?.["if-modified-since"], stamp);
  assert.is(sent?.["if-none-match"], '"old"');
});

conditional("a 200 with the same body hash counts as not modified", async ({ server }) => {
  server.route("/same.xml", (_request, response) => void response.writeHead(200).end(FEED));
  const url = `${server.origin}/same.xml`;
  const unchanged = await fetchFeed(url, { bodyHash: sha256(FEED) }, LOCAL);
  assert.is(unchanged.kind, "not-modified");
  assert.is(unchanged.status, 200);
  const changed = await fetchFeed(url, { bodyHash: sha256("something else") }, LOCAL);
  assert.is(changed.kind, "modified");
});

conditional("sends the User-Agent, Accept and Accept-Encoding headers", async ({ server }) => {
  server.route("/headers.xml", (_request, response) => void response.writeHead(200).end(FEED));
  await fetchFeed(`${server.origin}/headers.xml`, {}, LOCAL);
  const headers = server.requests.at(-1)?.headers ?? {};
  assert.is(headers["user-agent"], "Capsule/0.1.0 (+https://capsule.example/; follower https://me.example/)");
  assert.match(headers.accept ?? "", /^application\/rss\+xml, application\/atom\+xml, application\/feed\+json, /);
  assert.match(headers.accept ?? "", /\*\/\*;q=0\.1$/);
  assert.is(headers["accept-encoding"], "gzip, deflate, br");
  assert.is(headers["if-none-match"], undefined);
});

conditional("reuses one keep-alive connection for fetches in a row", async ({ server }) => {
  server.route("/keep.xml", (_request, response) => void response.writeHead(304).end());
  const agent = createFetchAgent({ maxSockets: 4 });
  try {
    const before = server.connections;
    for (let i = 0; i < 5; i++) await fetchFeed(`${server.origin}/keep.xml`, { etag: '"x"' }, { ...LOCAL, agent });
    assert.is(server.connections - before, 1);
  } finally {
    agent.close();
  }
});

conditional("IP literals connect without a lookup", async ({ server, watch }) => {
  server.route("/literal.xml", (_request, response) => void response.writeHead(304).end());
  let lookups = 0;
  const lookup: LookupFunction = (hostname, options, callback) => {
    lookups++;
    lookupTo("127.0.0.1")(hostname, options, callback);
  };
  const agent = createFetchAgent();
  try {
    await fetchFeed(`${server.origin}/literal.xml`, {}, { ...LOCAL, lookup, agent });
  } finally {
    agent.close();
  }
  assert.is(lookups, 0);
  assert.ok(watch.attempts.includes("127.0.0.1"));
  assert.equal(watch.blocked, []);
});

conditional.run();

// ---------------------------------------------------------------------------------------------------------

const body = suite<Context>("fetchFeed: body, decompression and limits");

setup(body, async (context) => {
  context.server = await startHttpServer();
});
body.after(async (context) => {
  await context.server?.close();
  closeFetchAgents();
});

body("decompresses gzip, deflate and brotli bodies and hashes the decompressed bytes", async ({ server }) => {
  server.route("/gzip.xml", (_request, response) => void response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(FEED)));
  server.route("/deflate.xml", (_request, response) => void response.writeHead(200, { "content-encoding": "deflate" }).end(deflateSync(FEED)));
  server.route("/raw-deflate.xml", (_request, response) => void response.writeHead(200, { "content-encoding": "deflate" }).end(deflateRawSync(FEED)));
  server.route("/br.xml", (_request, response) => void response.writeHead(200, { "content-encoding": "br" }).end(brotliCompressSync(FEED)));
  for (const path of ["/gzip.xml", "/deflate.xml", "/raw-deflate.xml", "/br.xml"]) {
    const result = await fetchFeed(`${server.origin}${path}`, {}, LOCAL);
    assert.is(result.kind, "modified", path);
    if (result.kind !== "modified") return;
    assert.is(result.body.toString(), FEED, path);
    assert.is(result.bodyHash, sha256(FEED), path);
  }
});

body("a body that does not match its Content-Encoding is a network error that says so", async ({ server }) => {
  server.route("/not-gzip.xml", (_request, response) => void response.writeHead(200, { "content-encoding": "gzip" }).end(FEED));
  const error = await expectCode(`${server.origin}/not-gzip.xml`, LOCAL, "network");
  assert.match(error.message, /^fetch: could not decompress the body \(Z_DATA_ERROR: /);
});

body("a body exactly at the cap passes and one byte over fails", async ({ server }) => {
  const cap = 4096;
  server.route("/at-cap", (_request, response) => {
    response.writeHead(200);
    response.write("x".repeat(cap - 10));
    response.end("y".repeat(10)); // chunked, no Content-Length: the count is the only guard
  });
  server.route("/over-cap", (_request, response) => {
    response.writeHead(200);
    response.write("x".repeat(cap));
    response.end("!");
  });
  const at = await fetchFeed(`${server.origin}/at-cap`, {}, { ...LOCAL, maxBodyBytes: cap });
  assert.is(at.kind === "modified" && at.body.length, cap);
  const error = await expectCode(`${server.origin}/over-cap`, { ...LOCAL, maxBodyBytes: cap }, "too-large");
  assert.is(error.message, `fetch: response larger than 4 KiB (after decompression): ${server.origin}/over-cap`);
});

body("a gzip bomb stops at the cap on decompressed bytes", async ({ server }) => {
  // 256 gzip members of 1 MiB of zeros: about 260 KB on the wire, 256 MiB once inflated.
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  const bomb = Buffer.concat(Array.from({ length: 256 }, () => member));
  assert.ok(bomb.length < 512 * 1024, `bomb is ${bomb.length} bytes`);
  server.route("/bomb.xml", (_request, response) => {
    response.writeHead(200, { "content-encoding": "gzip", "content-length": bomb.length }).end(bomb);
  });
  const started = performance.now();
  const error = await expectCode(`${server.origin}/bomb.xml`, { ...LOCAL, maxBodyBytes: 1024 * 1024 }, "too-large");
  assert.match(error.message, /larger than 1 MiB/);
  // Inflating all 256 MiB takes far longer than stopping at 1 MiB; this is a sanity bound, not a benchmark.
  assert.ok(performance.now() - started < 5_000);
});

body("a Content-Length over the cap fails before any body arrives", async ({ server }) => {
  server.route("/huge-length", (_request, response) => {
    response.writeHead(200, { "content-length": 50_000_000 });
    response.write("x"); // then nothing: only an early refusal answers before the timeout
  });
  const error = await expectCode(`${server.origin}/huge-length`, { ...LOCAL, maxBodyBytes: 1_000_000, timeouts: { total: 5_000 } }, "too-large");
  assert.match(error.message, /larger than 1000000 bytes/);
});

body("a slow drip hits the total timeout", async ({ server }) => {
  server.route("/drip.xml", (_request, response) => {
    response.writeHead(200);
    const timer = setInterval(() => response.write("<"), 50);
    response.on("close", () => clearInterval(timer));
  });
  const error = await expectCode(`${server.origin}/drip.xml`, { ...LOCAL, timeouts: { total: 400 } }, "timeout");
  assert.is(error.message, `fetch: timed out after 0.4 s: ${server.origin}/drip.xml`);
});

body("a lookup that never answers hits the connect timeout", async () => {
  const hang: LookupFunction = () => {};
  const error = await expectCode("http://feeds.test:9/feed.xml", { userAgent: UA, lookup: hang, timeouts: { connect: 200 } }, "timeout");
  assert.is(error.message, "fetch: could not connect within 0.2 s: http://feeds.test:9/feed.xml");
});

body("a connection reset mid-body is a network error", async ({ server }) => {
  server.route("/reset.xml", (_request, response) => {
    response.writeHead(200, { "content-length": 10_000 });
    response.write("x".repeat(100), () => setTimeout(() => response.socket?.resetAndDestroy(), 20));
  });
  const error = await expectCode(`${server.origin}/reset.xml`, LOCAL, "network");
  assert.match(error.message, /connection reset by the server \(ECONNRESET\)/);
});

body("a refused connection is a network error", async () => {
  const port = await findClosedPort();
  const error = await expectCode(`http://127.0.0.1:${port}/feed.xml`, LOCAL, "network");
  assert.is(error.message, `fetch: connection refused (ECONNREFUSED): http://127.0.0.1:${port}/feed.xml`);
});

body("a self-signed certificate is a tls error", async () => {
  const fixtures = new URL("../fixtures/tls/", import.meta.url);
  const server = createHttpsServer({ key: readFileSync(new URL("self-signed.key", fixtures)), cert: readFileSync(new URL("self-signed.crt", fixtures)) }, (_request, response) => {
    response.writeHead(200).end(FEED);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    const error = await expectCode(`https://127.0.0.1:${port}/feed.xml`, LOCAL, "tls");
    assert.is(error.message, `fetch: TLS failure (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate): https://127.0.0.1:${port}/feed.xml`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

body.run();

// ---------------------------------------------------------------------------------------------------------

const status = suite<Context>("fetchFeed: error statuses");

setup(status, async (context) => {
  context.server = await startHttpServer();
});
status.after(async (context) => {
  await context.server?.close();
  closeFetchAgents();
});

status("429 with Retry-After in seconds", async ({ server }) => {
  server.route("/429", (_request, response) => void response.writeHead(429, { "retry-after": "120" }).end("slow down"));
  const before = Date.now();
  const error = await expectCode(`${server.origin}/429`, LOCAL, "http-status");
  assert.is(error.status, 429);
  const wait = (error.retryAfter?.getTime() ?? 0) - before;
  assert.ok(wait >= 119_000 && wait <= 125_000, `retry after ${wait} ms`);
  assert.match(error.message, /^fetch: too many requests \(429 status code, retry after \d{4}-.+Z\): http/);
});

status("429 and 503 with Retry-After as an HTTP-date", async ({ server }) => {
  const date = "Wed, 21 Oct 2037 07:28:00 GMT";
  server.route("/429-date", (_request, response) => void response.writeHead(429, { "retry-after": date }).end());
  server.route("/503-date", (_request, response) => void response.writeHead(503, { "retry-after": date }).end());
  for (const path of ["/429-date", "/503-date"]) {
    const error = await expectCode(`${server.origin}${path}`, LOCAL, "http-status");
    assert.equal(error.retryAfter, new Date(Date.UTC(2037, 9, 21, 7, 28)), path);
  }
});

status("503 without Retry-After", async ({ server }) => {
  server.route("/503", (_request, response) => void response.writeHead(503).end());
  const error = await expectCode(`${server.origin}/503`, LOCAL, "http-status");
  assert.is(error.status, 503);
  assert.is(error.retryAfter, null);
  assert.is(error.message, `fetch: service unavailable (503 status code): ${server.origin}/503`);
});

status("404, 410 and 403 name the status and the URL, without credentials", async ({ server }) => {
  server.route("/gone", (_request, response) => void response.writeHead(410).end());
  server.route("/private", (_request, response) => void response.writeHead(403).end());
  const missing = await expectCode(`${server.origin}/missing`, LOCAL, "http-status");
  assert.is(missing.message, `fetch: resource not found (404 status code): ${server.origin}/missing`);
  assert.match(missing.hint ?? "", /feed URL/);
  const gone = await expectCode(`${server.origin}/gone`, LOCAL, "http-status");
  assert.is(gone.message, `fetch: resource gone (410 status code): ${server.origin}/gone`);
  const forbidden = await expectCode(`http://alice:secret@127.0.0.1:${server.port}/private`, LOCAL, "http-status");
  assert.is(forbidden.message, `fetch: access forbidden (403 status code): ${server.origin}/private`);
  assert.not.match(forbidden.message + forbidden.url, /secret/);
  assert.is(server.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from("alice:secret").toString("base64")}`);
});

status("parseRetryAfter reads seconds and dates and ignores junk", () => {
  const now = Date.UTC(2025, 0, 1);
  assert.equal(parseRetryAfter("60", now), new Date(now + 60_000));
  assert.equal(parseRetryAfter(" 0 ", now), new Date(now));
  assert.equal(parseRetryAfter("Fri, 31 Dec 1999 23:59:59 GMT", now), new Date(Date.UTC(1999, 11, 31, 23, 59, 59)));
  assert.is(parseRetryAfter("soon", now), null);
  assert.is(parseRetryAfter("-5", now), null);
  assert.is(parseRetryAfter(undefined, now), null);
  assert.equal(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now), new Date(Date.UTC(1994, 10, 6, 8, 49, 37)));
  assert.equal(parseRetryAfter("Sun Nov  6 08:49:37 1994", now)?.getUTCDate(), 6);
});

status.run();

// ---------------------------------------------------------------------------------------------------------

const redirect = suite<Context>("fetchFeed: redirects");

setup(redirect, async (context) => {
  context.server = await startHttpServer();
  context.watch = watchConnections();
});
redirect.after(async (context) => {
  context.watch.stop();
  await context.server?.close();
  closeFetchAgents();
});

redirect("reports a 301 → 308 → 200 chain with statuses", async ({ server }) => {
  server.route("/a.xml", (_request, response) => void response.writeHead(301, { location: "/b.xml" }).end());
  server.route("/b.xml", (_request, response) => void response.writeHead(308, { location: `${server.origin}/c.xml` }).end());
  server.route("/c.xml", (_request, response) => void response.writeHead(200).end(FEED));
  const result = await fetchFeed(`${server.origin}/a.xml`, {}, LOCAL);
  assert.is(result.kind, "modified");
  assert.is(result.url, `${server.origin}/c.xml`);
  assert.equal(result.redirects, [
    { status: 301, from: `${server.origin}/a.xml`, to: `${server.origin}/b.xml` },
    { status: 308, from: `${server.origin}/b.xml`, to: `${server.origin}/c.xml` },
  ]);
});

redirect("a redirect loop stops at the redirect cap", async ({ server }) => {
  server.route("/loop.xml", (_request, response) => void response.writeHead(302, { location: "/loop.xml" }).end());
  const before = server.requests.length;
  const error = await expectCode(`${server.origin}/loop.xml`, { ...LOCAL, maxRedirects: 3 }, "too-many-redirects");
  assert.is(error.message, `fetch: more than 3 redirects (302 → 302 → 302 → 302): ${server.origin}/loop.xml`);
  assert.is(server.requests.length - before, 4);
});

redirect("a redirect to ftp: or javascript: is refused", async ({ server }) => {
  server.route("/to-ftp", (_request, response) => void response.writeHead(302, { location: "ftp://example.com/feed.xml" }).end());
  server.route("/to-js", (_request, response) => void response.writeHead(301, { location: "javascript:alert(1)" }).end());
  const ftp = await expectCode(`${server.origin}/to-ftp`, LOCAL, "bad-scheme");
  assert.is(ftp.message, `fetch: redirect to an unsupported scheme (ftp:): ${server.origin}/to-ftp`);
  await expectCode(`${server.origin}/to-js`, LOCAL, "bad-scheme");
});

redirect("a redirect without a Location header is an http-status error", async ({ server }) => {
  server.route("/no-location", (_request, response) => void response.writeHead(302).end());
  const error = await expectCode(`${server.origin}/no-location`, LOCAL, "http-status");
  assert.is(error.status, 302);
});

redirect("a hop to 127.0.0.1 is refused when only the first host is allowed", async ({ server, watch }) => {
  // feeds.test stands for a public server; only it may be on a private address, nothing it points to.
  server.route("/go", (_request, response) => void response.writeHead(302, { location: `${server.origin}/target.xml` }).end());
  server.route("/target.xml", (_request, response) => void response.writeHead(200).end(FEED));
  const options: FetchOptions = { userAgent: UA, lookup: lookupTo("127.0.0.1"), allowPrivateHosts: ["feeds.test"] };
  const before = server.requests.length;
  const error = await expectCode(`http://feeds.test:${server.port}/go`, options, "refused-address");
  assert.is(error.message, `fetch: refused to connect (127.0.0.1 is a loopback address): ${server.origin}/target.xml`);
  assert.equal(server.requests.slice(before).map((request) => request.path), ["/go"]);
  assert.is(server.requests.at(-1)?.headers.host, `feeds.test:${server.port}`);
  assert.equal(watch.blocked, []);
});

redirect("a hop to a name that resolves to a private address is refused before connecting", async ({ server, watch }) => {
  server.route("/to-intranet", (_request, response) => void response.writeHead(301, { location: "http://intranet.test/feed.xml" }).end());
  const lookup: LookupFunction = (hostname, options, callback) => lookupTo(hostname === "intranet.test" ? "10.0.0.1" : "127.0.0.1")(hostname, options, callback);
  const error = await expectCode(`http://feeds.test:${server.port}/to-intranet`, { userAgent: UA, lookup, allowPrivateHosts: ["feeds.test"] }, "refused-address");
  assert.is(error.message, "fetch: refused to connect to intranet.test (10.0.0.1 is a private address): http://intranet.test/feed.xml");
  assert.not.ok(watch.attempts.includes("10.0.0.1"));
  assert.equal(watch.blocked, []);
});

redirect.run();

// ---------------------------------------------------------------------------------------------------------

const refusal = suite<Context>("fetchFeed: refused addresses");

setup(refusal, async (context) => {
  context.server = await startHttpServer();
  context.watch = watchConnections();
});
refusal.after(async (context) => {
  context.watch.stop();
  await context.server?.close();
  closeFetchAgents();
});

refusal("IP literal spellings are refused by default before any connection", async ({ watch }) => {
  const port = await findClosedPort();
  const cases: [string, string][] = [
    [`http://127.0.0.1:${port}/`, "127.0.0.1 is a loopback address"],
    [`http://[::1]:${port}/`, "::1 is a loopback address"],
    [`http://0.0.0.0:${port}/`, "0.0.0.0 is an unspecified address"],
    [`http://[::ffff:127.0.0.1]:${port}/`, "::ffff:7f00:1 is an IPv4-mapped address of 127.0.0.1, a loopback address"],
    [`http://2130706433:${port}/`, "127.0.0.1 is a loopback address"],
    [`http://0177.0.0.1:${port}/`, "127.0.0.1 is a loopback address"],
    [`http://localhost:${port}/`, "localhost is a loopback name"],
    [`https://10.1.2.3/feed.xml`, "10.1.2.3 is a private address"],
    [`http://169.254.169.254/latest/meta-data/`, "169.254.169.254 is a link-local address"],
  ];
  const before = watch.attempts.length;
  for (const [url, reason] of cases) {
    const error = await expectCode(url, { userAgent: UA }, "refused-address");
    assert.ok(error.message.includes(`(${reason})`), error.message);
  }
  assert.equal(watch.attempts.slice(before), [], "no connection was attempted");
});

refusal("a name the injected lookup sends to 10.0.0.1 is refused before connecting", async ({ watch }) => {
  const error = await expectCode("http://feeds.test/feed.xml", { userAgent: UA, lookup: lookupTo("10.0.0.1") }, "refused-address");
  assert.is(error.message, "fetch: refused to connect to feeds.test (10.0.0.1 is a private address): http://feeds.test/feed.xml");
  assert.match(error.hint ?? "", /allowPrivateAddresses/);
  assert.not.ok(watch.attempts.includes("10.0.0.1"));
  assert.equal(watch.blocked, []);
});

refusal("a name sent to 127.0.0.1 is fetched only with allowPrivateAddresses", async ({ server, watch }) => {
  server.route("/named.xml", (_request, response) => void response.writeHead(200).end(FEED));
  const url = `http://feeds.test:${server.port}/named.xml`;
  const before = server.requests.length;
  await expectCode(url, { userAgent: UA, lookup: lookupTo("127.0.0.1") }, "refused-address");
  assert.is(server.requests.length, before);
  const result = await fetchFeed(url, {}, { userAgent: UA, lookup: lookupTo("127.0.0.1"), allowPrivateAddresses: true });
  assert.is(result.kind, "modified");
  assert.is(server.requests.at(-1)?.headers.host, `feeds.test:${server.port}`);
  assert.equal(watch.blocked, []);
});

refusal("a name that does not resolve is a dns error", async () => {
  const missing: LookupFunction = (hostname, _options, callback) =>
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", undefined);
  const error = await expectCode("https://nowhere.test/feed.xml", { userAgent: UA, lookup: missing }, "dns");
  assert.is(error.message, "fetch: could not resolve nowhere.test (ENOTFOUND): https://nowhere.test/feed.xml");
});

refusal.run();

// ---------------------------------------------------------------------------------------------------------

const options = suite("fetchFeed: options and URLs");

options("rejects URLs that are not absolute http(s) URLs", async () => {
  const relative = await expectCode("/feed.xml", { userAgent: UA }, "options");
  assert.is(relative.message, "fetch: not an absolute URL: /feed.xml");
  const ftp = await expectCode("ftp://example.com/feed.xml", { userAgent: UA }, "bad-scheme");
  assert.is(ftp.message, "fetch: unsupported scheme ftp: (only http and https): ftp://example.com/feed.xml");
  await expectCode("file:///etc/passwd", { userAgent: UA }, "bad-scheme");
});

options("rejects unusable options, saying what arrived", async () => {
  const url = "https://example.com/feed.xml";
  const cap = await expectCode(url, { userAgent: UA, maxBodyBytes: -1 }, "options");
  assert.is(cap.message, `fetch: maxBodyBytes must be a positive integer, got -1: ${url}`);
  await expectCode(url, { userAgent: UA, maxRedirects: 1.5 }, "options");
  await expectCode(url, { userAgent: UA, timeouts: { total: 0 } }, "options");
  await expectCode(url, { userAgent: "" }, "options");
  await expectCode(url, { userAgent: UA, maxSockets: 0 }, "options");
});

options("buildUserAgent names the project and the follower, and strips control characters", () => {
  assert.is(buildUserAgent({ version: "0.1.0" }), "Capsule/0.1.0");
  assert.is(buildUserAgent({ version: "1.2.3", projectUrl: "https://capsule.example/" }), "Capsule/1.2.3 (+https://capsule.example/)");
  assert.is(
    buildUserAgent({ version: "0.1.0", projectUrl: "https://capsule.example/", followerUrl: "https://me.example/\r\nX-Evil: 1" }),
    "Capsule/0.1.0 (+https://capsule.example/; follower https://me.example/X-Evil: 1)",
  );
});

options.run();
