/**
 * Format detection, in two steps like miniflux's `parser.DetectFeedFormat`: `sniffSyntax` looks at the first
 * characters (and the Content-Type) to choose JSON or XML and to recognise HTML pages before any parsing, and
 * `detectXmlFormat` names the feed format from the root element once the XML is read. Anything else is a
 * `NotAFeedError` that says what arrived; an HTML page's message names the feeds it advertises.
 */
import { NotAFeedError, ParseError } from "../errors.ts";
import type { FeedFormat } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childElements } from "./xml-tree.ts";

/** The syntax to parse the text with. */
export type Syntax = "xml" | "json";

/** Chooses XML or JSON from the start of the text; throws ParseError `empty` or NotAFeedError for HTML and others. */
export function sniffSyntax(text: string, contentType: string | undefined, url: string): Syntax {
  const start = text.search(/\S/);
  if (start === -1) throw new ParseError("empty", "the document is empty", url, { hint: "The server sent a blank body." });
  const first = text[start];
  if (first === "{" || first === "[") return "json";
  const head = text.slice(start, start + 2048);
  if (isHtml(head, contentType)) throw new NotAFeedError("an HTML page", url, findAdvertisedFeeds(text, url));
  if (first === "<" || /<(?:\w+:)?(?:rss|feed|RDF)\b/.test(head)) return "xml";
  if (/json/i.test(contentType ?? "")) return "json";
  throw new NotAFeedError(`neither XML nor JSON, starts with ${JSON.stringify(text.slice(start, start + 16))}`, url);
}

/** Whether the document is HTML: an `<html>`, `<head>` or `<body>` first element, or an HTML doctype before a non-feed root. */
function isHtml(head: string, contentType: string | undefined): boolean {
  // Skip the XML declaration, comments, processing instructions and any DOCTYPE to find the first element.
  const prolog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype\b[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i.exec(head)?.[0] ?? "";
  const first = /^<([A-Za-z][\w:.-]*)/.exec(head.slice(prolog.length))?.[1]?.toLowerCase() ?? "";
  if (/^(?:\w+:)?(?:rss|feed|rdf)$/.test(first)) return false;
  if (first === "html" || first === "head" || first === "body") return true;
  // An HTML doctype, or HTML served as HTML, with some other first element: still a page.
  return /<!doctype\s+html\s*>/i.test(prolog) || /^text\/html\b/i.test(contentType ?? "");
}

/** Feed URLs an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`. */
export function findAdvertisedFeeds(html: string, pageUrl: string): string[] {
  const head = html.slice(0, 262_144);
  const base = /<base\b[^>]*\bhref\s*=\s*["']([^"']+)["']/i.exec(head)?.[1];
  const baseUrl = resolveUrl(base, pageUrl) ?? pageUrl;
  const feeds: string[] = [];
  for (const [tag] of head.matchAll(/<link\b[^>]*>/gi)) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
    const value = (name: string) => {
      const match = attr(name);
      return match ? (match[1] ?? match[2] ?? match[3] ?? "") : "";
    };
    if (!/\balternate\b/i.test(value("rel"))) continue;
    if (!/^application\/(?:rss\+xml|atom\+xml|rdf\+xml|feed\+json|json)\b/i.test(value("type").trim())) continue;
    const href = resolveUrl(decodeBasicEntities(value("href")), baseUrl);
    if (href && /^https?:/i.test(href) && !feeds.includes(href)) feeds.push(href);
  }
  return feeds;
}

function decodeBasicEntities(value: string): string {
  return value.replace(/&amp;/g, "&").replace(/&#38;/g, "&");
}

/** The format and the namespace its core elements use, from the root element; throws NotAFeedError. */
export function detectXmlFormat(root: XmlElement, url: string): { format: FeedFormat; ns: string } {
  const local = root.key;
  if (local === "rss") return { format: "rss", ns: NS.rss };
  if (local === "feed") return { format: "atom", ns: root.ns };
  if (local === "rdf" && (root.ns === NS.rdf || root.ns === "")) {
    const children = childElements(root);
    const ns = children.some((child) => child.ns === NS.rss090) && !children.some((child) => child.ns === NS.rss10) ? NS.rss090 : NS.rss10;
    return { format: "rdf", ns };
  }
  if (local === "html") throw new NotAFeedError("an XHTML page", url);
  if (local === "opml") throw new NotAFeedError("an OPML file, a list of feeds rather than a feed", url);
  throw new NotAFeedError(`an XML document whose root element is <${root.name}>`, url);
}
