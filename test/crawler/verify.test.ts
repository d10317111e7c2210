import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { verifyTarget } from "../../crawler/cli-verify.ts";
import { parseFeed } from "../../crawler/parse/index.ts";
import { formatVerifyReport } from "../../crawler/verify-report.ts";
import { verifyCapsule, type VerifyReport } from "../../crawler/verify.ts";
import {
  canonicalize, createSigner, decodeBase64url, deriveKeyPair, encodeBase64url, listCheckpointItems, renderEnvelopeXml,
  parseCapsuleTxt, renderIdentityDocument, renderIdentityXml, renderJsonFeedExtension, renderJsonItemExtension, renderNamespaceAttribute,
  resolveCapsuleTxt, type Envelope,
} from "../../site/format/index.ts";
import { setup } from "../helpers/setup.ts";
import { startStaticServer, type StaticServer } from "../helpers/static-server.ts";

const seed = (first: number) => Uint8Array.from({ length: 32 }, (_, i) => first + i);
const rootKey = deriveKeyPair(seed(0x00));
const signingKey = deriveKeyPair(seed(0x20));
const strangerKey = deriveKeyPair(seed(0x60));
const signer = createSigner({ rootKey, signingKey });
const stranger = createSigner({ signingKey: strangerKey, identity: rootKey.did }); // claims our identity, no certificate
const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
const notes = [1, 2, 3].map((n) => signer.signEntry({ id: `note-${n}`, kind: "note", published: `2025-01-0${n}T10:00:00Z`, body: `Note ${n}.` }));
// The checkpoint predates note-3, which is then verified by its own signature.
const checkpoint = signer.signCheckpoint({ created: "2025-01-02T12:00:00Z", entries: listCheckpointItems(notes.slice(0, 2)) });
const FEED = "https://alice.example/feed.xml";
const RECORD = "https://alice.example/.well-known/capsule.json";

interface Item { readonly title: string; readonly envelope?: Envelope }

