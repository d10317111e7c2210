import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeBase64url } from "../../../site/format/base64url.ts";
import { certifyKey } from "../../../site/format/certificate.ts";
import { findEntryProblem, isTombstone, verifyAttachment, verifyBody, verifyEntry, type EntryContent } from "../../../site/format/entry.ts";
import type { Envelope } from "../../../site/format/envelope.ts";
import { hashBytes } from "../../../site/format/hash.ts";
import { createSigner } from "../../../site/format/signer.ts";
import { articleFields, certificate, makeKeyring, noteFields, otherKey, otherRoot, rootKey, signer, signingKey, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const note = signer.signEntry(noteFields);
const article = signer.signEntry(articleFields);

function reasonOf(envelope: unknown, ring = keyring): string {
  const result = verifyEntry(envelope, ring);
  return result.status === "invalid" ? result.reason : result.status;
}

test("signed notes and articles verify to their fields", () => {
  for (const sealed of [note, article]) {
    const result = verifyEntry(sealed.envelope, keyring);
    assert.is(result.status, "valid");
    if (result.status === "valid") {
      assert.equal(result.value, sealed.value);
      assert.is(result.hash, sealed.hash);
      assert.is(result.hash, hashBytes(result.bytes));
      assert.is(result.signer, signingKey.did);
      assert.is(result.via, "signature");
    }
  }
});

test("tombstones verify and keep only id, author and updated", () => {
  const tombstone = signer.signTombstone({ id: noteFields.id, updated: "2025-02-01T00:00:00Z" });
  const result = verifyEntry(tombstone.envelope, keyring);
  assert.ok(result.status === "valid" && isTombstone(result.value));
  assert.equal(Object.keys(tombstone.value).sort(), ["author", "deleted", "id", "type", "updated", "v"]);
  assert.match(findEntryProblem({ ...tombstone.value, body: "still here" }) ?? "", /tombstone has an unknown field "body"/);
});

test("no envelope at all is unsigned", () => {
  assert.is(verifyEntry(undefined, keyring).status, "unsigned");
});

test("a tampered payload under the original signature is a bad signature", () => {
  const tampered = signRaw({ ...note.value, body: "Something else." }, "entry");
  assert.is(reasonOf({ ...tampered, signature: note.envelope.signature }), "bad-signature");
});

test("signatures from another key: uncertified when it says so, bad when it claims ours", () => {
  const byOther = signRaw({ ...note.value, body: "forged" }, "entry", otherKey);
  assert.is(reasonOf(byOther), "uncertified-key");
  assert.is(reasonOf({ ...byOther, key: signingKey.did }), "bad-signature");
});

test("a signing key without a certificate is uncertified", () => {
  assert.is(reasonOf(note.envelope, makeKeyring([])), "uncertified-key");
});

test("a key certified by the wrong root is uncertified", () => {
  const foreign = certifyKey(otherRoot, { subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
  assert.is(reasonOf(note.envelope, makeKeyring([foreign.envelope])), "uncertified-key");
});

test("another capsule's entry is the wrong author here", () => {
  const otherSigner = createSigner({ identity: otherRoot.did, signingKey: otherKey });
  assert.is(reasonOf(otherSigner.signEntry(noteFields).envelope), "wrong-author");
});

test("revoked and expired keys", () => {
  const revoke = certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 2, issued: "2025-06-01T00:00:00Z", status: "revoked" });
  assert.is(reasonOf(note.envelope, makeKeyring([certificate.envelope, revoke.envelope])), "revoked-key");
  const expire = certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 2, issued: "2025-01-02T00:00:00Z", expires: "2025-01-03T00:00:00Z" });
  const ring = makeKeyring([certificate.envelope, expire.envelope]);
  assert.is(reasonOf(note.envelope, ring), "valid", "note updated 2025-01-02, before expiry");
  assert.is(reasonOf(article.envelope, ring), "expired-key", "article updated 2025-01-04, after expiry");
});

test("malformed base64, JSON and non-canonical JSON", () => {
  assert.is(reasonOf({ ...note.envelope, payload: `${note.envelope.payload}==` }), "malformed-base64");
  assert.is(reasonOf(signRaw(undefined, "entry", signingKey, Buffer.from("[1,"))), "malformed-json");
  assert.is(reasonOf(signRaw(undefined, "entry", signingKey, Buffer.from(JSON.stringify(note.value, null, 1)))), "not-canonical");
});

test("entry rules", () => {
  const base = note.value as EntryContent;
  const problems: [unknown, RegExp][] = [
    [{ ...base, kind: "article" }, /article and needs a title/],
    [{ ...base, title: "A title" }, /notes have no title/],
    [{ ...base, body: undefined }, /either body, or bodyHash with bodyUrl/],
    [{ ...base, bodyHash: hashBytes("x"), bodyUrl: "posts/x/body.md" }, /not both/],
    [{ ...base, body: undefined, bodyHash: hashBytes("x") }, /bodyHash and bodyUrl together/],
    [{ ...base, updated: "2025-01-01T00:00:00Z" }, /updated .* before it is published/],
    [{ ...base, tags: ["a", "a"] }, /without duplicates/],
    [{ ...base, attachments: [{ url: "/etc/passwd", mediaType: "text/plain", size: 1, sha256: hashBytes("x") }] }, /"attachments"/],
    [{ ...base, likes: 3 }, /unknown field "likes"/],
    [{ ...base, id: "../escape" }, /"id"/],
  ];
  for (const [object, pattern] of problems) {
    const cleaned = JSON.parse(JSON.stringify(object));
    assert.match(findEntryProblem(cleaned) ?? "", pattern);
    assert.is(reasonOf(signRaw(cleaned, "entry")), "malformed-object");
  }
  const linked = { ...base, body: undefined, bodyHash: hashBytes("x"), bodyUrl: "posts/x/body.md" };
  assert.is(findEntryProblem(JSON.parse(JSON.stringify(linked))), undefined);
});

