/**
 * What the mesh knows about a creator `capsule follow` cannot reach at their origin: which key a handle
 * belongs to, and which places serve that key's signed feed. Sources, all local or polite: the crawler's own
 * store (feeds seen before, their signed location records, the mirrors that served them), the documents
 * `capsule discover` kept, and the mirrors index (`/mirror/index.json`, crawler/mirror-index.ts) of every
 * capsule we follow, whose sites mirror whom they follow. None of it is trusted: it only says where to look,
 * and crawler/follow-candidates.ts verifies whatever is found against the key.
 */
import { siteUrlOf, type Crawler } from "./crawl.ts";
import type { Candidate } from "./follow-candidates.ts";
import { FEED_SUMMARY, FOLLOW_LIST } from "./discover-feed.ts";
import { readDocument } from "./document-cache.ts";
import { MIRROR_INDEX, MIRROR_INDEX_MAX_BYTES, type MirrorIndexEntry } from "./mirror-index.ts";
import { creatorNameOf, toHttpUrl } from "./mirror-text.ts";
import { identityInMirrorUrl, type StoredFeed } from "./model.ts";

/** How a handle's key was learned, best first. */
export type KeySource = "store" | "document-cache" | "mirror-index";

/** One piece of evidence that a host belongs to an identity. */
export interface KeyEvidence {
  readonly source: KeySource;
  /** For people: "your store: http://alice.example/feed.xml named this key". */
  readonly detail: string;
}

/** The capsules we follow and, read once per use and politely, their mirrors indexes. */
export interface MeshView {
  /** Followed capsules (signed feeds), in store order. */
  readonly followed: readonly StoredFeed[];
  /** Each followed capsule's index by feed id; undefined when it could not be read (no index published yet). */
  indexes(): Promise<ReadonlyMap<string, readonly MirrorIndexEntry[] | undefined>>;
}

/** Options of the mesh reads. */
export interface MeshOptions {
  /** Seconds a kept mirrors index is used without asking its site again. @default 21_600 (6 h) */
  maxAge?: number;
  /** @default new Date() */
  now?: Date;
}

/** The capsules we follow, with their indexes read on first use through the document cache. */
export function createMeshView(crawler: Crawler, options: MeshOptions = {}): MeshView {
  const followed = crawler.store.listFeeds().filter((feed) => feed.following && feed.capsule !== null);
  let reading: Promise<ReadonlyMap<string, readonly MirrorIndexEntry[] | undefined>> | undefined;
  return {
    followed,
    indexes: () => (reading ??= Promise.all(followed.map(async (feed) => {
      const url = new URL("mirror/index.json", baseOf(feed)).href;
      const read = await readDocument(crawler, url, MIRROR_INDEX, { maxAge: options.maxAge, now: options.now, maxBodyBytes: MIRROR_INDEX_MAX_BYTES });
      return [feed.id, read.value] as const;
    })).then((pairs) => new Map(pairs))),
  };
}

/** Every identity the mesh ties to `domain`, with the evidence for each: hosts that served a feed naming it. */
export async function findIdentitiesForHost(crawler: Crawler, domain: string, home: string, mesh: MeshView): Promise<Map<string, KeyEvidence[]>> {
  const found = new Map<string, KeyEvidence[]>();
  const add = (identity: string, source: KeySource, detail: string) => {
    const list = found.get(identity) ?? [];
    if (!list.some((e) => e.detail === detail)) list.push({ source, detail });
    found.set(identity, list);
  };
  const onHost = (url: string | null | undefined) => toHttpUrl(url) !== undefined && new URL(url!).hostname === domain;
  // A mirror's URL says nothing about the mirror's host: only feeds fetched from the host itself count.
  for (const feed of crawler.store.listFeeds()) {
    const seen = [feed.followedUrl, feed.url].find((url) => identityInMirrorUrl(url) === undefined && onHost(url));
    if (feed.capsule && seen !== undefined) add(feed.capsule.id, "store", `your crawler's store: ${seen} named this key`);
  }
  // Summaries `capsule discover` kept, of feeds on the host that the follow lists we hold name (no fetch).
  const urls = new Set([new URL("feed.xml", home).href, new URL("feed.json", home).href, home]);
  for (const feed of mesh.followed) {
    const list = feed.capsule?.following ? crawler.store.getDocument(FOLLOW_LIST.keyOf(feed.capsule.following)) : undefined;
    if (!list || !feed.capsule?.following) continue;
    try {
      for (const listed of FOLLOW_LIST.reread(list, feed.capsule.following)) if (onHost(listed.url)) urls.add(listed.url);
    } catch {
      // a list kept in an older shape: nothing to learn from it
    }
  }
  for (const url of urls) {
    const kept = crawler.store.getDocument(FEED_SUMMARY.keyOf(url));
    try {
      const summary = kept ? FEED_SUMMARY.reread(kept, url) : undefined;
      if (summary?.identity && summary.signed && onHost(summary.url)) add(summary.identity, "document-cache", `a summary of ${summary.url} that \`capsule discover\` kept`);
    } catch {
      // an older summary shape
    }
  }
  const indexes = await mesh.indexes();
  for (const feed of mesh.followed) {
    for (const entry of indexes.get(feed.id) ?? []) {
      if (entry.identity && onHost(entry.origin)) add(entry.identity, "mirror-index", `${creatorNameOf(feed)}'s mirrors index (${entry.origin})`);
    }
  }
  return found;
}