function renderRss(options: { items: readonly Item[]; locations?: readonly Envelope[]; href?: string; checkpoint?: Envelope | null }): string {
  const channel = [
    renderIdentityXml(options.href ?? RECORD, rootKey.did),
    renderEnvelopeXml("certificate", certificate.envelope),
    ...(options.checkpoint === null ? [] : [renderEnvelopeXml("checkpoint", options.checkpoint ?? checkpoint.envelope)]),
    ...(options.locations ?? []).map((location) => renderEnvelopeXml("location", location)),
  ];
  const items = options.items.map((item) => `<item><title>${item.title}</title>${item.envelope ? renderEnvelopeXml("entry", item.envelope) : ""}</item>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" ${renderNamespaceAttribute()}><channel><title>Alice</title><link>https://alice.example/</link>\n` +
    `${channel.join("\n")}\n${items.join("\n")}\n</channel></rss>\n`;
}

const signedItems: Item[] = notes.map((note, i) => ({ title: `Note ${i + 1}`, envelope: note.envelope }));

function verifyRss(xml: string, url = FEED, identity?: { text: string; host?: string }): VerifyReport {
  const feed = parseFeed(xml, { url });
  return verifyCapsule({ feed: { feed, url }, ...(identity ? { identity: { url: RECORD, ...identity } } : {}) });
}

function tamper(envelope: Envelope): Envelope {
  const decoded = decodeBase64url(envelope.payload);
  if (!decoded.ok) throw new Error(decoded.message);
  const object = JSON.parse(new TextDecoder().decode(decoded.bytes)) as Record<string, unknown>;
  return { ...envelope, payload: encodeBase64url(canonicalize({ ...object, body: "Something I never wrote." })) };
}

function identityRecord(domain: string, feeds: readonly string[], seq = 1): string {
  const record = signer.signIdentity({
    domain, created: "2025-01-01T00:00:00Z", seq, certificates: [certificate.envelope], feeds, profile: { name: "Alice", bio: "", avatar: null },
  });
  return renderIdentityDocument(record.envelope);
}

const offline = suite("verify (in-process)");

offline("a fully signed feed: every entry verified, through the checkpoint or its own signature", () => {
  const report = verifyRss(renderRss({ items: signedItems }));
  assert.equal(report.problems, []);
  assert.is(report.identity?.root, rootKey.did);
  assert.equal(report.keys.map((key) => [key.did, key.serial, key.purpose, key.state]), [[signingKey.did, 1, "sign", "valid"]]);
  assert.equal({ ...report.entries, failed: report.entries.failed.length }, { verified: 3, viaCheckpoint: 2, viaSignature: 1, tombstones: 0, failed: 0, unsigned: [] });
  assert.equal(report.checkpoint, { seq: 1, created: "2025-01-02T12:00:00Z", listed: 2, matched: 2, notListed: ["note-3"], conflicts: [] });
  const text = formatVerifyReport(report);
  assert.match(text, "3 of 3 signed entries verified (2 through the checkpoint, 1 by their own signature)");
  assert.match(text, "OK: everything signed verifies");
});

offline("a tampered payload: that entry is invalid with its reason, the others still verify", () => {
  const items = [signedItems[0]!, { title: "Note 2", envelope: tamper(notes[1]!.envelope) }, signedItems[2]!];
  const report = verifyRss(renderRss({ items }));
  assert.equal(report.entries.failed.map((f) => [f.item, f.reason]), [['"note-2"', "bad-signature"]]);
  assert.is(report.entries.verified, 2);
  assert.is(report.problems.length, 1);
  assert.match(formatVerifyReport(report), /INVALID "note-2": bad-signature: /);
});

offline("a signature by a key the root never certified is uncertified-key", () => {
  const forged = stranger.signEntry({ id: "forged", kind: "note", published: "2025-01-05T00:00:00Z", body: "Send money." });
  const report = verifyRss(renderRss({ items: [...signedItems, { title: "Forged", envelope: forged.envelope }] }));
  assert.equal(report.entries.failed.map((f) => [f.item, f.reason]), [['"forged"', "uncertified-key"]]);
  assert.match(report.entries.failed[0]!.message, strangerKey.did);
});

offline("a feed without capsule elements is reported as unsigned, not invalid", () => {
  const xml = `<rss version="2.0"><channel><title>Plain</title><item><title>Hello</title></item></channel></rss>`;
  const report = verifyRss(xml, "https://plain.example/rss");
  assert.is(report.feed?.signed, false);
  assert.equal(report.problems, []);
  assert.equal(report.entries.unsigned, ['"Hello"']);
  const text = formatVerifyReport(report);
  assert.match(text, "unsigned feed");
  assert.not.match(text, "OK: everything signed verifies");
});

offline("an unsigned item inside a signed feed is listed and noted", () => {
  const report = verifyRss(renderRss({ items: [...signedItems, { title: "Injected" }] }));
  assert.equal(report.problems, []);
  assert.equal(report.entries.unsigned, ['"Injected"']);
  assert.match(report.warnings.join("\n"), "carry no signature");
});

offline("JSON Feed carriage (docs/format.md §10.2) verifies the same way", () => {
  const document = {
    version: "https://jsonfeed.org/version/1.1", title: "Alice", feed_url: "https://alice.example/feed.json",
    items: notes.map((note, i) => ({ id: `n${i}`, content_text: `Note ${i + 1}.`, _capsule: renderJsonItemExtension(note.envelope) })),
    _capsule: renderJsonFeedExtension({ identity: { id: rootKey.did, href: RECORD }, certificates: [certificate.envelope], checkpoint: checkpoint.envelope, location: null }),
  };
  const url = "https://alice.example/feed.json";
  const feed = parseFeed(JSON.stringify(document), { url });
  const report = verifyCapsule({ feed: { feed, url } });
  assert.equal(report.problems, []);
  assert.equal([report.entries.verified, report.entries.viaCheckpoint], [3, 2]);
});

// docs/format.md §10.4, with the TXT records given: no test looks anything up in DNS.
const dnsOf = (records: string[][]) => ({ domain: "alice.example", txt: parseCapsuleTxt(records) });

offline("DNS: a _capsule TXT record naming the feed's identity matches", () => {
  const report = verifyCapsule({ feed: { feed: parseFeed(renderRss({ items: signedItems }), { url: FEED }), url: FEED },
    dns: dnsOf([["v=spf1 -all"], ["v=capsule1 ", `id=${rootKey.did}`]]) });
  assert.equal(report.problems, []);
  assert.equal(report.dns, { name: "_capsule.alice.example", verdict: "matches", id: rootKey.did });
  assert.match(formatVerifyReport(report), "DNS         _capsule.alice.example: matches\n");
});

offline("DNS: a _capsule TXT record naming another identity is a problem", () => {
  const report = verifyCapsule({ feed: { feed: parseFeed(renderRss({ items: signedItems }), { url: FEED }), url: FEED },
    dns: dnsOf([[`v=capsule1 id=${strangerKey.did}`]]) });
  assert.equal([report.dns?.verdict, report.dns?.id], ["mismatch", strangerKey.did]);
  assert.equal(report.problems, [`DNS _capsule.alice.example names ${strangerKey.did}, but the capsule's identity is ${rootKey.did}`]);
  const text = formatVerifyReport(report);
  assert.match(text, `_capsule.alice.example: DIFFERENT IDENTITY: ${strangerKey.did}`);
  assert.match(text, "INVALID: 1 problem");
});

offline("DNS: no capsule TXT record, or a failed lookup, is a note and not a problem", async () => {
  const feed = { feed: parseFeed(renderRss({ items: signedItems }), { url: FEED }), url: FEED };
  const none = verifyCapsule({ feed, dns: dnsOf([["google-site-verification=abc"]]) });
  assert.equal(none.problems, []);
  assert.is(none.dns?.verdict, "none");
  assert.match(none.warnings.join("\n"), "DNS _capsule.alice.example: no capsule TXT record");
  assert.match(formatVerifyReport(none), "DNS         _capsule.alice.example: none (the domain is not cross-checked)");
  const failing = async () => { throw Object.assign(new Error("queryTxt ESERVFAIL"), { code: "ESERVFAIL" }); };
  const unavailable = verifyCapsule({ feed, dns: { domain: "alice.example", txt: await resolveCapsuleTxt("alice.example", failing) } });
  assert.equal(unavailable.problems, []);
  assert.is(unavailable.dns?.verdict, "unavailable");
  assert.match(formatVerifyReport(unavailable), "lookup failed, says nothing either way (looking up _capsule.alice.example failed: ESERVFAIL)");
});

offline("DNS: ambiguous records are invalid; a skipped lookup says why", () => {
  const feed = { feed: parseFeed(renderRss({ items: signedItems }), { url: FEED }), url: FEED };
  const ambiguous = verifyCapsule({ feed, dns: dnsOf([[`v=capsule1 id=${rootKey.did}`], [`v=capsule1 id=${strangerKey.did}`]]) });
  assert.is(ambiguous.dns?.verdict, "invalid");
  assert.match(ambiguous.problems.join("\n"), "(ambiguous-dns)");
  const skipped = verifyCapsule({ feed, dns: { skipped: "127.0.0.1 is an IP address" } });
  assert.equal(skipped.problems, []);
  assert.match(formatVerifyReport(skipped), "DNS         skipped: 127.0.0.1 is an IP address");
  assert.is(verifyCapsule({ feed }).dns, null, "no DNS input (a file): nothing reported");
});

offline("a moved capsule: the location record with the higher seq names another feed", () => {
  const moved = signer.signLocation({ seq: 2, created: "2025-02-01T00:00:00Z", feeds: ["https://alice.new/feed.xml"], movedFrom: "https://alice.example/" });
  const old = signer.signLocation({ seq: 1, created: "2025-01-01T00:00:00Z", feeds: [FEED] });
  const report = verifyRss(renderRss({ items: signedItems, locations: [old.envelope, moved.envelope] }), FEED,
    { text: identityRecord("alice.example", [FEED]), host: "alice.example" });
  assert.equal(report.problems, []);
  assert.equal([report.location?.seq, report.location?.from, report.location?.verdict], [2, "location record", "moved"]);
  assert.match(formatVerifyReport(report), "this capsule moved to https://alice.new/feed.xml");
});

offline("a capsule that did not move: the identity record's feeds include the one read", () => {
  const report = verifyRss(renderRss({ items: signedItems }), FEED, { text: identityRecord("alice.example", [FEED]), host: "alice.example" });
  assert.equal(report.problems, []);
  assert.equal([report.identityRecord?.domainMatches, report.identityRecord?.signature, report.identityRecord?.sameRoot], [true, "valid", true]);
  assert.equal([report.location?.from, report.location?.verdict], ["identity record", "current"]);
});

offline("an identity record for another root is reported and its feeds are not trusted", () => {
  const other = createSigner({ rootKey: strangerKey, signingKey: deriveKeyPair(seed(0x80)) });
  const record = other.signIdentity({
    domain: "alice.example", created: "2025-01-01T00:00:00Z", seq: 5, feeds: ["https://evil.example/feed.xml"],
    certificates: [other.certifyKey({ subject: other.signingKey, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" }).envelope],
    profile: { name: "Not Alice", bio: "", avatar: null },
  });
  const report = verifyRss(renderRss({ items: signedItems }), FEED, { text: renderIdentityDocument(record.envelope), host: "alice.example" });
  assert.is(report.identityRecord?.sameRoot, false);
  assert.match(report.problems.join("\n"), "wrong-author");
  assert.is(report.location, null);
});

offline("the key chain: a certificate from the wrong root is invalid, a revoked key is shown revoked", () => {
  const impostor = createSigner({ rootKey: strangerKey, signingKey });
  const wrongRoot = impostor.certifyKey({ subject: deriveKeyPair(seed(0x80)).did, purpose: "sign", serial: 7, issued: "2025-01-01T00:00:00Z" });
  const revoked = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 2, issued: "2025-03-01T00:00:00Z", status: "revoked" });
  const xml = renderRss({ items: signedItems, checkpoint: null })
    .replace("</channel>", `${renderEnvelopeXml("certificate", wrongRoot.envelope)}${renderEnvelopeXml("certificate", revoked.envelope)}</channel>`);
  const report = verifyRss(xml);
  assert.equal(report.rejectedCertificates.map((c) => [c.where, c.reason]), [["feed certificate 2", "wrong-root"]]);
  assert.equal(report.keys.map((key) => [key.serial, key.state]), [[2, "revoked"]]);
  assert.equal(report.entries.failed.map((f) => f.reason), ["revoked-key", "revoked-key", "revoked-key"]);
  const text = formatVerifyReport(report);
  assert.match(text, `#2 sign    ${signingKey.did} revoked`);
  assert.match(text, "feed certificate 2: invalid (wrong-root)");
});

offline.run();

const online = suite("verify over HTTP (127.0.0.1)");
let server: StaticServer;
let dir: string;

setup(online, async () => {
  dir = mkdtempSync(join(tmpdir(), "capsule-verify-"));
  server = await startStaticServer();
  server.root = dir;
  const feedUrl = `${server.url}feed.xml`;
  mkdirSync(join(dir, ".well-known"));
  writeFileSync(join(dir, "feed.xml"), renderRss({ items: signedItems, href: `${server.url}.well-known/capsule.json` }));
  writeFileSync(join(dir, "index.html"), `<!doctype html><html><head><title>Alice</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body></body></html>`);
  // The domain rule accepts an IPv4 literal as a host name, so a record naming "127.0.0.1" matches here.
  writeFileSync(join(dir, ".well-known/capsule.json"), identityRecord("127.0.0.1", [feedUrl]));
  mkdirSync(join(dir, "wrong"));
  writeFileSync(join(dir, "wrong/feed.xml"), renderRss({ items: signedItems, href: `${server.url}wrong/capsule.json` }));
  writeFileSync(join(dir, "wrong/capsule.json"), identityRecord("alice.example", [feedUrl]));
});

online.after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

online("a home page: finds the feed it advertises, fetches the identity record, checks the domain", async () => {
  const report = await verifyTarget(server.url);
  assert.equal(report.problems, []);
  assert.is(report.feed?.url, `${server.url}feed.xml`);
  assert.equal([report.identityRecord?.domain, report.identityRecord?.servedBy, report.identityRecord?.domainMatches], ["127.0.0.1", "127.0.0.1", true]);
  assert.is(report.location?.verdict, "current");
  assert.ok(server.requests.includes("GET /.well-known/capsule.json"));
  assert.equal(report.dns, { name: undefined, verdict: "skipped", reason: "127.0.0.1 is an IP address" }, "no DNS lookup for an IP address");
});

online("a record naming another domain than the host serving it is a domain mismatch", async () => {
  const report = await verifyTarget(`${server.url}wrong/feed.xml`);
  assert.is(report.identityRecord?.domainMatches, false);
  assert.is(report.identityRecord?.signature, "valid");
  assert.match(report.problems.join("\n"), "wrong-domain");
  assert.match(formatVerifyReport(report), "DOMAIN MISMATCH: names alice.example, served by 127.0.0.1");
});

online("a missing page is one error naming the status and the URL", async () => {
  try {
    await verifyTarget(`${server.url}nope.xml`);
    assert.unreachable("should have thrown");
  } catch (error) {
    assert.match((error as Error).message, `fetch: 404 Not Found (GET): ${server.url}nope.xml`);
  }
});

online.run();
