/**
 * What discovery needs to know about a feed it does not follow: a name, a short bio, the latest post, whether
 * it is a signed capsule, and where its follow list is. The feed is parsed and its signatures checked once,
 * when a new body arrives; the store keeps this summary (a few hundred bytes), not the feed, so a few hundred
 * suggested feeds cost almost nothing to keep and nothing to read again.
 */
import { parseFeed, type ParsedEntry, type ParsedFeed } from "./parse/index.ts";
import { readOpmlFeeds, type OpmlFeed } from "./parse/opml.ts";
import { decodeFeedBytes } from "./parse/decode.ts";
import { readText, toHttpUrl } from "./mirror-text.ts";
import type { DocumentKind } from "./document-cache.ts";
import { decodeBase64url } from "../site/format/index.ts";
import { verifyCapsule } from "./verify.ts";

/** A suggested creator's feed, summarised: plain text only (escape it where it is shown), http(s) URLs only. */
export interface FeedSummary {
  /** The URL the feed was read from (after redirects). */
  readonly url: string;
  /** The capsule profile's name, else the feed's title; null when it gives neither. */
  readonly name: string | null;
  /** The profile's bio, else the feed's description, as plain text of at most 280 characters. */
  readonly bio: string | null;
  readonly avatar: string | null;
  readonly siteUrl: string | null;
  readonly latest: LatestPost | null;
  /** The identity (`did:key:…`) the feed names, signed or not. */
  readonly identity: string | null;
  /** Whether the feed names an identity and everything signed in it verifies against that identity's keys. */
  readonly signed: boolean;
  /** Its follow list (`<capsule:following href>`), or null. */
  readonly following: string | null;
}

/** The newest entry of a feed, for a suggestion's card. */
export interface LatestPost {
  /** The title, else the first words of the post. */
  readonly title: string;
  /** ISO 8601, or null when the entry gives no date. */
  readonly published: string | null;
  readonly url: string | null;
}

const BIO_LENGTH = 280;
const TITLE_LENGTH = 120;
/** Content type of a kept summary; a change of shape changes the version, and older summaries are fetched anew. */
const SUMMARY_TYPE = "application/vnd.capsule.feed-summary+json; version=1";
/** Bytes of follow list read at most: 10,000 follows fit in about 1.5 MB of OPML. */
export const FOLLOW_LIST_MAX_BYTES = 4 * 1024 * 1024;

/** Feeds as discovery keeps them: under `summary <url>`, the summary as JSON, with the feed's validators. */
export const FEED_SUMMARY: DocumentKind<FeedSummary> = {
  keyOf: (url) => `summary ${url}`,
  read({ body, contentType, url }) {
    const summary = summarizeFeed(parseFeed(body, { url, contentType: contentType ?? undefined }), url);
    return { text: JSON.stringify(summary), contentType: SUMMARY_TYPE, value: summary };
  },
  reread(document) {
    if (document.contentType !== SUMMARY_TYPE) throw new TypeError("a summary in an older shape");
    return JSON.parse(document.text) as FeedSummary;
  },
};

/** Follow lists as discovery keeps them: the OPML text itself, under its URL, so other readers can use it too. */
export const FOLLOW_LIST: DocumentKind<OpmlFeed[]> = {
  keyOf: (url) => url,
  read({ body, contentType, url }) {
    const { text } = decodeFeedBytes(body, contentType ?? undefined);
    return { text, contentType, value: readOpmlFeeds(text, { url }) };
  },
  reread: (document, url) => readOpmlFeeds(document.text, { url }),
};

/** Summarises a parsed feed read from `url`; signatures are checked here, once per new body. */
export function summarizeFeed(feed: ParsedFeed, url: string, now: Date = new Date()): FeedSummary {
  const profile = feed.capsule?.profile ?? {};
  const identity = feed.capsule?.identity?.id ?? null;
  let signed = false;
  if (identity !== null) {
    const report = verifyCapsule({ feed: { feed, url }, now });
    signed = report.identity?.root === identity && report.problems.length === 0 && report.entries.failed.length === 0;
  }
  return {
    url,
    name: readText({ value: profile["name"]?.[0] ?? "", type: "text" }, 200) ?? readText(feed.title, 200) ?? null,
    bio: readText({ value: profile["bio"]?.[0] ?? "", type: "text" }, BIO_LENGTH) ?? readText(feed.description, BIO_LENGTH) ?? null,
    avatar: toHttpUrl(profile["avatar"]?.[0]) ?? null,
    siteUrl: toHttpUrl(feed.siteUrl) ?? null,
    latest: summarizeLatest(feed.entries),
    identity,
    signed,
    following: toHttpUrl(feed.capsule?.following) ?? null,
  };
}

// The newest dated entry (feeds are not always in order), else the first one.
function summarizeLatest(entries: readonly ParsedEntry[]): LatestPost | null {
  let latest: ParsedEntry | undefined;
  let latestTime = -Infinity;
  for (const entry of entries) {
    const time = dateOf(entry)?.getTime() ?? NaN;
    if (latest === undefined || time > latestTime) {
      latest = entry;
      if (!Number.isNaN(time)) latestTime = time;
    }
  }
  if (!latest) return null;
  const title = readText(latest.title, TITLE_LENGTH) ?? firstWords(readText(latest.content ?? latest.summary, 4 * TITLE_LENGTH), TITLE_LENGTH) ?? "(untitled)";
  const date = dateOf(latest);
  return { title, published: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null, url: toHttpUrl(latest.url) ?? null };
}

// A capsule item may carry its date only inside the signed payload (docs/format.md: published, updated).
function dateOf(entry: ParsedEntry): Date | null {
  const given = entry.published ?? entry.updated;
  if (given || !entry.capsule) return given;
  const decoded = decodeBase64url(entry.capsule.payload);
  if (!decoded.ok) return null;
  try {
    const payload = JSON.parse(new TextDecoder().decode(decoded.bytes)) as { published?: unknown; updated?: unknown };
    const text = typeof payload.published === "string" ? payload.published : typeof payload.updated === "string" ? payload.updated : "";
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? null : date;
  } catch {
    return null;
  }
}

// A note has no title: its first words stand in, cut between words.
function firstWords(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.…-]+$/, "")}…`;
}
