/**
 * Turns what the store keeps about a followed creator into the views the site's own layouts render
 * (layouts/view.ts), so a mirrored creator looks like a capsule. Everything here treats the records as
 * untrusted: text is left for the layouts to escape, HTML comes only from `StoredEntry.html` (sanitised at
 * crawl time), and every URL that ends up in an attribute is checked for a safe scheme first, because
 * escaping does not stop a `javascript:` link. Signed fields come from the verified payload, never from the
 * feed's copy of them (docs/format.md §11, "Rendering").
 */
import { trusted } from "../layouts/html.ts";
import type { EntryView, LinkView, SiteView } from "../layouts/view.ts";
import { isTombstone, type EntryContent, type Envelope } from "../site/format/index.ts";
import { slugifyTag } from "../site/slug.ts";
import { isPublishable, mirrorIdOf, type StoredEntry, type StoredFeed } from "./model.ts";
import { assignSlugs } from "./mirror-slug.ts";
import { createProfileView, identityUrlOf, LANGUAGE_TAG, readText, toHttpUrl } from "./mirror-text.ts";

/** Where a creator's mirror is served. */
export interface MirrorLocation {
  /** Absolute URL of the creator's mirror folder, ending in `/` (`https://me.example/mirror/<id>/`). */
  readonly url: string;
  /** Root-relative prefix of the follower's own site, where style.css and feed.xsl live. */
  readonly assetBase: string;
  /** How many newest posts the re-served feed carries (the profile's `feedLimit`). */
  readonly feedLimit: number;
}

/** A publishable entry, ready for the layouts. */
export interface MirroredEntry {
  readonly view: EntryView;
  readonly slug: string;
  readonly stored: StoredEntry;
}

/** A verified tombstone: re-served so mirrors further down honour the deletion. */
export interface MirroredTombstone {
  readonly slug: string;
  /** The item's GUID at the origin, so readers match it with the post it deletes. */
  readonly guid: string;
  readonly updated: Date;
  readonly envelope: Envelope;
}

/** One followed creator, as the layouts see it. */
export interface MirrorView {
  /** The folder name under the mirror root (`mirrorIdOf`). */
  readonly id: string;
  readonly site: SiteView;
  /** Publishable entries, newest first. */
  readonly entries: readonly MirroredEntry[];
  readonly tombstones: readonly MirroredTombstone[];
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/** Builds the views of one followed creator from its stored feed and entries (in any order: shown newest first). */
export function createMirrorView(feed: StoredFeed, entries: readonly StoredEntry[], location: MirrorLocation): MirrorView {
  const id = mirrorIdOf(feed);
  const base = new URL(location.url).pathname;
  const origin = toHttpUrl(feed.siteUrl) ?? toHttpUrl("/", feed.url);
  if (origin === undefined) throw new TypeError(`mirror: the feed URL ${JSON.stringify(feed.url)} is not an http(s) URL`);
  const slugs = assignSlugs(entries.map((entry) => entry.key));
  const shown = entries.filter(isPublishable);
  const profile = createProfileView(feed, origin, location.feedLimit);
  const capsule = feed.capsule;
  const site: SiteView = {
    profile,
    base,
    url: origin,
    feedUrl: new URL("feed.xml", location.url).href,
    jsonFeedUrl: "",
    opmlUrl: toHttpUrl(capsule?.following) ?? "",
    identityUrl: capsule ? identityUrlOf(feed, origin) : undefined,
    assetBase: location.assetBase,
    mirrorOf: { origin, verified: capsule !== null && shown.length > 0 && shown.every((entry) => entry.trust.status === "verified") },
  };
  const context = { base, origin, pagesUrl: location.url, language: profile.language, creator: profile.name };
  return {
    id,
    site,
    entries: shown
      .map((stored) => {
        const slug = slugs.get(stored.key)!;
        return { slug, stored, view: toEntryView(stored, slug, context) };
      })
      .sort((a, b) => b.view.published.getTime() - a.view.published.getTime() || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0)),
    tombstones: entries.flatMap((stored) => {
      const payload = stored.payload;
      const envelope = completeEnvelope(stored);
      if (stored.trust.status !== "verified" || payload === null || !isTombstone(payload) || envelope === undefined) return [];
      const guid = stored.entry.guid?.trim() || toHttpUrl(stored.entry.url) || stored.key;
      return [{ slug: slugs.get(stored.key)!, guid, updated: toDate(payload.updated, stored.firstSeen), envelope }];
    }),
  };
}

/** The envelope of a stored entry with all three parts, as the format writes it; undefined when incomplete. */
export function completeEnvelope(stored: StoredEntry): Envelope | undefined {
  const envelope = stored.envelope;
  if (!envelope || !envelope.key || !envelope.signature || !envelope.payload) return undefined;
  return { payload: envelope.payload, key: envelope.key, signature: envelope.signature };
}

