import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../crawler/config.ts";
import { openCrawler, type Crawler } from "../../crawler/crawl.ts";
import { readDocument, UNREADABLE_DOCUMENT, type DocumentKind } from "../../crawler/document-cache.ts";
import { startHttpServer, type TestHttpServer } from "../helpers/http-server.ts";
import { setup } from "../helpers/setup.ts";

const test = suite("crawler/document-cache");
const T0 = new Date("2025-06-01T12:00:00Z");
const at = (hours: number) => new Date(T0.getTime() + hours * 3600_000);

/** Text documents; a body containing BROKEN cannot be read. */
const TEXT: DocumentKind<string> = {
  keyOf: (url) => `text ${url}`,
  read({ body, contentType }) {
    const text = body.toString("utf8");
    if (text.includes("BROKEN")) throw new Error(`unreadable: ${text}`);
    return { text, contentType, value: text };
  },
  reread(document) {
    if (document.text.startsWith("OLD SHAPE")) throw new Error("older shape");
    return document.text;
  },
};

let server: TestHttpServer;
const bodies = new Map<string, string>();
const folders: string[] = [];
const crawlers: Crawler[] = [];

function serve(path: string, body: string): void {
  bodies.set(path, body);
  server.route(path, (request, response) => {
    const current = bodies.get(path)!;
    const etag = `"${current.length}-${current.charCodeAt(0)}"`;
    if (request.headers["if-none-match"] === etag) return void response.writeHead(304, { etag }).end();
    response.writeHead(200, { "content-type": "text/plain", etag }).end(current);
  });
}

function open(flags: Record<string, string> = {}): Crawler {
  const folder = mkdtempSync(join(tmpdir(), "capsule-documents-"));
  folders.push(folder);
  const crawler = openCrawler(loadConfig({ allowPrivateAddresses: "true", ...flags }, {}, folder));
  crawlers.push(crawler);
  return crawler;
}

const asked = (path: string) => server.requests.filter((r) => r.path === path);

setup(test, async () => {
  server = await startHttpServer();
});

