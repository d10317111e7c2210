/**
 * The RSS sub-elements that need more than a lookup: links and enclosures, dates with fallbacks, people,
 * images, the many category vocabularies, and `<source>`. Shared by RSS 2.0 (`rss.ts`) and RSS 1.0 (`rdf.ts`),
 * with `ns` the namespace of the core elements.
 */
import { createMeta, dedupeCategories, makeCategory, readAtomLinks, readCount } from "./build.ts";
import { parseDate } from "./dates.ts";
import type { FeedCategory, FeedImage, FeedLink, FeedMeta, FeedPerson } from "./model.ts";
import { readPersonText } from "./people.ts";
import { makeText, type TextContext } from "./text.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childElements, childText, findChild, findChildren, getAttr, textContent } from "./xml-tree.ts";

/** The channel's `<link>` as `alternate`, then its `atom:link`s. */
export function readChannelLinks(channel: XmlElement, ns: string): FeedLink[] {
  const links: FeedLink[] = [];
  const link = findChild(channel, ns, "link");
  const href = link ? resolveUrl(textContent(link) || getAttr(link, "href"), link.base) : null;
  if (href) links.push({ href, rel: "alternate", type: "text/html", title: null, hreflang: null, length: null });
  return [...links, ...readAtomLinks(channel)];
}

/** `<link>`, `<enclosure>` and `atom:link` children in document order. */
export function readItemLinks(item: XmlElement, ns: string): FeedLink[] {
  const links: FeedLink[] = [];
  for (const child of childElements(item)) {
    const local = child.key;
    if (child.ns === ns && local === "link") {
      const href = resolveUrl(textContent(child) || getAttr(child, "href"), child.base);
      if (href) links.push({ href, rel: "alternate", type: "text/html", title: null, hreflang: null, length: null });
    } else if (child.ns === ns && local === "enclosure") {
      const href = resolveUrl(getAttr(child, "url"), child.base);
      if (href) {
        links.push({ href, rel: "enclosure", type: getAttr(child, "type")?.trim() || null, title: null, hreflang: null,
          length: readCount(getAttr(child, "length")) });
      }
    }
  }
  return [...links, ...readAtomLinks(item)];
}

/** A namespace and lower-case local name. */
export type ElementName = [ns: string, local: string];

/** The first parseable date among these elements, in order of preference. */
export function readDate(element: XmlElement, ...names: ElementName[]): Date | null {
  for (const [ns, local] of names) {
    for (const child of findChildren(element, ns, local)) {
      const date = parseDate(textContent(child));
      if (date) return date;
    }
  }
  return null;
}

/** People from the first of these elements that is present (all repeats of it: several `dc:creator`s). */
export function readFirstPeople(element: XmlElement, ...names: ElementName[]): FeedPerson[] {
  for (const [ns, local] of names) {
    const people = findChildren(element, ns, local).map(readPersonText).filter((person) => person !== null);
    if (people.length > 0) return people;
  }
  return [];
}

/** `itunes:owner` with its `itunes:name` and `itunes:email`. */
export function readOwner(channel: XmlElement): FeedPerson | null {
  const owner = findChild(channel, NS.itunes, "owner");
  if (!owner) return null;
  const name = childText(owner, NS.itunes, "name");
  const email = childText(owner, NS.itunes, "email");
  return name || email ? { name, email, url: null } : null;
}

/** The feed image: RSS `<image>` (in namespace `ns`) or `itunes:image`. */
export function readImage(channel: XmlElement, ns: string): FeedImage | null {
  const image = findChild(channel, ns, "image");
  const url = image ? resolveUrl(childText(image, ns, "url") ?? getAttr(image, "resource", NS.rdf), image.base) : null;
  if (image && url) {
    return {
      url,
      title: childText(image, ns, "title"),
      link: resolveUrl(childText(image, ns, "link"), image.base),
      width: readCount(childText(image, ns, "width")),
      height: readCount(childText(image, ns, "height")),
      description: childText(image, ns, "description"),
    };
  }
  const href = readItunesImage(channel);
  return href ? { url: href, title: null, link: null, width: null, height: null, description: null } : null;
}

/** `<itunes:image href>` (or `url`, or text, as some feeds write it), or `<itunes:link rel="image" href>`. */
export function readItunesImage(element: XmlElement): string | null {
  const image = findChild(element, NS.itunes, "image");
  const href = image ? resolveUrl(getAttr(image, "href") ?? getAttr(image, "url") ?? textContent(image), image.base) : null;
  if (href) return href;
  const link = findChildren(element, NS.itunes, "link").find((candidate) => getAttr(candidate, "rel") === "image");
  return link ? resolveUrl(getAttr(link, "href"), link.base) : null;
}

/** `<category domain>`, `dc:subject`, `itunes:category` (nested), `itunes:keywords`, `media:category`. */
export function readCategories(element: XmlElement, ns: string): FeedCategory[] {
  const categories: (FeedCategory | null)[] = [];
  for (const category of findChildren(element, ns, "category")) {
    const term = category.children.filter((child) => typeof child === "string").join("");
    categories.push(makeCategory(term, getAttr(category, "domain")));
  }
  for (const subject of findChildren(element, NS.dc, "subject")) categories.push(makeCategory(textContent(subject)));
  const pending = findChildren(element, NS.itunes, "category");
  while (pending.length > 0) {
    const category = pending.shift();
    if (!category) break;
    categories.push(makeCategory(getAttr(category, "text"), "http://www.itunes.com/"));
    pending.unshift(...findChildren(category, NS.itunes, "category"));
  }
  for (const keyword of (childText(element, NS.itunes, "keywords") ?? "").split(",")) {
    categories.push(makeCategory(keyword, "http://www.itunes.com/"));
  }
  for (const category of findChildren(element, NS.media, "category")) {
    categories.push(makeCategory(textContent(category), getAttr(category, "scheme") ?? "http://search.yahoo.com/mrss/category_schema", getAttr(category, "label")));
  }
  return dedupeCategories(categories);
}

/** RSS 2.0 `<source url="…">Title</source>`: the feed the item was taken from. */
export function readSource(source: XmlElement | undefined, context: TextContext): FeedMeta | null {
  if (!source) return null;
  const meta = createMeta();
  const title = textContent(source).trim();
  meta.title = title ? makeText(title, "text", source, context) : null;
  meta.feedUrl = resolveUrl(getAttr(source, "url"), source.base);
  if (meta.feedUrl) meta.links = [{ href: meta.feedUrl, rel: "self", type: null, title: null, hreflang: null, length: null }];
  return meta.title || meta.feedUrl ? meta : null;
}
