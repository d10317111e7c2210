/**
 * Atom 1.0 (RFC 4287) and the Atom 0.3 draft (namespace `http://purl.org/atom/ns#`: `tagline`, `copyright`,
 * `modified`, `issued`, `url`, `mode`). The same reader handles `<feed>` and an entry's `<source>`, which
 * RFC 4287 §4.2.11 defines as a copy of the original feed's metadata.
 */
import { createEntry, createMeta, findLink, makeCategory, readAtomLink, dedupeCategories, dedupePeople } from "./build.ts";
import { readCapsuleChannel, readCapsuleEntry } from "./capsule.ts";
import { readBlocked, readExplicit, readInReplyTo, readLicense, readMovedTo } from "./extensions.ts";
import { parseDate } from "./dates.ts";
import { readGeometry } from "./geo.ts";
import { readMediaDescription, readMediaThumbnail } from "./media.ts";
import type { FeedLink, FeedMeta, FeedPerson, ParsedEntry } from "./model.ts";
import { readPersonConstruct } from "./people.ts";
import type { MappedFeed } from "./rss.ts";
import { readAtomText, type TextContext } from "./text.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childElements, childText, findChild, findChildren, getAttr, textContent } from "./xml-tree.ts";

/** Maps an Atom `<feed>` root (1.0 or 0.3) to the model. */
export function mapAtom(root: XmlElement): MappedFeed {
  const ns = root.ns;
  const context: TextContext = { language: readAtomLanguage(root) };
  const meta = readFeedMeta(root, context);
  return {
    ...meta,
    version: ns === NS.atom03 ? getAttr(root, "version")?.trim() || "0.3" : "1.0",
    ttl: null,
    hubs: meta.links.filter((link) => link.rel === "hub").map((link) => link.href),
    cloud: null,
    movedTo: readMovedTo(root, root, ns),
    blocked: readBlocked(root),
    explicit: readExplicit(root),
    capsule: readCapsuleChannel(root),
    entries: findChildren(root, ns, "entry").map((entry) => readEntry(entry, meta.authors, context)),
  };
}

function readAtomLanguage(element: XmlElement): string | null {
  return element.lang || childText(element, NS.dc, "language");
}

/** Reads Atom feed-level metadata from a `<feed>` or `<source>` element. */
function readFeedMeta(element: XmlElement, context: TextContext): FeedMeta {
  const ns = element.ns;
  const meta = createMeta();
  meta.title = readAtomText(findChild(element, ns, "title"), context);
  meta.description = readAtomText(findChild(element, ns, "subtitle", "tagline"), context);
  meta.rights = readAtomText(findChild(element, ns, "rights", "copyright"), context);
  meta.info = readAtomText(findChild(element, ns, "info"), context);
  meta.id = childText(element, ns, "id");
  meta.links = readLinks(element);
  meta.siteUrl = findAlternate(meta.links)?.href ?? null;
  meta.feedUrl = findLink(meta.links, "self")?.href ?? null;
  meta.language = readAtomLanguage(element) ?? context.language;
  meta.updated = readDate(element, "updated", "modified");
  meta.published = readDate(element, "published", "issued");
  const logo = resolveUrl(childText(element, ns, "logo"), element.base);
  meta.image = logo ? { url: logo, title: null, link: null, width: null, height: null, description: null } : null;
  meta.icon = resolveUrl(childText(element, ns, "icon"), element.base);
  meta.authors = readPeople(element, "author");
  meta.contributors = readPeople(element, "contributor");
  meta.categories = readCategories(element);
  meta.license = readLicense(element, meta.links);
  const generator = findChild(element, ns, "generator");
  if (generator) {
    meta.generator = {
      name: childText(element, ns, "generator"),
      url: resolveUrl(getAttr(generator, "uri") ?? getAttr(generator, "url"), generator.base),
      version: getAttr(generator, "version")?.trim() || null,
    };
  }
  return meta;
}

