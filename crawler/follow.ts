/**
 * `capsule follow <handle | did:key:… | z6Mk… | URL>`: follow a creator by who they are, even when their
 * origin is gone (issue 5: "a new follower … can still follow them by identity or handle, starting from any
 * mirror"). A URL is written to the follow list as given, without a request. A handle is tried at its origin
 * first (its home page's `<link rel="alternate">`, else `/feed.xml`), cross-checked with the `_capsule.<domain>`
 * TXT record (docs/format.md §10.4); when the origin is gone, the key comes from that record or from what the
 * mesh knows (crawler/follow-mesh.ts). A key is then looked for across the mirrors of the capsules we follow,
 * and every copy is verified against it (crawler/follow-candidates.ts). What is written to the follow list is
 * a URL that pins the key (`…/mirror/<key>/feed.xml`, model.ts `identityInMirrorUrl`) or the creator's own
 * feed, so no mirror can ever substitute another creator; later moves are followed by the normal crawl.
 */
import { addFollow, readFollowList } from "../site/follow-list.ts";
import { resolveCapsuleTxt, resolveTxtWithin, type CapsuleTxt, type ResolveTxt } from "../site/format/index.ts";
import type { Crawler } from "./crawl.ts";
import { CrawlerError, FetchError, NotAFeedError, redactUrl } from "./errors.ts";
import { checkCandidates, checkFeed, describeFailure, fetchCandidate, pickBest, type CheckedCandidate } from "./follow-candidates.ts";
import { createMeshView, findIdentitiesForHost, listIdentityCandidates, type KeySource, type MeshView } from "./follow-mesh.ts";
import { FOLLOW_FORMS, parseFollowTarget, type FollowTarget } from "./follow-target.ts";
import { identityInMirrorUrl } from "./model.ts";
import { parseFeed } from "./parse/index.ts";

export { FOLLOW_FORMS, parseFollowTarget, type FollowTarget } from "./follow-target.ts";

/** Options of {@link followCreator}. The fetch settings (address checks, timeouts, a test `lookup`) are the crawler's: give them to `openCrawler`. */
export interface FollowOptions {
  /** A name to show for the creator in the follow list. @default none */
  name?: string;
  /** Look up the `_capsule.<domain>` TXT record of a handle. @default true */
  dns?: boolean;
  /** The TXT lookup, shaped like `node:dns/promises` `resolveTxt` (tests inject one). @default the system resolver, given up after 2 s */
  resolveTxt?: ResolveTxt;
  /** Where a handle's capsule is served. @default (domain) => `https://${domain}/` */
  originOf?: (domain: string) => string;
  /** Candidate feeds fetched at most. @default 20 */
  maxCandidates?: number;
  /** Seconds a kept mirrors index is used without asking its site again. @default 21_600 (6 h) */
  maxAge?: number;
  /** @default new Date() */
  now?: Date;
}

/** What `followCreator` did. */
export interface FollowResult {
  readonly target: FollowTarget;
  /** The URL in the follow list now. */
  readonly url: string;
  /** False when the follow list already had it, or already follows this identity at another URL. */
  readonly added: boolean;
  /** The creator's identity; null for a URL (not fetched) or an unsigned feed. */
  readonly identity: string | null;
  readonly name: string | null;
  /** How the feed or key was found: given as a URL or key, the origin, DNS, the mesh, or already followed. */
  readonly resolvedBy: "url" | "identity" | "origin" | "dns" | KeySource | "following";
  /** Where the key came from, for people. */
  readonly keyFrom: readonly string[];
  /** The candidate followed; null for a URL or when already following. */
  readonly chosen: CheckedCandidate | null;
  /** Every place tried, the chosen one included. */
  readonly candidates: readonly CheckedCandidate[];
  readonly notes: readonly string[];
}

/** `capsule follow` could not follow: the message says why, `candidates` what was tried. */
export class FollowError extends CrawlerError {
  readonly candidates: readonly CheckedCandidate[];

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown; candidates?: readonly CheckedCandidate[] } = {}) {
    super(code, message, options);
    this.candidates = options.candidates ?? [];
  }
}

const DNS_TIMEOUT_MS = 2_000;

/** Resolves `target` (a handle, an identity or a URL) to a verified feed and adds it to the follow list; throws FollowError when nothing verifies. */
export async function followCreator(crawler: Crawler, target: string | FollowTarget, options: FollowOptions = {}): Promise<FollowResult> {
  const parsed = readFollowTarget(target);
  const max = options.maxCandidates;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) throw new TypeError(`follow: expected maxCandidates to be a positive integer, got ${String(max)}`);
  const empty = { identity: null, name: null, keyFrom: [], chosen: null, candidates: [], notes: [] };
  if (parsed.kind === "url") {
    return { ...empty, target: parsed, url: parsed.url, added: addFollow(crawler.config.contentDir, parsed.url, options.name), resolvedBy: "url" };
  }
  const mesh = createMeshView(crawler, { maxAge: options.maxAge, now: options.now });
  if (parsed.kind === "identity") return followIdentity(crawler, parsed, parsed.identity, mesh, options, { resolvedBy: "identity", keyFrom: ["given"], notes: [] });
  return followHandle(crawler, parsed, parsed.domain, mesh, options);
}

