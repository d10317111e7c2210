/**
 * Mirror pages: each followed creator becomes a small static capsule under `<outDir>/<mirrorIdOf(feed)>/`
 * (DESIGN.md, "A built capsule": `/mirror/<capsule-id>/`), rendered with the site's own layouts: the profile
 * and timeline (paginated like the home page), one page per entry, tag pages, and the re-served feed.
 *
 * A creator is written whole or not at all: everything is rendered in memory, written into a temp sibling
 * folder, and swapped in with two renames (old aside, new in), so a reader sees the old pages or the new
 * ones, never half of each. Only feeds whose content changed since their pages were written are
 * regenerated (`store.listChangedFeeds()`), and one failing creator never stops the others.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { renderDocument } from "../layouts/base.ts";
import { html } from "../layouts/html.ts";
import { renderDeletedPage } from "../layouts/not-found.ts";
import { renderHomePage, renderPostPage, renderTagPage, renderTagsIndex } from "../layouts/pages.ts";
import type { EntryView, SiteView } from "../layouts/view.ts";
import { MirrorError, redactUrl } from "./errors.ts";
import { renderViewFeed } from "./mirror-feed.ts";
import { buildMirrorIndex } from "./mirror-index.ts";
import { creatorNameOf, toHttpUrl } from "./mirror-text.ts";
import { createMirrorView, type MirrorView } from "./mirror-view.ts";
import { removeLeftovers, replaceFile, replaceFolder } from "./mirror-write.ts";
import { mirrorIdOf, type StoredEntry, type StoredFeed } from "./model.ts";
import type { Store } from "./store.ts";

/** Options of `writeMirrorPages`. */
export interface MirrorPagesOptions {
  /** The folder the mirrors are written to: the built site's `mirror/` folder. */
  outDir: string;
  /** The follower's own site URL (ending in `/`): its style.css and feed.xsl style the mirror pages. */
  siteUrl: string;
  /** Where `outDir` is served. @default `${siteUrl}mirror/` */
  mirrorUrl?: string;
  /** Posts per timeline page, as on the home page. @default 40 */
  pageSize?: number;
  /** Newest posts the re-served feed carries (verified tombstones always). @default 50 */
  feedLimit?: number;
  /**
   * Newest entries a creator's pages show; the store keeps every entry, this bounds what one feed can make
   * the mirror write (100,000 tiny items would otherwise become 100,000 pages, about 1 GB, on every change).
   * @default 2000
   */
  maxEntries?: number;
}

/** The default of `maxEntries`: far more than any feed carries at once, so only a flood of entries meets it. */
export const MIRROR_MAX_ENTRIES = 2000;

/** Options of `regenerateMirrors`. */
export interface MirrorOptions extends MirrorPagesOptions {
  /** The follower's own site, for the header and footer of the mirrors index. @default a plain one named after `siteUrl` */
  site?: SiteView;
}

/** A creator whose pages could not be regenerated this time; its previous pages are still in place. */
export interface MirrorFailure {
  readonly feedId: string;
  readonly error: MirrorError;
}

const SAFE_FOLDER = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/** Writes the static pages of one followed creator, replacing its previous pages in one swap. */
export async function writeMirrorPages(feed: StoredFeed, entries: readonly StoredEntry[], options: MirrorPagesOptions): Promise<{ files: number }> {
  const id = mirrorIdOf(feed);
  if (!SAFE_FOLDER.test(id) || id === "index.html") {
    throw new MirrorError("mirror-id", `mirror: ${JSON.stringify(id)} cannot be a folder name: ${redactUrl(feed.url)}`, {
      hint: "The feed's identity or id is malformed; the crawler should have refused it. Unfollow and follow it again.",
    });
  }
  const { mirrorUrl, assetBase } = resolveLocation(options);
  const feedLimit = options.feedLimit ?? 50;
  const view = createMirrorView(feed, selectNewest(entries, readMaxEntries(options)), { url: new URL(`${id}/`, mirrorUrl).href, assetBase, feedLimit });
  const files = renderMirrorFiles(view, feed, { pageSize: options.pageSize ?? 40, feedLimit });
  await replaceFolder(join(options.outDir, id), files);
  return { files: files.size };
}

/**
 * Regenerates the pages of every feed whose content changed since they were last written, marks each one
 * mirrored, and rewrites the index of all mirrored creators. Failures are collected, not thrown.
 */
