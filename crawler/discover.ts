/**
 * Discovery (`capsule discover`, the daemon's /discover page): who the people you follow follow. It reads
 * the follow lists (OPML, `<capsule:following href>`) of the capsules you follow, and at depth 2 the lists of
 * the capsules those name, through the crawler's polite fetching and the store's document cache
 * (crawler/document-cache.ts), at most `maxDocuments` documents a run.
 *
 * Ranking rule: a candidate is ranked by how many of the people you follow list them; ties are broken by how
 * many people one step further out (followed by people you follow, depth 2) list them, then two steps out,
 * and so on, then by name. So one person you follow outweighs any number of strangers' follows: depth 2 only
 * orders candidates that the people you follow rank alike, and surfaces people none of them follow yet.
 * Never suggested: feeds you follow (at the URL you follow or the one they moved to), capsules whose
 * identity you follow under another URL (a mirror's `/mirror/<key>/feed.xml`), and you (your site's URLs,
 * your identity).
 */
import { dirname } from "node:path";
import { readFollowList } from "../site/follow-list.ts";
import { loadIdentity } from "../site/keys.ts";
import { siteUrlOf, type Crawler } from "./crawl.ts";
import { FEED_SUMMARY, type FeedSummary, type LatestPost } from "./discover-feed.ts";
import { normalize, readFollowListFeeds } from "./discover-lists.ts";
import { identityOf, mergeInto, mergeTwins, nameOf, rank, toSuggestion, type Candidate, type Person } from "./discover-rank.ts";
import { readDocument, type DocumentOptions, type DocumentRead } from "./document-cache.ts";
import { creatorNameOf } from "./mirror-text.ts";
import { identityInMirrorUrl } from "./model.ts";
import type { OpmlFeed } from "./parse/opml.ts";

export type { FeedSummary, LatestPost } from "./discover-feed.ts";
export { readFollowLists, type FollowListOptions, type FollowListSource } from "./discover-lists.ts";

/** A creator suggested to you, with what their feed says and who of yours follows them. Text is plain: escape it. */
export interface Suggestion {
  /** Their feed URL, normalised as the follow list writes it: `capsule follow` takes it as is. */
  readonly url: string;
  /** Their capsule profile's name, else their feed's title, else the name a follow list gave them, else the host. */
  readonly name: string;
  readonly bio: string | null;
  readonly avatar: string | null;
  readonly siteUrl: string | null;
  readonly latest: LatestPost | null;
  /** A capsule whose signatures verify against the identity it names. */
  readonly signed: boolean;
  readonly identity: string | null;
  /** Who follows them: `step` 1 is someone you follow, 2 someone they follow, and so on (closest first). */
  readonly followedBy: readonly { readonly url: string; readonly name: string; readonly step: number }[];
  /** `counts[0]`: people you follow who follow them; `counts[1]`: people at step 2 who do; … (the ranking key). */
  readonly counts: readonly number[];
  /** Why their feed could not be read (the card then shows only what follow lists said), or null. */
  readonly problem: string | null;
}

/** Something worth telling after a run: a list skipped or read from an older copy, a budget reached. */
export interface DiscoveryNote {
  /** The document concerned, or "" for the run as a whole. */
  readonly url: string;
  readonly message: string;
}

/** One discovery run. */
export interface Discovery {
  readonly computedAt: string;
  readonly depth: number;
  /** The people you follow whom the store knows (crawled at least once), and how many publish a follow list. */
  readonly following: { readonly crawled: number; readonly withLists: number };
  /** Documents read this run (from the store or the network), and requests sent. */
  readonly documents: { readonly read: number; readonly requested: number };
  /** Best first; at most `limit`. */
  readonly suggestions: readonly Suggestion[];
  readonly notes: readonly DiscoveryNote[];
}

/** Options of {@link discoverCreators}. */
export interface DiscoverOptions {
  /** 1: the lists of people you follow; 2: also the lists of the capsules those name; at most 4. @default 2 */
  depth?: number;
  /** Suggestions returned. @default 20 */
  limit?: number;
  /** Documents (follow lists and feeds, kept or fetched) read in one run. @default 200 */
  maxDocuments?: number;
  /** Seconds a kept document is used without asking its server again. @default 21_600 (6 h) */
  maxAge?: number;
  /** @default new Date() */
  now?: Date;
}

