import { test } from "uvu";
import * as assert from "uvu/assert";
import { verifyObject } from "../../../site/format/authenticate.ts";
import { ENTRY_RULES } from "../../../site/format/entry.ts";
import { makeKeyring, noteFields, otherKey, signer, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const note = signer.signEntry(noteFields);

function reasonOf(envelope: unknown): string {
  const result = verifyObject(envelope, ENTRY_RULES, keyring);
  return result.status === "invalid" ? result.reason : result.status;
}

test("cheap checks come before the signature: each failure reports its own step", () => {
  // All of these also carry a signature that does not match; the earlier step is what is reported.
  const badSignature = note.envelope.signature;
  assert.is(reasonOf({ ...signRaw({ ...note.value, id: "" }, "entry"), signature: badSignature }), "malformed-object");
  assert.is(reasonOf({ ...signRaw({ ...note.value, author: otherKey.did }, "entry"), signature: badSignature }), "wrong-author");
  assert.is(reasonOf({ ...signRaw({ ...note.value, body: "x" }, "entry", otherKey), signature: badSignature }), "uncertified-key");
  assert.is(reasonOf({ ...note.envelope, signature: signRaw(note.value, "location").signature }), "bad-signature");
  assert.is(reasonOf(note.envelope), "valid");
});

test.run();
