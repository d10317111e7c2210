/**
 * Reads a follow list published as OPML 2.0 (http://opml.org/spec2.opml, a capsule's `/following.opml`):
 * text in, the feed URLs its outlines name out. It goes through the same XML door as feeds (`xml.ts`: strict
 * first, then pre-cleaned and lenient, entity expansion bounded), because follow lists come from other
 * people's sites; feedsmith's `parseOpml` (crawler/opml.ts, for the follower's own import file) rejects a valid
 * list with an empty body, which is what a creator who follows nobody publishes.
 */
import { ParseError } from "../errors.ts";
import { EntityLimitError } from "./doctype.ts";
import { precleanXml } from "./preclean.ts";
import { resolveUrl } from "./xml-names.ts";
import { childElements, getAttr } from "./xml-tree.ts";
import { readXml, XmlSyntaxError, type XmlElement } from "./xml.ts";

// The XML declaration, comments, processing instructions and a DOCTYPE (with an internal subset) before the root.
const PROLOG = /^\uFEFF?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype\b[^>[]*(?:\[[\s\S]*?\])?\s*>)*/i;

/** A feed a follow list names, with the name the list gives it (untrusted text, or null). */
export interface OpmlFeed {
  /** Absolute http(s) URL, resolved against `xml:base` and the list's URL. */
  readonly url: string;
  readonly name: string | null;
}

/** Options of {@link readOpmlFeeds}. */
export interface OpmlOptions {
  /** The URL the list was fetched from: the base for relative `xmlUrl`s, and named in errors. */
  url: string;
  /** Feeds read from one list; the rest are ignored. @default 10_000 */
  maxFeeds?: number;
}

/** The feeds an OPML document lists (nested folders included, first mention kept); throws ParseError when it is not OPML. */
export function readOpmlFeeds(text: string, options: OpmlOptions): OpmlFeed[] {
  const { url, maxFeeds = 10_000 } = options;
  // An HTML page (a 404 page, a login wall) is recognised by its first element, before any XML is read.
  const head = text.slice(0, 65_536);
  const first = /^<([A-Za-z][\w:.-]*)/.exec(head.slice(PROLOG.exec(head)?.[0].length ?? 0))?.[1];
  const root = first === undefined || /^(?:\w+:)?opml$/i.test(first) ? readRoot(text.replace(/^\uFEFF/, ""), url) : undefined;
  if (root?.key !== "opml") {
    throw new ParseError("not-a-feed", `not a follow list (a <${root?.local ?? first}> document, not OPML)`, url, {
      hint: "A capsule's follow list is OPML 2.0 (its /following.opml); its owner has to fix the link or the file.",
    });
  }
  const feeds = new Map<string, OpmlFeed>();
  // Iterative walk: a hostile list nesting outlines thousands deep cannot overflow the stack.
  const pending: XmlElement[] = childElements(root).reverse();
  while (pending.length > 0 && feeds.size < maxFeeds) {
    const element = pending.pop()!;
    if (element.key !== "outline" && element.key !== "body") continue;
    const href = element.key === "outline" ? resolveUrl(getAttr(element, "xmlurl"), element.base) : null;
    if (href !== null && /^https?:/i.test(href) && !feeds.has(href)) {
      const name = (getAttr(element, "title") ?? getAttr(element, "text"))?.replace(/\s+/g, " ").trim();
      feeds.set(href, { url: href, name: name ? name.slice(0, 200) : null });
    }
    pending.push(...childElements(element).reverse());
  }
  return [...feeds.values()];
}

function readRoot(text: string, url: string): XmlElement {
  if (text.trim() === "") throw new ParseError("empty", "the follow list is empty", url);
  try {
    return readTree(text, url);
  } catch (error) {
    if (error instanceof ParseError) throw error;
    if (error instanceof EntityLimitError) throw new ParseError("entity-limit", `${error.message} (a billion-laughs document?)`, url, { cause: error });
    throw new ParseError("internal", `unexpected failure (${(error as Error)?.message ?? String(error)})`, url, { cause: error });
  }
}

function readTree(text: string, url: string): XmlElement {
  try {
    return readXml(text, { url, lenient: false }).root;
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
  }
  try {
    return readXml(precleanXml(text).text, { url, lenient: true }).root;
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new ParseError("unreadable", `no follow list could be recovered from the XML (${error.message})`, url, { cause: error });
  }
}
