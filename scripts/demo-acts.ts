/**
 * The demo's two acts, each a sequence of steps on the mesh and what it prints. Act one brings the mesh up
 * and lists what to open; act two takes one origin down and moves another capsule, crawls again, and says
 * what the followers did about it, as the crawler reports it.
 */
import { describeFeeds, formatStatus } from "../crawler/status.ts";
import type { DemoMesh, MeshCapsule } from "./demo-mesh.ts";
import { collectMeshUrls, formatMeshUrls, probeUrl } from "./demo-urls.ts";

/** Where the demo's lines go. */
export type Write = (line: string) => void;

/** The capsules act two acts on: the last one goes down, the second one moves. */
export function pickActTwoCast(mesh: DemoMesh): { down: MeshCapsule; moved: MeshCapsule } {
  return { down: mesh.capsules[mesh.capsules.length - 1]!, moved: mesh.capsules[1]! };
}

/** Act one: write, build, serve, crawl, rebuild with mirror pages; then the URL table. */
export async function runActOne(mesh: DemoMesh, write: Write): Promise<void> {
  write(`Act one: sample creators, each following two or three of the others`);
  await timed(write, () => mesh.create(), () => `${mesh.capsules.length} capsules written, each with its own keys, in ${mesh.root}`);
  await timed(write, () => mesh.build(), () => `${mesh.capsules.length} sites built (capsule build) and served on 127.0.0.1`);
  write("  … each capsule's crawler fetches the feeds it follows:");
  await timed(write, () => mesh.startCrawlers(), () => `${mesh.capsules.length} crawler daemons ran their first crawl`);
  await timed(write, () => mesh.crawl(), () => "second crawl: each crawler read the follow lists of those it follows (who mirrors whom)");
  await timed(write, () => mesh.build(), () => "sites rebuilt: mirror pages published under /mirror/, mirrors named in the signed location records");
  await timed(write, () => mesh.crawl(), () => "third crawl: followers picked up the new location records");
  write("");
  write("Open these (loopback only; the mesh runs until the demo stops):");
  write("");
  for (const line of formatMeshUrls(mesh, await collectMeshUrls(mesh))) write(line ? `  ${line}` : "");
}

/** Act two: one origin down, one capsule moved, a second crawl cycle, and what each follower made of it. */
export async function runActTwo(mesh: DemoMesh, write: Write): Promise<void> {
  const { down, moved } = pickActTwoCast(mesh);
  write(`Act two: ${down.creator.name}'s site goes down, ${moved.creator.name} moves`);
  await timed(write, () => mesh.takeDown(down), () => `${down.creator.name}'s origin ${down.origin.url} is down`);
  const oldUrl = moved.url;
  let said = "";
  await timed(write, async () => {
    said = (await mesh.move(moved)).stdout;
  }, () => `${moved.creator.name} ran \`capsule move ${moved.url}\` and rebuilt; the same build is served at ${oldUrl} and ${moved.url}`);
  for (const line of said.trim().split("\n")) write(`      ${line}`);
  await timed(write, () => mesh.crawl(), () => "a new crawl cycle: every crawler fetched every feed it follows");
  const live = mesh.capsules.filter((capsule) => !capsule.down);
  await timed(write, () => mesh.build(live), () => "followers' sites rebuilt with their updated mirror pages");
  write("");
  await reportDown(mesh, down, write);
  write("");
  reportMove(mesh, moved, write);
  write("");
  reportStatus(mesh, [down, moved], write);
}

async function reportDown(mesh: DemoMesh, down: MeshCapsule, write: Write): Promise<void> {
  write(`${down.creator.name}'s origin ${down.origin.url} answers: ${await probeUrl(down.origin.url)}. Their posts are still served by followers:`);
  const followers = mesh.capsules.filter((c) => !c.down && c.follows.includes(down));
  for (const follower of followers) {
    const page = mesh.mirrorUrlOf(follower, down);
    const feed = mesh.findFollowedFeed(follower, down);
    if (!page || !feed || !follower.daemon) {
      write(`  ${follower.creator.name} has no mirror of them (nothing was crawled before the origin went down)`);
      continue;
    }
    const served = `${follower.daemon.url}${page.slice(follower.url.length)}feed.xml`;
    write(`  ${page}  on ${follower.creator.name}'s site (${await probeUrl(page)}, ${feed.entryCount} entries kept)`);
    write(`  ${served}  ${follower.creator.name}'s crawler re-serves the signed feed (${await probeUrl(served)})`);
    // The crawler's own record of the mirrors it tried when the origin failed (crawler/fallback.ts).
    const rescued = feed.mirrors.filter((mirror) => mirror.lastOk !== null && mirror.lastOk === mirror.lastTried);
    const tried = feed.mirrors.filter((mirror) => mirror.lastTried !== null);
    if (rescued.length > 0) write(`    ${follower.creator.name}'s crawler fell back to ${rescued.map((m) => `${m.url} (${m.source})`).join(", ")}`);
    else if (tried.length > 0) write(`    ${follower.creator.name}'s crawler tried ${tried.map((m) => `${m.url} (${m.lastError ?? "no verified entries"})`).join(", ")}`);
    else write(`    ${follower.creator.name}'s crawler has no mirror fallback recorded yet`);
  }
}

function reportMove(mesh: DemoMesh, moved: MeshCapsule, write: Write): void {
  const newFeed = `${moved.url}feed.xml`;
  write(`${moved.creator.name} moved from ${moved.origin.url} to ${moved.url}:`);
  for (const follower of mesh.capsules.filter((c) => c.follows.includes(moved))) {
    const feed = mesh.findFollowedFeed(follower, moved);
    const seq = feed?.capsule ? `, location record ${feed.capsule.locationSeq}` : "";
    if (!feed) write(`  ${follower.creator.name}'s crawler does not know the feed`);
    else if (feed.url === newFeed) write(`  ${follower.creator.name}'s crawler follows the move: ${feed.url}${seq}`);
    else write(`  ${follower.creator.name}'s crawler has not followed the move yet: it still fetches ${feed.url}${seq}`);
  }
}

function reportStatus(mesh: DemoMesh, watched: readonly MeshCapsule[], write: Write): void {
  write(`What \`capsule status\` says about ${watched.map((c) => c.creator.name).join(" and ")}, in each follower's folder:`);
  for (const follower of mesh.capsules) {
    const feeds = watched.filter((c) => follower.follows.includes(c)).map((c) => mesh.findFollowedFeed(follower, c));
    const known = feeds.filter((feed) => feed !== undefined);
    if (known.length === 0 || !follower.daemon) continue;
    write(`  ${follower.creator.name} (${follower.dir}):`);
    const table = formatStatus(describeFeeds(known), new Date(), Infinity).trimEnd().split("\n");
    for (const line of table.slice(0, -2)) write(`    ${line}`); // the table, without the "N feeds…" summary
  }
}

async function timed(write: Write, step: () => Promise<unknown>, done: () => string): Promise<void> {
  const started = performance.now();
  await step();
  write(`  ✓ ${done()} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
