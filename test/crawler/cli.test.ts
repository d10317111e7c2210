import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { setup } from "../helpers/setup.ts";
import { createTestCreator } from "../helpers/signed-feed.ts";
import { makeCapsule, removeCapsule, runCli, runCliAsync } from "../helpers/temp-capsule.ts";

const test = suite("crawler/cli");
const alice = createTestCreator(0x33, "Alice");
let server: Server;
let base = "";
const feeds = new Map<string, string>();

setup(test, async () => {
  server = createServer((request, response) => {
    const body = feeds.get(request.url ?? "");
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "application/xml", etag: `"${body.length}"` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  feeds.set("/plain.xml", `<rss version="2.0"><channel><title>Plain Feed</title><link>${base}/</link><item><guid>p1</guid><title>Hi</title><description>Hello</description></item></channel></rss>`);
  feeds.set("/alice.xml", alice.renderFeed([1, 2].map((n) => ({ sealed: alice.sign({ id: `n${n}`, published: `2025-02-0${n}T00:00:00Z` }) })), { url: `${base}/alice.xml` }));
});

test.after(() => new Promise<void>((resolve) => server?.close(() => resolve())));

test("crawl fetches the follow list, status shows each feed, and a second crawl finds nothing new", async () => {
  const dir = makeCapsule({ "content/following.yaml": `- url: ${base}/plain.xml\n- url: ${base}/alice.xml\n  name: Alice\n- url: ${base}/missing.xml\n` });
  try {
    const env = { CAPSULE_ALLOW_PRIVATE_ADDRESSES: "true" };
    const first = await runCliAsync(dir, ["crawl"], env);
    assert.is(first.code, 0, first.stderr);
    assert.match(first.stdout, /Crawled 3 feeds in [\d.]+ s: 3 new entries, 0 unchanged, 1 errors\./);
    assert.match(first.stdout, "capsule status");

    const status = runCli(dir, ["status"]);
    assert.is(status.code, 0, status.stderr);
    assert.match(status.stdout, /✓ Alice\s+just now\s+2 new\s+2/);
    assert.match(status.stdout, /Plain Feed\s+just now\s+1 new\s+1/);
    assert.match(status.stdout, /error \(http-status\)\s+0\s+in \d+ min\s+1\s+fetch: .*404/);
    const json = JSON.parse(runCli(dir, ["status", "--json"]).stdout) as { title: string | null; entries: number; signed: boolean; consecutiveErrors: number }[];
    assert.equal(json.map((s) => [s.title, s.entries, s.signed, s.consecutiveErrors]).sort(), [
      ["Alice", 2, true, 0], ["Plain Feed", 1, false, 0], [null, 0, false, 1],
    ].sort());

    const second = await runCliAsync(dir, ["crawl"], env);
    assert.match(second.stdout, /Crawled \d feeds in [\d.]+ s: 0 new entries, 2 unchanged, 1 errors\./);
  } finally {
    removeCapsule(dir);
  }
});

test("by default, loopback addresses are refused and the reason is recorded", async () => {
  const dir = makeCapsule({ "content/following.yaml": `- url: ${base}/plain.xml\n` });
  try {
    const crawl = await runCliAsync(dir, ["crawl"]);
    assert.is(crawl.code, 0);
    assert.match(crawl.stdout, "1 errors");
    const [status] = JSON.parse(runCli(dir, ["status", "--json"]).stdout) as { lastError: string; entries: number }[];
    assert.match(status!.lastError, /loopback/);
    assert.is(status!.entries, 0);
  } finally {
    removeCapsule(dir);
  }
});

test("a bad option stops start-up with one line and a hint", () => {
  const dir = makeCapsule({});
  try {
    const result = runCli(dir, ["crawl"], { CAPSULE_TIMEOUT: "forever" });
    assert.is(result.code, 1);
    const lines = result.stderr.trim().split("\n");
    assert.is(lines.length, 2, result.stderr);
    assert.match(lines[0]!, 'capsule: config: CAPSULE_TIMEOUT="forever" is not a duration');
    assert.match(lines[1]!, "CAPSULE_TIMEOUT: a whole fetch");
  } finally {
    removeCapsule(dir);
  }
});

test("import adds an OPML file's feeds (folders too) to the follow list; export prints it back", () => {
  const dir = makeCapsule({ "content/following.yaml": "# mine\n- url: https://a.example/feed.xml\n" });
  try {
    writeFileSync(join(dir, "subs.opml"), `<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>
      <outline text="Friends"><outline text="B &amp; co" type="rss" xmlUrl="https://b.example/rss"/></outline>
      <outline text="A again" xmlUrl="https://a.example/feed.xml"/><outline text="bad" xmlUrl="ftp://c.example/"/></body></opml>`);
    const result = runCli(dir, ["import", "subs.opml"]);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, "Imported 1 feeds into content/following.yaml (1 already followed, 1 skipped");
    const list = readFileSync(join(dir, "content/following.yaml"), "utf8");
    assert.match(list, "# mine");
    assert.match(list, "url: https://b.example/rss\n  name: B & co");
    const exported = runCli(dir, ["export"]);
    assert.is(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, '<outline type="rss" text="B &amp; co" title="B &amp; co" xmlUrl="https://b.example/rss"/>');
    assert.match(exported.stdout, 'xmlUrl="https://a.example/feed.xml"');

    const broken = runCli(dir, ["import", "content/profile.yaml"]);
    assert.is(broken.code, 1);
    assert.match(broken.stderr, "is not an OPML file");
  } finally {
    removeCapsule(dir);
  }
});

test("every crawler command has --help", () => {
  for (const command of ["crawl", "daemon", "status", "import", "export", "verify"]) {
    const help = runCli(".", [command, "--help"]);
    assert.is(help.code, 0, command);
    assert.match(help.stdout, "Usage", command);
  }
});

test.run();
