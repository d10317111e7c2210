import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readCapsuleChannel, readCapsuleEntry, readCapsuleJsonEntry, readCapsuleJsonFeed } from "../../../crawler/parse/capsule.ts";
import { readXml } from "../../../crawler/parse/xml.ts";
import { findChild, findChildren } from "../../../crawler/parse/xml-tree.ts";

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

test("JSON Feed _capsule objects, in their accepted shapes", () => {
  const capsule = readCapsuleJsonFeed({
    identity: "did:key:zA", certificate: [{ payload: "a", key: "k", signature: "s" }, { nope: 1 }],
    location: { payload: " b\n", key: "k" }, profile: { Name: "N", link: ["/x", 3] }, following: "/f.opml",
  }, URL);
  assert.equal(capsule, {
    identity: { id: "did:key:zA", href: null },
    envelopes: [{ kind: "certificate", payload: "a", key: "k", signature: "s" }, { kind: "location", payload: "b", key: "k", signature: null }],
    profile: { name: ["N"], link: ["/x"] },
    following: "https://fixture.example/f.opml",
  });
  assert.is(readCapsuleJsonFeed("nope", URL), null);
  assert.equal(readCapsuleJsonEntry({ payload: "p", key: "k", signature: "s" }), { payload: "p", key: "k", signature: "s" });
  assert.is(readCapsuleJsonEntry({ key: "k" }), null);
});

test.run();