interface EntryContext {
  readonly base: string;
  readonly origin: string;
  readonly pagesUrl: string;
  readonly language: string;
  readonly creator: string;
}

function toEntryView(stored: StoredEntry, slug: string, context: EntryContext): EntryView {
  const parsed = stored.entry;
  // Signed fields come from the payload the signature covers; the feed's own copy of them is ignored.
  const payload = stored.trust.status === "verified" && stored.payload && !isTombstone(stored.payload) ? stored.payload : undefined;
  const original = toHttpUrl(parsed.url);
  const absoluteUrl = original ?? new URL(`${slug}/`, context.pagesUrl).href;
  const title = payload ? payload.title : readText(parsed.title, 500);
  const published = toDate(payload?.published ?? stored.published, stored.firstSeen);
  const updated = payload ? toDate(payload.updated, stored.firstSeen) : parsed.updated ? toDate(parsed.updated, stored.firstSeen) : undefined;
  const language = parsed.language && LANGUAGE_TAG.test(parsed.language) && parsed.language !== context.language ? parsed.language : undefined;
  const guid = parsed.guid?.trim();
  const author = payload ? undefined : readText(parsed.authors[0]?.name ? { value: parsed.authors[0].name, type: "text" } : null, 200);
  const mirrorOf = original ?? context.origin;
  return {
    id: payload?.id ?? stored.key,
    url: `${context.base}${slug}/`,
    absoluteUrl,
    kind: payload ? payload.kind : title ? "article" : "note",
    language,
    title,
    summary: payload ? payload.summary : parsed.content && parsed.summary ? readText(parsed.summary, 300) : undefined,
    html: trusted(stored.html),
    published,
    updated: updated && updated.getTime() !== published.getTime() ? updated : undefined,
    tags: createTagLinks(payload ? payload.tags : parsed.categories.map((c) => c.label ?? c.term), context.base),
    draft: false,
    image: payload ? undefined : imageOf(parsed.image),
    attachments: payload ? attachmentsOf(payload, context.origin) : enclosuresOf(parsed.enclosures),
    guid: guid && guid !== absoluteUrl ? guid : undefined,
    mirror: {
      original: mirrorOf,
      site: new URL(mirrorOf).host,
      verified: stored.trust.status === "verified",
      author: author && author !== context.creator ? author : undefined,
    },
  };
}

/** The tag links of an entry, pointing at the mirror's own tag pages: at most 100 tags of 1–100 characters. */
export function createTagLinks(tags: readonly string[], base: string): LinkView[] {
  const links: LinkView[] = [];
  const seen = new Set<string>();
  for (const raw of tags) {
    const label = typeof raw === "string" ? raw.replace(/\s+/g, " ").trim() : "";
    const slug = slugifyTag(label);
    if (label.length === 0 || label.length > 100 || slug === "" || seen.has(slug)) continue;
    seen.add(slug);
    links.push({ label, href: `${base}tags/${slug}/` });
    if (links.length === 100) break;
  }
  return links;
}

function imageOf(url: string | null): EntryView["image"] {
  const src = toHttpUrl(url);
  return src ? { url: src, alt: "" } : undefined;
}

// Attachments are capsule paths (docs/format.md §2): the mirror copies no media, so they resolve at the origin.
function attachmentsOf(payload: EntryContent, origin: string): EntryView["attachments"] {
  return payload.attachments.slice(0, 100).flatMap((a) => {
    const url = toHttpUrl(a.url, origin);
    return url ? [{ url, title: a.alt?.trim() || fileNameOf(url), size: a.size, type: a.mediaType }] : [];
  });
}

function enclosuresOf(enclosures: readonly { url: string; type: string | null; length: number | null }[]): EntryView["attachments"] {
  return enclosures.slice(0, 100).flatMap((e) => {
    const url = toHttpUrl(e.url);
    if (!url) return [];
    const type = e.type && MEDIA_TYPE.test(e.type.trim()) ? e.type.trim().toLowerCase() : "application/octet-stream";
    const size = typeof e.length === "number" && Number.isSafeInteger(e.length) && e.length > 0 ? e.length : 0;
    return [{ url, title: fileNameOf(url), size, type }];
  });
}

function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split("/").filter(Boolean).pop() ?? "";
  try {
    return decodeURIComponent(last).slice(0, 200) || "Attachment";
  } catch {
    return last.slice(0, 200) || "Attachment";
  }
}

function toDate(value: Date | string | null | undefined, fallback: string): Date {
  const date = value instanceof Date ? value : new Date(value ?? fallback);
  if (!Number.isNaN(date.getTime())) return date;
  const second = new Date(fallback);
  return Number.isNaN(second.getTime()) ? new Date(0) : second;
}