test("verifyBody and verifyAttachment check fetched bytes against their hashes", () => {
  const markdown = "# Long\n\nBody behind a URL.\n";
  const sealed = signer.signEntry({ id: "long", published: "2025-01-05T00:00:00Z", kind: "article", title: "Long", bodyHash: hashBytes(markdown), bodyUrl: "posts/long/body.md" });
  const body = verifyBody(sealed.value, Buffer.from(markdown));
  assert.ok(body.status === "valid" && body.body === markdown);
  const wrong = verifyBody(sealed.value, Buffer.from("# Other"));
  assert.ok(wrong.status === "invalid" && wrong.reason === "hash-mismatch");
  assert.is(verifyBody(note.value as EntryContent, Buffer.from("x")).status, "invalid");
  const [attachment] = (article.value as EntryContent).attachments;
  if (attachment === undefined) throw new Error("fixture has an attachment");
  assert.is(verifyAttachment(attachment, Buffer.from("abc")), undefined);
  assert.is(verifyAttachment(attachment, Buffer.from("abd"))?.reason, "hash-mismatch");
});

// Property tests: no mutation of a signed entry verifies, and none throws.
const mutation = fc.record({ at: fc.nat(), kind: fc.constantFrom("flip", "insert", "delete", "replace"), byte: fc.integer({ min: 0, max: 255 }) });

function mutateBytes(bytes: Uint8Array, m: { at: number; kind: string; byte: number }): Buffer {
  const out = [...bytes];
  const at = out.length === 0 ? 0 : m.at % out.length;
  if (m.kind === "flip") out[at] = (out[at] ?? 0) ^ (1 << (m.byte % 8));
  if (m.kind === "insert") out.splice(at, 0, m.byte);
  if (m.kind === "delete") out.splice(at, 1);
  if (m.kind === "replace") out[at] = m.byte;
  return Buffer.from(out);
}

function mutateText(text: string, m: { at: number; kind: string; byte: number }): string {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ \n.:";
  const char = chars[m.byte % chars.length] as string;
  const at = m.at % (text.length + 1);
  if (m.kind === "insert") return text.slice(0, at) + char + text.slice(at);
  if (m.kind === "delete") return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + char + text.slice(at + 1);
}

function neverVerifies(envelope: Envelope): boolean {
  return verifyEntry(envelope, keyring).status === "invalid";
}

test("property: mutated payload bytes never verify", () => {
  fc.assert(fc.property(fc.constantFrom(note, article), fc.array(mutation, { minLength: 1, maxLength: 3 }), (sealed, mutations) => {
    const bytes = mutations.reduce<Buffer>((b, m) => mutateBytes(b, m), Buffer.from(sealed.bytes));
    fc.pre(Buffer.compare(bytes, Buffer.from(sealed.bytes)) !== 0);
    return neverVerifies({ ...sealed.envelope, payload: encodeBase64url(bytes) });
  }), { numRuns: 400 });
});

test("property: mutated payload text never verifies", () => {
  fc.assert(fc.property(fc.constantFrom(note, article), fc.array(mutation, { minLength: 1, maxLength: 3 }), (sealed, mutations) => {
    const payload = mutations.reduce<string>((t, m) => mutateText(t, m), sealed.envelope.payload);
    fc.pre(payload !== sealed.envelope.payload);
    return neverVerifies({ ...sealed.envelope, payload });
  }), { numRuns: 400 });
});

test("property: mutated signatures never verify", () => {
  fc.assert(fc.property(fc.constantFrom(note, article), mutation, fc.boolean(), (sealed, m, asText) => {
    const signature = asText
      ? mutateText(sealed.envelope.signature, m)
      : encodeBase64url(mutateBytes(Buffer.from(sealed.envelope.signature, "base64url"), m));
    fc.pre(signature !== sealed.envelope.signature);
    return neverVerifies({ ...sealed.envelope, signature });
  }), { numRuns: 400 });
});

test("property: mutated or substituted keys never verify", () => {
  fc.assert(fc.property(fc.constantFrom(note, article), mutation, fc.constantFrom(rootKey.did, otherKey.did, otherRoot.did, ""), (sealed, m, other) => {
    const key = other === "" ? mutateText(sealed.envelope.key, m) : other;
    fc.pre(key !== sealed.envelope.key);
    return neverVerifies({ ...sealed.envelope, key });
  }), { numRuns: 400 });
});

test("property: arbitrary junk never throws and never verifies", () => {
  fc.assert(fc.property(fc.anything(), (junk) => verifyEntry(junk, keyring).status !== "valid"), { numRuns: 300 });
  fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (payload, signature, key) => neverVerifies({ payload, signature, key })), { numRuns: 300 });
});

test.run();
