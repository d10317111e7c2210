import { test } from "uvu";
import * as assert from "uvu/assert";
import { certifyKey } from "../../../site/format/certificate.ts";
import { verifyIdentityRecord } from "../../../site/format/identity.ts";
import { authorizeSigner } from "../../../site/format/keyring.ts";
import { createSigner, type IdentityFields } from "../../../site/format/signer.ts";
import { certificate, encryptKey, otherKey, otherRoot, rootKey, signer, signingKey, signRaw } from "./fixtures.ts";

const encrypt = certifyKey(rootKey, { subject: encryptKey.did, purpose: "encrypt", serial: 2, issued: "2025-01-01T00:00:00Z" });
const fields: IdentityFields = {
  domain: "alice.example",
  created: "2025-01-10T00:00:00Z",
  seq: 1,
  certificates: [certificate.envelope, encrypt.envelope],
  feeds: ["https://alice.example/feed.xml"],
  following: "https://alice.example/following.opml",
  profile: { name: "Alice", bio: "Writes things.", avatar: "https://alice.example/media/alice.jpg" },
  mirrors: ["https://bob.example/mirror/alice/"],
};
const record = signer.signIdentity(fields);

function reasonOf(result: { status: string; reason?: string }): string {
  return result.status === "invalid" ? (result.reason as string) : result.status;
}

test("an identity record verifies against its own certificates and yields the keyring", () => {
  const result = verifyIdentityRecord(record.envelope, { root: rootKey.did, domain: "alice.example" });
  assert.is(result.status, "valid");
  if (result.status !== "valid") return;
  assert.is(result.value.id, rootKey.did);
  assert.is(result.value.profile.name, "Alice");
  assert.is(result.keyring.root, rootKey.did);
  assert.is(authorizeSigner(result.keyring, signingKey.did, "2025-02-01T00:00:00Z"), undefined);
  assert.is(result.keyring.keys.get(encryptKey.did)?.purpose, "encrypt");
});

test("first sight: without a pinned root, the record's own id is used", () => {
  assert.is(reasonOf(verifyIdentityRecord(record.envelope)), "valid");
});

test("a record for another identity than the pinned one is the wrong author", () => {
  const impostor = createSigner({ identity: otherRoot.did, rootKey: otherRoot, signingKey: otherKey });
  const cert = impostor.certifyKey({ subject: otherKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
  const forged = impostor.signIdentity({ ...fields, certificates: [cert.envelope] });
  assert.is(reasonOf(verifyIdentityRecord(forged.envelope)), "valid", "valid on its own terms");
  const result = verifyIdentityRecord(forged.envelope, { root: rootKey.did });
  assert.is(reasonOf(result), "wrong-author");
  if (result.status === "invalid") assert.match(result.message, /not the pinned identity/);
});

test("the record must name the domain it was served from", () => {
  const result = verifyIdentityRecord(record.envelope, { domain: "mallory.example" });
  assert.is(reasonOf(result), "wrong-domain");
  assert.is(reasonOf(verifyIdentityRecord(record.envelope, { domain: "Alice.Example" })), "valid");
});

test("a record signed by a key its certificates do not cover is uncertified", () => {
  const rogue = createSigner({ identity: rootKey.did, signingKey: otherKey }).signIdentity(fields);
  assert.is(reasonOf(verifyIdentityRecord(rogue.envelope)), "uncertified-key");
});

test("a bad certificate inside the record spoils it", () => {
  const foreignCert = certifyKey(otherRoot, { subject: otherKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
  const spoiled = signer.signIdentity({ ...fields, certificates: [certificate.envelope, foreignCert.envelope] });
  const result = verifyIdentityRecord(spoiled.envelope);
  assert.is(reasonOf(result), "bad-certificate");
  if (result.status === "invalid") assert.match(result.message, /certificate 1 .*wrong-root/);
});

test("identity rules and tampering", () => {
  assert.is(reasonOf(verifyIdentityRecord(signRaw({ ...record.value, feeds: [] }, "identity"))), "malformed-object");
  assert.is(reasonOf(verifyIdentityRecord(signRaw({ ...record.value, domain: "Alice.Example" }, "identity"))), "malformed-object");
  assert.is(reasonOf(verifyIdentityRecord(signRaw({ ...record.value, profile: { name: "A", bio: "" } }, "identity"))), "malformed-object");
  const tampered = signRaw({ ...record.value, mirrors: ["https://mallory.example/"] }, "identity");
  assert.is(reasonOf(verifyIdentityRecord({ ...tampered, signature: record.envelope.signature })), "bad-signature");
  assert.is(reasonOf(verifyIdentityRecord(undefined)), "unsigned");
  assert.is(reasonOf(verifyIdentityRecord(signer.signEntry({ id: "x", published: "2025-01-01T00:00:00Z", kind: "note", body: "" }).envelope)), "wrong-type");
});

test.run();
