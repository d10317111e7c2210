import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { isPublishable } from "../../crawler/model.ts";
import { createMesh, type Mesh, type MeshCapsule } from "../helpers/mesh.ts";
import { setup } from "../helpers/setup.ts";

// The promise of the mesh, end to end with real signed builds, real daemons and real LMDB stores: when a
// creator's host takes them down, a new follower still gets every post from the people who mirrored them,
// and every one verifies against the creator's key. (bench/mesh.ts runs the large version: N = 50, K = 5.)
const test = suite("mesh: takedown, recovery and moves");
let mesh: Mesh;

function identityOf(capsule: MeshCapsule): string {
  return (JSON.parse(readFileSync(join(capsule.folder, ".capsule/identity.json"), "utf8")) as { root: string }).root;
}

setup(test, async () => {
  mesh = await createMesh(join(tmpdir(), `capsule-mesh-${process.pid}`), { n: 5, k: 3, posts: 4 });
  await mesh.cycle();
});

test.after(async () => {
  await mesh?.close();
});

test("every capsule mirrors the ones it follows, with every entry verified", () => {
  for (const capsule of mesh.capsules) {
    const feeds = capsule.daemon.crawler.store.listFeeds();
    assert.is(feeds.length, 3, capsule.url);
    for (const feed of feeds) {
      assert.ok(feed.capsule, `${feed.url} is a signed capsule`);
      const entries = capsule.daemon.crawler.store.listEntries(feed.id);
      assert.is(entries.length, 4, feed.url);
      assert.ok(entries.every((e) => e.trust.status === "verified"), feed.url);
    }
  }
});

test("a creator's host goes down: a new follower recovers all their posts from mirrors, all verified; a hostile mirror gives nothing", async () => {
  const downed = mesh.capsules[0]!;
  const id = identityOf(downed).replace("did:key:", "");
  const mirrorHost = mesh.capsules[mesh.capsules.length - 1]!; // follows capsules 0, 1 and 2
  await mesh.takeDown(downed);
  const follower = await mesh.addFollower([`${mirrorHost.url}mirror/${id}/feed.xml`, `${mesh.capsules[2]!.url}feed.xml`]);
  await follower.daemon.tick({ all: true });
  const store = follower.daemon.crawler.store;
  const feed = store.listFeeds().find((f) => f.capsule?.id === identityOf(downed))!;
  assert.ok(feed, "followed by identity through a mirror");
  const entries = store.listEntries(feed.id);
  assert.is(entries.length, downed.posts, "100 % of the downed creator's entries recovered");
  assert.ok(entries.every((e) => e.trust.status === "verified" && isPublishable(e)), "100 % verified");

  // Mallory serves a copy of capsule 0's mirror with one post altered: nothing she serves is accepted.
  const xml = readFileSync(join(mirrorHost.folder, ".capsule/mirror", id, "feed.xml"), "utf8");
  const altered = xml.replace(/(<capsule:entry[^>]*>)([A-Za-z0-9_-]{20})/, (_, open: string, start: string) => `${open}${start.slice(0, 19)}${start[19] === "A" ? "B" : "A"}`);
  assert.is.not(altered, xml);
  const { startStaticServer } = await import("../helpers/static-server.ts");
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const hostileRoot = join(downed.folder, "..", "mallory");
  mkdirSync(join(hostileRoot, "mirror", id), { recursive: true });
  writeFileSync(join(hostileRoot, "mirror", id, "feed.xml"), altered);
  const hostile = await startStaticServer({ root: hostileRoot });
  try {
    const victim = await mesh.addFollower([`${hostile.url}mirror/${id}/feed.xml`]);
    await victim.daemon.tick({ all: true });
    const forged = victim.daemon.crawler.store.listFeeds().flatMap((f) => victim.daemon.crawler.store.listEntries(f.id)).filter((e) => e.trust.status !== "verified");
    assert.ok(forged.length >= 1, "the altered entry was noticed");
    assert.ok(forged.every((e) => !isPublishable(e)), "0 forged entries accepted");
  } finally {
    await hostile.close();
  }
});

test("followers of the downed creator fall back to the mirrors the mesh's follow lists reveal", async () => {
  const downed = mesh.capsules[0]!;
  await mesh.cycle();
  const id = identityOf(downed);
  // Capsule 3 follows 4, 0 and 1; capsule 4 follows 0 too, so 3 learns from 4's follow list that 4 mirrors 0.
  const three = mesh.capsules[3]!;
  const feed = three.daemon.crawler.store.listFeeds().find((f) => f.capsule?.id === id)!;
  assert.match(feed.errors.message ?? "", "fetch:", "the origin is down");
  assert.match(feed.lastFetch?.message ?? "", `verified entries read from the mirror ${mesh.capsules[4]!.url}mirror/`);
  assert.ok(feed.mirrors.some((m) => m.source === "mesh" && m.good > 0), JSON.stringify(feed.mirrors));
  // Who mirrors us is written for the next build: 4 follows 0, 1, 2, and of those 1 and 2 follow 4 back.
  const ownMirrors = JSON.parse(readFileSync(join(mesh.capsules[4]!.folder, ".capsule/mirrors.json"), "utf8")) as { mirrors: string[] };
  assert.equal(ownMirrors.mirrors, [mesh.capsules[1]!.url, mesh.capsules[2]!.url].sort());
});

test("a creator moves: every follower follows the move within one crawl cycle, keeping the history", async () => {
  const moving = mesh.capsules[2]!;
  const before = moving.url;
  const after = await mesh.move(moving);
  await mesh.cycle();
  const followers = mesh.capsules.filter((c) => c.daemon.crawler.store.listFeeds().some((f) => f.followedUrl === `${before}feed.xml`));
  assert.ok(followers.length >= 2, "capsule 2 has followers in the mesh");
  for (const follower of followers) {
    const feed = follower.daemon.crawler.store.listFeeds().find((f) => f.followedUrl === `${before}feed.xml`)!;
    assert.is(feed.url, `${after}feed.xml`, `${follower.url} switched in one cycle`);
    assert.is(feed.moved?.to, `${after}feed.xml`);
    assert.is(follower.daemon.crawler.store.listEntries(feed.id).length, moving.posts, "history kept");
  }
});

test.run();
