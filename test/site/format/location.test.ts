import { test } from "uvu";
import * as assert from "uvu/assert";
import { pickCurrentLocation, verifyLocationRecord } from "../../../site/format/location.ts";
import { createSigner, type LocationFields } from "../../../site/format/signer.ts";
import { makeKeyring, otherKey, rootKey, signer, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const original: LocationFields = { seq: 1, created: "2025-01-01T00:00:00Z", feeds: ["https://old.example/feed.xml"] };
const moved: LocationFields = {
  seq: 2, created: "2025-03-01T00:00:00Z", feeds: ["https://new.example/feed.xml"],
  mirrors: ["https://bob.example/mirror/alice/"], movedFrom: "https://old.example/",
};
const first = signer.signLocation(original);
const second = signer.signLocation(moved);

function reasonOf(result: { status: string; reason?: string }): string {
  return result.status === "invalid" ? (result.reason as string) : result.status;
}

test("location records verify with defaults filled in", () => {
  const result = verifyLocationRecord(first.envelope, keyring);
  assert.ok(result.status === "valid");
  if (result.status === "valid") assert.equal(result.value, { type: "location", v: 1, author: rootKey.did, ...original, mirrors: [], movedFrom: null });
});

test("the highest valid sequence wins whatever order records are found in", () => {
  for (const order of [[first.envelope, second.envelope], [second.envelope, first.envelope]]) {
    const choice = pickCurrentLocation(order, keyring);
    assert.is(choice.current?.value.seq, 2);
    assert.equal(choice.current?.value.feeds, ["https://new.example/feed.xml"]);
    assert.equal(choice.rejected, []);
  }
});

test("a replayed older record is stale once a newer one is known", () => {
  const result = verifyLocationRecord(first.envelope, keyring, { knownSeq: 2 });
  assert.is(reasonOf(result), "stale-sequence");
  assert.is(reasonOf(verifyLocationRecord(second.envelope, keyring, { knownSeq: 2 })), "valid");
});

test("a forged record with a huge sequence loses to a valid one and is listed as rejected", () => {
  const forged = createSigner({ identity: rootKey.did, signingKey: otherKey }).signLocation({ ...moved, seq: 999, feeds: ["https://mallory.example/feed.xml"] });
  const tampered = { ...signRaw({ ...second.value, seq: 1000 }, "location"), signature: second.envelope.signature };
  const choice = pickCurrentLocation([forged.envelope, first.envelope, tampered, "junk"], keyring);
  assert.is(choice.current?.value.seq, 1);
  assert.equal(choice.rejected.map((r) => [r.index, r.reason]), [[0, "uncertified-key"], [2, "bad-signature"], [3, "malformed-envelope"]]);
  assert.is(pickCurrentLocation([], keyring).current, undefined);
});

test("two different records with one sequence: the later created wins, deterministically", () => {
  const sibling = signer.signLocation({ ...moved, created: "2025-03-02T00:00:00Z", feeds: ["https://other.example/feed.xml"] });
  for (const order of [[second.envelope, sibling.envelope], [sibling.envelope, second.envelope]]) {
    assert.equal(pickCurrentLocation(order, keyring).current?.value.feeds, ["https://other.example/feed.xml"]);
  }
});

test("location rules", () => {
  assert.is(reasonOf(verifyLocationRecord(signRaw({ ...first.value, feeds: [] }, "location"), keyring)), "malformed-object");
  assert.is(reasonOf(verifyLocationRecord(signRaw({ ...first.value, movedFrom: "old.example" }, "location"), keyring)), "malformed-object");
  assert.is(reasonOf(verifyLocationRecord(signRaw({ ...first.value, seq: 0 }, "location"), keyring)), "malformed-object");
  assert.is(reasonOf(verifyLocationRecord(undefined, keyring)), "unsigned");
});

test.run();
