/**
 * Discovery's ranking (the rule is in crawler/discover.ts's module comment): candidates and the people who
 * list them, compared by follower counts per step, then by name.
 */
import type { DocumentRead } from "./document-cache.ts";
import type { FeedSummary } from "./discover-feed.ts";
import type { Suggestion } from "./discover.ts";
import { identityInMirrorUrl } from "./model.ts";

/** Someone whose follow list was read. */
export interface Person {
  readonly url: string;
  readonly name: string;
  /** 0: you follow them; 1: someone you follow follows them; … */
  readonly level: number;
}

/** Someone a follow list names, with everyone found listing them. */
export interface Candidate {
  readonly url: string;
  /** The name the first follow list that named them gave (untrusted, shown only without a feed name). */
  readonly hint: string | null;
  level: number;
  readonly followers: Map<string, Person>;
  summary?: DocumentRead<FeedSummary>;
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Best first: more followers at step 1, then at step 2, …, then by name, then by URL. */
export function rank(candidates: Candidate[], depth: number): Candidate[] {
  const keyed = candidates.map((candidate) => ({ candidate, counts: countFollowers(candidate, depth), name: nameOf(candidate) }));
  keyed.sort((a, b) => {
    for (let step = 0; step < depth; step++) {
      const difference = b.counts[step]! - a.counts[step]!;
      if (difference !== 0) return difference;
    }
    return collator.compare(a.name, b.name) || (a.candidate.url < b.candidate.url ? -1 : a.candidate.url > b.candidate.url ? 1 : 0);
  });
  return keyed.map(({ candidate }) => candidate);
}

/** `counts[i]`: followers at step i + 1 (step 1: people you follow). */
export function countFollowers(candidate: Candidate, depth: number): number[] {
  const counts = new Array<number>(depth).fill(0);
  for (const person of candidate.followers.values()) if (person.level < depth) counts[person.level]!++;
  return counts;
}

/** The name to show and sort by: the feed's own, else the one a follow list gave, else the host. */
export function nameOf(candidate: Candidate): string {
  return candidate.summary?.value?.name ?? candidate.hint ?? new URL(candidate.url).host;
}

/** The identity a candidate is known to have: from its feed, or from a mirror URL that names it. */
export function identityOf(candidate: Candidate): string | undefined {
  return candidate.summary?.value?.identity ?? identityInMirrorUrl(candidate.url);
}

/**
 * Makes one candidate of each known identity (a capsule listed at its origin and at mirrors), keeping the
 * origin's URL where one is known, so that its followers are counted together before anything is ranked.
 */
export function mergeTwins(candidates: Map<string, Candidate>): void {
  const byIdentity = new Map<string, Candidate>();
  for (const candidate of [...candidates.values()].sort((a, b) => Number(isMirror(a)) - Number(isMirror(b)))) {
    const id = identityOf(candidate);
    if (id === undefined) continue;
    const kept = byIdentity.get(id);
    if (!kept) byIdentity.set(id, candidate);
    else {
      mergeInto(kept, candidate);
      candidates.delete(candidate.url);
    }
  }
}

function isMirror(candidate: Candidate): boolean {
  return identityInMirrorUrl(candidate.url) !== undefined;
}

/** Counts `twin`'s followers as `kept`'s (each person once, at their closest step). */
export function mergeInto(kept: Candidate, twin: Candidate): void {
  for (const [url, person] of twin.followers) {
    const known = kept.followers.get(url);
    if (!known || person.level < known.level) kept.followers.set(url, person);
  }
}

/** The card for one candidate. */
export function toSuggestion(candidate: Candidate, depth: number): Suggestion {
  const summary = candidate.summary?.value;
  const followers = [...candidate.followers.values()].sort((a, b) => a.level - b.level || collator.compare(a.name, b.name));
  return {
    url: candidate.url,
    name: nameOf(candidate),
    bio: summary?.bio ?? null,
    avatar: summary?.avatar ?? null,
    siteUrl: summary?.siteUrl ?? null,
    latest: summary?.latest ?? null,
    signed: summary?.signed ?? false,
    identity: summary?.identity ?? null,
    followedBy: followers.map((person) => ({ url: person.url, name: person.name, step: person.level + 1 })),
    counts: countFollowers(candidate, depth),
    problem: summary ? null : candidate.summary?.problem ?? (candidate.summary ? "its feed could not be read" : "its feed was not read (maxDocuments reached)"),
  };
}

