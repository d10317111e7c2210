/**
 * TEST ONLY: turns a parsed feed into the records the crawler's refresh step stores (crawler/model.ts), so
 * mirror tests can start from a real feed without the refresh pipeline. Deliberately simple: capsule
 * entries are verified with the format library (checkpoint first, then each entry), bodies are the
 * verified Markdown rendered by the site's Markdown, or the feed's HTML, and sanitised like a crawl would.
 * It is not the refresh step and must not be imported outside test/ and bench/.
 */
import { createHash } from "node:crypto";
import { feedIdOf, isPublishable, type CapsuleState, type StoredEntry, type StoredFeed } from "../../crawler/model.ts";
import type { CapsuleEnvelope, ParsedEntry, ParsedFeed } from "../../crawler/parse/index.ts";
import { sanitizeHtml } from "../../crawler/sanitize.ts";
import { createKeyring, decodeBase64url, isTombstone, Verifier, type VerifyResult, type EntryPayload } from "../../site/format/index.ts";
import { createMarkdown } from "../../site/markdown.ts";

const markdown = createMarkdown();

/** A feed record as a first successful fetch would leave it; `overrides` replace any field. */
export function makeStoredFeed(url: string, overrides: Partial<StoredFeed> = {}): StoredFeed {
  const now = "2025-01-10T00:00:00.000Z";
  return {
    id: feedIdOf(url), url, followedUrl: url, following: true, addedAt: now,
    title: null, siteUrl: null, description: null, language: null, format: "rss",
    validators: { etag: null, lastModified: null, bodyHash: null },
    lastFetch: null, lastSuccess: now,
    errors: { consecutive: 0, code: null, message: null, since: null },
    schedule: { nextDue: now, intervalSeconds: 3600, retryAfter: null },
    permanentRedirect: null, recentPosts: [], entryCount: 0, capsule: null, changedAt: null, mirroredAt: null, mirrors: [], moved: null,
    ...overrides,
  };
}

/** The feed record and entry records a refresh would store for `parsed`, fetched from `url`. */
export function storeParsed(parsed: ParsedFeed, url: string, seenAt = "2025-01-10T00:00:00.000Z"): { feed: StoredFeed; entries: StoredEntry[] } {
  const extension = parsed.capsule;
  const root = extension?.identity?.id;
  const envelopes = extension?.envelopes ?? [];
  const keyring = root ? createKeyring(root, envelopes.filter((e) => e.kind === "certificate").map(toEnvelope)) : undefined;
  const verifier = keyring?.status === "valid" ? new Verifier(keyring.keyring) : undefined;
  const channel = envelopes.filter((e) => verifier && (e.kind !== "checkpoint" || verifier.verifyCheckpoint(toEnvelope(e)).status === "valid"));
  const feedId = feedIdOf(url);
  const entries = parsed.entries.map((entry) => toStoredEntry(feedId, entry, verifier, seenAt));
  const capsule: CapsuleState | null = root && verifier
    ? {
      id: root, pinnedAt: seenAt, identityHref: extension?.identity?.href ?? null, envelopes: channel,
      checkpoint: verifier.checkpoint ?? null, locationSeq: 0, feeds: [], mirrors: [], profile: extension?.profile ?? {}, following: extension?.following ?? null,
    }
    : null;
  const feed = makeStoredFeed(url, {
    title: parsed.title?.value ?? null, siteUrl: parsed.siteUrl, description: parsed.description?.value ?? null,
    language: parsed.language, format: parsed.format, capsule, changedAt: seenAt,
    recentPosts: entries.filter(isPublishable).map((e) => e.published).slice(0, 20),
  });
  return { feed, entries };
}

function toStoredEntry(feedId: string, entry: ParsedEntry, verifier: Verifier | undefined, seenAt: string): StoredEntry {
  const result: VerifyResult<EntryPayload> | undefined = entry.capsule && verifier
    ? verifier.verifyEntry(toEnvelope(entry.capsule))
    : undefined;
  const base = entry.content?.base ?? entry.summary?.base ?? "https://invalid.example/";
  const feedHtml = entry.content?.value ?? entry.summary?.value ?? "";
  if (result?.status === "valid") {
    const payload = result.value;
    const body = isTombstone(payload) ? "" : markdown.render(payload.body ?? "");
    return {
      feedId, key: payload.id, hash: hex(decodeBase64urlBytes(entry.capsule!.payload)), firstSeen: seenAt,
      published: isTombstone(payload) ? `${payload.updated}` : payload.published, entry,
      html: sanitizeHtml(body, { baseUrl: entry.url ?? base }),
      trust: { status: "verified", via: result.via, signer: result.signer }, payload, envelope: entry.capsule,
    };
  }
  const key = entry.guid ?? entry.url ?? hex(feedHtml);
  const trust: StoredEntry["trust"] = entry.capsule
    ? { status: "rejected", reason: result?.status === "invalid" ? result.reason : "uncertified-key", message: result?.status === "invalid" ? result.message : "no identity" }
    : { status: "unsigned" };
  return {
    feedId, key, hash: hex(`${entry.title?.value ?? ""}\n${feedHtml}`), firstSeen: seenAt,
    published: (entry.published ?? entry.updated ?? new Date(seenAt)).toISOString(), entry,
    html: sanitizeHtml(feedHtml, { baseUrl: base }), trust, payload: null, envelope: entry.capsule,
  };
}

// The format's envelope has exactly three members; the parser's record carries `kind` too.
function toEnvelope(e: CapsuleEnvelope): { payload: string; key: string | null; signature: string | null } {
  return { payload: e.payload, key: e.key, signature: e.signature };
}

function decodeBase64urlBytes(text: string): Uint8Array {
  const decoded = decodeBase64url(text);
  return decoded.ok ? decoded.bytes : new TextEncoder().encode(text);
}

function hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
