/**
 * The places `capsule follow` may follow a creator at, and the check each one has to pass: fetched through
 * the crawler's queue and fetch (per-host limits, address checks, caps, User-Agent), parsed, and verified
 * with the same code as `capsule verify` (crawler/verify.ts). A candidate is good only when the feed names
 * the identity asked for and every signed thing in it verifies: a mirror serving another creator, a forged
 * entry or a broken checkpoint is rejected, with the reason, and never followed.
 */
import type { Crawler } from "./crawl.ts";
import { CrawlerError, redactUrl } from "./errors.ts";
import { fetchFeed, type FetchResult } from "./fetch.ts";
import { readText } from "./mirror-text.ts";
import { parseFeed, type ParsedFeed } from "./parse/index.ts";
import { verifyCapsule } from "./verify.ts";

/** A place to try, and how it was found (for the summary: "the mirror on bob.example, listed in Bob's mirror index"). */
export interface Candidate {
  readonly url: string;
  /** Where the crawler learned of it, for people. */
  readonly from: string;
  /** Whether it is the creator's own feed (origin, location record) rather than a mirror. */
  readonly origin: boolean;
}

/** A candidate after its fetch and check. */
export interface CheckedCandidate extends Candidate {
  /** `verified`: names the identity and everything signed verifies; `rejected`: it answered with something else; `failed`: no feed arrived. */
  readonly outcome: "verified" | "rejected" | "failed";
  /** The identity the feed names, when it names one. */
  readonly identity: string | null;
  /** Entries whose signature (or checkpoint listing) verified. */
  readonly verified: number;
  /** The sequence of its valid checkpoint, or null. */
  readonly checkpoint: number | null;
  /** The creator's name as the feed gives it (profile, else title). */
  readonly name: string | null;
  /** Why it was rejected or failed. */
  readonly reason: string | null;
}

/**
 * Fetches and checks every candidate (politely, in parallel through the queue) against `identity`; with
 * `identity` undefined, whatever identity the feed names is checked against its own signatures.
 */
export async function checkCandidates(crawler: Crawler, candidates: readonly Candidate[], identity: string | undefined, now = new Date()): Promise<CheckedCandidate[]> {
  return Promise.all(candidates.map(async (candidate) => {
    try {
      const fetched = await fetchCandidate(crawler, candidate.url);
      return checkFeed(candidate, parseFeed(fetched.body, { url: fetched.url, contentType: fetched.contentType ?? undefined }), fetched.url, identity, now);
    } catch (error) {
      return failed(candidate, describeFailure(error, candidate.url));
    }
  }));
}

/** An error's message without the URL it ends with when that is the URL already named beside it. */
export function describeFailure(error: unknown, url: string): string {
  const message = (error as Error)?.message ?? String(error);
  const suffix = `: ${redactUrl(url)}`;
  return message.endsWith(suffix) ? message.slice(0, -suffix.length) : message;
}

/** One unconditional GET through the crawler's queue and fetch; throws FetchError, or CrawlerError when no body came. */
export async function fetchCandidate(crawler: Crawler, url: string): Promise<FetchResult & { kind: "modified" }> {
  const fetched = await crawler.queue.add(`follow ${url}`, url, () => fetchFeed(url, {}, crawler.context.fetch));
  if (fetched === undefined) throw new CrawlerError("follow-busy", `follow: not fetched, the same address is being fetched right now: ${redactUrl(url)}`);
  if (fetched.kind !== "modified") throw new CrawlerError("follow-no-body", `follow: the server answered ${fetched.status} without a body: ${redactUrl(url)}`);
  return fetched;
}

/** Checks a parsed feed read from `url` (the final URL) against `identity` (any, when undefined). */
export function checkFeed(candidate: Candidate, feed: ParsedFeed, url: string, identity: string | undefined, now = new Date()): CheckedCandidate {
  const claimed = feed.capsule?.identity?.id ?? null;
  const name = readText({ value: feed.capsule?.profile["name"]?.[0] ?? "", type: "text" }, 200) ?? readText(feed.title, 200) ?? null;
  const base = { ...candidate, identity: claimed, name, verified: 0, checkpoint: null };
  if (claimed === null) return { ...base, outcome: "rejected", reason: "an unsigned feed: it names no capsule identity" };
  if (identity !== undefined && claimed !== identity) return { ...base, outcome: "rejected", reason: `it serves another creator (${claimed})` };
  const report = verifyCapsule({ feed: { feed, url }, now });
  const checkpoint = report.checkpoint && "seq" in report.checkpoint ? report.checkpoint.seq : null;
  const counted = { ...base, verified: report.entries.verified, checkpoint };
  const failures = report.entries.failed.length;
  if (failures > 0) {
    return { ...counted, outcome: "rejected", reason: `${failures} of ${failures + report.entries.verified} signed entries failed verification (forged or altered)` };
  }
  if (report.problems.length > 0) return { ...counted, outcome: "rejected", reason: report.problems[0]! };
  if (report.entries.verified === 0) return { ...counted, outcome: "rejected", reason: "no signed entries to verify" };
  return { ...counted, outcome: "verified", reason: null };
}

/** The best verified candidate: most verified entries, then the newest checkpoint, then the creator's own feed over a mirror. */
export function pickBest(checked: readonly CheckedCandidate[]): CheckedCandidate | undefined {
  return checked.filter((c) => c.outcome === "verified").sort((a, b) =>
    b.verified - a.verified || (b.checkpoint ?? 0) - (a.checkpoint ?? 0) || Number(b.origin) - Number(a.origin))[0];
}

function failed(candidate: Candidate, reason: string): CheckedCandidate {
  return { ...candidate, outcome: "failed", identity: null, verified: 0, checkpoint: null, name: null, reason };
}
