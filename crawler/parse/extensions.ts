/**
 * Module elements RSS and Atom feeds share, read the same way whatever the host format: licences
 * (Creative Commons modules, `dcterms:license`, `rel="license"`), threading (RFC 4685 `thr:in-reply-to`),
 * podcast directory flags (`itunes:block`, `itunes:explicit`), moves (`itunes:new-feed-url`,
 * `<redirect><newLocation>`), rssCloud, and notes for browser visitors (`feedburner:browserFriendly`).
 */
import { readCount } from "./build.ts";
import type { FeedCloud, FeedLink, FeedReplyTarget } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childText, findChild, findChildren, getAttr, textContent } from "./xml-tree.ts";

/** The licence URL of a channel or item, from the modules above or a `rel="license"` link. */
export function readLicense(element: XmlElement, links: FeedLink[]): string | null {
  const cc = findChild(element, NS.cc, "license");
  const fromCc = cc ? getAttr(cc, "resource", NS.rdf) ?? textContent(cc) : null;
  const value = fromCc ?? childText(element, NS.creativeCommons, "license") ?? childText(element, NS.dcterms, "license");
  return resolveUrl(value, element.base) ?? links.find((link) => link.rel === "license")?.href ?? null;
}

/** `itunes:block` or `googleplay:block` set to "yes" (case and surrounding space ignored). */
export function readBlocked(element: XmlElement): boolean {
  const value = childText(element, NS.itunes, "block") ?? childText(element, NS.googleplay, "block");
  return value?.toLowerCase() === "yes";
}

/** `itunes:explicit`: yes/true/explicit → true, no/false/clean → false, absent or other → null. */
export function readExplicit(element: XmlElement): boolean | null {
  const value = childText(element, NS.itunes, "explicit")?.toLowerCase();
  if (value === "yes" || value === "true" || value === "explicit") return true;
  if (value === "no" || value === "false" || value === "clean") return false;
  return null;
}

/** RFC 4685 §3: `<thr:in-reply-to ref="…" href="…" type="…" source="…"/>`, each with a ref. */
export function readInReplyTo(element: XmlElement): FeedReplyTarget[] {
  const targets: FeedReplyTarget[] = [];
  for (const reply of findChildren(element, NS.thr, "in-reply-to")) {
    const ref = getAttr(reply, "ref")?.trim();
    if (!ref) continue;
    targets.push({
      ref,
      href: resolveUrl(getAttr(reply, "href"), reply.base),
      type: getAttr(reply, "type")?.trim() || null,
      source: resolveUrl(getAttr(reply, "source"), reply.base),
    });
  }
  return targets;
}

/** Where the feed says it moved: `itunes:new-feed-url` in the channel, or `<redirect><newLocation>` under the root. */
export function readMovedTo(channel: XmlElement, root: XmlElement, ns: string): string | null {
  const itunes = childText(channel, NS.itunes, "new-feed-url");
  const redirect = findChild(root, ns, "redirect") ?? findChild(channel, ns, "redirect");
  const location = itunes ?? (redirect ? childText(redirect, ns, "newlocation") : null);
  return resolveUrl(location, channel.base);
}

/** RSS 2.0 `<cloud domain port path registerProcedure protocol/>`; null unless domain and path are given. */
export function readCloud(channel: XmlElement, ns: string): FeedCloud | null {
  const cloud = findChild(channel, ns, "cloud");
  const domain = cloud ? getAttr(cloud, "domain")?.trim() : undefined;
  const path = cloud ? getAttr(cloud, "path")?.trim() : undefined;
  if (!cloud || !domain || !path) return null;
  return {
    domain,
    port: readCount(getAttr(cloud, "port")),
    path,
    registerProcedure: getAttr(cloud, "registerprocedure")?.trim() ?? "",
    protocol: getAttr(cloud, "protocol")?.trim() ?? "",
  };
}