/** Parses a `follow` argument; throws FollowError `follow-usage` naming the accepted forms. */
export function readFollowTarget(target: string | FollowTarget): FollowTarget {
  const parsed = typeof target === "string" ? parseFollowTarget(target) : target;
  if (parsed !== undefined) return parsed;
  throw new FollowError("follow-usage", `follow: ${JSON.stringify(String(target).slice(0, 200))} is not ${FOLLOW_FORMS}`, {
    hint: "Run `capsule follow --help` for examples.",
  });
}

async function followHandle(crawler: Crawler, target: FollowTarget, domain: string, mesh: MeshView, options: FollowOptions): Promise<FollowResult> {
  const home = (options.originOf ?? ((name: string) => `https://${name}/`))(domain);
  const lookup = options.dns === false ? undefined : resolveCapsuleTxt(domain, options.resolveTxt ?? resolveTxtWithin(DNS_TIMEOUT_MS));
  const [txt, origin] = await Promise.all([lookup ?? Promise.resolve<CapsuleTxt | undefined>(undefined), readOrigin(crawler, home, options.now)]);
  const record = `DNS _capsule.${domain}`;
  const dnsSays = txt === undefined ? "DNS was not asked (--no-dns)" : txt.status === "none" ? `there is no ${record} record` : `${record} gave no key`;
  const notes: string[] = [];
  if (txt?.status === "invalid") notes.push(`${record} is invalid (${txt.message}); ignored`);
  if (txt?.status === "unavailable") notes.push(`${record}: ${txt.message}`);
  const dnsId = txt?.status === "found" ? txt.id : undefined;
  const found = origin.checked;
  if (found?.outcome === "verified") {
    if (dnsId !== undefined && dnsId !== found.identity) {
      throw new FollowError("follow-mismatch", `follow: ${redactUrl(found.url)} serves the capsule ${found.identity}, but ${record} names ${dnsId}`, {
        candidates: [found], hint: "One of them is wrong or was tampered with: ask the creator which key is theirs, then `capsule follow did:key:…` with it.",
      });
    }
    const keyFrom = [`the origin ${found.url}${dnsId ? `, confirmed by ${record}` : ""}`];
    const already = findFollowing(crawler, found.identity!);
    if (already !== undefined) return { target, url: already, added: false, identity: found.identity, name: found.name, resolvedBy: "following", keyFrom, chosen: null, candidates: [found], notes };
    const added = addFollow(crawler.config.contentDir, found.url, options.name);
    return { target, url: found.url, added, identity: found.identity, name: found.name, resolvedBy: "origin", keyFrom, chosen: found, candidates: [found], notes };
  }
  if (found && found.identity === null && found.outcome === "rejected" && dnsId === undefined) {
    // An ordinary blog: follow its feed, as `capsule follow <its feed URL>` would.
    notes.push("an unsigned feed: nothing in it can be verified, and it cannot be followed through mirrors");
    const added = addFollow(crawler.config.contentDir, found.url, options.name);
    return { target, url: found.url, added, identity: null, name: found.name, resolvedBy: "origin", keyFrom: [], chosen: found, candidates: [found], notes };
  }
  notes.push(found ? `the origin ${found.url} was not used: ${found.reason}` : `the origin ${home} gave no capsule feed (${origin.problem})`);
  if (dnsId !== undefined) {
    return followIdentity(crawler, target, dnsId, mesh, options, { resolvedBy: "dns", keyFrom: [record], notes, origin: found });
  }
  const identities = await findIdentitiesForHost(crawler, domain, home, mesh);
  if (identities.size === 0) {
    throw new FollowError("follow-not-found", `follow: ${domain} gave no capsule feed (${found?.reason ?? origin.problem}), ${dnsSays}, and none of the ${mesh.followed.length} capsules you follow knows its key`, {
      candidates: found ? [found] : [],
      hint: `Ask the creator (or someone who follows them) for their key, then \`capsule follow did:key:…\`; or follow a mirror: \`capsule follow <their follower's site>/mirror/<key>/feed.xml\`.`,
    });
  }
  if (identities.size > 1) {
    const list = [...identities].map(([id, evidence]) => `${id} (${evidence.map((e) => e.detail).join("; ")})`).join(", ");
    throw new FollowError("follow-ambiguous", `follow: ${domain} is unreachable and the mesh ties it to ${identities.size} identities: ${list}`, {
      hint: "Ask the creator which key is theirs, then `capsule follow did:key:…` with it.",
    });
  }
  const [identity, evidence] = [...identities][0]!;
  return followIdentity(crawler, target, identity, mesh, options, { resolvedBy: evidence[0]!.source, keyFrom: evidence.map((e) => e.detail), notes, origin: found });
}

