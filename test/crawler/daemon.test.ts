import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../crawler/config.ts";
import { startDaemon, type Daemon } from "../../crawler/daemon.ts";
import { parseFeed } from "../../crawler/parse/index.ts";
import { verifyCapsule } from "../../crawler/verify.ts";
import { setup } from "../helpers/setup.ts";
import { createTestCreator } from "../helpers/signed-feed.ts";

const test = suite("crawler/daemon");
const alice = createTestCreator(0x51, "Alice");
const notes = [1, 2, 3].map((n) => alice.sign({ id: `n${n}`, published: `2025-03-0${n}T00:00:00Z`, body: `Note ${n}` }));
let origin: Server;
let base = "";
let folder = "";
let daemon: Daemon | undefined;
const lines: string[] = [];

setup(test, async () => {
  origin = createServer((request, response) => {
    if (request.url === "/alice.xml") response.writeHead(200, { "content-type": "application/rss+xml" }).end(alice.renderFeed(notes.map((sealed) => ({ sealed })), { url: `${base}/alice.xml` }));
    else if (request.url === "/broken.xml") response.writeHead(200, { "content-type": "application/xml" }).end("<rss><channel><title>Broken");
    else response.writeHead(500).end("down");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  folder = mkdtempSync(join(tmpdir(), "capsule-daemon-"));
  mkdirSync(join(folder, "content"));
  writeFileSync(join(folder, "content/following.yaml"), `- url: ${base}/alice.xml\n- url: ${base}/down.xml\n- url: ${base}/broken.xml\n`);
  const config = loadConfig({ port: "0", allowPrivateAddresses: "true", followerUrl: "https://me.example/" }, {}, folder);
  daemon = await startDaemon(config, { log: (line) => lines.push(line) });
  await daemon.tick();
});

test.after(async () => {
  await daemon?.close();
  await new Promise<void>((resolve) => origin?.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

test("re-serves a followed capsule's signed entries, verifiable by anyone, with ETag, 304 and gzip", async () => {
  const id = alice.rootKey.did.replace("did:key:", "");
  const url = `${daemon!.url}mirror/${id}/feed.xml`;
  const response = await fetch(url, { headers: { "accept-encoding": "identity" } });
  assert.is(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", "application/xml");
  const xml = await response.text();
  const report = verifyCapsule({ feed: { feed: parseFeed(xml, { url }), url } });
  assert.equal(report.problems, []);
  assert.is(report.entries.verified, 3);
  const etag = response.headers.get("etag")!;
  assert.ok(etag);
  assert.is((await fetch(url, { headers: { "if-none-match": etag } })).status, 304);

  const gzipped = await new Promise<Buffer>((resolve, reject) => {
    import("node:http").then(({ get }) => get(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
      const chunks: Buffer[] = [];
      assert.is(res.headers["content-encoding"], "gzip");
      res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
    }).on("error", reject));
  });
  assert.is(gunzipSync(gzipped).toString("utf8"), xml);
});

test("one failing feed and one broken feed are recorded, the others still served; status says so", async () => {
  const status = await (await fetch(`${daemon!.url}status.json`)).json() as { feeds: { url: string; consecutiveErrors: number; lastError: string | null; entries: number }[]; daemon: { wakeUps: number } };
  const byUrl = new Map(status.feeds.map((f) => [f.url, f]));
  assert.is(byUrl.get(`${base}/alice.xml`)?.entries, 3);
  assert.is(byUrl.get(`${base}/down.xml`)?.consecutiveErrors, 1);
  assert.match(byUrl.get(`${base}/down.xml`)?.lastError ?? "", "500");
  assert.ok(byUrl.get(`${base}/broken.xml`)!.entries >= 0, "a broken feed is read leniently or recorded as an error");
  assert.ok(status.daemon.wakeUps >= 1);
  assert.ok(lines.some((line) => line.includes("500")), lines.join("\n"));
  const missing = await fetch(`${daemon!.url}mirror/nobody/feed.xml`);
  assert.is(missing.status, 404);
});

test("writes mirror pages for the changed creator into the mirror folder", () => {
  const id = alice.rootKey.did.replace("did:key:", "");
  const index = join(folder, ".capsule/mirror", id, "index.html");
  assert.ok(existsSync(index), index);
  assert.match(readFileSync(index, "utf8"), "Note 3");
  assert.ok(existsSync(join(folder, ".capsule/mirror", id, "feed.xml")));
});

test("a second wake-up finds nothing due and changes nothing", async () => {
  const before = daemon!.crawler.store.listFeeds().map((f) => f.lastFetch?.at);
  await daemon!.tick();
  assert.equal(daemon!.crawler.store.listFeeds().map((f) => f.lastFetch?.at), before);
});

test.run();