/**
 * Where the signed feed of `identity` may be read, best first: what the store knows about the creator (their
 * location record's feeds and mirrors, mirrors that served them before), then every capsule we follow whose
 * mirrors index lists them, then those without an index (their site may mirror them all the same).
 * Capsules whose index does not list the creator are skipped; this site's own mirror is never a source.
 */
export async function listIdentityCandidates(crawler: Crawler, identity: string, mesh: MeshView): Promise<Candidate[]> {
  const id = identity.slice("did:key:".length);
  const own = siteUrlOf(crawler);
  const found = new Map<string, Candidate>();
  const add = (url: string | undefined, from: string, origin: boolean) => {
    const href = toHttpUrl(url);
    if (href !== undefined && !found.has(href) && !(own && href.startsWith(own))) found.set(href, { url: href, from, origin });
  };
  for (const feed of crawler.store.listFeeds().filter((f) => f.capsule?.id === identity)) {
    for (const url of feed.capsule!.feeds) add(url, "their signed location record", true);
    add(feed.url, identityInMirrorUrl(feed.url) ? "a mirror your crawler read them at before" : "where your crawler read them before", identityInMirrorUrl(feed.url) === undefined);
    for (const record of [...feed.mirrors].filter((r) => r.rejected === 0).sort((a, b) => b.good - a.good)) add(record.url, "a mirror that served them before", false);
    for (const base of feed.capsule!.mirrors) add(mirrorUrlOf(base, id), "a mirror their signed location record lists", false);
  }
  const indexes = await mesh.indexes();
  const unlisted: StoredFeed[] = [];
  for (const follower of mesh.followed) {
    if (follower.capsule?.id === identity) continue;
    const index = indexes.get(follower.id);
    if (index === undefined) {
      unlisted.push(follower);
      continue;
    }
    const entry = index.find((e) => e.identity === identity);
    if (!entry) continue;
    const url = identityInMirrorUrl(entry.feed) === identity ? entry.feed : mirrorUrlOf(baseOf(follower), id);
    add(url, `${creatorNameOf(follower)}'s site (listed in its mirrors index)`, false);
    if (entry.origin) add(entry.origin, `their origin, as ${creatorNameOf(follower)}'s mirrors index names it`, true);
  }
  for (const follower of unlisted) add(mirrorUrlOf(baseOf(follower), id), `${creatorNameOf(follower)}'s site`, false);
  return [...found.values()];
}

/** `<base>mirror/<id>/feed.xml`: where a follower whose site is at `base` mirrors the creator with key `id`. */
export function mirrorUrlOf(base: string, id: string): string | undefined {
  try {
    return new URL(`mirror/${id}/feed.xml`, base.endsWith("/") ? base : `${base}/`).href;
  } catch {
    return undefined;
  }
}

// A follower's site: where its feed says, else the folder of its feed (as crawler/mesh.ts reads it).
function baseOf(feed: StoredFeed): string {
  const site = toHttpUrl(feed.siteUrl) ?? new URL("./", feed.url).href;
  return site.endsWith("/") ? site : `${site}/`;
}
