/**
 * RSS 1.0 (https://web.resource.org/rss/1.0/spec) and RSS 0.90, both RDF: `<rdf:RDF>` holds `<channel>`,
 * `<image>`, `<textinput>` and the `<item>`s as siblings, in the RSS 1.0 (or Netscape 0.90) namespace.
 * Items are identified by `rdf:about`. The element readers are RSS 2.0's, given the namespace.
 */
import { createMeta } from "./build.ts";
import { readCapsuleChannel } from "./capsule.ts";
import { readImage } from "./rss-elements.ts";
import { readChannelMeta, readItem, readLanguage, type MappedFeed } from "./rss.ts";
import type { TextContext } from "./text.ts";
import type { XmlElement } from "./xml.ts";
import { NS } from "./xml-names.ts";
import { findChild, findChildren } from "./xml-tree.ts";

/** Maps an `<rdf:RDF>` root to the model; `ns` is the RSS 1.0 or 0.90 namespace its elements use. */
export function mapRdf(root: XmlElement, ns: string): MappedFeed {
  const channel = findChild(root, ns, "channel");
  const context: TextContext = { language: channel ? readLanguage(channel, ns) : root.lang || null };
  const meta = channel ? readChannelMeta(channel, ns, context) : createMeta();
  // The image sits beside the channel in RDF; read it as if it were inside.
  meta.image ??= readImage(root, ns);
  const items = [...findChildren(root, ns, "item"), ...(channel ? findChildren(channel, ns, "item") : [])];
  return {
    ...meta,
    version: ns === NS.rss090 ? "0.90" : "1.0",
    ttl: null,
    hubs: meta.links.filter((link) => link.rel === "hub").map((link) => link.href),
    cloud: null,
    movedTo: null,
    blocked: false,
    explicit: null,
    capsule: channel ? readCapsuleChannel(channel) : null,
    entries: items.map((item) => readItem(item, ns, context)),
  };
}
