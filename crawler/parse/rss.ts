/**
 * RSS 0.9x and 2.0 (https://www.rssboard.org/rss-specification) with the modules feeds mix in: Dublin Core,
 * `content:encoded`, `atom:link` (self, hub), iTunes, Media RSS, and the capsule namespace. The item and
 * channel readers take the namespace of the core elements, so RSS 1.0 (`rdf.ts`) reuses them.
 */
import { createEntry, createMeta, dedupePeople, findLink, readAtomLinks, readCount } from "./build.ts";
import { readCapsuleChannel, readCapsuleEntry } from "./capsule.ts";
import { readBlocked, readCloud, readExplicit, readInReplyTo, readLicense, readMovedTo } from "./extensions.ts";
import { readGeometry } from "./geo.ts";
import { readMediaDescription, readMediaThumbnail } from "./media.ts";
import type { FeedMeta, ParsedEntry, ParsedFeed } from "./model.ts";
import { readPersonText } from "./people.ts";
import {
  readCategories, readChannelLinks, readDate, readFirstPeople, readImage, readItemLinks, readItunesImage, readOwner, readSource,
} from "./rss-elements.ts";
import { readRssText, type TextContext } from "./text.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childText, findChild, findChildren, getAttr, textContent } from "./xml-tree.ts";


/** What a mapper returns; `index.ts` adds format, encoding and bozo. */
export type MappedFeed = Omit<ParsedFeed, "format" | "encoding" | "bozo" | "bozoReasons">;

/** Maps an `<rss>` root (any version, with or without `<channel>`) to the model. */
export function mapRss(root: XmlElement): MappedFeed {
  // Core elements share the root's namespace: none for RSS 2.0, or whatever a feed declared on <rss>.
  const ns = root.ns;
  const channel = findChild(root, ns, "channel") ?? root;
  const context: TextContext = { language: readLanguage(channel, ns) };
  const items = [...findChildren(channel, ns, "item"), ...(channel === root ? [] : findChildren(root, ns, "item"))];
  return {
    ...readChannelMeta(channel, ns, context),
    version: readRssVersion(root),
    ttl: readTtl(childText(channel, ns, "ttl")),
    hubs: readAtomLinks(channel).filter((link) => link.rel === "hub").map((link) => link.href),
    cloud: readCloud(channel, ns),
    movedTo: readMovedTo(channel, root, ns),
    blocked: readBlocked(channel),
    explicit: readExplicit(channel),
    capsule: readCapsuleChannel(channel),
    entries: items.map((item) => readItem(item, ns, context)),
  };
}

/** `version="2.0"` (and 2.01, 2.0.1…) → `2.0`; older versions as written (`0.91`, `0.92`…), `` when absent. */
function readRssVersion(root: XmlElement): string {
  const version = getAttr(root, "version")?.trim() ?? "";
  if (/^2(\.\d+)*$/.test(version)) return "2.0";
  return version;
}

function readTtl(value: string | null): number | null {
  const minutes = readCount(value);
  return minutes !== null && minutes > 0 ? minutes : null;
}

/** The feed's language: `<language>`, `dc:language`, or `xml:lang` on the channel or root. */
export function readLanguage(channel: XmlElement, ns: string): string | null {
  const declared = childText(channel, ns, "language") ?? childText(channel, NS.dc, "language");
  return declared?.replace(/_/g, "-") ?? (channel.lang || null);
}