export async function regenerateMirrors(store: Store, options: MirrorOptions): Promise<{ regenerated: string[]; failed: MirrorFailure[] }> {
  const regenerated: string[] = [];
  const failed: MirrorFailure[] = [];
  await mkdir(options.outDir, { recursive: true });
  await removeLeftovers(options.outDir);
  const marks: Promise<void>[] = [];
  for (const feed of store.listChangedFeeds()) {
    try {
      // The store lists newest first: only the entries the pages can show are read.
      await writeMirrorPages(feed, store.listEntries(feed.id, { limit: readMaxEntries(options) }), options);
      regenerated.push(feed.id);
      // Marked as of the content that was read: a refresh committed meanwhile leaves the feed changed.
      marks.push(store.markMirrored(feed.id, feed.changedAt!));
    } catch (error) {
      failed.push({ feedId: feed.id, error: toMirrorError(error, `cannot write the pages of ${redactUrl(feed.url)}`) });
    }
  }
  await Promise.all(marks);
  try {
    // The indexes list names and counts only: rewritten when a creator changed, or when one is missing.
    const missing = !existsSync(join(options.outDir, "index.html")) || !existsSync(join(options.outDir, "index.json"));
    if (regenerated.length > 0 || missing) await writeMirrorIndex(store.listFeeds().filter((feed) => feed.mirroredAt !== null), options);
  } catch (error) {
    failed.push({ feedId: "", error: toMirrorError(error, `cannot write the mirrors index in ${options.outDir}`) });
  }
  return { regenerated, failed };
}

/**
 * Writes `<outDir>/index.html`, every mirrored creator with a link to its pages and to its origin, and
 * `<outDir>/index.json`, the same list for machines (crawler/mirror-index.ts), each replaced atomically.
 */