function readEntry(element: XmlElement, feedAuthors: FeedPerson[], feedContext: TextContext): ParsedEntry {
  const ns = element.ns;
  const entry = createEntry();
  const context: TextContext = { language: element.lang || feedContext.language };
  entry.guid = childText(element, ns, "id");
  entry.links = readLinks(element);
  entry.url = findAlternate(entry.links)?.href ?? null;
  entry.title = readAtomText(findChild(element, ns, "title"), context);
  entry.summary = readAtomText(findChild(element, ns, "summary"), context) ?? readMediaDescription(element, context);
  entry.content = readContent(element, context);
  entry.published = readDate(element, "published", "issued", "created");
  entry.updated = readDate(element, "updated", "modified");
  entry.created = readDate(element, "created");
  const sourceElement = findChild(element, ns, "source");
  entry.source = sourceElement ? readFeedMeta(sourceElement, context) : null;
  // RFC 4287 §4.2.1: an entry without authors takes its source's, then its feed's.
  const own = readPeople(element, "author");
  entry.authors = own.length > 0 ? own : entry.source?.authors.length ? entry.source.authors : feedAuthors;
  entry.contributors = readPeople(element, "contributor");
  entry.categories = readCategories(element);
  entry.enclosures = entry.links
    .filter((link) => link.rel === "enclosure")
    .map((link) => ({ url: link.href, type: link.type, length: link.length }));
  entry.comments = findLink(entry.links, "replies")?.href ?? null;
  entry.inReplyTo = readInReplyTo(element);
  entry.license = readLicense(element, entry.links);
  entry.blocked = readBlocked(element);
  entry.explicit = readExplicit(element);
  entry.language = element.lang || null;
  entry.rights = readAtomText(findChild(element, ns, "rights", "copyright"), context);
  entry.image = readMediaThumbnail(element);
  entry.location = readGeometry(element);
  entry.capsule = readCapsuleEntry(element);
  return entry;
}

/** The first `<content>` with something inline (Atom 0.3 allowed several, e.g. multipart alternatives). */
function readContent(element: XmlElement, context: TextContext) {
  for (const content of findChildren(element, element.ns, "content")) {
    const text = readAtomText(content, context);
    if (text) return text;
  }
  return null;
}

/** `<link>`s in the element's namespace, and `atom:link`s when the document put Atom under a prefix. */
function readLinks(element: XmlElement): FeedLink[] {
  const links: FeedLink[] = [];
  for (const child of childElements(element)) {
    if (child.local !== "link" || (child.ns !== element.ns && child.ns !== NS.atom)) continue;
    const link = readAtomLink(child);
    if (link) links.push(link);
  }
  return links;
}

/** The alternate link, preferring an HTML one when there are several (RFC 4287 §4.1.1). */
function findAlternate(links: FeedLink[]): FeedLink | null {
  const alternates = links.filter((link) => link.rel === "alternate");
  return alternates.find((link) => link.type === null || /html/i.test(link.type)) ?? alternates[0] ?? null;
}

function readPeople(element: XmlElement, local: "author" | "contributor"): FeedPerson[] {
  return dedupePeople(findChildren(element, element.ns, local).map(readPersonConstruct));
}

function readCategories(element: XmlElement) {
  return dedupeCategories([
    ...findChildren(element, element.ns, "category").map((category) =>
      makeCategory(getAttr(category, "term") ?? childText(category, element.ns, "term"), getAttr(category, "scheme"), getAttr(category, "label"))),
    ...findChildren(element, NS.dc, "subject").map((subject) => makeCategory(textContent(subject))),
  ]);
}

function readDate(element: XmlElement, ...locals: string[]): Date | null {
  for (const local of locals) {
    for (const child of findChildren(element, element.ns, local)) {
      const date = parseDate(textContent(child));
      if (date) return date;
    }
  }
  return null;
}
