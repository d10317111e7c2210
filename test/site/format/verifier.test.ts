import { test } from "uvu";
import * as assert from "uvu/assert";
import { certifyKey } from "../../../site/format/certificate.ts";
import { listCheckpointItems } from "../../../site/format/checkpoint.ts";
import { createSigner } from "../../../site/format/signer.ts";
import { Verifier } from "../../../site/format/verifier.ts";
import { articleFields, certificate, makeKeyring, noteFields, otherKey, rootKey, signer, signingKey, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const note = signer.signEntry(noteFields);
const article = signer.signEntry(articleFields);
const unlisted = signer.signEntry({ id: "unlisted", published: "2025-01-09T00:00:00Z", kind: "note", body: "Not in the checkpoint." });
const checkpoint = signer.signCheckpoint({ created: "2025-01-05T00:00:00Z", entries: listCheckpointItems([note, article]) });

function via(result: { status: string; via?: string; reason?: string }): string {
  return result.status === "valid" ? (result.via as string) : `${result.status}:${result.reason}`;
}

test("one checkpoint signature authenticates every entry it lists", () => {
  const verifier = new Verifier(keyring);
  assert.is(via(verifier.verifyCheckpoint(checkpoint.envelope)), "signature");
  const result = verifier.verifyEntry(note.envelope);
  assert.is(via(result), "checkpoint");
  if (result.status === "valid") {
    assert.equal(result.value, note.value);
    assert.is(result.hash, note.hash);
    assert.is(result.signer, signingKey.did);
  }
  assert.is(via(verifier.verifyEntry(article.envelope)), "checkpoint");
  assert.ok(verifier.isAuthenticated(article.hash));
  assert.is(via(verifier.verifyEntry(note.envelope)), "cache");
});

test("entries the checkpoint does not list are verified by signature, then remembered", () => {
  const verifier = new Verifier(keyring);
  verifier.verifyCheckpoint(checkpoint.envelope);
  assert.not.ok(verifier.isAuthenticated(unlisted.hash));
  assert.is(via(verifier.verifyEntry(unlisted.envelope)), "signature");
  assert.is(via(verifier.verifyEntry(unlisted.envelope)), "cache");
});

test("the payload bytes are the unit of authenticity: a listed payload needs no valid signature of its own", () => {
  const verifier = new Verifier(keyring);
  verifier.verifyCheckpoint(checkpoint.envelope);
  const garbled = { ...note.envelope, signature: article.envelope.signature };
  assert.is(via(verifier.verifyEntry(garbled)), "checkpoint");
  assert.is(via(new Verifier(keyring).verifyEntry(garbled)), "invalid:bad-signature", "without the checkpoint it is refused");
});

test("a tampered entry is not covered by the checkpoint", () => {
  const verifier = new Verifier(keyring);
  verifier.verifyCheckpoint(checkpoint.envelope);
  const tampered = { ...signRaw({ ...note.value, body: "changed" }, "entry"), signature: note.envelope.signature };
  assert.is(via(verifier.verifyEntry(tampered)), "invalid:bad-signature");
});

test("a listing must match the entry's id and updated time, or the signature decides", () => {
  const verifier = new Verifier(keyring);
  const mislabelled = signer.signCheckpoint({ created: "2025-01-05T00:00:00Z", entries: [["someone-else", noteFields.published, note.hash]] });
  verifier.verifyCheckpoint(mislabelled.envelope);
  assert.is(via(verifier.verifyEntry(note.envelope)), "signature");
});

test("after a revocation, old entries survive through a checkpoint signed by the new key", () => {
  const revoke = certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 2, issued: "2025-02-01T00:00:00Z", status: "revoked" });
  const fresh = certifyKey(rootKey, { subject: otherKey.did, purpose: "sign", serial: 3, issued: "2025-02-01T00:00:00Z" });
  const ring = makeKeyring([certificate.envelope, revoke.envelope, fresh.envelope]);
  const forged = signer.signEntry({ ...noteFields, id: "forged-with-leaked-key" });
  const recovery = createSigner({ identity: rootKey.did, signingKey: otherKey }).signCheckpoint({ created: "2025-02-01T00:00:00Z", entries: listCheckpointItems([note, article]) });
  const verifier = new Verifier(ring);
  assert.is(via(verifier.verifyEntry(note.envelope)), "invalid:revoked-key");
  assert.is(via(verifier.verifyCheckpoint(recovery.envelope)), "signature");
  assert.is(via(verifier.verifyEntry(note.envelope)), "checkpoint");
  assert.is(via(verifier.verifyEntry(forged.envelope)), "invalid:revoked-key");
});

test("checkpoints are compared with the last one accepted", () => {
  const verifier = new Verifier(keyring);
  assert.is(verifier.checkpoint, undefined);
  verifier.verifyCheckpoint(checkpoint.envelope);
  assert.is(verifier.checkpoint?.hash, checkpoint.hash);
  const previous = { value: checkpoint.value, hash: checkpoint.hash };
  const skipping = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: listCheckpointItems([article]), previous });
  assert.is(via(verifier.verifyCheckpoint(skipping.envelope)), "invalid:checkpoint-skips-entry");
  const next = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: listCheckpointItems([note, article, unlisted]), previous });
  assert.is(via(verifier.verifyCheckpoint(next.envelope)), "signature");
  assert.is(verifier.checkpoint?.value.seq, 2);
  assert.is(via(verifier.verifyCheckpoint(checkpoint.envelope)), "invalid:stale-sequence");
  assert.is(via(verifier.verifyCheckpoint(next.envelope)), "cache");
  const restarted = new Verifier(keyring);
  assert.is(via(restarted.verifyCheckpoint(skipping.envelope, { previous })), "invalid:checkpoint-skips-entry", "previous passed in after a restart");
});

test("location records older than the highest seen are stale", () => {
  const verifier = new Verifier(keyring);
  const one = signer.signLocation({ seq: 1, created: "2025-01-01T00:00:00Z", feeds: ["https://old.example/feed.xml"] });
  const two = signer.signLocation({ seq: 2, created: "2025-02-01T00:00:00Z", feeds: ["https://new.example/feed.xml"] });
  assert.is(verifier.verifyLocation(two.envelope).status, "valid");
  assert.is(via(verifier.verifyLocation(one.envelope)), "invalid:stale-sequence");
  assert.is(verifier.verifyLocation(two.envelope).status, "valid");
});

test("changing the keyring forgets what was established under the old one", () => {
  const verifier = new Verifier(keyring);
  assert.is(via(verifier.verifyEntry(note.envelope)), "signature");
  verifier.setKeyring(makeKeyring([]));
  assert.not.ok(verifier.isAuthenticated(note.hash));
  assert.is(via(verifier.verifyEntry(note.envelope)), "invalid:uncertified-key");
});

test("the cache is bounded", () => {
  const verifier = new Verifier(keyring, { cacheSize: 1 });
  verifier.verifyEntry(note.envelope);
  verifier.verifyEntry(article.envelope);
  assert.not.ok(verifier.isAuthenticated(note.hash));
  assert.is(via(verifier.verifyEntry(note.envelope)), "signature");
});

test.run();
