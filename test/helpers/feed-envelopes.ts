import * as assert from "uvu/assert";
import { XmlParser, type XNode } from "xslt-processor";
import { readEnvelope, type Envelope } from "../../site/format/index.ts";

/**
 * The signed envelopes of one `capsule:` element kind in a feed, read the way a verifier reads them: from
 * an XML parser's text and attributes, so a re-serialised or pretty-printed feed reads the same.
 */
export function readFeedEnvelopes(xml: string, element: "entry" | "certificate" | "checkpoint" | "location"): Envelope[] {
  const doc = new XmlParser().xmlParse(xml);
  return (doc.getElementsByTagName(`capsule:${element}`) as XNode[]).map((node) => {
    const attributes: Record<string, string> = {};
    let text = "";
    for (const child of node.childNodes) {
      if (child.nodeType === 2) attributes[child.nodeName] = String(child.nodeValue);
      if (child.nodeType === 3 || child.nodeType === 4) text += String(child.nodeValue);
    }
    const read = readEnvelope({ text, attributes });
    assert.is(read.status, "read", `capsule:${element} could not be read`);
    return (read as { envelope: Envelope }).envelope;
  });
}