test.after(async () => {
  for (const crawler of crawlers) await crawler.close();
  await server?.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

test("kept within maxAge, revalidated after it with the kept validators, and confirmed copies count as fresh again", async () => {
  const crawler = open();
  serve("/a", "hello");
  const url = `${server.origin}/a`;
  const first = await readDocument(crawler, url, TEXT, { now: T0 });
  assert.equal([first.value, first.from, first.requested], ["hello", "fetched", true]);
  assert.is((await readDocument(crawler, url, TEXT, { now: at(5) })).from, "cache");
  assert.is(asked("/a").length, 1);
  const revalidated = await readDocument(crawler, url, TEXT, { now: at(7) });
  assert.equal([revalidated.value, revalidated.from, revalidated.fetchedAt], ["hello", "not-modified", at(7).toISOString()]);
  assert.is(asked("/a")[1]!.headers["if-none-match"], `"5-104"`);
  assert.is((await readDocument(crawler, url, TEXT, { now: at(12) })).from, "cache", "six hours from the confirmation, not from the first fetch");
  assert.is((await readDocument(crawler, url, TEXT, { now: at(8), maxAge: 60 })).from, "not-modified", "maxAge is the caller's");
  assert.equal(crawler.store.getDocument(`text ${url}`)?.text, "hello");
});

test("an unreadable new body never replaces a good copy; the good one is served with the reason, then left alone until maxAge", async () => {
  const crawler = open();
  serve("/b", "good list");
  const url = `${server.origin}/b`;
  await readDocument(crawler, url, TEXT, { now: T0 });
  bodies.set("/b", "BROKEN list");
  const stale = await readDocument(crawler, url, TEXT, { now: at(7) });
  assert.equal([stale.value, stale.from, stale.problem], ["good list", "stale", "unreadable: BROKEN list"]);
  assert.is(crawler.store.getDocument(`text ${url}`)?.text, "good list");
  const before = asked("/b").length;
  assert.is((await readDocument(crawler, url, TEXT, { now: at(8) })).value, "good list");
  assert.is(asked("/b").length, before, "not asked again within maxAge");
});

test("an unreadable body with nothing to fall back on is remembered with its validators: asked for once per maxAge, conditionally", async () => {
  const crawler = open();
  serve("/c", "BROKEN from the start");
  const url = `${server.origin}/c`;
  const first = await readDocument(crawler, url, TEXT, { now: T0 });
  assert.equal([first.value, first.from, first.problem], [undefined, "none", "unreadable: BROKEN from the start"]);
  assert.is(crawler.store.getDocument(`text ${url}`)?.contentType, UNREADABLE_DOCUMENT);
  const again = await readDocument(crawler, url, TEXT, { now: at(1) });
  assert.equal([again.problem, again.requested, asked("/c").length], ["unreadable: BROKEN from the start", false, 1]);
  const later = await readDocument(crawler, url, TEXT, { now: at(7) });
  assert.equal([later.problem, later.requested], ["unreadable: BROKEN from the start", true]);
  assert.ok(asked("/c")[1]!.headers["if-none-match"], "the broken body's validators are sent");
  bodies.set("/c", "fixed");
  assert.is((await readDocument(crawler, url, TEXT, { now: at(14) })).value, "fixed");
});

test("a failed fetch serves the kept copy and is not retried for 30 minutes; a record in an older shape is fetched anew", async () => {
  const crawler = open();
  serve("/d", "kept");
  const url = `${server.origin}/d`;
  await readDocument(crawler, url, TEXT, { now: T0 });
  server.route("/d", (_, response) => void response.writeHead(500).end("down"));
  const failed = await readDocument(crawler, url, TEXT, { now: at(7) });
  assert.equal([failed.value, failed.from, failed.fetchedAt], ["kept", "stale", T0.toISOString()]);
  assert.match(failed.problem ?? "", /^fetch: .*500.*\/d$/);
  const count = asked("/d").length;
  assert.is((await readDocument(crawler, url, TEXT, { now: at(7.25) })).problem, failed.problem);
  assert.is(asked("/d").length, count, "remembered failure: no request");
  await readDocument(crawler, url, TEXT, { now: at(7.6) });
  assert.is(asked("/d").length, count + 1, "retried after 30 minutes");

  serve("/e", "new shape");
  const old = `${server.origin}/e`;
  await crawler.store.putDocument(`text ${old}`, { fetchedAt: T0.toISOString(), etag: `"9-110"`, lastModified: null, bodyHash: null, text: "OLD SHAPE", contentType: null });
  const read = await readDocument(crawler, old, TEXT, { now: at(1) });
  assert.equal([read.value, read.from], ["new shape", "fetched"]);
  assert.is(asked("/e")[0]!.headers["if-none-match"], undefined);
});

test("a kept document is read back once per body, not on every call", async () => {
  const crawler = open();
  serve("/g", "parsed once");
  let rereads = 0;
  const counting: DocumentKind<string> = { ...TEXT, reread: (document) => (rereads++, document.text) };
  const url = `${server.origin}/g`;
  await readDocument(crawler, url, counting, { now: T0 });
  for (let i = 1; i <= 3; i++) assert.is((await readDocument(crawler, url, counting, { now: at(i) })).value, "parsed once");
  assert.is(rereads, 0, "the value read from the fetched body is remembered");
  bodies.set("/g", "parsed twice");
  assert.is((await readDocument(crawler, url, counting, { now: at(7) })).value, "parsed twice");
  assert.is((await readDocument(crawler, url, counting, { now: at(8) })).value, "parsed twice", "the new body's value, not the old one");
  assert.is(rereads, 0);
  await crawler.close();
  crawlers.splice(crawlers.indexOf(crawler), 1);
  const other = open({ dataDir: crawler.config.dataDir });
  assert.is((await readDocument(other, url, counting, { now: at(9) })).value, "parsed twice");
  assert.is((await readDocument(other, url, counting, { now: at(10) })).value, "parsed twice");
  assert.is(rereads, 1, "another process (crawler) reads the kept text back once");
});

test("uses the crawler's fetch policy: loopback refused unless allowed, no request made", async () => {
  const crawler = open({ allowPrivateAddresses: "false" });
  serve("/f", "secret");
  const read = await readDocument(crawler, `${server.origin}/f`, TEXT, { now: T0 });
  assert.is(read.value, undefined);
  assert.match(read.problem ?? "", /^fetch: refused/);
  assert.is(asked("/f").length, 0);
});

test("goes through the crawler's queue: never more requests at once to one host than perHostConcurrency", async () => {
  const crawler = open({ perHostConcurrency: "1" });
  let running = 0;
  let most = 0;
  for (let i = 0; i < 6; i++) {
    server.route(`/slow${i}`, (_, response) => {
      most = Math.max(most, ++running);
      setTimeout(() => {
        running--;
        response.writeHead(200, { "content-type": "text/plain" }).end(`slow ${i}`);
      }, 20);
    });
  }
  const reads = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => readDocument(crawler, `${server.origin}/slow${i}`, TEXT, { now: T0 })));
  assert.equal(reads.map((r) => r.value), [0, 1, 2, 3, 4, 5].map((i) => `slow ${i}`));
  assert.is(most, 1);
});

test.run();
