/**
 * Authors, contributors and publishers. RSS gives one string ("me@example.com (Me)", "Me <me@example.com>",
 * or just a name in `dc:creator`); Atom gives a person construct (RFC 4287 §3.2: name, email, uri; Atom 0.3
 * says url). Both end up as `FeedPerson` with absolute URLs.
 */
import type { FeedPerson } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { resolveUrl } from "./xml-names.ts";
import { childText, textContent } from "./xml-tree.ts";

const EMAIL = /(?:mailto:)?([^\s()<>@,;:"[\]]+@[^\s()<>@,;:"[\]]+\.[^\s()<>@,;:"[\]]+)/i;

/** Splits an RSS-style person string into name and email; null when the string is blank. */
export function parsePersonText(value: string | null | undefined): FeedPerson | null {
  const text = value?.trim();
  if (!text) return null;
  const match = EMAIL.exec(text);
  if (!match) return { name: text, email: null, url: null };
  const rest = (text.slice(0, match.index) + text.slice(match.index + match[0].length))
    .replace(/\(\s*\)|<\s*>|\[\s*\]/g, "")
    .replace(/^[\s(<[]+|[\s)>\]]+$/g, "")
    .trim();
  return { name: rest || null, email: match[1] ?? null, url: null };
}

/** Reads a person from an element's text (RSS `author`, `dc:creator`…). */
export function readPersonText(element: XmlElement | undefined): FeedPerson | null {
  return element ? parsePersonText(textContent(element)) : null;
}

/** Reads an Atom person construct: `name`, `email`, `uri` (or 0.3 `url`/`homepage`) children in its namespace. */
export function readPersonConstruct(element: XmlElement): FeedPerson | null {
  const ns = element.ns;
  const name = childText(element, ns, "name");
  const email = childText(element, ns, "email");
  const uri = childText(element, ns, "uri", "url", "homepage");
  const url = resolveUrl(uri, element.base);
  if (!name && !email && !url) {
    // Some feeds put the name straight in <author>; read it like an RSS author string.
    return parsePersonText(textContent(element));
  }
  return { name, email, url };
}
