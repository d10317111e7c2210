/**
 * `capsule status`: one row per followed feed (title, last fetch, result, entries, next due, consecutive
 * errors, last error), in plain text sized to the terminal, or as JSON for scripts.
 */
import type { StoredFeed } from "./model.ts";

/** One feed's status, as `capsule status --json` prints it and the daemon's /status.json serves it. */
export interface FeedStatus {
  readonly id: string;
  readonly url: string;
  readonly title: string | null;
  readonly following: boolean;
  readonly signed: boolean;
  readonly identity: string | null;
  readonly lastFetch: string | null;
  readonly result: string;
  readonly entries: number;
  readonly nextDue: string | null;
  readonly consecutiveErrors: number;
  readonly lastError: string | null;
  readonly warning: string | null;
  /** The last signed move followed, e.g. "moved from X to Y (location seq 2)". */
  readonly moved: string | null;
  /** Mirrors tried when the origin failed: URL, verified fetches, failures, forged entries. */
  readonly mirrors: readonly { url: string; good: number; failed: number; rejected: number }[];
}

/** The status of each feed, followed ones first, then by title. */
export function describeFeeds(feeds: readonly StoredFeed[]): FeedStatus[] {
  return [...feeds]
    .sort((a, b) => Number(b.following) - Number(a.following) || (a.title ?? a.url).localeCompare(b.title ?? b.url))
    .map((feed) => ({
      id: feed.id,
      url: feed.url,
      title: feed.title,
      following: feed.following,
      signed: feed.capsule !== null,
      identity: feed.capsule?.id ?? null,
      lastFetch: feed.lastFetch?.at ?? null,
      result: resultOf(feed),
      entries: feed.entryCount,
      nextDue: feed.following ? feed.schedule.nextDue : null,
      consecutiveErrors: feed.errors.consecutive,
      lastError: feed.errors.message,
      warning: feed.lastFetch?.outcome !== "error" ? feed.lastFetch?.message ?? null : null,
      moved: feed.moved ? `moved from ${feed.moved.from} to ${feed.moved.to} (signed location seq ${feed.moved.seq}, ${feed.moved.at})` : null,
      mirrors: feed.mirrors.map(({ url, good, failed, rejected }) => ({ url, good, failed, rejected })),
    }));
}

/** The status table for a person; `width` is the terminal's (Infinity when piped: nothing is cut). */
export function formatStatus(statuses: readonly FeedStatus[], now: Date = new Date(), width = 120): string {
  if (statuses.length === 0) return "Not following anything yet. Add a feed with `capsule follow URL`, then run `capsule crawl`.\n";
  const header = ["FEED", "LAST FETCH", "RESULT", "ENTRIES", "NEXT", "ERRORS", "LAST ERROR · NOTES"];
  const rows = statuses.map((s) => [
    (s.signed ? "✓ " : "  ") + (s.title ?? s.url) + (s.following ? "" : " (unfollowed)"),
    s.lastFetch ? relative(s.lastFetch, now) : "never",
    s.result,
    String(s.entries),
    s.nextDue ? relative(s.nextDue, now) : "-",
    String(s.consecutiveErrors),
    [s.lastError, s.warning && (s.lastError ? s.warning : `(warning) ${s.warning}`), s.moved].filter(Boolean).join(" · "),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  widths[0] = Math.min(widths[0]!, 40);
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  widths[6] = Math.max(20, Math.min(widths[6]!, width - fixed));
  const line = (cells: readonly string[]) => cells.map((cell, i) => fit(cell, widths[i]!)).join("  ").trimEnd();
  const signed = statuses.filter((s) => s.signed).length;
  const failing = statuses.filter((s) => s.consecutiveErrors > 0).length;
  return [
    line(header),
    ...rows.map(line),
    "",
    `${statuses.length} feeds (${signed} signed capsules ✓), ${failing} failing. \`capsule status --json\` gives every field.`,
    "",
  ].join("\n");
}

function resultOf(feed: StoredFeed): string {
  const last = feed.lastFetch;
  if (!last) return "not fetched";
  if (last.outcome === "error") return `error${feed.errors.code ? ` (${feed.errors.code})` : ""}`;
  if (last.outcome === "new") return `${last.added} new`;
  return "unchanged";
}

/** "3 min ago", "in 2 h", "just now". */
export function relative(iso: string, now: Date): string {
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const size = Math.abs(seconds);
  if (size < 30) return seconds <= 0 ? "just now" : "now";
  const text = size < 3600 ? `${Math.round(size / 60)} min` : size < 86400 * 2 ? `${Math.round(size / 3600)} h` : `${Math.round(size / 86400)} d`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join("")}…` : text + " ".repeat(width - chars.length);
}