interface Resolution {
  readonly resolvedBy: FollowResult["resolvedBy"];
  readonly keyFrom: readonly string[];
  readonly notes: string[];
  /** The origin's feed, already checked (a handle's), shown among the candidates. */
  readonly origin?: CheckedCandidate;
}

async function followIdentity(crawler: Crawler, target: FollowTarget, identity: string, mesh: MeshView, options: FollowOptions, how: Resolution): Promise<FollowResult> {
  const already = findFollowing(crawler, identity);
  if (already !== undefined) return { target, url: already, added: false, identity, name: null, ...how, resolvedBy: "following", chosen: null, candidates: [] };
  const listed = (await listIdentityCandidates(crawler, identity, mesh)).filter((c) => c.url !== how.origin?.url).slice(0, options.maxCandidates ?? 20);
  const checked = await checkCandidates(crawler, listed, identity, options.now);
  const candidates = how.origin ? [how.origin, ...checked] : checked;
  const best = pickBest(checked);
  const id = identity.slice("did:key:".length);
  if (!best) {
    const refused = checked.filter((c) => c.outcome === "rejected").length;
    const asked = checked.length === 0 ? "" : ` (asked ${checked.length}: ${refused} refused as forged or not theirs, ${checked.length - refused} failed)`;
    throw new FollowError("follow-not-found", `follow: no mirror of ${identity} found among the ${mesh.followed.length} capsules you follow${asked}`, {
      candidates, hint: `Ask someone who follows them for their site URL, then \`capsule follow <their site>/mirror/${id}/feed.xml\`.`,
    });
  }
  const added = addFollow(crawler.config.contentDir, best.url, options.name);
  return { target, url: best.url, added, identity, name: best.name, ...how, chosen: best, candidates };
}

// Already followed: a stored feed pinned to the key, or a follow-list URL that names it (not crawled yet).
function findFollowing(crawler: Crawler, identity: string): string | undefined {
  const stored = crawler.store.listFeeds().find((feed) => feed.following && feed.capsule?.id === identity);
  if (stored) return stored.followedUrl;
  return readFollowList(crawler.config.contentDir).find((follow) => identityInMirrorUrl(follow.url) === identity)?.url;
}

/**
 * The capsule feed at a handle's origin: the home page's advertised feed, or `/feed.xml` when the page
 * advertises none or is missing; at most two requests. `problem` says why there is none.
 */
async function readOrigin(crawler: Crawler, home: string, now?: Date): Promise<{ checked?: CheckedCandidate; problem: string }> {
  let url = home;
  for (let hop = 0; hop < 2; hop++) {
    try {
      const fetched = await fetchCandidate(crawler, url);
      const feed = parseFeed(fetched.body, { url: fetched.url, contentType: fetched.contentType ?? undefined });
      return { checked: checkFeed({ url, from: "the origin", origin: true }, feed, fetched.url, undefined, now), problem: "" };
    } catch (error) {
      const retry = hop === 0 && (error instanceof NotAFeedError || (error instanceof FetchError && error.code === "http-status"));
      if (!retry) return { problem: describeFailure(error, url) };
      url = (error instanceof NotAFeedError ? error.advertised[0] : undefined) ?? new URL("feed.xml", home).href;
    }
  }
  return { problem: `no feed at ${url}` };
}

/** The summary `capsule follow` prints: what was followed, how the key was found, what verified and what was refused. */
export function formatFollowResult(result: FollowResult): string {
  const who = result.name ? `${result.name}${result.identity ? ` (${result.identity})` : ""}` : result.identity ?? result.url;
  const lines: string[] = [];
  if (result.resolvedBy === "following") lines.push(`Already following ${who} at ${result.url}.`);
  else if (!result.added) lines.push(`Already following ${result.url}.`);
  else lines.push(`Following ${who}${result.chosen && !result.chosen.origin ? ` through the mirror ${result.url}` : ` at ${result.url}`}.`);
  if (result.keyFrom.length > 0 && result.resolvedBy !== "identity") lines.push(`  key from: ${result.keyFrom.join("; ")}`);
  if (result.chosen?.outcome === "verified") {
    lines.push(`  verified: ${result.chosen.verified} entries${result.chosen.checkpoint !== null ? `, checkpoint ${result.chosen.checkpoint}` : ""} (${result.chosen.from})`);
  }
  for (const candidate of result.candidates) if (candidate !== result.chosen) lines.push(`  ${describeCandidate(candidate)}`);
  for (const note of result.notes) lines.push(`  note: ${note}`);
  if (result.added && result.target.kind !== "url") lines.push("Run `capsule crawl` to fetch it; later moves are followed by the crawl.");
  return `${lines.join("\n")}\n`;
}

/** One line about a place tried: `rejected: <url> (<how it was found>): <why>`, or `also verified: …`. */
export function describeCandidate(candidate: CheckedCandidate): string {
  const where = `${redactUrl(candidate.url)} (${candidate.from})`;
  if (candidate.outcome === "verified") return `also verified: ${where}: ${candidate.verified} entries`;
  return `${candidate.outcome}: ${where}: ${candidate.reason}`;
}
