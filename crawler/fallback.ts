/**
 * Mirror fallback: when a capsule's origin fails, its signed feed is fetched from the places that mirror
 * it, and only what verifies against the pinned key is kept. A mirror cannot gain anything by lying: a
 * forged or altered entry fails verification and counts against the mirror's record, an older version
 * never replaces a newer one (store.ts), and the signed checkpoint says which entries are still missing.
 *
 * Candidates, best record first: mirrors that served verified entries before; the mirrors the creator's
 * own location record lists; the URL the creator was followed at, when it was a mirror; and followers in
 * the mesh that publish `/mirror/<id>/feed.xml` (the `mirrorHints` of the refresh context).
 */
import { fetchFeed } from "./fetch.ts";
import { mirrorFeedUrl, type MirrorRecord, type StoredEntry, type StoredFeed } from "./model.ts";
import type { EntryForStore } from "./entry-codec.ts";
import { processFeed, type ProcessOutput } from "./process.ts";
import type { RefreshContext } from "./refresh.ts";

/** Mirrors tried per refresh, so a creator with many dead mirrors costs a bounded number of requests. */
export const MIRRORS_PER_REFRESH = 3;

/** What the fallback found: the verified entries of the first mirror that had any, and every mirror's record. */
export interface MirrorRescue {
  readonly mirror: string;
  readonly processed: ProcessOutput;
  /** Only the entries that verified against the pinned key. */
  readonly entries: readonly EntryForStore[];
}

/** Every mirror candidate for a pinned capsule, best first; records of mirrors not yet tried start empty. */
export function listMirrorCandidates(feed: StoredFeed, hints: readonly string[] = []): MirrorRecord[] {
  const known = new Map(feed.mirrors.map((record) => [record.url, record]));
  const add = (url: string | undefined, source: MirrorRecord["source"]) => {
    if (url === undefined || url === feed.url || known.has(url)) return;
    known.set(url, { url, source, lastTried: null, lastOk: null, good: 0, failed: 0, rejected: 0, lastError: null });
  };
  for (const base of feed.capsule?.mirrors ?? []) add(mirrorFeedUrl(base, feed), "location");
  if (feed.followedUrl !== feed.url) add(feed.followedUrl, "followed");
  for (const url of hints) add(url, "mesh");
  return [...known.values()].filter((record) => record.url !== feed.url).sort((a, b) => score(b) - score(a));
}

// Forgery weighs heaviest; recent failures count, but a mirror that once worked keeps being tried.
function score(record: MirrorRecord): number {
  return record.good * 2 - record.failed - record.rejected * 10 + (record.source === "location" ? 1 : 0);
}

/**
 * Tries the best mirrors in turn until one serves entries that verify. Returns the rescue (or undefined)
 * and the updated records of every mirror known, to store on the feed.
 */
export async function fetchFromMirrors(feed: StoredFeed, context: RefreshContext, now: Date): Promise<{ rescue?: MirrorRescue; records: MirrorRecord[] }> {
  const own = context.ownSiteUrl;
  const candidates = listMirrorCandidates(feed, context.mirrorHints?.(feed) ?? []).filter((record) => !own || !record.url.startsWith(own));
  const records = new Map(candidates.map((record) => [record.url, record]));
  const at = now.toISOString();
  for (const candidate of candidates.slice(0, MIRRORS_PER_REFRESH)) {
    try {
      const fetched = await fetchFeed(candidate.url, {}, context.fetch);
      if (fetched.kind !== "modified") throw new Error("the mirror answered without a body");
      const input = { feed, body: fetched.body, url: fetched.url, contentType: fetched.contentType, now: at };
      const processed = await processFeed(input, context);
      const entries = processed.entries.filter((entry) => entry.trust.status === "verified");
      const rejected = processed.entries.length - entries.length;
      const worked = entries.length > 0 && processed.capsule?.id === feed.capsule?.id;
      records.set(candidate.url, {
        ...candidate, lastTried: at, lastOk: worked ? at : candidate.lastOk, good: candidate.good + (worked ? 1 : 0),
        failed: candidate.failed + (worked ? 0 : 1), rejected: candidate.rejected + rejected,
        lastError: worked ? null : rejected > 0 ? `${rejected} entries did not verify against the pinned key` : "no verified entries",
      });
      if (worked) return { rescue: { mirror: candidate.url, processed, entries }, records: [...records.values()] };
    } catch (error) {
      records.set(candidate.url, { ...candidate, lastTried: at, failed: candidate.failed + 1, lastError: (error as Error).message });
    }
  }
  return { records: [...records.values()] };
}
