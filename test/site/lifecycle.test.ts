// `capsule delete` and `capsule move` through the real CLI and a real signed build.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createKeyring, verifyLocationRecord, verifyIdentityRecord, readIdentityDocument, type Envelope, type Keyring } from "../../site/format/index.ts";
import { generateKeys } from "../../site/keys.ts";
import { readFeedEnvelopes } from "../helpers/feed-envelopes.ts";
import { makeCapsule, post, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

function locationOf(feed: string, keyring: Keyring) {
  const result = verifyLocationRecord(readFeedEnvelopes(feed, "location")[0], keyring);
  assert.is(result.status, "valid");
  return (result as unknown as { value: { seq: number; feeds: string[]; movedFrom: string | null } }).value;
}

test("delete marks the post, and the build replaces it with a tombstone", () => {
  const dir = makeCapsule({ "content/posts/2026-03-01-regret.md": post("title: Regret", "Oops.") });
  try {
    generateKeys({ cwd: dir }); // tombstones are signed objects: an unsigned capsule just drops the post
    const run = runCli(dir, ["delete", "content/posts/2026-03-01-regret.md"]);
    assert.is(run.code, 0, run.stderr);
    assert.match(readFileSync(join(dir, "content/posts/2026-03-01-regret.md"), "utf8"), /^---\ndeleted: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\ntitle: Regret\n---/);
    assert.is(runCli(dir, ["delete", "content/posts/2026-03-01-regret.md"]).code, 1, "deleting twice is refused");
    assert.is(runCli(dir, ["delete", "content/profile.yaml"]).code, 1, "only posts can be deleted");
    assert.is(runCli(dir, ["build"]).code, 0);
    const feed = readFileSync(join(dir, "_site/feed.xml"), "utf8");
    assert.match(feed, "This post was deleted by its author.");
    assert.not.match(feed, "Oops.");
  } finally {
    removeCapsule(dir);
  }
});

test("move changes the address and publishes a higher location record naming the old site", () => {
  const dir = makeCapsule({
    "content/profile.yaml": "# my profile\nname: Mover\nurl: https://old.example/ # where I live\n",
    "content/posts/2026-03-01-a.md": post("title: A"),
  });
  try {
    const keys = generateKeys({ cwd: dir });
    const keyring = (createKeyring(keys.identity.root, keys.identity.certificates) as { keyring: Keyring }).keyring;
    assert.is(runCli(dir, ["build"]).code, 0);
    assert.is(locationOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring).seq, 1);
    const run = runCli(dir, ["move", "https://new.example"]);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, "BOTH addresses");
    const profile = readFileSync(join(dir, "content/profile.yaml"), "utf8");
    assert.match(profile, "url: https://new.example/");
    assert.match(profile, "# my profile");
    assert.is(runCli(dir, ["build"]).code, 0);
    const location = locationOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring);
    assert.is(location.seq, 2);
    assert.is(location.movedFrom, "https://old.example/");
    assert.equal(location.feeds, ["https://new.example/feed.xml", "https://new.example/feed.json"]);
    const identity = readIdentityDocument(readFileSync(join(dir, "_site/.well-known/capsule.json"), "utf8")) as { envelope: Envelope };
    const record = verifyIdentityRecord(identity.envelope, { root: keys.identity.root, domain: "new.example" });
    assert.is(record.status, "valid", JSON.stringify(record));
    assert.is(runCli(dir, ["move", "ftp://x.example/"]).code, 1);
  } finally {
    removeCapsule(dir);
  }
});

test("mirrors the crawler found are listed in the location and identity records, with a higher sequence", () => {
  const dir = makeCapsule({ "content/profile.yaml": "name: Mirrored\nurl: https://me.example/\n", "content/posts/2026-03-01-a.md": post("title: A") });
  try {
    const keys = generateKeys({ cwd: dir });
    const keyring = (createKeyring(keys.identity.root, keys.identity.certificates) as { keyring: Keyring }).keyring;
    assert.is(runCli(dir, ["build"]).code, 0);
    assert.equal(locationOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring).seq, 1);
    writeFileSync(join(dir, ".capsule/mirrors.json"), JSON.stringify({ mirrors: ["https://friend.example/", "https://b.example/", "javascript:alert(1)", "https://friend.example/"] }));
    assert.is(runCli(dir, ["build"]).code, 0);
    const location = locationOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring) as unknown as { seq: number; mirrors: string[] };
    assert.is(location.seq, 2);
    assert.equal(location.mirrors, ["https://b.example/", "https://friend.example/"]);
    const identity = readIdentityDocument(readFileSync(join(dir, "_site/.well-known/capsule.json"), "utf8")) as { envelope: Envelope };
    const record = verifyIdentityRecord(identity.envelope, { root: keys.identity.root });
    assert.equal((record as unknown as { value: { mirrors: string[]; seq: number } }).value.mirrors, ["https://b.example/", "https://friend.example/"]);
    // The same mirrors again: the same sequence (the state was saved with the build).
    assert.is(runCli(dir, ["build"]).code, 0);
    assert.is(locationOf(readFileSync(join(dir, "_site/feed.xml"), "utf8"), keyring).seq, 2);
  } finally {
    removeCapsule(dir);
  }
});

test.run();