const MAX_CANDIDATES = 50_000;

/** Suggests creators from the follow lists of the people you follow, ranked as the module comment says. */
export async function discoverCreators(crawler: Crawler, options: DiscoverOptions = {}): Promise<Discovery> {
  const depth = checkWhole("depth", options.depth ?? 2, 1, 4);
  const limit = checkWhole("limit", options.limit ?? 20, 1, 1000);
  const maxDocuments = checkWhole("maxDocuments", options.maxDocuments ?? 200, 1, 100_000);
  const now = options.now ?? new Date();
  const documentOptions: DocumentOptions = { maxAge: options.maxAge, now };
  const notes: DiscoveryNote[] = [];
  // The walk may use all but what the suggestions' own feeds need; those come last, from what is left.
  const counter = { read: 0, requested: 0, allotted: 0, cap: maxDocuments - Math.min(limit, Math.floor(maxDocuments / 2)), truncated: false };
  const follows = readFollowList(crawler.config.contentDir);
  const excluded = listExcluded(crawler, follows);
  const followed = follows.flatMap(({ url }) => crawler.store.findFeed(url) ?? []).filter((feed) => feed.lastSuccess !== null);
  if (followed.length < follows.length) {
    notes.push({ url: "", message: `${follows.length - followed.length} of the ${follows.length} feeds you follow have not been fetched successfully yet: run \`capsule crawl\` so their follow lists count.` });
  }
  const candidates = new Map<string, Candidate>();
  const addListings = (person: Person, listed: readonly OpmlFeed[]) => {
    for (const feed of listed) {
      const url = normalize(feed.url);
      if (url === undefined || url === person.url || excluded.isExcluded(url)) continue;
      let candidate = candidates.get(url);
      if (!candidate) {
        if (candidates.size >= MAX_CANDIDATES) continue;
        candidates.set(url, (candidate = { url, hint: feed.name, level: person.level + 1, followers: new Map() }));
      }
      if (!candidate.followers.has(person.url)) candidate.followers.set(person.url, person);
    }
  };
  const budgeted = <T>(items: readonly T[]): T[] => {
    const taken = items.slice(0, Math.max(0, counter.cap - counter.allotted));
    counter.allotted += taken.length;
    if (taken.length < items.length) counter.truncated = true;
    return taken;
  };
  const count = <T>(read: DocumentRead<T>): DocumentRead<T> => {
    counter.read++;
    if (read.requested) counter.requested++;
    return read;
  };

  // Step 1: the people you follow.
  const withLists = followed.filter((feed) => feed.capsule?.following);
  const people = new Map(followed.map((feed) => [feed.id, { url: normalize(feed.followedUrl) ?? feed.followedUrl, name: creatorNameOf(feed), level: 0 }]));
  const firstLists = await readFollowListFeeds(crawler, budgeted(withLists), {
    ...documentOptions, onCount: count,
    onProblem: (problem) => notes.push(describeListProblem(people.get(problem.id)?.name ?? problem.id, problem)),
  });
  for (const [id, listed] of firstLists) addListings(people.get(id)!, listed);

  // Steps 2…depth: the capsules found so far, best first, while the budget lasts.
  for (let level = 1; level < depth; level++) {
    const frontier = rank([...candidates.values()].filter((c) => c.level === level), depth);
    await readSummaries(crawler, budgeted(frontier), documentOptions, count);
    // One reading per person: a capsule found at its origin and at a mirror publishes one list.
    const seen = new Set<string>();
    const readers = frontier.filter((c) => {
      const summary = c.summary?.value;
      if (!summary?.following || excluded.isExcludedIdentity(summary.identity)) return false;
      const person = summary.identity ?? summary.following;
      return !seen.has(person) && seen.add(person) !== undefined;
    });
    const lists = await readFollowListFeeds(crawler, budgeted(readers).map((c) => ({ id: c.url, followList: c.summary!.value!.following })), { ...documentOptions, onCount: count });
    for (const [url, listed] of lists) {
      const candidate = candidates.get(url)!;
      addListings({ url, name: nameOf(candidate), level }, listed);
    }
  }
  if (counter.truncated) notes.push({ url: "", message: `stopped looking after ${counter.allotted} documents (maxDocuments ${maxDocuments}); raise it to look further.` });

  // The suggestions: read the feeds of the best candidates (the rest of the budget), drop the ones that turn out to be you or someone you follow.
  counter.cap = maxDocuments;
  mergeTwins(candidates);
  const shown = new Map<string, Candidate>();
  const ranked = rank([...candidates.values()], depth);
  for (let next = 0; next < ranked.length && shown.size < limit;) {
    const batch = ranked.slice(next, next + limit - shown.size);
    next += batch.length;
    await readSummaries(crawler, budgeted(batch.filter((c) => !c.summary)), documentOptions, count);
    for (const candidate of batch) {
      const summary = candidate.summary?.value;
      if (summary && (excluded.isExcludedIdentity(summary.identity) || excluded.isExcluded(normalize(summary.url) ?? candidate.url))) continue;
      const id = identityOf(candidate);
      const twin = id ? [...shown.values()].find((c) => identityOf(c) === id) : undefined;
      if (twin) mergeInto(twin, candidate);
      else shown.set(candidate.url, candidate);
    }
  }
  const suggestions = rank([...shown.values()], depth).map((candidate) => toSuggestion(candidate, depth));
  for (const suggestion of suggestions) {
    if (suggestion.problem) notes.push({ url: suggestion.url, message: `${suggestion.name}: ${suggestion.problem}; shown with what follow lists say.` });
  }
  return {
    computedAt: now.toISOString(), depth,
    following: { crawled: followed.length, withLists: withLists.length },
    documents: { read: counter.read, requested: counter.requested },
    suggestions, notes,
  };
}

