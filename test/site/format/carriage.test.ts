import { test } from "uvu";
import * as assert from "uvu/assert";
import { XmlParser, Xslt, type XNode } from "xslt-processor";
import {
  CAPSULE_NAMESPACE, readEnvelope, readIdentityDocument, readIdentityElement, readJsonEnvelope, renderEnvelopeXml,
  renderIdentityDocument, renderIdentityXml, renderJsonFeedExtension, renderJsonItemExtension, renderNamespaceAttribute,
  type CarriedElement,
} from "../../../site/format/carriage.ts";
import { listCheckpointItems } from "../../../site/format/checkpoint.ts";
import { verifyEntry } from "../../../site/format/entry.ts";
import type { Envelope } from "../../../site/format/envelope.ts";
import { Verifier } from "../../../site/format/verifier.ts";
import { articleFields, certificate, makeKeyring, noteFields, rootKey, signer } from "./fixtures.ts";

const keyring = makeKeyring();
const entries = [signer.signEntry(noteFields), signer.signEntry(articleFields), signer.signTombstone({ id: "gone", updated: "2025-01-09T00:00:00Z" })];
const checkpoint = signer.signCheckpoint({ created: "2025-01-10T00:00:00Z", entries: listCheckpointItems(entries) });
const location = signer.signLocation({ seq: 1, created: "2025-01-10T00:00:00Z", feeds: ["https://alice.example/feed.xml"] });
const href = "https://alice.example/.well-known/capsule.json";

function renderFeed(): string {
  const items = entries.map((e, i) => `<item><title>Item ${i} &amp; more</title>${renderEnvelopeXml("entry", e.envelope)}</item>`).join("");
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" ${renderNamespaceAttribute()}><channel><title>Alice</title>` +
    renderIdentityXml(href, rootKey.did) + renderEnvelopeXml("certificate", certificate.envelope) +
    renderEnvelopeXml("checkpoint", checkpoint.envelope) + renderEnvelopeXml("location", location.envelope) + items + "</channel></rss>";
}

// What a crawler's XML layer hands the format: text content (entities and CDATA resolved) and attributes.
function toCarried(node: XNode): CarriedElement {
  const attributes: Record<string, string> = {};
  let text = "";
  for (const child of node.childNodes) {
    if (child.nodeType === 2) attributes[child.nodeName] = String(child.nodeValue);
    if (child.nodeType === 3 || child.nodeType === 4) text += String(child.nodeValue);
  }
  return { text, attributes };
}

function readAll(xml: string, name: string): Envelope[] {
  const doc = new XmlParser().xmlParse(xml);
  return (doc.getElementsByTagName(`capsule:${name}`) as XNode[]).map((node) => {
    const read = readEnvelope(toCarried(node));
    if (read.status !== "read") throw new Error(`could not read capsule:${name}: ${JSON.stringify(read)}`);
    return read.envelope;
  });
}

function assertFeedVerifies(xml: string, label: string): void {
  const read = readAll(xml, "entry");
  assert.is(read.length, entries.length, label);
  for (const envelope of read) assert.is(verifyEntry(envelope, keyring).status, "valid", label);
  const verifier = new Verifier(keyring);
  const [cp] = readAll(xml, "checkpoint");
  assert.is(verifier.verifyCheckpoint(cp).status, "valid", label);
  for (const envelope of read) {
    const result = verifier.verifyEntry(envelope);
    assert.ok(result.status === "valid" && result.via === "checkpoint", label);
  }
}

test("renders the exact element shape, escaped", () => {
  const { envelope } = entries[0] as { envelope: Envelope };
  assert.is(renderEnvelopeXml("entry", envelope), `<capsule:entry key="${envelope.key}" signature="${envelope.signature}">${envelope.payload}</capsule:entry>`);
  assert.is(renderEnvelopeXml("entry", { payload: "a<b&c", signature: '"', key: "'" }), `<capsule:entry key="&#39;" signature="&#34;">a&#60;b&#38;c</capsule:entry>`);
  assert.is(renderIdentityXml(href, rootKey.did), `<capsule:identity href="${href}">${rootKey.did}</capsule:identity>`);
  assert.is(renderNamespaceAttribute(), `xmlns:capsule="${CAPSULE_NAMESPACE}"`);
  assert.throws(() => renderEnvelopeXml("item" as "entry", envelope), TypeError);
});

