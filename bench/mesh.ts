// bench/mesh.ts: the takedown test at full size. N capsules (real signed builds on loopback ports), each
// following K others with a real daemon and LMDB store; one crawl cycle; 20 % of origins taken down; a new
// follower follows every downed creator through a mirror (the URL names their key) and one more through a
// hostile mirror that altered one post in each feed; then one creator moves.
// Prints: share of the downed creators' entries recovered, share of those verified, forged entries
// accepted, and crawl cycles the moved creator's followers needed to switch.
// Targets (issue 5): ≥ 99 % recovered, 100 % verified, moves followed within one cycle, 0 forged accepted.
// Run: node --import tsx bench/mesh.ts [n=50] [k=5] [posts=10]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPublishable } from "../crawler/model.ts";
import { createMesh, type MeshCapsule } from "../test/helpers/mesh.ts";
import { startStaticServer } from "../test/helpers/static-server.ts";

const N = Number(process.argv[2] ?? 50);
const K = Number(process.argv[3] ?? 5);
const POSTS = Number(process.argv[4] ?? 10);
const root = join(tmpdir(), `capsule-bench-mesh-${process.pid}`);
const identityOf = (c: MeshCapsule) => (JSON.parse(readFileSync(join(c.folder, ".capsule/identity.json"), "utf8")) as { root: string }).root;
const time = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await work();
  process.stderr.write(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
};

const mesh = await time(`building and serving ${N} capsules`, () => createMesh(root, { n: N, k: K, posts: POSTS }));
try {
  await time("first crawl cycle", () => mesh.cycle());
  const downed = mesh.capsules.filter((_, i) => i % 5 === 0); // 20 %
  for (const capsule of downed) await mesh.takeDown(capsule);
  // Each downed creator is followed through one of the capsules that follow it (capsule i is followed by i-1 … i-K).
  const mirrorOf = (c: MeshCapsule) => mesh.capsules[(c.index - 1 + N) % N]!;
  const urls = downed.map((c) => `${mirrorOf(c).url}mirror/${identityOf(c).replace("did:key:", "")}/feed.xml`);
  const follower = await mesh.addFollower(urls);
  await time("new follower's first cycle", () => follower.daemon.tick({ all: true }));
  const store = follower.daemon.crawler.store;
  let recovered = 0;
  let verified = 0;
  for (const capsule of downed) {
    const feed = store.listFeeds().find((f) => f.capsule?.id === identityOf(capsule));
    const entries = feed ? store.listEntries(feed.id) : [];
    recovered += entries.length;
    verified += entries.filter((e) => e.trust.status === "verified" && isPublishable(e)).length;
  }
  const expected = downed.length * POSTS;

  // A hostile mirror: the same mirrored feeds with one post altered in each.
  const hostileRoot = join(root, "hostile");
  for (const capsule of downed) {
    const id = identityOf(capsule).replace("did:key:", "");
    const xml = readFileSync(join(mirrorOf(capsule).folder, ".capsule/mirror", id, "feed.xml"), "utf8");
    const altered = xml.replace(/(<capsule:entry[^>]*>)([A-Za-z0-9_-]{20})/, (_, open: string, start: string) => `${open}${start.slice(0, 19)}${start[19] === "A" ? "B" : "A"}`);
    mkdirSync(join(hostileRoot, "mirror", id), { recursive: true });
    writeFileSync(join(hostileRoot, "mirror", id, "feed.xml"), altered);
  }
  const hostile = await startStaticServer({ root: hostileRoot });
  const victim = await mesh.addFollower(downed.map((c) => `${hostile.url}mirror/${identityOf(c).replace("did:key:", "")}/feed.xml`));
  await victim.daemon.tick({ all: true });
  const victimEntries = victim.daemon.crawler.store.listFeeds().flatMap((f) => victim.daemon.crawler.store.listEntries(f.id));
  const forgedAccepted = victimEntries.filter((e) => e.trust.status !== "verified" && isPublishable(e)).length;
  const forgedSeen = victimEntries.filter((e) => e.trust.status !== "verified").length;
  await hostile.close();

  // A move: count the cycles until every follower of the moved creator fetches the new address.
  const moving = mesh.capsules.find((c) => c.index % 5 !== 0)!;
  const before = `${moving.url}feed.xml`;
  const after = `${await mesh.move(moving)}feed.xml`;
  const followersOf = mesh.capsules.filter((c) => c.index % 5 !== 0 && c.daemon.crawler.store.findFeed(before));
  let cycles = 0;
  while (cycles < 5 && !followersOf.every((c) => c.daemon.crawler.store.findFeed(before)?.url === after)) {
    await mesh.cycle();
    cycles++;
  }
  const switched = followersOf.filter((c) => c.daemon.crawler.store.findFeed(before)?.url === after).length;

  console.log(`\nmesh of ${N} capsules × ${POSTS} posts, each following ${K}; ${downed.length} origins (20 %) taken down`);
  console.log(`recovered by a new follower through mirrors  ${recovered}/${expected} = ${((recovered / expected) * 100).toFixed(1)} % (target ≥ 99 %)`);
  console.log(`of which verified against the creator's key  ${verified}/${recovered} = ${((verified / Math.max(1, recovered)) * 100).toFixed(1)} % (target 100 %)`);
  console.log(`forged entries accepted from a hostile mirror ${forgedAccepted} (of ${forgedSeen} altered entries it served; target 0)`);
  console.log(`cycles until ${switched}/${followersOf.length} followers followed a move  ${cycles} (target 1)`);
} finally {
  await mesh.close();
}
