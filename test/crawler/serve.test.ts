// The daemon's HTTP server, started for real on 127.0.0.1 and asked over real HTTP; only its data source
// is a literal stand-in for the store.
import { readFile } from "node:fs/promises";
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ServeError } from "../../crawler/errors.ts";
import { startServer, type RunningServer } from "../../crawler/serve.ts";
import { REPO_ROOT } from "../helpers/build-site.ts";
import { buildCapsuleFeed, createFakeMirrorSource, type FakeMirrorSource } from "../helpers/mirror-source.ts";
import { setup } from "../helpers/setup.ts";

const ID = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
const FEED_PATH = `/mirror/${ID}/feed.xml`;
const MODIFIED = new Date("2024-03-01T12:00:00.000Z");

let server: RunningServer | undefined;
let source: FakeMirrorSource;
const logs: string[] = [];

function freshSource(): FakeMirrorSource {
  return createFakeMirrorSource({
    [ID]: { version: "1", lastModified: MODIFIED, xml: buildCapsuleFeed({ items: 4 }), title: "Ada <Mirror>" },
    "blog.example-0a1b2c3d": { version: "a", lastModified: null, xml: buildCapsuleFeed({ name: "Blog", items: 1 }) },
  });
}

setup(test, async () => {
  source = freshSource();
  server = await startServer({ source, port: 0, log: (message) => logs.push(message) });
});

test.after(() => server?.close());

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One real HTTP request with the path sent byte for byte (no URL normalisation, no decompression). */
function get(path: string, headers: Record<string, string> = {}, method = "GET", agent: Agent | false = false): Promise<Reply & { socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: server!.port, path, method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socket: req.socket }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const xmlOf = (id: string) => source.feeds.get(id)!.xml;

test("a mirrored feed is served with its bytes and the headers that make it cacheable and safe", async () => {
  const reply = await get(FEED_PATH);
  assert.is(reply.status, 200);
  assert.is(reply.body.toString("utf8"), xmlOf(ID));
  assert.is(reply.headers["content-type"], "application/xml; charset=utf-8");
  assert.is(reply.headers["content-length"], String(Buffer.byteLength(xmlOf(ID))));
  assert.is(reply.headers["content-encoding"], undefined, "no Accept-Encoding, no coding");
  assert.match(reply.headers.etag ?? "", /^"[A-Za-z0-9_-]{20,}"$/, "a strong ETag");
  assert.is(reply.headers["last-modified"], MODIFIED.toUTCString());
  assert.is(reply.headers["cache-control"], "public, max-age=300");
  assert.is(reply.headers.vary, "Accept-Encoding");
  assert.is(reply.headers["x-content-type-options"], "nosniff");
  const csp = String(reply.headers["content-security-policy"]);
  assert.match(csp, /script-src 'self' 'unsafe-hashes' 'sha256-[^' ]+';/, "scripts from self and one hashed handler only");
  assert.match(csp, /default-src 'none'/);
});

test("connections are kept alive between requests", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(FEED_PATH, {}, "GET", agent);
    const second = await get("/status.json", {}, "GET", agent);
    assert.is(first.headers.connection, "keep-alive");
    assert.ok(first.socket === second.socket, "the second request reused the socket");
  } finally {
    agent.destroy();
  }
});

test("the feed is rendered once per version, however often it is asked for", async () => {
  const before = source.renders.get(ID) ?? 0;
  await Promise.all([get(FEED_PATH), get(FEED_PATH), get(FEED_PATH, { "accept-encoding": "gzip" })]);
  assert.ok(before <= 1);
  assert.is(source.renders.get(ID), 1);
});

test("If-None-Match answers 304 for the exact tag, a list, a weak tag and *", async () => {
  const { headers } = await get(FEED_PATH);
  const etag = headers.etag!;
  for (const value of [etag, `"other", ${etag}`, `"a,b", W/${etag}`, `W/${etag}`, "*"]) {
    const reply = await get(FEED_PATH, { "if-none-match": value });
    assert.is(reply.status, 304, value);
    assert.is(reply.body.length, 0, value);
    assert.is(reply.headers.etag, etag, value);
    assert.is(reply.headers["cache-control"], "public, max-age=300");
    assert.is(reply.headers.vary, "Accept-Encoding");
  }
  for (const value of ['"other"', `${etag.slice(0, -2)}"`, "garbage", `"unterminated`]) {
    assert.is((await get(FEED_PATH, { "if-none-match": value })).status, 200, value);
  }
});

