import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseCapsuleTxt, resolveCapsuleTxt } from "../../../site/format/dns.ts";
import { encryptKey, otherRoot, rootKey } from "./fixtures.ts";

test("finds the identity in a v=capsule1 record among other TXT records", () => {
  assert.equal(parseCapsuleTxt([["v=spf1 -all"], [`v=capsule1 id=${rootKey.did}`]]), { status: "found", id: rootKey.did });
});

test("joins a record split into several character-strings and ignores unknown keys", () => {
  const text = `v=capsule1 id=${rootKey.did} future=yes`;
  assert.equal(parseCapsuleTxt([[text.slice(0, 30), text.slice(30)]]), { status: "found", id: rootKey.did });
});

test("no capsule record is none; the same id twice is fine", () => {
  assert.equal(parseCapsuleTxt([]), { status: "none" });
  assert.equal(parseCapsuleTxt([["google-site-verification=abc"]]), { status: "none" });
  assert.equal(parseCapsuleTxt([[`v=capsule1 id=${rootKey.did}`], [`v=capsule1  id=${rootKey.did} `]]), { status: "found", id: rootKey.did });
});

test("a capsule record without a valid Ed25519 id, or two different ids, is invalid", () => {
  for (const records of [[["v=capsule1"]], [["v=capsule1 id=did:key:zBad"]], [[`v=capsule1 id=${encryptKey.did}`]]]) {
    const result = parseCapsuleTxt(records);
    assert.ok(result.status === "invalid" && result.reason === "malformed-key", JSON.stringify(records));
  }
  const two = parseCapsuleTxt([[`v=capsule1 id=${rootKey.did}`], [`v=capsule1 id=${otherRoot.did}`]]);
  assert.ok(two.status === "invalid" && two.reason === "ambiguous-dns");
});

test("resolveCapsuleTxt asks for _capsule.<domain> and never throws", async () => {
  const asked: string[] = [];
  const found = await resolveCapsuleTxt("alice.example.", async (name) => {
    asked.push(name);
    return [[`v=capsule1 id=${rootKey.did}`]];
  });
  assert.equal(asked, ["_capsule.alice.example"]);
  assert.equal(found, { status: "found", id: rootKey.did });
  const missing = await resolveCapsuleTxt("nobody.example", async () => {
    throw Object.assign(new Error("queryTxt ENOTFOUND"), { code: "ENOTFOUND" });
  });
  assert.equal(missing, { status: "none" });
  const broken = await resolveCapsuleTxt("slow.example", async () => {
    throw Object.assign(new Error("queryTxt ETIMEOUT"), { code: "ETIMEOUT" });
  });
  assert.ok(broken.status === "unavailable" && /ETIMEOUT/.test(broken.message));
});

test.run();