async function readSummaries(crawler: Crawler, candidates: readonly Candidate[], options: DocumentOptions, count: (read: DocumentRead<FeedSummary>) => unknown): Promise<void> {
  await Promise.all(candidates.map(async (candidate) => {
    candidate.summary ??= await readDocument(crawler, candidate.url, FEED_SUMMARY, options);
    count(candidate.summary);
  }));
}

function describeListProblem(name: string, problem: { url: string; message: string; stale: boolean; fetchedAt: string | null }): DiscoveryNote {
  return problem.stale
    ? { url: problem.url, message: `${name}'s follow list could not be refreshed (${problem.message}); used the copy from ${problem.fetchedAt?.slice(0, 10)}.` }
    : { url: problem.url, message: `${name}'s follow list was skipped: ${problem.message}` };
}

/** What is never suggested: the feeds you follow, their identities, and you. */
function listExcluded(crawler: Crawler, follows: readonly { url: string }[]) {
  const urls = new Set<string>();
  const identities = new Set<string>();
  for (const feed of crawler.store.listFeeds()) {
    if (!feed.following) continue;
    for (const url of [feed.url, feed.followedUrl]) urls.add(normalize(url) ?? url);
    if (feed.capsule) identities.add(feed.capsule.id);
  }
  for (const { url } of follows) urls.add(url);
  try {
    const own = loadIdentity({ cwd: dirname(crawler.config.contentDir) });
    if (own) identities.add(own.root);
  } catch {
    // An unreadable identity file is the build's problem to report; here it only means one fewer exclusion.
  }
  const site = siteUrlOf(crawler);
  const own = site ? normalize(site.endsWith("/") ? site : `${site}/`) : undefined;
  const isExcludedIdentity = (id: string | null | undefined) => id != null && identities.has(id);
  return {
    isExcludedIdentity,
    // Your own pages are you, except the mirrors you publish of other people (those you follow anyway).
    isExcluded: (url: string) => urls.has(url) || isExcludedIdentity(identityInMirrorUrl(url))
      || (own !== undefined && url.startsWith(own) && !url.slice(own.length).startsWith("mirror/")),
  };
}

function checkWhole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`discoverCreators: expected options.${name} to be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
