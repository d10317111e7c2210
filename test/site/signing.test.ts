// A real build of a capsule with keys: every feed entry, the checkpoint, the tombstone of a deleted post,
// the identity and location records verify with the format library, and the checkpoint chains.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  compareCheckpoints, createKeyring, readIdentityDocument, verifyCheckpoint, verifyIdentityRecord,
  verifyLocationRecord, Verifier, type CheckpointState, type Envelope, type Keyring,
} from "../../site/format/index.ts";
import { generateKeys } from "../../site/keys.ts";
import { readFeedEnvelopes } from "../helpers/feed-envelopes.ts";
import { setup } from "../helpers/setup.ts";
import { makeCapsule, post, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

interface Context { dir: string; feed: string; keyring: Keyring; root: string; stderr: string }
const Signed = suite<Context>("signed build");

function checkpointOf(feed: string, keyring: Keyring): CheckpointState {
  const result = verifyCheckpoint(readFeedEnvelopes(feed, "checkpoint")[0], keyring);
  assert.is(result.status, "valid", JSON.stringify(result));
  return result as unknown as CheckpointState;
}

setup(Signed, (ctx) => {
  ctx.dir = makeCapsule({
    "content/posts/2026-02-01-hello.md": post("tags: [clay]", "Hello **world**."),
    "content/posts/2026-02-03-essay/index.md": post("title: An essay\nsummary: About kilns.\nattachments: [log.csv]", "Long text."),
    "content/posts/2026-02-03-essay/log.csv": "hour,temp\n1,200\n",
    "content/posts/2026-02-05-oops.md": post("deleted: 2026-02-06T10:00:00Z", "Posted by mistake."),
  });
  const keys = generateKeys({ cwd: ctx.dir });
  ctx.root = keys.identity.root;
  const keyring = createKeyring(ctx.root, keys.identity.certificates);
  assert.is(keyring.status, "valid");
  ctx.keyring = (keyring as { keyring: Keyring }).keyring;
  const run = runCli(ctx.dir, ["build"]);
  assert.is(run.code, 0, run.stderr);
  ctx.stderr = run.stderr;
  ctx.feed = readFileSync(join(ctx.dir, "_site/feed.xml"), "utf8");
});
Signed.after((ctx) => removeCapsule(ctx.dir));

Signed("every feed entry verifies, and carries the Markdown it was written in", ({ feed, keyring, stderr, root }) => {
  assert.match(stderr, `as ${root}`);
  const verifier = new Verifier(keyring);
  const entries = readFeedEnvelopes(feed, "entry").map((e) => verifier.verifyEntry(e));
  assert.is(entries.length, 3, "two posts and one tombstone");
  for (const result of entries) assert.is(result.status, "valid", JSON.stringify(result));
  const values = entries.map((r) => (r as unknown as { value: Record<string, unknown> }).value);
  const hello = values.find((v) => v.id === "hello")!;
  assert.is(hello.body, "Hello **world**.");
  assert.equal(hello.tags, ["clay"]);
  const essay = values.find((v) => v.id === "essay")!;
  assert.is(essay.title, "An essay");
  assert.equal((essay.attachments as { url: string; size: number }[]).map((a) => [a.url, a.size]), [["posts/2026-02-03-essay/log.csv", 16]]);
  const tombstone = values.find((v) => v.id === "oops")!;
  assert.is(tombstone.deleted, true);
  assert.not.ok(tombstone.body, "a tombstone keeps no content");
});

Signed("the checkpoint lists every entry, tombstone included, and authenticates them", ({ feed, keyring }) => {
  const checkpoint = checkpointOf(feed, keyring);
  assert.is(checkpoint.value.seq, 1);
  assert.is(checkpoint.value.prev, null);
  assert.equal(checkpoint.value.entries.map((e) => e[0]), ["essay", "hello", "oops"]);
  const verifier = new Verifier(keyring);
  assert.is(verifier.verifyCheckpoint(readFeedEnvelopes(feed, "checkpoint")[0]).status, "valid");
  const viaCheckpoint = readFeedEnvelopes(feed, "entry").map((e) => verifier.verifyEntry(e) as { via?: string });
  assert.ok(viaCheckpoint.every((r) => r.via === "checkpoint"), "listed payloads need no signature check of their own");
});

Signed("identity and location records verify; the deleted post has no page", ({ dir, feed, keyring, root }) => {
  const identity = readIdentityDocument(readFileSync(join(dir, "_site/.well-known/capsule.json"), "utf8"));
  assert.is(identity.status, "read");
  const record = verifyIdentityRecord((identity as { envelope: Envelope }).envelope, { root, domain: "tester.example" });
  assert.is(record.status, "valid", JSON.stringify(record));
  assert.match(feed, `<capsule:identity href="https://tester.example/.well-known/capsule.json">${root}</capsule:identity>`);
  const location = verifyLocationRecord(readFeedEnvelopes(feed, "location")[0], keyring);
  assert.is(location.status, "valid");
  assert.equal((location as unknown as { value: { feeds: string[] } }).value.feeds, ["https://tester.example/feed.xml", "https://tester.example/feed.json"]);
  assert.not.match(readFileSync(join(dir, "_site/index.html"), "utf8"), "Posted by mistake");
  const gone = readFileSync(join(dir, "_site/posts/oops/index.html"), "utf8");
  assert.match(gone, "deleted this post");
  assert.not.match(gone, "Posted by mistake", "a deleted post's page keeps none of its content");
  assert.match(feed, "<description>This post was deleted by its author.</description>");
});

Signed("rebuilding unchanged content republishes the same checkpoint; an edit chains the next one", ({ dir, feed, keyring }) => {
  const first = checkpointOf(feed, keyring);
  assert.is(runCli(dir, ["build"]).code, 0);
  const again = checkpointOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring);
  assert.is(again.hash, first.hash);
  writeFileSync(join(dir, "content/posts/2026-02-01-hello.md"), post("tags: [clay]\nupdated: 2026-02-10", "Hello **world**, edited."));
  assert.is(runCli(dir, ["build"]).code, 0);
  const next = checkpointOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring);
  assert.is(next.value.seq, 2);
  assert.is(next.value.prev, first.hash);
  const comparison = compareCheckpoints(first, next);
  assert.is(comparison.status, "consistent", JSON.stringify(comparison));
  assert.equal([...(comparison as unknown as { changed: string[] }).changed], ["hello"]);
});