test("a client holding the gzip copy gets a 304 naming that copy", async () => {
  const gzipped = await get(FEED_PATH, { "accept-encoding": "gzip" });
  const reply = await get(FEED_PATH, { "accept-encoding": "gzip", "if-none-match": gzipped.headers.etag! });
  assert.is(reply.status, 304);
  assert.is(reply.headers.etag, gzipped.headers.etag);
});

test("If-Modified-Since answers 304 unless the feed changed after it, and yields to If-None-Match", async () => {
  assert.is((await get(FEED_PATH, { "if-modified-since": MODIFIED.toUTCString() })).status, 304);
  assert.is((await get(FEED_PATH, { "if-modified-since": new Date(MODIFIED.getTime() + 60_000).toUTCString() })).status, 304);
  assert.is((await get(FEED_PATH, { "if-modified-since": new Date(MODIFIED.getTime() - 1000).toUTCString() })).status, 200);
  assert.is((await get(FEED_PATH, { "if-modified-since": "not a date" })).status, 200);
  const both = await get(FEED_PATH, { "if-modified-since": MODIFIED.toUTCString(), "if-none-match": '"other"' });
  assert.is(both.status, 200, "If-None-Match decides when present (RFC 9110 §13.2.2)");
  const undated = await get("/mirror/blog.example-0a1b2c3d/feed.xml", { "if-modified-since": new Date().toUTCString() });
  assert.is(undated.status, 200, "no Last-Modified, no 304 by date");
  assert.is(undated.headers["last-modified"], undefined);
});

test("gzip is sent when asked for, decodes to the same bytes, and has its own tag", async () => {
  const plain = await get(FEED_PATH, { "accept-encoding": "identity" });
  const reply = await get(FEED_PATH, { "accept-encoding": "gzip, deflate" });
  assert.is(reply.headers["content-encoding"], "gzip");
  assert.is(reply.headers["content-length"], String(reply.body.length));
  assert.ok(reply.body.length < plain.body.length / 2, `${reply.body.length} of ${plain.body.length} bytes`);
  assert.is(gunzipSync(reply.body).toString("utf8"), xmlOf(ID));
  assert.is(reply.headers.etag, `${plain.headers.etag!.slice(0, -1)}-gzip"`);
  assert.is(reply.headers.vary, "Accept-Encoding");
});

test("Accept-Encoding q-values are honoured: q=0 refuses a coding", async () => {
  const cases: [string, string | undefined][] = [
    ["gzip;q=0", undefined],
    ["gzip;q=0, deflate", undefined],
    ["*;q=0.5, br;q=0, identity;q=0", "gzip"],
    ["x-gzip", "gzip"],
    ["GZIP;Q=0.8", "gzip"],
    ["", undefined],
  ];
  for (const [accept, expected] of cases) {
    const reply = await get(FEED_PATH, { "accept-encoding": accept });
    assert.is(reply.headers["content-encoding"], expected, accept);
    assert.is(reply.headers.vary, "Accept-Encoding");
  }
});