export async function writeMirrorIndex(feeds: readonly StoredFeed[], options: MirrorOptions): Promise<void> {
  const { mirrorUrl, assetBase } = resolveLocation(options);
  const site = options.site ?? createPlainSite(options.siteUrl, assetBase);
  const base = new URL(mirrorUrl).pathname;
  const rows = feeds
    .map((feed) => ({ feed, name: creatorNameOf(feed), id: mirrorIdOf(feed) }))
    .filter(({ id }) => SAFE_FOLDER.test(id))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const body = html`<h1>Mirrors</h1>
<p>Copies of the capsules and feeds ${site.profile.name} follows, kept on this site. Signed posts verify against their author’s key wherever they are read.</p>
${rows.length
  ? html`<ul class="following">${rows.map(({ feed, name, id }) => {
    // The page is public: a private feed's user name and password never go into it.
    const found = toHttpUrl(feed.siteUrl) ?? toHttpUrl(feed.url);
    const origin = found === undefined ? undefined : redactUrl(found);
    return html`<li><a href="${base}${id}/">${name}</a>${origin ? html` <span class="feed-url">${origin}</span>` : ""} · ${feed.capsule ? "signed capsule" : "unsigned feed"} · ${feed.entryCount} ${feed.entryCount === 1 ? "entry" : "entries"}</li>\n`;
  })}</ul>`
  : html`<p class="empty">No mirrored creators yet.</p>`}`;
  const page = renderDocument(site, { title: `Mirrors · ${site.profile.name}`, description: `Copies of what ${site.profile.name} follows`, canonical: mirrorUrl, body });
  await mkdir(options.outDir, { recursive: true });
  await replaceFile(join(options.outDir, "index.html"), page);
  const index = buildMirrorIndex(rows.map(({ feed }) => feed), mirrorUrl);
  await replaceFile(join(options.outDir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
}

/** Every file of one creator's mirror, path (relative to its folder, `/`-separated) → content. */
export function renderMirrorFiles(view: MirrorView, feed: StoredFeed, options: { pageSize: number; feedLimit: number }): Map<string, string> {
  const { site } = view;
  const files = new Map<string, string>();
  const entries = view.entries.map((entry) => entry.view);
  const absolute = (path: string) => new URL(path.replace(/^\//, ""), new URL(site.base, site.feedUrl)).href;

  const pageSize = Math.max(1, Math.floor(options.pageSize));
  const pages = Math.max(1, Math.ceil(entries.length / pageSize));
  const pagePath = (n: number) => (n === 1 ? "" : `page/${n}/`);
  for (let n = 1; n <= pages; n++) {
    const pager = {
      newer: n > 1 ? `${site.base}${pagePath(n - 1)}` : undefined,
      older: n < pages ? `${site.base}${pagePath(n + 1)}` : undefined,
      label: "Timeline pages",
    };
    files.set(`${pagePath(n)}index.html`, renderHomePage(site, entries.slice((n - 1) * pageSize, n * pageSize), pager, absolute(pagePath(n)), n));
  }

  view.entries.forEach(({ slug, view: entry }, i) => {
    files.set(`${slug}/index.html`, renderPostPage(site, entry, { newer: entries[i - 1], older: entries[i + 1] }));
  });
  // A deleted post keeps its address, as at the origin, with none of its content (docs/format.md §6.2).
  for (const tombstone of view.tombstones) files.set(`${tombstone.slug}/index.html`, renderDeletedPage(site, absolute(`${tombstone.slug}/`)));

  const tags = groupByTag(entries, site.base);
  files.set("tags/index.html", renderTagsIndex(site, tags.map((t) => ({ label: t.label, href: t.href, count: t.entries.length })), absolute("tags/")));
  for (const tag of tags) files.set(`tags/${tag.slug}/index.html`, renderTagPage(site, tag.label, tag.entries, absolute(`tags/${tag.slug}/`)));

  files.set("feed.xml", renderViewFeed(view, feed, options.feedLimit));
  return files;
}

function groupByTag(entries: readonly EntryView[], base: string): { label: string; slug: string; href: string; entries: EntryView[] }[] {
  const groups = new Map<string, { label: string; slug: string; href: string; entries: EntryView[] }>();
  for (const entry of entries) {
    for (const tag of entry.tags) {
      const slug = tag.href.slice(`${base}tags/`.length, -1);
      const group = groups.get(slug) ?? { label: tag.label, slug, href: tag.href, entries: [] };
      group.entries.push(entry);
      groups.set(slug, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.entries.length - a.entries.length || a.slug.localeCompare(b.slug));
}

function readMaxEntries(options: MirrorPagesOptions): number {
  const max = options.maxEntries ?? MIRROR_MAX_ENTRIES;
  if (!(Number.isSafeInteger(max) && max > 0)) throw new TypeError(`mirror: expected maxEntries to be a positive integer, got ${String(max)}`);
  return max;
}

/** The `max` newest entries (by publication time, then key), in any order the caller gave them. */
function selectNewest(entries: readonly StoredEntry[], max: number): readonly StoredEntry[] {
  if (entries.length <= max) return entries;
  return [...entries].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.key < b.key ? 1 : -1)).slice(0, max);
}

function resolveLocation(options: MirrorPagesOptions): { mirrorUrl: string; assetBase: string } {
  const site = toHttpUrl(options.siteUrl);
  if (!site) throw new TypeError(`mirror: expected siteUrl to be an absolute http(s) URL, got ${JSON.stringify(options.siteUrl)}`);
  const mirrorUrl = toHttpUrl(options.mirrorUrl ?? new URL("mirror/", site).href);
  if (!mirrorUrl) throw new TypeError(`mirror: expected mirrorUrl to be an absolute http(s) URL, got ${JSON.stringify(options.mirrorUrl)}`);
  return { mirrorUrl: mirrorUrl.endsWith("/") ? mirrorUrl : `${mirrorUrl}/`, assetBase: new URL(site).pathname.replace(/\/?$/, "/") };
}

function createPlainSite(siteUrl: string, assetBase: string): SiteView {
  const host = new URL(siteUrl).host;
  return {
    profile: { name: host, handle: host, bio: "", avatar: undefined, url: siteUrl, language: "en", links: [], contact: [], support: [], feedLimit: 50 },
    base: assetBase,
    url: siteUrl,
    feedUrl: new URL("feed.xml", siteUrl).href,
    jsonFeedUrl: new URL("feed.json", siteUrl).href,
    opmlUrl: new URL("following.opml", siteUrl).href,
  };
}

function toMirrorError(error: unknown, what: string): MirrorError {
  if (error instanceof MirrorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MirrorError("mirror-write", `mirror: ${what} (${message})`, {
    cause: error,
    hint: "The previous pages stay in place and the next run tries again; check that the output folder is writable and has space.",
  });
}
