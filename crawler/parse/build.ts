/**
 * Small pieces every mapper shares: empty records to fill in, Atom-style links (used by Atom and by
 * `atom:link` inside RSS), categories, numbers and de-duplication.
 */
import type { FeedCategory, FeedLink, FeedMeta, FeedPerson, ParsedEntry } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { findChildren, getAttr, textContent } from "./xml-tree.ts";

/** A FeedMeta with every field empty. */
export function createMeta(): FeedMeta {
  return {
    title: null, description: null, rights: null, id: null, siteUrl: null, feedUrl: null, links: [],
    language: null, updated: null, published: null, created: null, image: null, icon: null, authors: [], contributors: [],
    publisher: null, categories: [], generator: null, license: null, info: null,
  };
}

/** A ParsedEntry with every field empty. */
export function createEntry(): ParsedEntry {
  return {
    guid: null, url: null, title: null, summary: null, content: null, published: null, updated: null, created: null,
    authors: [], contributors: [], categories: [], enclosures: [], links: [], comments: null, language: null,
    rights: null, image: null, source: null, capsule: null, inReplyTo: [], publisher: null, license: null,
    expires: null, blocked: false, explicit: null, location: null,
  };
}

/** Reads an Atom `<link>` (1.0 `href`, or text content as some 0.3 feeds do); null without a usable href. */
export function readAtomLink(element: XmlElement): FeedLink | null {
  const href = resolveUrl(getAttr(element, "href") ?? textContent(element), element.base);
  if (!href) return null;
  return {
    href,
    rel: getAttr(element, "rel")?.trim() || "alternate",
    type: getAttr(element, "type")?.trim() || null,
    title: getAttr(element, "title")?.trim() || null,
    hreflang: getAttr(element, "hreflang")?.trim() || null,
    length: readCount(getAttr(element, "length")),
  };
}

/** Reads every `atom:link` child of an element (RSS channels and items carry them for self, hub, enclosures). */
export function readAtomLinks(element: XmlElement): FeedLink[] {
  const links: FeedLink[] = [];
  for (const child of findChildren(element, NS.atom, "link")) {
    const link = readAtomLink(child);
    if (link) links.push(link);
  }
  return links;
}

/** Reads a non-negative integer ("12000000", " 42 "); null for anything else. */
export function readCount(value: string | null | undefined): number | null {
  const trimmed = value?.trim();
  if (!trimmed || !/^\d{1,15}$/.test(trimmed)) return null;
  return Number(trimmed);
}

/** Makes a category; null when the term is blank. */
export function makeCategory(term: string | null | undefined, scheme?: string | null, label?: string | null): FeedCategory | null {
  const trimmed = term?.trim();
  if (!trimmed) return null;
  return { term: trimmed, scheme: scheme?.trim() || null, label: label?.trim() || null };
}

/** Drops nulls and repeated people (same name, email and URL), keeping the first of each. */
export function dedupePeople(people: (FeedPerson | null)[]): FeedPerson[] {
  const seen = new Set<string>();
  const result: FeedPerson[] = [];
  for (const person of people) {
    if (!person) continue;
    const key = `${person.name}\u0000${person.email}\u0000${person.url}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(person);
    }
  }
  return result;
}

/** Drops nulls and repeated categories (same term and scheme). */
export function dedupeCategories(categories: (FeedCategory | null)[]): FeedCategory[] {
  const seen = new Set<string>();
  const result: FeedCategory[] = [];
  for (const category of categories) {
    if (!category) continue;
    const key = `${category.term}\u0000${category.scheme}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(category);
    }
  }
  return result;
}

/** The first link with one of these relations, or null. */
export function findLink(links: FeedLink[], ...rels: string[]): FeedLink | null {
  for (const rel of rels) {
    const link = links.find((candidate) => candidate.rel === rel);
    if (link) return link;
  }
  return null;
}