test("a rendered feed parses back and every entry verifies, also through its checkpoint", () => {
  assertFeedVerifies(renderFeed(), "as rendered");
});

test("re-serialisations keep every signature valid: pretty-printing, quoting, CDATA, character references", () => {
  const feed = renderFeed();
  const wrapped = feed.replace(/>([A-Za-z0-9_-]{40,})</g, (_, payload: string) => `>\n      ${payload.match(/.{1,76}/g)?.join("\n      ")}\n    <`);
  const requoted = feed.replace(/<capsule:(\w+) key="([^"]*)" signature="([^"]*)">/g, `<capsule:$1\n  signature='$3'\n  key='$2'>`);
  const cdata = feed.replace(/>([A-Za-z0-9_-]{40,})</g, "><![CDATA[$1]]><");
  const references = feed.replace(/>([A-Za-z0-9_-]{40,})</g, (_, payload: string) => `>${payload.slice(0, 5)}&#${payload.charCodeAt(5)};&#x${payload.charCodeAt(6).toString(16)};${payload.slice(7)}<`);
  for (const [label, xml] of [["wrapped", wrapped], ["requoted", requoted], ["cdata", cdata], ["references", references]] as const) {
    assert.is.not(xml, feed, label);
    assertFeedVerifies(xml, label);
  }
});

test("a feed re-serialised by another XML serialiser (an XSLT identity transform) still verifies", async () => {
  const parser = new XmlParser();
  const identity = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:output method="xml" indent="yes"/>` +
    `<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template></xsl:stylesheet>`;
  const output = await new Xslt().xsltProcess(parser.xmlParse(renderFeed()), parser.xmlParse(identity));
  assert.is.not(output, renderFeed());
  assertFeedVerifies(output, "xslt identity");
});

test("readEnvelope: missing element is unsigned, missing parts are malformed, whitespace is stripped", () => {
  assert.is(readEnvelope(undefined).status, "unsigned");
  const { envelope } = entries[0] as { envelope: Envelope };
  const attributes = { key: envelope.key, signature: envelope.signature };
  assert.is(readEnvelope({ text: "", attributes }).status, "invalid");
  assert.is(readEnvelope({ text: envelope.payload, attributes: { key: envelope.key } }).status, "invalid");
  assert.is(readEnvelope({ text: envelope.payload, attributes: { signature: envelope.signature } }).status, "invalid");
  const spaced = readEnvelope({ text: `\n  ${envelope.payload.slice(0, 10)}\r\n\t${envelope.payload.slice(10)}  `, attributes: { key: ` ${envelope.key} `, signature: envelope.signature } });
  assert.equal(spaced, { status: "read", envelope });
});

test("readIdentityElement reads the root identity and the record's address", () => {
  assert.equal(readIdentityElement({ text: ` ${rootKey.did}\n`, attributes: { href } }), { status: "read", id: rootKey.did, href });
  assert.is(readIdentityElement({ text: rootKey.did }).status, "invalid");
  assert.is(readIdentityElement(null).status, "unsigned");
});

test("JSON Feed carriage: _capsule objects hold the same envelopes", () => {
  const { envelope } = entries[1] as { envelope: Envelope };
  const item = JSON.parse(JSON.stringify({ id: "x", _capsule: renderJsonItemExtension(envelope) }));
  const read = readJsonEnvelope(item._capsule.entry);
  assert.ok(read.status === "read" && verifyEntry(read.envelope, keyring).status === "valid");
  const top = renderJsonFeedExtension({ identity: { id: rootKey.did, href }, certificates: [certificate.envelope], checkpoint: checkpoint.envelope, location: null });
  assert.equal(Object.keys(top), ["identity", "certificates", "checkpoint", "location"]);
  assert.is(top.location, null);
  assert.is(readJsonEnvelope(undefined).status, "unsigned");
  assert.is(readJsonEnvelope([1]).status, "invalid");
  assert.is(readJsonEnvelope({ payload: "a", signature: 1, key: "k" }).status, "invalid");
});

test("identity document: the envelope as pretty JSON, read back strictly", () => {
  const text = renderIdentityDocument(location.envelope);
  assert.ok(text.endsWith("}\n"));
  assert.equal(readIdentityDocument(text), { status: "read", envelope: location.envelope });
  assert.is(readIdentityDocument("<html>").status, "invalid");
  assert.is(readIdentityDocument("null").status, "invalid");
});

test.run();
