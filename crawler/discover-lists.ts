/**
 * Reading other people's follow lists: the OPML a capsule links with `<capsule:following href>`, fetched and
 * kept through crawler/document-cache.ts (polite, conditional, reused for `maxAge`). Discovery walks these;
 * anything else that needs to know whom a capsule follows (which followers mirror a creator) can too.
 */
import { normalizeFollowUrl } from "../site/follow-list.ts";
import type { Crawler } from "./crawl.ts";
import { FOLLOW_LIST, FOLLOW_LIST_MAX_BYTES } from "./discover-feed.ts";
import { readDocument, type DocumentOptions, type DocumentRead } from "./document-cache.ts";
import type { StoredFeed } from "./model.ts";
import type { OpmlFeed } from "./parse/opml.ts";

/** Something with a follow list: a stored feed (its capsule's `following`), or an id with the list's URL. */
export type FollowListSource = Pick<StoredFeed, "id" | "capsule"> | { readonly id: string; readonly followList: string | null };

/** Options of {@link readFollowLists}. */
export interface FollowListOptions extends DocumentOptions {
  /** Called for each list that could not be fetched or read; `stale` when an older kept copy was used instead. */
  onProblem?: (problem: { id: string; url: string; message: string; stale: boolean; fetchedAt: string | null }) => void;
}

/** Reads the follow list of each source that has one (ordinary feeds have none); never throws for one bad list. */
export async function readFollowLists(crawler: Crawler, feeds: readonly FollowListSource[], options: FollowListOptions = {}): Promise<Map<string, string[]>> {
  const lists = await readFollowListFeeds(crawler, feeds, options);
  return new Map([...lists].map(([id, found]) => [id, found.flatMap(({ url }) => normalize(url) ?? [])]));
}

/** The same, with the names the lists give; `onCount` sees every read (for a caller's budget and totals). */
export async function readFollowListFeeds(
  crawler: Crawler, sources: readonly FollowListSource[], options: FollowListOptions & { onCount?: (read: DocumentRead<OpmlFeed[]>) => void },
): Promise<Map<string, OpmlFeed[]>> {
  const byUrl = new Map<string, string[]>();
  for (const source of sources) {
    const url = "followList" in source ? source.followList : source.capsule?.following;
    if (url) byUrl.set(url, [...(byUrl.get(url) ?? []), source.id]);
  }
  const found = new Map<string, OpmlFeed[]>();
  await Promise.all([...byUrl].map(async ([url, ids]) => {
    const read = await readDocument(crawler, url, FOLLOW_LIST, { ...options, maxBodyBytes: options.maxBodyBytes ?? FOLLOW_LIST_MAX_BYTES });
    options.onCount?.(read);
    for (const id of ids) {
      if (read.problem !== undefined) options.onProblem?.({ id, url, message: read.problem, stale: read.value !== undefined, fetchedAt: read.fetchedAt });
      if (read.value !== undefined) found.set(id, read.value);
    }
  }));
  // Callers walk the map: keep the sources' order, not the order fetches finished in.
  return new Map(sources.flatMap((source) => (found.has(source.id) ? [[source.id, found.get(source.id)!] as const] : [])));
}

/** A URL as the follow list writes it (site/follow-list.ts), or undefined when it is not http(s). */
export function normalize(url: string): string | undefined {
  try {
    return normalizeFollowUrl(url);
  } catch {
    return undefined;
  }
}

