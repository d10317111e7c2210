import { test } from "uvu";
import * as assert from "uvu/assert";
import { certifyKey, findCertificateProblem, verifyCertificate } from "../../../site/format/certificate.ts";
import { InvalidObjectError, KeyError } from "../../../site/format/errors.ts";
import { certificate, encryptKey, otherKey, otherRoot, rootKey, signingKey, signRaw } from "./fixtures.ts";

test("a certificate from the root verifies and carries its fields", () => {
  const result = verifyCertificate(certificate.envelope, rootKey.did);
  assert.is(result.status, "valid");
  if (result.status === "valid") {
    assert.equal(result.value, {
      type: "certificate", v: 1, root: rootKey.did, serial: 1, issued: "2025-01-01T00:00:00Z",
      subject: signingKey.did, purpose: "sign", expires: null, status: "active",
    });
    assert.is(result.signer, rootKey.did);
    assert.is(result.hash, certificate.hash);
  }
});

test("encryption keys are certified the same way", () => {
  const sealed = certifyKey(rootKey, { subject: encryptKey.did, purpose: "encrypt", serial: 2, issued: "2025-01-01T00:00:00Z" });
  const result = verifyCertificate(sealed.envelope, rootKey.did);
  assert.ok(result.status === "valid" && result.value.purpose === "encrypt");
});

test("a certificate signed by another root is refused as wrong-root", () => {
  const foreign = certifyKey(otherRoot, { subject: otherKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
  const result = verifyCertificate(foreign.envelope, rootKey.did);
  assert.ok(result.status === "invalid" && result.reason === "wrong-root");
  // The same payload claiming our root but signed by another key:
  const forged = signRaw({ ...certificate.value }, "certificate", otherRoot);
  const forgedResult = verifyCertificate(forged, rootKey.did);
  assert.ok(forgedResult.status === "invalid" && forgedResult.reason === "wrong-root");
  if (forgedResult.status === "invalid") assert.match(forgedResult.message, /signed by .* not by the root/);
});

test("a tampered certificate is a bad signature", () => {
  const tampered = signRaw({ ...certificate.value, serial: 9 }, "certificate", rootKey);
  const withOldSignature = { ...tampered, signature: certificate.envelope.signature };
  const result = verifyCertificate(withOldSignature, rootKey.did);
  assert.ok(result.status === "invalid" && result.reason === "bad-signature");
});

test("inconsistent certificates are malformed", () => {
  const base = certificate.value;
  assert.match(findCertificateProblem({ ...base, purpose: "encrypt" }) ?? "", /must certify an X25519 key/);
  assert.match(findCertificateProblem({ ...base, subject: encryptKey.did }) ?? "", /must certify an Ed25519 key/);
  assert.match(findCertificateProblem({ ...base, subject: rootKey.did }) ?? "", /root key itself/);
  assert.match(findCertificateProblem({ ...base, expires: "2024-01-01T00:00:00Z" }) ?? "", /expires before it is issued/);
  assert.match(findCertificateProblem({ ...base, status: "paused" }) ?? "", /"status"/);
  const result = verifyCertificate(signRaw({ ...base, subject: rootKey.did }, "certificate", rootKey), rootKey.did);
  assert.ok(result.status === "invalid" && result.reason === "malformed-object");
});

test("certifyKey refuses bad fields and non-Ed25519 roots", () => {
  assert.throws(() => certifyKey(rootKey, { subject: signingKey.did, purpose: "sign", serial: 0, issued: "2025-01-01T00:00:00Z" }), (e: unknown) => e instanceof InvalidObjectError);
  assert.throws(() => certifyKey(encryptKey, { subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" }), (e: unknown) => e instanceof KeyError);
});

test.run();
