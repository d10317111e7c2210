/**
 * Namespace URIs the mappers look for, the aliases real feeds use for them, and `xml:base` resolution.
 * Element namespaces are canonicalised once by the reader so mappers compare plain strings.
 */

export const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Canonical namespace URIs. RSS 0.9x/2.0 elements have none (""), whatever alias a feed declared. */
export const NS = {
  rss: "",
  atom: "http://www.w3.org/2005/Atom",
  atom03: "http://purl.org/atom/ns#",
  rss10: "http://purl.org/rss/1.0/",
  rss090: "http://my.netscape.com/rdf/simple/0.9/",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dc: "http://purl.org/dc/elements/1.1/",
  dcterms: "http://purl.org/dc/terms/",
  content: "http://purl.org/rss/1.0/modules/content/",
  itunes: "http://www.itunes.com/dtds/podcast-1.0.dtd",
  media: "http://search.yahoo.com/mrss/",
  xhtml: "http://www.w3.org/1999/xhtml",
  capsule: "urn:capsule:1",
  cc: "http://web.resource.org/cc/",
  creativeCommons: "http://backend.userland.com/creativeCommonsRssModule",
  thr: "http://purl.org/syndication/thread/1.0",
  feedburner: "http://rssnamespace.org/feedburner/ext/1.0",
  googleplay: "http://www.google.com/schemas/play-podcasts/1.0",
} as const;

// Lower-cased alias → canonical URI. Namespace names are case-sensitive in theory; in the wild, podcast and
// RSS 2.0 namespaces appear in every spelling, and treating them as the same costs nothing.
const ALIASES = new Map<string, string>([
  ["http://backend.userland.com/rss2", NS.rss],
  ["http://backend.userland.com/rss", NS.rss],
  ["http://blogs.law.harvard.edu/tech/rss", NS.rss],
  ["http://purl.org/rss/2.0/", NS.rss],
  ["http://purl.org/net/rss1.1#", NS.rss10],
  ["http://purl.org/atom/ns#draft-ietf-atompub-format-08", NS.atom],
  ["http://www.w3.org/2005/atom", NS.atom],
  ["http://purl.org/dc/elements/1.0/", NS.dc],
  ["http://www.itunes.com/dtds/podcast-1.0.dtd", NS.itunes],
  ["http://example.com/dtds/podcast-1.0.dtd", NS.itunes],
  ["http://search.yahoo.com/mrss", NS.media],
  ["http://creativecommons.org/ns#", NS.cc],
  ["http://video.search.yahoo.com/mrss", NS.media],
  ["http://video.search.yahoo.com/mrss/", NS.media],
]);

/** Maps a namespace URI to its canonical spelling (see ALIASES); unknown URIs are returned unchanged. */
export function canonicalNamespace(uri: string): string {
  if (uri === "" || uri === NS.atom || uri === NS.dc || uri === NS.content) return uri;
  return ALIASES.get(uri.toLowerCase()) ?? uri;
}

/** Namespaces for prefixes feeds use without declaring them (read leniently, the feed is still bozo). */
export const WELL_KNOWN_PREFIXES: Record<string, string | undefined> = {
  atom: NS.atom,
  dc: NS.dc,
  dcterms: NS.dcterms,
  content: NS.content,
  itunes: NS.itunes,
  media: NS.media,
  rdf: NS.rdf,
  xhtml: NS.xhtml,
  capsule: NS.capsule,
};

/**
 * Resolves an `xml:base` value against the base in scope (RFC 3986 §5). Only http(s) results are kept:
 * a `javascript:` or unparseable base is ignored, so it can never become the base of a link.
 */
export function resolveBase(value: string, parentBase: string): string {
  try {
    const resolved = new URL(value.trim(), parentBase);
    return resolved.protocol === "http:" || resolved.protocol === "https:" ? resolved.href : parentBase;
  } catch {
    return parentBase;
  }
}

/**
 * Resolves a URL reference found in a feed against a base; null for empty or unusable values. Only http,
 * https and mailto results are returned: a `javascript:`, `data:` or `file:` link in a feed never reaches the
 * model, so nothing downstream can render one by mistake. An absolute http(s) URL is returned as the feed
 * wrote it (trimmed), not re-serialised, so publishers' spellings survive.
 */
export function resolveUrl(value: string | null | undefined, base: string): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  let resolved: URL;
  try {
    resolved = new URL(trimmed, base);
  } catch {
    return null;
  }
  if (resolved.protocol === "mailto:") return resolved.href;
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") return null;
  return /^https?:\/\/[^\s]+$/i.test(trimmed) ? trimmed : resolved.href;
}
