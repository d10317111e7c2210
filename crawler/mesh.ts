/**
 * What the follow lists of the mesh say about mirrors. Every follower that mirrors a creator publishes their
 * signed feed at `<follower's site>/mirror/<creator's key>/feed.xml`, and every capsule publishes whom it
 * follows; so the follow lists of the capsules we follow tell us (1) where else each creator we follow is
 * mirrored, for the fallback when their origin fails, and (2) who mirrors us, which the next build lists in
 * our signed location and identity records (`.capsule/mirrors.json`, read by site/signing.ts).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { siteUrlOf, type Crawler } from "./crawl.ts";
import { readFollowLists } from "./discover.ts";
import { normalize } from "./discover-lists.ts";
import { mirrorFeedUrl, type StoredFeed } from "./model.ts";

/** The mirror knowledge one pass over the follow lists gives. */
export interface MeshMirrors {
  /** Feed id of a creator we follow → mirror feed URLs in the mesh. */
  readonly hints: ReadonlyMap<string, readonly string[]>;
  /** Base URLs of capsules we follow that follow (and so mirror) us. */
  readonly ours: readonly string[];
}

/** Reads the follow lists of the capsules we follow (cached, polite) and works out who mirrors whom. */
export async function learnMirrors(crawler: Crawler): Promise<MeshMirrors> {
  const feeds = crawler.store.listFeeds().filter((feed) => feed.following);
  const capsules = feeds.filter((feed) => feed.capsule?.following);
  const lists = await readFollowLists(crawler, capsules);
  const byUrl = new Map<string, StoredFeed>();
  for (const feed of feeds) {
    byUrl.set(normalize(feed.url) ?? feed.url, feed);
    byUrl.set(normalize(feed.followedUrl) ?? feed.followedUrl, feed);
  }
  const own = siteUrlOf(crawler);
  const ownFeeds = own ? new Set([new URL("feed.xml", own).href, new URL("feed.json", own).href]) : new Set<string>();
  const hints = new Map<string, string[]>();
  const ours = new Set<string>();
  for (const follower of capsules) {
    const base = follower.siteUrl ?? new URL("./", follower.url).href;
    for (const url of lists.get(follower.id) ?? []) {
      const key = normalize(url) ?? url;
      if (ownFeeds.has(key)) ours.add(base);
      const creator = byUrl.get(key);
      if (!creator?.capsule || creator.id === follower.id) continue;
      const mirror = mirrorFeedUrl(base, creator);
      if (mirror) hints.set(creator.id, [...(hints.get(creator.id) ?? []), mirror]);
    }
  }
  return { hints, ours: [...ours].sort() };
}

/**
 * Writes the mirrors of this capsule for the next build (`<project>/.capsule/mirrors.json`), keeping
 * mirrors found before: a follower whose list was unreachable this time has not stopped mirroring.
 */
export function saveOwnMirrors(crawler: Crawler, found: readonly string[]): string[] {
  const path = resolve(crawler.config.contentDir, "..", ".capsule/mirrors.json");
  let previous: string[] = [];
  try {
    previous = (JSON.parse(readFileSync(path, "utf8")) as { mirrors?: string[] }).mirrors ?? [];
  } catch {
    // first time
  }
  const mirrors = [...new Set([...previous, ...found])].sort().slice(0, 100);
  if (mirrors.join("\n") !== previous.join("\n")) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify({ mirrors }, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
  return mirrors;
}
