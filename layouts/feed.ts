import { dateToRfc822 } from "@11ty/eleventy-plugin-rss";
import { escapeHtml } from "./html.ts";
import type { EntryView, SiteView } from "./view.ts";
import { escapeXml as x, xmlElement } from "./xml.ts";

/** The capsule namespace: profile, follow list and (with keys) signatures travel in it. */
export const CAPSULE_NS = "urn:capsule:1";

/** Extra XML the format layer adds to the channel and to each item (signatures, identity). */
export interface FeedExtensions {
  channel?: string;
  item?: (entry: EntryView) => string;
  /** Deleted posts: an item that keeps the post's GUID and carries its signed tombstone. */
  tombstones?: readonly { url: string; updated: Date; xml: string }[];
}

function renderTombstone(tombstone: { url: string; updated: Date; xml: string }): string {
  return [
    "<item>",
    `<guid isPermaLink="false">${x(tombstone.url)}</guid>`,
    `<pubDate>${dateToRfc822(tombstone.updated)}</pubDate>`,
    "<description>This post was deleted by its author.</description>",
    tombstone.xml,
    "</item>",
  ].join("\n");
}

function renderProfileXml(site: SiteView): string {
  const p = site.profile;
  return [
    "<capsule:profile>",
    xmlElement("capsule:name", p.name),
    xmlElement("capsule:handle", p.handle),
    xmlElement("capsule:bio", p.bio),
    xmlElement("capsule:avatar", p.avatar),
    ...p.links.map((l) => `<capsule:link href="${x(l.url)}">${x(l.name)}</capsule:link>`),
    ...p.contact.map((c) => `<capsule:contact type="${x(c.label)}" href="${x(c.uri)}">${x(c.value)}</capsule:contact>`),
    ...p.support.map((s) => `<capsule:payment type="${x(s.label)}" href="${x(s.uri)}">${x(s.value)}</capsule:payment>`),
    "</capsule:profile>",
  ].filter(Boolean).join("\n");
}

function renderItem(entry: EntryView, extensions: FeedExtensions): string {
  const attachment = entry.attachments[0];
  // <description> is HTML to every reader, so a plain-text summary is escaped as HTML first.
  const summary = entry.kind === "article" && entry.summary ? escapeHtml(entry.summary) : entry.html.value;
  return [
    "<item>",
    xmlElement("title", entry.title),
    `<link>${x(entry.absoluteUrl)}</link>`,
    entry.guid === undefined ? `<guid isPermaLink="true">${x(entry.absoluteUrl)}</guid>` : `<guid isPermaLink="false">${x(entry.guid)}</guid>`,
    `<pubDate>${dateToRfc822(entry.published)}</pubDate>`,
    xmlElement("description", summary),
    `<content:encoded>${x(entry.html.value)}</content:encoded>`,
    ...entry.tags.map((t) => xmlElement("category", t.label)),
    attachment ? `<enclosure url="${x(attachment.url)}" length="${attachment.size}" type="${x(attachment.type)}"/>` : "",
    extensions.item?.(entry) ?? "",
    "</item>",
  ].filter(Boolean).join("\n");
}

/**
 * The capsule's RSS 2.0 feed: full content, absolute URLs, RFC 822 dates, the capsule namespace, the
 * stylesheet that makes it read as a page, and an XHTML script that applies the same stylesheet in
 * browsers that dropped native XSLT.
 */
export function renderRssFeed(site: SiteView, entries: EntryView[], extensions: FeedExtensions = {}): string {
  const p = site.profile;
  const newest = entries.reduce<Date | undefined>((max, e) => {
    const d = e.updated ?? e.published;
    return !max || d > max ? d : max;
  }, undefined);
  const avatarIsRaster = p.avatar && /\.(png|jpe?g|gif)$/i.test(new URL(p.avatar).pathname);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<?xml-stylesheet type="text/xsl" href="${x(site.assetBase ?? site.base)}feed.xsl"?>`,
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:capsule="${CAPSULE_NS}">`,
    "<channel>",
    xmlElement("title", p.name),
    `<link>${x(site.url)}</link>`,
    `<description>${x(p.bio || `Posts by ${p.name}`)}</description>`,
    xmlElement("language", p.language),
    newest ? `<lastBuildDate>${dateToRfc822(newest)}</lastBuildDate>` : "",
    "<generator>Capsule</generator>",
    "<docs>https://www.rssboard.org/rss-specification</docs>",
    `<atom:link href="${x(site.feedUrl)}" rel="self" type="application/rss+xml"/>`,
    avatarIsRaster ? `<image><url>${x(p.avatar!)}</url><title>${x(p.name)}</title><link>${x(site.url)}</link></image>` : "",
    renderProfileXml(site),
    site.opmlUrl ? `<capsule:following href="${x(site.opmlUrl)}"/>` : "",
    extensions.channel ?? "",
    // Runs only where the browser showed the raw XML (no native XSLT); see layouts/feed-fallback.js.
    // Wrapped in a capsule element: the W3C validator knows the XHTML namespace and calls a bare
    // xhtml:script an undefined channel element, but it skips everything inside unknown extensions.
    `<capsule:browser><script xmlns="http://www.w3.org/1999/xhtml" src="${x(site.assetBase ?? site.base)}feed-fallback.js" defer="defer"></script></capsule:browser>`,
    ...entries.map((e) => renderItem(e, extensions)),
    ...(extensions.tombstones ?? []).map(renderTombstone),
    "</channel>",
    "</rss>",
    "",
  ].filter(Boolean).join("\n");
}
