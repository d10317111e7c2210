/**
 * The CPU-bound middle of a refresh: parse the fetched bytes, verify what they claim, and build the entry
 * records (rendered and sanitised). It takes plain data and returns plain data, so it can run in this
 * thread or in a worker (crawler/process-pool.ts) while the main thread keeps fetching and storing.
 */
import { Authenticator, type FeedAuthentication } from "./authenticate.ts";
import { buildStoredEntries } from "./entries.ts";
import type { EntryForStore } from "./entry-codec.ts";
import { CrawlerError } from "./errors.ts";
import type { StoredEntry, StoredFeed } from "./model.ts";
import { parseFeed, type FeedText, type ParsedFeed } from "./parse/index.ts";
import { sanitizeText } from "./sanitize.ts";

/** What the processing step needs: the feed as stored, and the bytes as fetched. */
export interface ProcessInput {
  readonly feed: StoredFeed;
  readonly body: Uint8Array;
  /** The final URL after redirects: the base for relative links. */
  readonly url: string;
  readonly contentType: string | null;
  /** ISO time of the fetch. */
  readonly now: string;
}

/** The feed-level facts a refresh stores, the verification outcome and the entries. */
export interface ProcessOutput {
  readonly meta: {
    readonly title: string | null;
    readonly description: string | null;
    readonly siteUrl: string | null;
    readonly language: string | null;
    readonly format: ParsedFeed["format"];
    readonly ttl: number | null;
  };
  readonly capsule: FeedAuthentication["capsule"];
  readonly warnings: readonly string[];
  /** As built in this thread; a worker's come encoded for the store (crawler/entry-codec.ts). */
  readonly entries: readonly EntryForStore[];
}

/** An error crossing a thread boundary, rebuilt on the other side with `reviveError`. */
export interface SerializedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string | undefined;
}

/** Where `processFeed` runs: in the pool for bodies of at least `poolFrom` bytes, else in this thread. */
export interface ProcessPlace {
  readonly authenticator: Authenticator;
  readonly pool?: { run(input: ProcessInput): Promise<ProcessOutput> };
  /** @default 0 */
  readonly poolFrom?: number;
}

/** Processes one fetched feed in a worker or in this thread, as `place` says. */
export async function processFeed(input: ProcessInput, place: ProcessPlace): Promise<ProcessOutput> {
  return place.pool && input.body.length >= (place.poolFrom ?? 0) ? place.pool.run(input) : processFeedBody(input, place.authenticator);
}

/** Parses, verifies and renders one fetched feed; throws ParseError when no feed can be read. */
export function processFeedBody(input: ProcessInput, authenticator: Authenticator): ProcessOutput & { readonly entries: readonly StoredEntry[] } {
  const now = new Date(input.now);
  const parsed = parseFeed(input.body, { url: input.url, contentType: input.contentType ?? undefined });
  const auth = authenticator.authenticate(input.feed, parsed, now);
  const entries = buildStoredEntries(input.feed.id, parsed, auth, now);
  const warnings = [...auth.problems, ...(parsed.bozo ? [`the feed is not well formed (${parsed.bozoReasons[0] ?? "repaired"}); read leniently`] : [])];
  return {
    meta: {
      title: plain(parsed.title), description: plain(parsed.description), siteUrl: parsed.siteUrl, language: parsed.language,
      format: parsed.format, ttl: parsed.ttl,
    },
    capsule: auth.capsule,
    warnings,
    entries,
  };
}

/** Turns an error into plain data that survives `postMessage`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof CrawlerError) return { name: error.name, code: error.code, message: error.message, hint: error.hint };
  return { name: "Error", code: "internal", message: `process: unexpected failure (${error instanceof Error ? error.message : String(error)})`, hint: undefined };
}

/** Rebuilds a serialised error as a crawler error with the same code, message and hint. */
export function reviveError(error: SerializedError): CrawlerError {
  return new CrawlerError(error.code, error.message, { hint: error.hint });
}

// Titles and descriptions are shown as text: markup in an HTML-typed one is reduced to its words.
function plain(text: FeedText | null): string | null {
  if (text === null) return null;
  const value = text.type === "html" ? sanitizeText(text.value) : text.value.replace(/\s+/g, " ");
  return value.trim() || null;
}