Signed("the signed feed still reads cleanly in Debian's feedparser", ({ dir }) => {
  const py = spawnSync("/usr/bin/python3", ["-c", "import sys,feedparser; d=feedparser.parse(sys.argv[1]); print(int(bool(d.bozo)), len(d.entries))", join(dir, "_site/feed.xml")], { encoding: "utf8" });
  assert.is(py.stdout.trim(), "0 3");
});

Signed("the built feed re-serialised by Python's minidom (pretty-printed) still verifies entry by entry", ({ dir, keyring }) => {
  const py = spawnSync("/usr/bin/python3", ["-c", "import sys,xml.dom.minidom as m; print(m.parse(sys.argv[1]).toprettyxml(indent='  '))", join(dir, "_site/feed.xml")], { encoding: "utf8" });
  assert.is(py.status, 0, py.stderr);
  const reserialised = py.stdout;
  assert.is.not(reserialised, readFileSync(join(dir, "_site/feed.xml"), "utf8"));
  const entries = readFeedEnvelopes(reserialised, "entry");
  assert.is(entries.length, 3);
  const verifier = new Verifier(keyring);
  for (const envelope of entries) assert.is(verifier.verifyEntry(envelope).status, "valid");
  assert.is(verifier.verifyCheckpoint(readFeedEnvelopes(reserialised, "checkpoint")[0]).status, "valid");
});

Signed("a capsule without keys builds, says the feed is unsigned, and marks it", () => {
  const dir = makeCapsule({ "content/posts/2026-02-01-a.md": post("title: A") });
  try {
    const run = runCli(dir, ["build"]);
    assert.is(run.code, 0);
    assert.match(run.stderr, "The feed is unsigned");
    assert.match(run.stderr, "capsule keygen");
    assert.match(readFileSync(join(dir, "_site/feed.xml"), "utf8"), "<capsule:unsigned>");
  } finally {
    removeCapsule(dir);
  }
});

Signed.run();
