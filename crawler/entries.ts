/**
 * Turns a parsed, authenticated feed into the entry records the store keeps: a stable key per entry, a hash
 * per version, the publication time to sort by, and the body to show, sanitised once here so that mirror
 * pages and the re-served feed never handle unsanitised HTML. Verified capsule entries are rendered from their
 * signed Markdown, never from the HTML the server sent along with it (DESIGN.md, "The signed format").
 */
import { isTombstone, hashBytes, type EntryPayload } from "../site/format/index.ts";
import { escapeHtml } from "../layouts/html.ts";
import { createMarkdown } from "../site/markdown.ts";
import type { FeedAuthentication } from "./authenticate.ts";
import type { StoredEntry } from "./model.ts";
import type { FeedText, ParsedEntry, ParsedFeed } from "./parse/index.ts";
import { sanitizeHtml } from "./sanitize.ts";

const markdown = createMarkdown();

/** Builds one StoredEntry per parsed entry (duplicates by key keep the first, as feeds list newest first). */
export function buildStoredEntries(feedId: string, parsed: ParsedFeed, auth: FeedAuthentication, now: Date): StoredEntry[] {
  const seen = new Set<string>();
  const entries: StoredEntry[] = [];
  const firstSeen = now.toISOString();
  parsed.entries.forEach((entry, index) => {
    const checked = auth.entries[index];
    if (!checked) return;
    const payload = checked.payload;
    const key = payload?.id ?? entryKeyOf(entry);
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({
      feedId, key,
      hash: checked.hash ?? hashEntry(entry),
      firstSeen,
      published: publishedOf(entry, payload, now),
      entry,
      html: renderBody(entry, payload, parsed.feedUrl ?? parsed.siteUrl),
      trust: checked.trust,
      payload,
      envelope: entry.capsule,
    });
  });
  return entries;
}

/** An entry's identity within its feed when no signed payload names it: guid, then link, then content. */
export function entryKeyOf(entry: ParsedEntry): string {
  const guid = entry.guid?.trim();
  if (guid) return guid;
  if (entry.url) return entry.url;
  return `sha256:${hashBytes(JSON.stringify([entry.title?.value ?? "", entry.published?.toISOString() ?? "", entry.content?.value ?? entry.summary?.value ?? ""]))}`;
}

// What a reader would see change: an edit to any of these is a new version worth keeping.
function hashEntry(entry: ParsedEntry): string {
  return hashBytes(JSON.stringify([
    entry.title?.value ?? null, entry.summary?.value ?? null, entry.content?.value ?? null, entry.url,
    entry.published?.toISOString() ?? null, entry.updated?.toISOString() ?? null,
    entry.enclosures.map((e) => e.url), entry.categories.map((c) => c.term), entry.authors.map((a) => a.name),
    entry.capsule ? [entry.capsule.payload, entry.capsule.signature] : null,
  ]));
}

function publishedOf(entry: ParsedEntry, payload: EntryPayload | null, now: Date): string {
  if (payload) return isTombstone(payload) ? payload.updated : payload.published;
  const date = entry.published ?? entry.updated ?? entry.created;
  // Dates outside what toISOString can write (year 0 is fine, ±275,760 is not) fall back to first sight.
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : now.toISOString();
}

function renderBody(entry: ParsedEntry, payload: EntryPayload | null, feedBase: string | null): string {
  if (payload && isTombstone(payload)) return "";
  const base = entry.url ?? entry.content?.base ?? feedBase ?? "about:blank";
  if (payload?.body !== undefined) {
    // The site renders the same Markdown the same way; links resolve against the entry's own page.
    const html = markdown.render(payload.body, { assetBase: safeBase(base) });
    return sanitizeHtml(html, { baseUrl: base });
  }
  const text = entry.content ?? entry.summary;
  return text ? renderText(text) : "";
}

function renderText(text: FeedText): string {
  if (text.type === "html") return sanitizeHtml(text.value, { baseUrl: text.base });
  return text.value.split(/\n{2,}/).filter((p) => p.trim()).map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("\n");
}

function safeBase(base: string): string | undefined {
  try {
    return new URL(base).href;
  } catch {
    return undefined;
  }
}
