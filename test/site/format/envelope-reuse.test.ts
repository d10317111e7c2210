// openEnvelope decodes into buffers it reuses for the next envelope (site/format/envelope.ts). These
// tests hold opened envelopes and results across later verifications: nothing a caller keeps may change.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { verifyEntry } from "../../../site/format/entry.ts";
import { checkSignature, openEnvelope, type Opened } from "../../../site/format/envelope.ts";
import { hashBytes } from "../../../site/format/hash.ts";
import { verifyIdentityRecord } from "../../../site/format/identity.ts";
import { Verifier } from "../../../site/format/verifier.ts";
import { articleFields, certificate, makeKeyring, noteFields, rootKey, signer, signingKey, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const entries = [
  signer.signEntry(noteFields),
  signer.signEntry(articleFields),
  signer.signEntry({ ...noteFields, id: "short", body: "x" }),
  // Larger than the reused buffer, so it gets a buffer of its own.
  signer.signEntry({ ...noteFields, id: "long", body: "Lorem ipsum dolor sit amet. ".repeat(4000) }),
];
const forged = { ...entries[0]!.envelope, signature: entries[1]!.envelope.signature };

test("opened envelopes checked after others were opened keep their own bytes and signatures", () => {
  const opened = [...entries.map((e) => e.envelope), forged].map((envelope) => openEnvelope(envelope, "entry") as Opened);
  for (const o of opened) assert.is(o.status, "opened");
  // Check them in reverse and twice over, so each check follows the opening or checking of another.
  for (let round = 0; round < 2; round++) {
    assert.is(checkSignature(opened[4]!, "entry")?.reason, "bad-signature");
    for (let i = entries.length - 1; i >= 0; i--) assert.is(checkSignature(opened[i]!, "entry"), undefined, `entry ${i}`);
  }
  entries.forEach((sealed, i) => {
    assert.ok(Buffer.from(sealed.bytes).equals(opened[i]!.bytes), `bytes of entry ${i}`);
    assert.is(opened[i]!.hashPayload(), sealed.hash, `hash of entry ${i}`);
  });
});

test("a result's bytes and hash never change, whenever they are read", () => {
  const early = entries.map((e) => verifyEntry(e.envelope, keyring));
  const kept = early.map((r) => (r.status === "valid" ? r.bytes : undefined));
  const late = entries.map((e) => verifyEntry(e.envelope, keyring));
  for (const e of entries) verifyEntry(e.envelope, keyring); // reuse the buffers once more
  entries.forEach((sealed, i) => {
    const a = early[i]!;
    const b = late[i]!;
    if (a.status !== "valid" || b.status !== "valid") throw new Error(`entry ${i} did not verify`);
    assert.ok(Buffer.from(sealed.bytes).equals(kept[i]!), `bytes read early, entry ${i}`);
    assert.is(a.bytes, kept[i], "bytes are read once and kept");
    assert.is(b.hash, sealed.hash, `hash read late, entry ${i}`);
    assert.ok(Buffer.from(sealed.bytes).equals(b.bytes), `bytes read late, entry ${i}`);
    assert.is(hashBytes(b.bytes), sealed.hash);
  });
});

test("bytes a caller changes do not affect a later verification", () => {
  const first = verifyEntry(entries[0]!.envelope, keyring);
  if (first.status !== "valid") throw new Error("did not verify");
  first.bytes.fill(0x20);
  const again = verifyEntry(entries[0]!.envelope, keyring);
  assert.is(again.status, "valid");
  if (again.status === "valid") assert.ok(Buffer.from(entries[0]!.bytes).equals(again.bytes));
});

test("a Verifier hashes from the reused buffer and still returns stable bytes", () => {
  const verifier = new Verifier(keyring);
  const results = entries.map((e) => verifier.verifyEntry(e.envelope));
  const cached = entries.map((e) => verifier.verifyEntry(e.envelope));
  entries.forEach((sealed, i) => {
    for (const result of [results[i]!, cached[i]!]) {
      if (result.status !== "valid") throw new Error(`entry ${i} did not verify`);
      assert.is(result.hash, sealed.hash);
      assert.ok(Buffer.from(sealed.bytes).equals(result.bytes));
    }
    assert.is(cached[i]!.status === "valid" && cached[i]!.via, "cache");
  });
});

test("an identity record stays verifiable while its certificates are opened in between", () => {
  const identity = signer.signIdentity({
    domain: "alice.example", created: "2025-01-10T00:00:00Z", seq: 1, certificates: [certificate.envelope],
    feeds: ["https://alice.example/feed.xml"], profile: { name: "Alice", bio: "", avatar: null },
  });
  const result = verifyIdentityRecord(identity.envelope, { root: rootKey.did });
  assert.is(result.status, "valid", JSON.stringify(result));
  if (result.status === "valid") {
    assert.ok(Buffer.from(identity.bytes).equals(Buffer.from(result.bytes)));
    assert.is(result.hash, identity.hash);
  }
  // The same record with another's signature fails even though certificates were verified in between.
  const swapped = { ...identity.envelope, signature: signRaw({ type: "identity", v: 1 }, "identity", signingKey).signature };
  const bad = verifyIdentityRecord(swapped, { root: rootKey.did });
  assert.is(bad.status === "invalid" && bad.reason, "bad-signature");
});

test.run();
