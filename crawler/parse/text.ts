/**
 * Builds `FeedText` values from elements: Atom 1.0 text constructs (RFC 4287 §3.1: `text`, `html`, `xhtml`,
 * and MIME types with base64 for `content`), Atom 0.3 `mode` (`xml`, `escaped`, `base64`), and RSS elements,
 * whose titles are text unless they plainly carry HTML and whose descriptions are HTML.
 */
import type { FeedText } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { NS } from "./xml-names.ts";
import { childElements, getAttr, hasElementChildren, serializeChildren, textContent } from "./xml-tree.ts";

/** The language to fall back on when no `xml:lang` is in scope (the feed's `<language>`). */
export interface TextContext {
  language: string | null;
}

/** Makes a FeedText for a value found on `element`, taking base and language from it. */
export function makeText(value: string, type: FeedText["type"], element: XmlElement, context: TextContext): FeedText {
  const language = element.lang === null ? context.language : element.lang || null;
  return { value, type, base: element.base, language };
}

/** Reads an RSS element: `html` always for descriptions and content; titles only when they look like HTML. */
export function readRssText(element: XmlElement | undefined, kind: "title" | "html", context: TextContext): FeedText | null {
  if (!element) return null;
  if (hasElementChildren(element)) {
    // Naked markup: `<description><p>…</p></description>` or an XHTML body.
    const body = childElements(element).find((child) => child.ns === NS.xhtml && child.key === "body");
    return makeText(serializeChildren(body ?? element).trim(), "html", element, context);
  }
  const value = textContent(element).trim();
  if (value === "") return null;
  const type = kind === "html" || looksLikeHtml(value) ? "html" : "text";
  return makeText(value, type, element, context);
}

/** Reads an Atom 1.0 or 0.3 text construct or content element. */
export function readAtomText(element: XmlElement | undefined, context: TextContext): FeedText | null {
  if (!element) return null;
  if (element.ns === NS.atom03) return readAtom03Text(element, context);
  const type = (getAttr(element, "type") ?? "text").trim().toLowerCase();
  if (getAttr(element, "src") !== undefined && !hasElementChildren(element) && textContent(element).trim() === "") {
    return null; // out-of-line content (RFC 4287 §4.1.3.2): nothing inline to show
  }
  if (type === "xhtml" || type === "application/xhtml+xml") {
    // RFC 4287 §3.1.1.3: the content is a single XHTML div, which is not part of the value.
    const div = childElements(element).find((child) => child.ns === NS.xhtml && child.local === "div");
    return makeText(serializeChildren(div ?? element).trim(), "html", element, context);
  }
  if (type === "html" || type === "text/html") {
    const value = hasElementChildren(element) ? serializeChildren(element) : textContent(element);
    return makeNonEmptyText(value.trim(), "html", element, context);
  }
  if (type === "text" || type === "" || type.startsWith("text/")) {
    return makeNonEmptyText(textContent(element).trim(), "text", element, context);
  }
  if (type.endsWith("+xml") || type.endsWith("/xml")) {
    return makeNonEmptyText(serializeChildren(element).trim(), "html", element, context);
  }
  // Any other media type is base64 (RFC 4287 §4.1.3.3); only text is of use to a reader.
  return decodeBase64Text(textContent(element), element, context);
}

function readAtom03Text(element: XmlElement, context: TextContext): FeedText | null {
  const type = (getAttr(element, "type") ?? "text/plain").trim().toLowerCase();
  const mode = (getAttr(element, "mode") ?? "xml").trim().toLowerCase();
  const isMarkup = type === "text/html" || type === "application/xhtml+xml" || type.endsWith("+xml");
  if (mode === "base64") return decodeBase64Text(textContent(element), element, context);
  if (mode === "xml" && hasElementChildren(element)) {
    return makeNonEmptyText(serializeChildren(element).trim(), "html", element, context);
  }
  return makeNonEmptyText(textContent(element).trim(), isMarkup ? "html" : "text", element, context);
}

function decodeBase64Text(encoded: string, element: XmlElement, context: TextContext): FeedText | null {
  const compact = encoded.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return null;
  const decoded = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.from(compact, "base64")).trim();
  if (decoded.includes("\uFFFD")) return null; // binary (an image, a movie): not text
  return makeNonEmptyText(decoded, looksLikeHtml(decoded) ? "html" : "text", element, context);
}

function makeNonEmptyText(value: string, type: FeedText["type"], element: XmlElement, context: TextContext): FeedText | null {
  return value === "" ? null : makeText(value, type, element, context);
}

/**
 * Whether plain-looking text is really HTML: it closes a tag, has a `<br>`/`<img>`-like void tag, or an
 * entity reference (after XML decoding, `&amp;amp;` in the feed is `&amp;` here: escaped HTML).
 * The same test feedparser applies to RSS titles; "1 < 2" and "AT&T" stay text.
 */
export function looksLikeHtml(value: string): boolean {
  return /<\/[A-Za-z][\w-]*\s*>|<(?:br|hr|img)\b[^>]*>|&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(value);
}
