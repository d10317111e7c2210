// Builds the capsule format test vectors (docs/format.md, "Test vectors") from fixed seeds. Ed25519 is
// deterministic, so the output never changes unless the format does: test/vectors/vectors.test.ts fails
// when the committed files differ from what this builds. Regenerate after a deliberate format change:
//   node --import tsx test/vectors/generate.ts
// Expected results are written down here by hand, never computed by the verifier they test.
import { writeFileSync } from "node:fs";
import { sign } from "node:crypto";
import { pathToFileURL } from "node:url";
import {
  buildSigningInput, canonicalize, createSigner, deriveKeyPair, encodeBase64url, exportPrivateKey, hashBytes,
  listCheckpointItems, type Envelope, type KeyPair, type ObjectType, type Sealed,
} from "../../site/format/index.ts";

const SEEDS = {
  root: seedFrom(0x00),
  signing: seedFrom(0x20),
  encryption: seedFrom(0x40),
  other: seedFrom(0x60),
  rotated: seedFrom(0x80),
} as const;

/** Builds every vector file, by file name. */
export function buildVectors(): Record<string, unknown> {
  const root = deriveKeyPair(SEEDS.root);
  const signing = deriveKeyPair(SEEDS.signing);
  const encryption = deriveKeyPair(SEEDS.encryption, "x25519");
  const other = deriveKeyPair(SEEDS.other);
  const rotated = deriveKeyPair(SEEDS.rotated);
  const signer = createSigner({ rootKey: root, signingKey: signing });
  const day = (d: number, time = "00:00:00") => `2025-01-${String(d).padStart(2, "0")}T${time}Z`;

  const certSign = signer.certifyKey({ subject: signing.did, purpose: "sign", serial: 1, issued: day(1) });
  const certEncrypt = signer.certifyKey({ subject: encryption.did, purpose: "encrypt", serial: 2, issued: day(1) });
  const note = signer.signEntry({ id: "2025-01-02-hello", published: day(2, "10:00:00"), kind: "note", body: "Hello, *world*. Ünïcödé, \"quotes\", a tab\tand an emoji 😀.", tags: ["hello"] });
  const article = signer.signEntry({
    id: "2025-01-03-first-article", published: day(3, "10:00:00"), updated: day(4, "08:30:00"), kind: "article", title: "First article",
    summary: "What this is about.", body: "# First\n\nSome text with a [link](https://example.com/).\n", tags: ["capsule", "meta"],
    attachments: [{ url: "media/cat.jpg", mediaType: "image/jpeg", size: 3, sha256: hashBytes("abc"), alt: "a cat" }],
  });
  const linked = signer.signEntry({ id: "2025-01-05-long-read", published: day(5), kind: "article", title: "Long read", bodyHash: hashBytes("# Long read\n"), bodyUrl: "posts/2025-01-05-long-read/body.md" });
  const tombstone = signer.signTombstone({ id: "2025-01-01-deleted", updated: day(6) });
  const checkpoint1 = signer.signCheckpoint({ created: day(6), entries: listCheckpointItems([note, article, linked, tombstone]) });
  const edited = signer.signEntry({ id: "2025-01-02-hello", published: day(2, "10:00:00"), updated: day(7), kind: "note", body: "Hello again.", tags: ["hello"] });
  const checkpoint2 = signer.signCheckpoint({ created: day(7), entries: listCheckpointItems([edited, article, linked, tombstone]), previous: checkpoint1 });
  const identity = signer.signIdentity({
    domain: "alice.example", created: day(6), seq: 1, certificates: [certSign.envelope, certEncrypt.envelope],
    feeds: ["https://alice.example/feed.xml"], following: "https://alice.example/following.opml",
    profile: { name: "Alice", bio: "Writes things.", avatar: "https://alice.example/media/alice.jpg" }, mirrors: ["https://bob.example/mirror/alice/"],
  });
  const location1 = signer.signLocation({ seq: 1, created: day(6), feeds: ["https://alice.example/feed.xml"] });
  const location2 = signer.signLocation({ seq: 2, created: day(20), feeds: ["https://alice.new.example/feed.xml"], mirrors: ["https://bob.example/mirror/alice/"], movedFrom: "https://alice.example/" });
  const certRotated = signer.certifyKey({ subject: rotated.did, purpose: "sign", serial: 3, issued: day(10) });
  const certRevoke = signer.certifyKey({ subject: signing.did, purpose: "sign", serial: 4, issued: day(10), status: "revoked" });

  const ring = { root: root.did, certificates: [certSign.envelope] };
  const valid = (name: string, type: ObjectType, sealed: Sealed<unknown>, context: object, description: string) =>
    ({ name, description, type, object: sealed.value, canonical: Buffer.from(sealed.bytes).toString("utf8"), canonicalHex: Buffer.from(sealed.bytes).toString("hex"), signingPrefix: `capsule-v1:${type}\n`, sha256: sealed.hash, envelope: sealed.envelope, context, expected: { status: "valid" } });
  const bad = (name: string, type: ObjectType, envelope: unknown, context: object, reason: string, description: string) =>
    ({ name, description, type, envelope, context, expected: { status: "invalid", reason } });
  const resign = (object: unknown, type: ObjectType, key: KeyPair = signing) => signBytes(canonicalize(object), type, key);
  const noteBytes = Buffer.from(note.bytes);

  return {
    "keys.json": {
      description: "Key pairs derived from fixed 32-byte seeds (RFC 8032 §5.1.5 private keys). PEM is the key file format (PKCS#8).",
      keys: Object.fromEntries(Object.entries({ root, signing, encryption, other, rotated }).map(([name, pair]) => [name, {
        algorithm: pair.algorithm, seed: SEEDS[name as keyof typeof SEEDS].toString("hex"),
        publicKey: Buffer.from(pair.publicKeyBytes).toString("hex"), did: pair.did, pkcs8Pem: exportPrivateKey(pair),
      }])),
    },
    "valid.json": {
      description: "Objects that must verify. Check: canonical is the RFC 8785 form of object; payload is base64url(canonical); signature is Ed25519 over signingPrefix ‖ canonical bytes by envelope.key; sha256 is base64url(SHA-256(canonical bytes)).",
      vectors: [
        valid("certificate-sign", "certificate", certSign, { root: root.did }, "The root certifies the signing key."),
        valid("certificate-encrypt", "certificate", certEncrypt, { root: root.did }, "The root certifies an X25519 encryption key."),
        valid("entry-note", "entry", note, ring, "A note with non-ASCII text, a quote, a tab and an astral-plane emoji."),
        valid("entry-article", "entry", article, ring, "An article with title, summary, tags and an attachment."),
        valid("entry-body-by-hash", "entry", linked, ring, "An article whose Markdown body lives at bodyUrl, named by bodyHash."),
        valid("entry-tombstone", "entry", tombstone, ring, "A tombstone: id, author and deletion time only."),
        valid("checkpoint-1", "checkpoint", checkpoint1, ring, "The first checkpoint: seq 1, prev null, items sorted by id."),
        valid("checkpoint-2", "checkpoint", checkpoint2, { ...ring, previous: checkpoint1.envelope }, "The next checkpoint: one entry edited (later updated), prev is checkpoint-1's sha256."),
        valid("identity", "identity", identity, { root: root.did, domain: "alice.example" }, "The identity record served at https://alice.example/.well-known/capsule.json."),
        valid("location-2", "location", location2, { ...ring, knownSeq: 1 }, "A move to a new host: seq 2 beats seq 1."),
      ],
    },
    "invalid.json": {
      description: "Inputs that must be refused with the given reason (docs/format.md lists the reasons and the order checks run in).",
      vectors: [
        bad("tampered-payload", "entry", { ...resign({ ...note.value, body: "Tampered." }, "entry"), signature: note.envelope.signature }, ring, "bad-signature", "The payload changed; the signature is the original one."),
        bad("signature-from-another-key", "entry", resign({ ...note.value, body: "Forged." }, "entry", other), ring, "uncertified-key", "Signed by a key the root never certified."),
        bad("another-key-claims-ours", "entry", { ...resign({ ...note.value, body: "Forged." }, "entry", other), key: signing.did }, ring, "bad-signature", "Signed by another key but naming the certified key."),
        bad("uncertified-signing-key", "entry", note.envelope, { root: root.did, certificates: [] }, "uncertified-key", "A genuine entry, but the follower has no certificate for its key."),
        bad("certificate-from-wrong-root", "certificate", resign(certSign.value, "certificate", other), { root: root.did }, "wrong-root", "A certificate naming our root but signed by another key."),
        bad("revoked-key", "entry", note.envelope, { root: root.did, certificates: [certSign.envelope, certRevoke.envelope, certRotated.envelope] }, "revoked-key", "The signing key was revoked by a later certificate (serial 4)."),
        bad("wrong-author", "entry", createSigner({ identity: other.did, signingKey: other }).signEntry({ id: "x", published: day(2), kind: "note", body: "x" }).envelope, ring, "wrong-author", "An entry of another capsule."),
        bad("replayed-older-location", "location", location1.envelope, { ...ring, knownSeq: 2 }, "stale-sequence", "Location seq 1 after seq 2 was accepted."),
        bad("padded-base64", "entry", { ...note.envelope, payload: `${note.envelope.payload}=` }, ring, "malformed-base64", "base64url with padding."),
        bad("non-canonical-base64-signature", "entry", { ...note.envelope, signature: bumpLastChar(note.envelope.signature) }, ring, "malformed-base64", "The signature's last character has non-zero unused bits (same bytes, other text)."),
        bad("malformed-json", "entry", signBytes(Buffer.from('{"type":"entry",'), "entry", signing), ring, "malformed-json", "Truncated JSON, validly signed."),
        bad("not-canonical-whitespace", "entry", signBytes(Buffer.from(JSON.stringify(note.value, null, 2)), "entry", signing), ring, "not-canonical", "Pretty-printed JSON, validly signed."),
        bad("not-canonical-order", "entry", signBytes(Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(note.value).reverse()))), "entry", signing), ring, "not-canonical", "Members out of order, validly signed."),
        bad("entry-replayed-as-checkpoint", "checkpoint", note.envelope, ring, "wrong-type", "An entry envelope presented as a checkpoint."),
        bad("cross-type-signature", "checkpoint", signBytes(checkpoint1.bytes, "entry", signing), ring, "bad-signature", "Checkpoint bytes signed under the entry prefix (domain separation)."),
        bad("checkpoint-skips-entry", "checkpoint", signer.signCheckpoint({ created: day(7), entries: listCheckpointItems([note, article, linked]), previous: checkpoint1 }).envelope, { ...ring, previous: checkpoint1.envelope }, "checkpoint-skips-entry", "The tombstoned entry disappeared from the list."),
        bad("checkpoint-rewrites-entry", "checkpoint", signer.signCheckpoint({ created: day(7), entries: listCheckpointItems([note, article, linked, tombstone]).map(([id, updated, hash]) => [id, updated, id === "2025-01-02-hello" ? hashBytes("rewritten") : hash] as const), previous: checkpoint1 }).envelope, { ...ring, previous: checkpoint1.envelope }, "checkpoint-rewrites-entry", "Same id and updated time, different payload hash."),
        bad("checkpoint-rollback", "checkpoint", checkpoint1.envelope, { ...ring, previous: checkpoint2.envelope }, "stale-sequence", "Checkpoint seq 1 after seq 2 was accepted."),
        bad("identity-wrong-domain", "identity", identity.envelope, { root: root.did, domain: "mallory.example" }, "wrong-domain", "The record was served by a domain it does not name."),
        bad("truncated-signature", "entry", { ...note.envelope, signature: encodeBase64url(Buffer.from(note.envelope.signature, "base64url").subarray(0, 63)) }, ring, "malformed-signature", "A 63-byte signature."),
        bad("payload-byte-flipped", "entry", { ...note.envelope, payload: encodeBase64url(flipBit(noteBytes, noteBytes.indexOf("Hello"))) }, ring, "bad-signature", "One bit of the body flipped (\"Hello\" became \"Iello\"; still canonical JSON)."),
      ],
    },
  };
}

function signBytes(bytes: Uint8Array, type: ObjectType, key: KeyPair): Envelope {
  return { payload: encodeBase64url(bytes), signature: encodeBase64url(sign(null, buildSigningInput(type, bytes), key.privateKey)), key: key.did };
}

// The next alphabet letter has the same high bits but sets an unused low bit of the 86-character text.
function bumpLastChar(text: string): string {
  const last = text[text.length - 1] as string;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return text.slice(0, -1) + alphabet[alphabet.indexOf(last) + 1];
}

function flipBit(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
}

function seedFrom(start: number): Buffer {
  return Buffer.from(Array.from({ length: 32 }, (_, i) => start + i));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, content] of Object.entries(buildVectors())) {
    writeFileSync(new URL(name, import.meta.url), `${JSON.stringify(content, null, 2)}\n`);
    console.log(`wrote test/vectors/${name}`);
  }
}