/** Reads channel metadata from RSS core elements in namespace `ns` plus the usual modules. */
export function readChannelMeta(channel: XmlElement, ns: string, context: TextContext): FeedMeta {
  const meta = createMeta();
  const links = readChannelLinks(channel, ns);
  meta.title = readRssText(findChild(channel, ns, "title") ?? findChild(channel, NS.dc, "title"), "title", context);
  meta.description = readRssText(
    findChild(channel, ns, "description") ?? findChild(channel, NS.dc, "description")
      ?? findChild(channel, NS.itunes, "summary", "subtitle"),
    "html", context);
  meta.rights = readRssText(findChild(channel, ns, "copyright") ?? findChild(channel, NS.dc, "rights"), "title", context);
  meta.id = resolveUrl(getAttr(channel, "about", NS.rdf), channel.base) ?? childText(channel, NS.atom, "id");
  meta.links = links;
  meta.siteUrl = findLink(links, "alternate")?.href ?? null;
  meta.feedUrl = findLink(links, "self")?.href ?? null;
  meta.language = context.language;
  meta.published = readDate(channel, [ns, "pubdate"], [NS.dcterms, "issued"]);
  meta.updated = readDate(channel, [ns, "lastbuilddate"], [NS.dc, "date"], [NS.dcterms, "modified"], [NS.atom, "updated"]);
  meta.created = readDate(channel, [NS.dcterms, "created"]);
  meta.image = readImage(channel, ns);
  meta.icon = resolveUrl(childText(channel, NS.atom, "icon"), channel.base);
  meta.authors = dedupePeople(readFirstPeople(channel, [ns, "managingeditor"], [ns, "author"], [NS.dc, "creator"], [NS.dc, "author"], [NS.itunes, "author"]));
  meta.contributors = dedupePeople(findChildren(channel, NS.dc, "contributor").map(readPersonText));
  meta.publisher = readPersonText(findChild(channel, ns, "webmaster") ?? findChild(channel, NS.dc, "publisher")) ?? readOwner(channel);
  meta.categories = readCategories(channel, ns);
  meta.license = readLicense(channel, links);
  const browserNote = findChild(channel, NS.feedburner, "browserfriendly");
  meta.info = browserNote ? readRssText(browserNote, "title", context) : null;
  const generator = childText(channel, ns, "generator");
  meta.generator = generator ? { name: generator, url: null, version: null } : null;
  return meta;
}

/** Reads an item (RSS 2.0, or RSS 1.0 with `ns` = the RSS 1.0 namespace). */
export function readItem(item: XmlElement, ns: string, feedContext: TextContext): ParsedEntry {
  const entry = createEntry();
  const language = childText(item, NS.dc, "language") ?? (item.lang || null);
  const context: TextContext = { language: language ?? feedContext.language };
  const guidElement = findChild(item, ns, "guid");
  const guid = guidElement ? textContent(guidElement).trim() || null : null;
  const about = getAttr(item, "about", NS.rdf)?.trim() || null;
  entry.guid = guid ?? about;
  entry.links = readItemLinks(item, ns);
  const isPermaLink = guidElement !== undefined && getAttr(guidElement, "ispermalink")?.trim().toLowerCase() !== "false";
  const permalink = isPermaLink && guid && /^https?:\/\//i.test(guid) ? resolveUrl(guid, guidElement.base) : null;
  entry.url = findLink(entry.links, "alternate")?.href ?? permalink ?? resolveUrl(about, item.base);
  entry.title = readRssText(findChild(item, ns, "title") ?? findChild(item, NS.dc, "title") ?? findChild(item, NS.media, "title"), "title", context);
  entry.summary = readRssText(
    findChild(item, ns, "description") ?? findChild(item, NS.dc, "description") ?? findChild(item, NS.itunes, "summary"),
    "html", context) ?? readMediaDescription(item, context);
  entry.content = readRssText(
    findChild(item, NS.content, "encoded") ?? findChild(item, NS.xhtml, "body") ?? findChild(item, ns, "body", "fullitem"),
    "html", context);
  entry.published = readDate(item, [ns, "pubdate"], [NS.dcterms, "issued"], [NS.dcterms, "created"], [NS.dc, "date"]);
  entry.updated = readDate(item, [NS.dcterms, "modified"], [NS.atom, "updated"], [NS.dc, "date"]);
  entry.created = readDate(item, [NS.dcterms, "created"]);
  entry.authors = dedupePeople(readFirstPeople(item, [ns, "author"], [NS.dc, "creator"], [NS.dc, "author"], [NS.itunes, "author"]));
  entry.contributors = dedupePeople(findChildren(item, NS.dc, "contributor").map(readPersonText));
  entry.categories = readCategories(item, ns);
  entry.enclosures = entry.links
    .filter((link) => link.rel === "enclosure")
    .map((link) => ({ url: link.href, type: link.type, length: link.length }));
  entry.comments = resolveUrl(childText(item, ns, "comments"), item.base);
  entry.inReplyTo = readInReplyTo(item);
  entry.publisher = readPersonText(findChild(item, NS.dc, "publisher"));
  entry.license = readLicense(item, entry.links);
  entry.expires = readDate(item, [ns, "expirationdate"]);
  entry.blocked = readBlocked(item);
  entry.explicit = readExplicit(item);
  entry.language = language;
  const rights = findChild(item, NS.dc, "rights") ?? findChild(item, ns, "copyright");
  entry.rights = readRssText(rights, "title", context);
  entry.image = readItunesImage(item) ?? readMediaThumbnail(item);
  entry.source = readSource(findChild(item, ns, "source"), context);
  entry.location = readGeometry(item);
  entry.capsule = readCapsuleEntry(item);
  return entry;
}

