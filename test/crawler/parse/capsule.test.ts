import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readCapsuleChannel, readCapsuleEntry, readCapsuleJsonEntry, readCapsuleJsonFeed } from "../../../crawler/parse/capsule.ts";
import { findChild, findChildren } from "../../../crawler/parse/xml-tree.ts";
import { readXml } from "../../../crawler/parse/xml.ts";
import { renderJsonFeedExtension, renderJsonItemExtension } from "../../../site/format/carriage.ts";

const URL = "https://fixture.example/capsule-signed-rss.xml";
const root = readXml(readFileSync(new globalThis.URL("../../fixtures/feeds/capsule-signed-rss.xml", import.meta.url), "utf8"), { lenient: false, url: URL }).root;
const channel = findChild(root, "", "channel")!;
const KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

test("channel: identity, envelopes in order, following, profile", () => {
  const capsule = readCapsuleChannel(channel);
  assert.ok(capsule);
  assert.equal(capsule.identity, { id: KEY, href: "https://fixture.example/.well-known/capsule.json" });
  assert.equal(capsule.envelopes.map((envelope) => envelope.kind), ["certificate", "checkpoint", "location"]);
  assert.equal(capsule.envelopes[1], {
    kind: "checkpoint", key: KEY, signature: "Y2hlY2twb2ludC1zaWduYXR1cmU",
    payload: "eyJraW5kIjoiY2hlY2twb2ludCIsInNlcXVlbmNlIjozLCJlbnRyaWVzIjpbXX0",
  }, "whitespace around a wrapped payload is removed");
  assert.is(capsule.following, "https://fixture.example/following.opml");
  assert.equal(capsule.profile["name"], ["Ada Lovelace"]);
  assert.equal(capsule.profile["link"], ["https://ada.example/about/", "https://code.example/ada"]);
  assert.equal(capsule.profile["avatar"], ["https://fixture.example/avatar.png"]);
});

test("items: the raw envelope, or null for unsigned entries", () => {
  const [first, , unsigned] = findChildren(channel, "", "item");
  assert.equal(readCapsuleEntry(first!), {
    payload: "eyJ2ZXJzaW9uIjoxLCJpZCI6IjAxSFE3WjVLM1YiLCJraW5kIjoiYXJ0aWNsZSJ9", key: KEY, signature: "ZW50cnktc2lnbmF0dXJlLTE",
  });
  assert.is(readCapsuleEntry(unsigned!), null);
});

test("a feed without capsule elements has no extension; an envelope without payload is dropped", () => {
  const plain = readXml('<rss xmlns:capsule="urn:capsule:1"><channel><title>x</title></channel></rss>', { lenient: false, url: URL }).root;
  assert.is(readCapsuleChannel(findChild(plain, "", "channel")!), null);
  const empty = readXml('<item xmlns:capsule="urn:capsule:1"><capsule:entry key="k" signature="s">  </capsule:entry></item>', { lenient: false, url: URL }).root;
  assert.is(readCapsuleEntry(empty), null);
});

test("JSON Feed _capsule as the format library renders it (docs/format.md §10.2): the same fields as RSS", () => {
  const envelope = (n: number) => ({ payload: `cGF5bG9hZC0${n}`, signature: `c2lnLT${n}`, key: KEY });
  const top = renderJsonFeedExtension({
    identity: { id: KEY, href: "https://fixture.example/.well-known/capsule.json" },
    certificates: [envelope(1), envelope(2)], checkpoint: envelope(3), location: envelope(4),
  });
  const capsule = readCapsuleJsonFeed(JSON.parse(JSON.stringify(top)), URL);
  assert.equal(capsule, {
    identity: { id: KEY, href: "https://fixture.example/.well-known/capsule.json" },
    envelopes: [
      { kind: "certificate", ...envelope(1) }, { kind: "certificate", ...envelope(2) },
      { kind: "checkpoint", ...envelope(3) }, { kind: "location", ...envelope(4) },
    ],
    profile: {}, following: null,
  });
  const item = JSON.parse(JSON.stringify(renderJsonItemExtension(envelope(5)))) as unknown;
  assert.equal(readCapsuleJsonEntry(item), envelope(5));
  const none = readCapsuleJsonFeed(renderJsonFeedExtension({ identity: { id: KEY, href: "/c.json" }, certificates: [], checkpoint: null, location: null }), URL);
  assert.equal(none?.envelopes, []);
  assert.is(none?.identity?.href, "https://fixture.example/c.json");
});

test("JSON Feed _capsule: other shapes are not read", () => {
  assert.is(readCapsuleJsonFeed("nope", URL), null);
  const capsule = readCapsuleJsonFeed({
    identity: "did:key:zA", certificate: [{ payload: "a", key: "k", signature: "s" }], certificates: { payload: "a" },
    checkpoint: [{ payload: "c", key: "k", signature: "s" }], location: { payload: " b\n", key: "k" },
  }, URL);
  assert.equal(capsule, {
    identity: null, envelopes: [{ kind: "location", payload: "b", key: "k", signature: null }], profile: {}, following: null,
  }, "a string identity, `certificate`, a non-array `certificates` and an array checkpoint are ignored; whitespace is removed");
  assert.is(readCapsuleJsonEntry({ payload: "p", key: "k", signature: "s" }), null, "a bare envelope is not `{ entry: envelope }`");
  assert.is(readCapsuleJsonEntry({ entry: { key: "k" } }), null);
});

test.run();
