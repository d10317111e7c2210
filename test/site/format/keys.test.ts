import { sign, verify } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeDidKey } from "../../../site/format/did.ts";
import { KeyError } from "../../../site/format/errors.ts";
import { deriveKeyPair, exportPrivateKey, exportPrivateKeyLine, generateKeyPair, importPrivateKey } from "../../../site/format/keys.ts";

// RFC 8032 §7.1 TEST 1 and TEST 2: seed, public key, message, signature.
const RFC8032 = [
  {
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

test("deriveKeyPair reproduces RFC 8032 keys and signatures from the seed", () => {
  for (const vector of RFC8032) {
    const pair = deriveKeyPair(Buffer.from(vector.seed, "hex"));
    assert.is(Buffer.from(pair.publicKeyBytes).toString("hex"), vector.publicKey);
    assert.is(sign(null, Buffer.from(vector.message, "hex"), pair.privateKey).toString("hex"), vector.signature);
    const decoded = decodeDidKey(pair.did);
    assert.ok(decoded.ok && Buffer.from(decoded.key.publicKey).toString("hex") === vector.publicKey);
  }
});

test("X25519 key pairs from a seed get a z6LS did:key", () => {
  const pair = deriveKeyPair(Buffer.alloc(32, 9), "x25519");
  assert.is(pair.algorithm, "x25519");
  assert.match(pair.did, /^did:key:z6LS/);
  assert.is(pair.privateKey.asymmetricKeyType, "x25519");
});

test("generated key pairs sign and verify and differ each time", () => {
  const a = generateKeyPair();
  const b = generateKeyPair();
  assert.match(a.did, /^did:key:z6Mk/);
  assert.is.not(a.did, b.did);
  const signature = sign(null, Buffer.from("x"), a.privateKey);
  assert.ok(verify(null, Buffer.from("x"), a.publicKey, signature));
  assert.not.ok(verify(null, Buffer.from("x"), b.publicKey, signature));
});

test("key files: PKCS#8 PEM and its one-line form import back to the same key", () => {
  const pair = deriveKeyPair(Buffer.alloc(32, 7));
  const pem = exportPrivateKey(pair);
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.is(importPrivateKey(pem).did, pair.did);
  assert.is(importPrivateKey(pem.replaceAll("\n", "\\n")).did, pair.did, "CI variables with literal \\n");
  const line = exportPrivateKeyLine(pair);
  assert.not.match(line, /\s/);
  assert.is(importPrivateKey(line).did, pair.did);
  assert.is(importPrivateKey(Buffer.from(line, "base64url").toString("base64")).did, pair.did, "plain base64 too");
  const x = deriveKeyPair(Buffer.alloc(32, 8), "x25519");
  assert.is(importPrivateKey(exportPrivateKey(x)).did, x.did);
});

test("bad key material throws a KeyError with a hint", () => {
  for (const text of ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"]) {
    try {
      importPrivateKey(text, "CAPSULE_SIGNING_KEY");
      assert.unreachable("accepted bad key material");
    } catch (error) {
      assert.instance(error, KeyError);
      assert.match((error as Error).message, /cannot read CAPSULE_SIGNING_KEY/);
      assert.ok((error as KeyError).hint);
    }
  }
  assert.throws(() => deriveKeyPair(Buffer.alloc(31)), (error: unknown) => error instanceof KeyError);
});

test.run();
