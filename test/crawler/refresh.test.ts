import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../crawler/authenticate.ts";
import { createFetchAgent, type FetchAgent } from "../../crawler/fetch.ts";
import { isPublishable } from "../../crawler/model.ts";
import { refreshFeed, type RefreshContext } from "../../crawler/refresh.ts";
import type { Store } from "../../crawler/store.ts";
import { setup } from "../helpers/setup.ts";
import { createTestCreator, tamperEnvelope } from "../helpers/signed-feed.ts";
import { openTempStore } from "../helpers/temp-store.ts";

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const test = suite("crawler/refresh");
const routes = new Map<string, Route>();
let server: Server;
let base = "";
let agent: FetchAgent;
const alice = createTestCreator(0x10, "Alice");
const mallory = createTestCreator(0x90, "Mallory");
const notes = [1, 2, 3].map((n) => alice.sign({ id: `note-${n}`, published: `2025-01-0${n}T10:00:00Z`, body: `Note **${n}** <script>alert(1)</script>` }));

function rss(items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Plain &amp; simple</title><link>${base}/</link><ttl>60</ttl>${items}</channel></rss>`;
}

function item(id: string, title: string, body = "<p>hello</p>"): string {
  return `<item><guid>${id}</guid><title>${title}</title><link>${base}/${id}</link><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate><description>${body.replace(/</g, "&lt;")}</description></item>`;
}

function serve(path: string, body: string, headers: Record<string, string> = {}, status = 200): void {
  routes.set(path, (request, response) => {
    const etag = headers["etag"];
    if (etag && request.headers["if-none-match"] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response.writeHead(status, { "content-type": "application/rss+xml", ...headers }).end(body);
  });
}

function context(store: Store, now?: () => Date): RefreshContext {
  return {
    store, authenticator: new Authenticator(),
    fetch: { userAgent: "Capsule/test", allowPrivateAddresses: true, agent, timeouts: { connect: 2000, total: 4000 } },
    limits: { minInterval: 900, maxInterval: 86400, maxBackoff: 86400 },
    redirectMoves: 3,
    now,
  };
}

setup(test, async () => {
  server = createServer((request, response) => {
    const route = routes.get(request.url ?? "");
    if (route) route(request, response);
    else response.writeHead(404).end("not here");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = createFetchAgent();
});

test.after(async () => {
  agent?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test("an ordinary feed: entries stored unsigned and sanitised; a 304 changes nothing", async () => {
  const temp = openTempStore();
  try {
    serve("/plain.xml", rss(item("a", "First", "<p onclick='x()'>hi<script>alert(1)</script></p>") + item("b", "Second")), { etag: '"v1"' });
    const feed = await temp.store.addFeed(`${base}/plain.xml`);
    const first = await refreshFeed(feed.id, context(temp.store));
    assert.is(first.outcome, "new");
    assert.is(first.added, 2);
    const stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.title, "Plain & simple");
    assert.is(stored.validators.etag, '"v1"');
    assert.is(stored.entryCount, 2);
    const a = temp.store.getEntry(feed.id, "a")!;
    assert.is(a.trust.status, "unsigned");
    assert.is(a.html, "<p>hi</p>");
    assert.ok(stored.schedule.intervalSeconds >= 3600, "ttl 60 min respected");

    const second = await refreshFeed(feed.id, context(temp.store));
    assert.is(second.outcome, "unchanged");
    assert.is(temp.store.getFeed(feed.id)!.lastFetch?.status, 304);
    assert.is(temp.store.listLog(feed.id).length, 2);
    assert.equal(temp.store.listLog(feed.id).map((line) => line.outcome), ["unchanged", "new"]);
  } finally {
    await temp.dispose();
  }
});

test("an edited entry is a new version; an entry gone from the origin stays", async () => {
  const temp = openTempStore();
  try {
    serve("/edit.xml", rss(item("a", "First") + item("b", "Second")));
    const feed = await temp.store.addFeed(`${base}/edit.xml`);
    await refreshFeed(feed.id, context(temp.store));
    serve("/edit.xml", rss(item("a", "First, edited")));
    const result = await refreshFeed(feed.id, context(temp.store));
    assert.is(result.added, 1);
    assert.is(temp.store.getEntry(feed.id, "a")!.entry.title?.value, "First, edited");
    assert.equal(temp.store.listVersions(feed.id, "a").map((v) => v.entry.title?.value), ["First", "First, edited"]);
    assert.ok(temp.store.getEntry(feed.id, "b"), "b is kept though the origin dropped it");
    assert.is(temp.store.getFeed(feed.id)!.entryCount, 2);
  } finally {
    await temp.dispose();
  }
});

test("a capsule: entries verified through the checkpoint, rendered from the signed Markdown, key pinned", async () => {
  const temp = openTempStore();
  try {
    serve("/alice.xml", alice.renderFeed(notes.map((sealed) => ({ sealed })), { url: `${base}/alice.xml` }));
    const feed = await temp.store.addFeed(`${base}/alice.xml`);
    const result = await refreshFeed(feed.id, context(temp.store));
    assert.is(result.added, 3);
    assert.equal(result.warnings, []);
    const stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.capsule?.id, alice.rootKey.did);
    assert.is(stored.capsule?.checkpoint?.value.seq, 1);
    const note = temp.store.getEntry(feed.id, "note-2")!;
    assert.equal(note.trust, { status: "verified", via: "checkpoint", signer: alice.signingKey.did });
    assert.match(note.html, "<strong>2</strong>");
    assert.not.match(note.html, "<script");
    assert.is(note.envelope?.payload, notes[1]!.envelope.payload);
    assert.is(note.published, "2025-01-02T10:00:00Z");
  } finally {
    await temp.dispose();
  }
});

test("a tampered entry is kept flagged and never publishable; a different identity is refused after pinning", async () => {
  const temp = openTempStore();
  try {
    const forged = tamperEnvelope(notes[2]!.envelope);
    const xml = alice.renderFeed(notes.slice(0, 2).map((sealed) => ({ sealed })), { url: `${base}/t.xml`, checkpoint: false })
      .replace("</channel>", `<item><title>forged</title><guid>forged</guid><capsule:entry key="${forged.key}" signature="${forged.signature}">${forged.payload}</capsule:entry></item></channel>`);
    serve("/t.xml", xml);
    const feed = await temp.store.addFeed(`${base}/t.xml`);
    const result = await refreshFeed(feed.id, context(temp.store));
    assert.ok(result.warnings.some((w) => /1 of 3 entries failed verification/.test(w)), result.warnings.join("\n"));
    const flagged = temp.store.getEntry(feed.id, "forged")!;
    assert.is(flagged.trust.status, "rejected");
    assert.not.ok(isPublishable(flagged));
    assert.is(temp.store.getEntry(feed.id, "note-1")?.trust.status, "verified");

    // Mallory takes over the host and signs with her own identity: nothing she serves is trusted.
    serve("/t.xml", mallory.renderFeed([{ sealed: mallory.sign({ id: "note-1", body: "Send money to Mallory." }) }], { url: `${base}/t.xml` }));
    const takeover = await refreshFeed(feed.id, context(temp.store));
    assert.ok(takeover.warnings.some((w) => w.includes(alice.rootKey.did) && w.includes("pinned")), takeover.warnings.join("\n"));
    assert.is(temp.store.getFeed(feed.id)!.capsule?.id, alice.rootKey.did);
    const current = temp.store.getEntry(feed.id, "note-1")!;
    assert.is(current.trust.status, "verified", "the verified note-1 is still the current version");
    assert.match(current.html, "Note");
  } finally {
    await temp.dispose();
  }
});

test("failures keep the entries, count up, back off, and honour Retry-After", async () => {
  const temp = openTempStore();
  try {
    serve("/flaky.xml", rss(item("a", "First")), { etag: '"e1"' });
    const feed = await temp.store.addFeed(`${base}/flaky.xml`);
    await refreshFeed(feed.id, context(temp.store));
    const now = new Date();

    serve("/flaky.xml", "oops", {}, 500);
    const failed = await refreshFeed(feed.id, context(temp.store, () => now));
    assert.is(failed.outcome, "error");
    let stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.errors.consecutive, 1);
    assert.match(stored.errors.message ?? "", "500");
    assert.ok(Date.parse(stored.schedule.nextDue) > now.getTime() + 800_000, "backs off at least the minimum interval");
    assert.is(stored.validators.etag, '"e1"', "validators of the good copy are kept");

    serve("/flaky.xml", "<!doctype html><html><body>Hello</body></html>", { "content-type": "text/html" });
    await refreshFeed(feed.id, context(temp.store, () => now));
    stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.errors.consecutive, 2);
    assert.match(stored.errors.message ?? "", /^parse: not a feed/);
    assert.is(stored.validators.etag, '"e1"');

    serve("/flaky.xml", "slow down", { "retry-after": "7200" }, 429);
    await refreshFeed(feed.id, context(temp.store, () => now));
    stored = temp.store.getFeed(feed.id)!;
    assert.is(stored.errors.consecutive, 3);
    assert.ok(stored.schedule.retryAfter !== null);
    assert.ok(Math.abs(Date.parse(stored.schedule.nextDue) - now.getTime() - 7_200_000) < 5_000, stored.schedule.nextDue);

    assert.is(temp.store.listEntries(feed.id).length, 1, "the entry survived every failure");
    assert.equal(temp.store.listLog(feed.id).map((l) => l.outcome), ["error", "error", "error", "new"]);

    serve("/flaky.xml", rss(item("a", "First")), { etag: '"e1"' });
    await refreshFeed(feed.id, context(temp.store));
    assert.is(temp.store.getFeed(feed.id)!.errors.consecutive, 0, "success resets the count");
  } finally {
    await temp.dispose();
  }
});

test("only repeated permanent redirects move the stored URL", async () => {
  const temp = openTempStore();
  try {
    serve("/new.xml", rss(item("a", "First")));
    routes.set("/old.xml", (_, response) => response.writeHead(301, { location: `${base}/new.xml` }).end());
    routes.set("/temp.xml", (_, response) => response.writeHead(302, { location: `${base}/new.xml` }).end());
    const moved = await temp.store.addFeed(`${base}/old.xml`);
    const temporary = await temp.store.addFeed(`${base}/temp.xml`);
    for (let i = 0; i < 2; i++) {
      await refreshFeed(moved.id, context(temp.store));
      assert.is(temp.store.getFeed(moved.id)!.url, `${base}/old.xml`, `not after ${i + 1}`);
    }
    await refreshFeed(moved.id, context(temp.store));
    assert.is(temp.store.getFeed(moved.id)!.url, `${base}/new.xml`, "moved after the third 301");
    assert.is(temp.store.getFeed(moved.id)!.followedUrl, `${base}/old.xml`);
    for (let i = 0; i < 4; i++) await refreshFeed(temporary.id, context(temp.store));
    assert.is(temp.store.getFeed(temporary.id)!.url, `${base}/temp.xml`, "302 never moves it");
  } finally {
    await temp.dispose();
  }
});

test.run();