test("brotli is sent once it has been computed, and decodes to the same bytes", async () => {
  let reply = await get(FEED_PATH, { "accept-encoding": "gzip, deflate, br" });
  for (let tries = 0; reply.headers["content-encoding"] !== "br" && tries < 50; tries++) {
    assert.is(reply.headers["content-encoding"], "gzip", "gzip while brotli is being computed");
    await new Promise((resolve) => setTimeout(resolve, 20));
    reply = await get(FEED_PATH, { "accept-encoding": "gzip, deflate, br" });
  }
  assert.is(reply.headers["content-encoding"], "br");
  assert.is(brotliDecompressSync(reply.body).toString("utf8"), xmlOf(ID));
  assert.match(reply.headers.etag ?? "", /-br"$/);
  assert.is((await get(FEED_PATH, { "accept-encoding": "br;q=0.5, gzip" })).headers["content-encoding"], "gzip");
});

test("HEAD sends the headers of GET and no body", async () => {
  const full = await get(FEED_PATH, { "accept-encoding": "gzip" });
  const head = await get(FEED_PATH, { "accept-encoding": "gzip" }, "HEAD");
  assert.is(head.status, 200);
  assert.is(head.body.length, 0);
  assert.is(head.headers["content-length"], full.headers["content-length"]);
  assert.is(head.headers.etag, full.headers.etag);
  assert.is((await get("/status.json", {}, "HEAD")).body.length, 0);
  assert.is((await get("/nope", {}, "HEAD")).body.length, 0);
});

test("a new version brings a new body and ETag; the old tag no longer gives a 304", async () => {
  const old = await get(FEED_PATH);
  const feed = source.feeds.get(ID)!;
  feed.xml = buildCapsuleFeed({ items: 5, marker: "v2" });
  feed.version = "2";
  const reply = await get(FEED_PATH, { "if-none-match": old.headers.etag! });
  assert.is(reply.status, 200);
  assert.not.equal(reply.headers.etag, old.headers.etag);
  assert.match(reply.body.toString("utf8"), /Post 5 \(v2\)/);
  assert.is(source.renders.get(ID), 2);
  // Same version, different bytes behind it: the server trusts the version and keeps its copy.
  feed.xml = "<rss>changed without a new version</rss>";
  assert.match((await get(FEED_PATH)).body.toString("utf8"), /Post 5 \(v2\)/);
});

test("unknown feeds and paths are clear 404s", async () => {
  const missing = await get("/mirror/z6MkNobody/feed.xml");
  assert.is(missing.status, 404);
  assert.is(missing.headers["content-type"], "text/plain; charset=utf-8");
  assert.match(missing.body.toString(), /no mirrored feed named "z6MkNobody"; see \/status\.json/);
  for (const path of ["/nope", "/mirror/", `/mirror/${ID}/`, `/mirror/${ID}/index.html`, `/mirror/${ID}/x/feed.xml`, "/mirror/-bad/feed.xml", "//status.json"]) {
    const reply = await get(path);
    assert.is(reply.status, 404, path);
    assert.match(reply.body.toString(), /not found: /, path);
  }
  const long = await get(`/mirror/${"a".repeat(300)}/feed.xml`);
  assert.is(long.status, 404);
  assert.ok(long.body.length < 400, "a long id is cut in the message");
});

test("methods other than GET and HEAD get 405 with Allow", async () => {
  for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
    const reply = await get(FEED_PATH, {}, method);
    assert.is(reply.status, 405, method);
    assert.is(reply.headers.allow, "GET, HEAD", method);
  }
});

test("dot segments, encoded slashes and bad escapes are 400s", async () => {
  for (const path of [
    "/mirror/../status.json", "/mirror/%2e%2e/feed.xml", "/mirror/a%2Fb/feed.xml", "/mirror/a%5cb/feed.xml",
    "/mirror/%zz/feed.xml", "/mirror/a\\b/feed.xml", "/./status.json", "/mirror/..", "/mirror/%00/feed.xml",
  ]) {
    const reply = await get(path);
    assert.is(reply.status, 400, path);
    assert.match(reply.body.toString(), /^bad request: /, path);
  }
  const encoded = await get(`/mirror/${ID.slice(0, 4)}%${ID.charCodeAt(4).toString(16)}${ID.slice(5)}/feed.xml`);
  assert.is(encoded.status, 200, "a percent-encoded ordinary character is just that character");
  assert.is((await get(`${FEED_PATH}?utm=1`)).status, 200, "the query is ignored");
  assert.is((await get(`http://127.0.0.1${FEED_PATH}`)).status, 200, "absolute form (RFC 9112 §3.2.2)");
});

test("bytes that are not HTTP get a 400 and the server keeps serving", async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(server!.port, "127.0.0.1", () => socket.write("\x16\x03\x01garbage\r\n\r\n"));
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString("latin1")));
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.is((await get(FEED_PATH)).status, 200);
});

test("status.json returns what the source reports, never cached", async () => {
  source.status = { feeds: 2, lastRefresh: "2024-03-01T12:00:00.000Z", note: "</script>" };
  const reply = await get("/status.json");
  assert.is(reply.status, 200);
  assert.is(reply.headers["content-type"], "application/json; charset=utf-8");
  assert.is(reply.headers["cache-control"], "no-store");
  assert.equal(JSON.parse(reply.body.toString()), source.status);
});

