import { test } from "uvu";
import * as assert from "uvu/assert";
import { certifyKey } from "../../../site/format/certificate.ts";
import { authorizeSigner, createKeyring, listCertificates } from "../../../site/format/keyring.ts";
import { certificate, encryptKey, makeKeyring, otherKey, otherRoot, rootKey, signingKey } from "./fixtures.ts";

const issued = "2025-01-01T00:00:00Z";

test("the root and its certified signing key may sign; others may not", () => {
  const keyring = makeKeyring();
  assert.is(authorizeSigner(keyring, rootKey.did, "2025-06-01T00:00:00Z"), undefined);
  assert.is(authorizeSigner(keyring, signingKey.did, "2025-06-01T00:00:00Z"), undefined);
  assert.is(authorizeSigner(keyring, otherKey.did, "2025-06-01T00:00:00Z")?.reason, "uncertified-key");
});

test("an encryption key cannot sign", () => {
  const encrypt = certifyKey(rootKey, { subject: encryptKey.did, purpose: "encrypt", serial: 2, issued });
  const keyring = makeKeyring([certificate.envelope, encrypt.envelope]);
  const refused = authorizeSigner(keyring, encryptKey.did, issued);
  assert.is(refused?.reason, "uncertified-key");
  assert.match(refused?.message ?? "", /certified for "encrypt", not "sign"/);
  assert.is(authorizeSigner(keyring, encryptKey.did, issued, "encrypt"), undefined);
});

test("certificates from another root are left out and listed", () => {
  const foreign = certifyKey(otherRoot, { subject: otherKey.did, purpose: "sign", serial: 1, issued });
  const built = createKeyring(rootKey.did, [certificate.envelope, foreign.envelope, { nonsense: true }]);
  assert.is(built.status, "valid");
  if (built.status === "valid") {
    assert.equal(built.rejected.map((r) => [r.index, r.reason]), [[1, "wrong-root"], [2, "malformed-envelope"]]);
    assert.is(authorizeSigner(built.keyring, otherKey.did, issued)?.reason, "uncertified-key");
  }
  assert.is(createKeyring("did:key:nope").status, "invalid");
});

test("a later certificate revokes a key, in whatever order certificates arrive", () => {
  const revoke = certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 5, issued: "2025-03-01T00:00:00Z", status: "revoked" });
  for (const order of [[certificate.envelope, revoke.envelope], [revoke.envelope, certificate.envelope]]) {
    const refused = authorizeSigner(makeKeyring(order), signingKey.did, "2025-02-01T00:00:00Z");
    assert.is(refused?.reason, "revoked-key");
  }
});

test("rotation: a superseding certificate with an expiry retires the old key for later objects only", () => {
  const retire = certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 3, issued: "2025-05-01T00:00:00Z", expires: "2025-05-01T00:00:00Z" });
  const fresh = certifyKey(rootKey, { subject: otherKey.did, purpose: "sign", serial: 4, issued: "2025-05-01T00:00:00Z" });
  const keyring = makeKeyring([certificate.envelope, retire.envelope, fresh.envelope]);
  assert.is(authorizeSigner(keyring, signingKey.did, "2025-04-30T00:00:00Z"), undefined, "old entries stay valid");
  assert.is(authorizeSigner(keyring, signingKey.did, "2025-05-02T00:00:00Z")?.reason, "expired-key");
  assert.is(authorizeSigner(keyring, otherKey.did, "2025-05-02T00:00:00Z"), undefined);
  assert.equal(listCertificates(keyring), [retire.envelope, fresh.envelope]);
});

test("equal serials: the more restrictive certificate wins", () => {
  const active = certifyKey(rootKey, { subject: otherKey.did, purpose: "sign", serial: 7, issued });
  const revoked = certifyKey(rootKey, { subject: otherKey.did, purpose: "sign", serial: 7, issued, status: "revoked" });
  const shorter = certifyKey(rootKey, { subject: otherKey.did, purpose: "sign", serial: 7, issued, expires: "2025-02-01T00:00:00Z" });
  for (const order of [[active, revoked], [revoked, active]]) {
    assert.is(authorizeSigner(makeKeyring(order.map((s) => s.envelope)), otherKey.did, issued)?.reason, "revoked-key");
  }
  for (const order of [[active, shorter], [shorter, active]]) {
    assert.is(authorizeSigner(makeKeyring(order.map((s) => s.envelope)), otherKey.did, "2025-03-01T00:00:00Z")?.reason, "expired-key");
  }
});

test.run();
