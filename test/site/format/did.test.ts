import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBase58btc } from "../../../site/format/base58.ts";
import { decodeDidKey, encodeDidKey, importDidKey, isDidKey } from "../../../site/format/did.ts";

// Examples from the did:key method (https://w3c-ccg.github.io/did-method-key/): the Ed25519 key
// B12NYF8R… (publicKeyBase58) and the X25519 key agreement key derived from it.
const ED_KEY = decodeBase58btc("B12NYF8RrR3h41TDCTJojY59usg3mbtbjnFs7Eud1Y6u") as Uint8Array;
const ED_DID = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH";
const X_KEY = decodeBase58btc("JhNWeSVLMYccCk7iopQW4guaSJTojqpMEELgSLhKwRr") as Uint8Array;
const X_DID = "did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc";

test("encodes the did:key spec examples (multicodec 0xed 0x01 and 0xec 0x01)", () => {
  assert.is(encodeDidKey(ED_KEY, "ed25519"), ED_DID);
  assert.is(encodeDidKey(X_KEY, "x25519"), X_DID);
});

test("decodes algorithm and raw key back", () => {
  const ed = decodeDidKey(ED_DID);
  assert.ok(ed.ok);
  if (ed.ok) {
    assert.is(ed.key.algorithm, "ed25519");
    assert.equal(Buffer.from(ed.key.publicKey), Buffer.from(ED_KEY));
  }
  const x = decodeDidKey(X_DID);
  assert.ok(x.ok && x.key.algorithm === "x25519");
});

test("refuses what is not an Ed25519 or X25519 did:key, with a reason", () => {
  const cases: [unknown, RegExp][] = [
    [42, /did:key string/],
    ["did:web:example.com", /not a did:key/],
    ["did:key:f6d6b", /not a did:key with a base58btc/],
    ["did:key:z6Mk0OIl", /outside base58btc/],
    [encodeDidKey(ED_KEY.subarray(1), "ed25519"), /holds 31 key bytes, expected 32/],
    [encodeDidKey(Buffer.concat([ED_KEY, Buffer.from([0])]), "ed25519"), /holds 33 key bytes, expected 32/],
    ["did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", /neither an ed25519-pub/], // P-256
  ];
  for (const [did, pattern] of cases) {
    const decoded = decodeDidKey(did);
    assert.not.ok(decoded.ok, String(did));
    if (!decoded.ok) assert.match(decoded.message, pattern, String(did));
  }
});

test("importDidKey returns the same KeyObject on the second call (imported once)", () => {
  const first = importDidKey(ED_DID);
  const second = importDidKey(ED_DID);
  assert.ok(first.ok && second.ok);
  if (first.ok && second.ok) {
    assert.is(first.key.keyObject, second.key.keyObject);
    assert.is(first.key.keyObject.asymmetricKeyType, "ed25519");
  }
  const x = importDidKey(X_DID);
  assert.ok(x.ok && x.key.keyObject.asymmetricKeyType === "x25519");
  assert.not.ok(importDidKey("did:key:nope").ok);
});

test("isDidKey checks the algorithm", () => {
  assert.ok(isDidKey(ED_DID, "ed25519"));
  assert.not.ok(isDidKey(ED_DID, "x25519"));
  assert.ok(isDidKey(X_DID, "x25519"));
  assert.not.ok(isDidKey("did:key:z6Mk", "ed25519"));
  assert.not.ok(isDidKey(undefined, "ed25519"));
});

test.run();