test("the index links the status and every mirrored feed, escaped", async () => {
  const reply = await get("/");
  const page = reply.body.toString();
  assert.is(reply.headers["content-type"], "text/html; charset=utf-8");
  assert.match(page, /href="\/status\.json"/);
  assert.match(page, new RegExp(`href="/mirror/${ID}/feed\\.xml">Ada &lt;Mirror&gt;</a>`));
  assert.match(page, /href="\/mirror\/blog\.example-0a1b2c3d\/feed\.xml"/);
  assert.not.match(page, /<Mirror>/);
});

test("feed.xsl, style.css, feed-fallback.js and xslt-processor.js are served like the capsule's own", async () => {
  const bundle = createRequire(import.meta.url).resolve("xslt-processor").replace(/index\.js$/, "umd/xslt-processor.global.js");
  const files: [string, string, string][] = [
    ["/feed.xsl", join(REPO_ROOT, "layouts", "feed.xsl"), "application/xml; charset=utf-8"],
    ["/style.css", join(REPO_ROOT, "layouts", "style.css"), "text/css; charset=utf-8"],
    ["/feed-fallback.js", join(REPO_ROOT, "layouts", "feed-fallback.js"), "text/javascript; charset=utf-8"],
    ["/xslt-processor.js", bundle, "text/javascript; charset=utf-8"],
  ];
  for (const [path, file, type] of files) {
    const expected = await readFile(file);
    const reply = await get(path, { "accept-encoding": "gzip" });
    assert.is(reply.status, 200, path);
    assert.is(reply.headers["content-type"], type, path);
    assert.is(reply.headers["x-content-type-options"], "nosniff", path);
    assert.is(reply.headers["cache-control"], "public, max-age=3600", path);
    assert.ok(gunzipSync(reply.body).equals(expected), path);
    assert.is((await get(path, { "if-none-match": reply.headers.etag! })).status, 304, path);
  }
});

test("a failing source gives a 500 without a stack trace, is logged once, and the server carries on", async () => {
  logs.length = 0;
  source.fail.lookup = new Error("lmdb: MDB_CORRUPTED at /secret/path/data.mdb");
  for (let i = 0; i < 3; i++) {
    const reply = await get(FEED_PATH);
    assert.is(reply.status, 500);
    assert.match(reply.body.toString(), /^internal error: /);
    assert.not.match(reply.body.toString(), /MDB_CORRUPTED|\/secret|\bat /);
  }
  assert.is(logs.length, 1, logs.join("\n"));
  assert.match(logs[0]!, /^serve: GET \/mirror\/.+ failed: Error: lmdb: MDB_CORRUPTED/);
  source.fail = { render: new Error("render broke") };
  source.feeds.get(ID)!.version = "3";
  assert.is((await get(FEED_PATH)).status, 500);
  source.fail = { status: new Error("status broke") };
  assert.is((await get("/status.json")).status, 500);
  assert.is(logs.length, 3);
  source.fail = {};
  assert.is((await get(FEED_PATH)).status, 200);
  assert.is((await get("/status.json")).status, 200);
});

test("start-up failures are ServeErrors that say what to change", async () => {
  try {
    await startServer({ source, port: server!.port });
    assert.unreachable("the port is taken");
  } catch (error) {
    assert.instance(error, ServeError);
    assert.is((error as ServeError).code, "serve-listen");
    assert.match((error as Error).message, /EADDRINUSE/);
    assert.match((error as ServeError).hint ?? "", /--port/);
  }
  try {
    await startServer({ source, port: 0, layoutsDir: "/nonexistent/layouts" });
    assert.unreachable("no layouts");
  } catch (error) {
    assert.is((error as ServeError).code, "serve-assets");
    assert.match((error as Error).message, /\/nonexistent\/layouts/);
  }
  const badPort = await startServer({ source, port: 70_000 }).then(() => undefined, (error: unknown) => error);
  assert.instance(badPort, TypeError);
  assert.match((badPort as Error).message, /expected options\.port to be an integer from 0 to 65535, got 70000/);
});

test("close() stops the server and is safe to call twice", async () => {
  const other = await startServer({ source: freshSource(), port: 0 });
  await Promise.all([other.close(), other.close()]);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(other.port, "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); resolve(false); });
    socket.on("error", () => resolve(true));
  });
  assert.ok(refused);
});

test.run();
