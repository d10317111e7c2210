/**
 * Media RSS (https://www.rssboard.org/media-rss) pieces used as fallbacks: an entry's description and
 * thumbnail, directly on the item or inside `<media:group>` (or `<media:content>`), which is where
 * video feeds such as YouTube's put them.
 */
import type { FeedText } from "./model.ts";
import { makeText, type TextContext } from "./text.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { findChild, findChildren, getAttr, textContent } from "./xml-tree.ts";

/** The places Media RSS elements may sit: the entry itself, then its groups and contents. */
function listMediaScopes(entry: XmlElement): XmlElement[] {
  const groups = findChildren(entry, NS.media, "group");
  return [entry, ...groups, ...[entry, ...groups].flatMap((scope) => findChildren(scope, NS.media, "content"))];
}

/** `media:description` (`type="plain"` by default, or `html`) as the entry's summary; null when absent. */
export function readMediaDescription(entry: XmlElement, context: TextContext): FeedText | null {
  for (const scope of listMediaScopes(entry)) {
    const description = findChild(scope, NS.media, "description");
    const value = description ? textContent(description).trim() : "";
    if (description && value) {
      return makeText(value, getAttr(description, "type")?.trim().toLowerCase() === "html" ? "html" : "text", description, context);
    }
  }
  return null;
}

/** The first `media:thumbnail url`; null when absent. */
export function readMediaThumbnail(entry: XmlElement): string | null {
  for (const scope of listMediaScopes(entry)) {
    const thumbnail = findChild(scope, NS.media, "thumbnail");
    const url = thumbnail ? resolveUrl(getAttr(thumbnail, "url"), thumbnail.base) : null;
    if (url) return url;
  }
  return null;
}
