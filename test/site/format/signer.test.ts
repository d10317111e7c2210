import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidObjectError, KeyError } from "../../../site/format/errors.ts";
import { verifyEntry } from "../../../site/format/entry.ts";
import { createSigner } from "../../../site/format/signer.ts";
import { encryptKey, makeKeyring, noteFields, otherRoot, rootKey, signer, signingKey } from "./fixtures.ts";

test("the signer names the identity and the signing key", () => {
  assert.is(signer.identity, rootKey.did);
  assert.is(signer.signingKey, signingKey.did);
  assert.is(createSigner({ identity: rootKey.did, signingKey }).identity, rootKey.did);
});

test("signEntry fills author, version, updated and empty lists, and drops undefined optionals", () => {
  const sealed = signer.signEntry({ id: "n", published: "2025-01-01T00:00:00Z", kind: "note", body: "x", title: undefined, summary: undefined });
  assert.equal(sealed.value, {
    type: "entry", v: 1, author: rootKey.did, id: "n", published: "2025-01-01T00:00:00Z", updated: "2025-01-01T00:00:00Z",
    kind: "note", body: "x", tags: [], attachments: [],
  });
  assert.is(verifyEntry(sealed.envelope, makeKeyring()).status, "valid");
});

test("signing is deterministic (Ed25519, RFC 8032)", () => {
  assert.equal(signer.signEntry(noteFields).envelope, signer.signEntry(noteFields).envelope);
});

test("bad fields throw InvalidObjectError at build time, saying what is wrong", () => {
  const attempts: [() => unknown, RegExp][] = [
    [() => signer.signEntry({ ...noteFields, published: "2025-01-02", updated: "2025-01-05T00:00:00Z" }), /"published" must be a UTC timestamp/],
    [() => signer.signEntry({ ...noteFields, kind: "article" }), /needs a title/],
    [() => signer.signEntry({ ...noteFields, id: "has space" }), /"id"/],
    [() => signer.signTombstone({ id: "x", updated: "now" }), /"updated"/],
    [() => signer.signLocation({ seq: 0, created: "2025-01-01T00:00:00Z", feeds: ["https://a.example/feed.xml"] }), /"seq"/],
    [() => signer.signIdentity({ domain: "a.example", created: "2025-01-01T00:00:00Z", seq: 1, certificates: [], feeds: ["relative/feed.xml"], profile: { name: "A", bio: "", avatar: null } }), /"feeds"/],
    [() => signer.signCheckpoint({ created: "2025-01-01T00:00:00Z", entries: [["a", "2025-01-01T00:00:00Z", "short"]] }), /checkpoint item 0/],
  ];
  for (const [attempt, pattern] of attempts) {
    try {
      attempt();
      assert.unreachable(String(pattern));
    } catch (error) {
      assert.instance(error, InvalidObjectError);
      assert.match((error as Error).message, pattern);
      assert.is((error as InvalidObjectError).code, "CAPSULE_INVALID_OBJECT");
    }
  }
});

test("signCheckpoint sorts the items it is given", () => {
  const sealed = signer.signCheckpoint({
    created: "2025-01-01T00:00:00Z",
    entries: [["b", "2025-01-01T00:00:00Z", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"], ["a", "2025-01-01T00:00:00Z", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"]],
  });
  assert.equal(sealed.value.entries.map((item) => item[0]), ["a", "b"]);
});

test("keys are checked when the signer is made", () => {
  assert.throws(() => createSigner({ signingKey }), (e: unknown) => e instanceof KeyError && /root identity/.test((e as Error).message));
  assert.throws(() => createSigner({ identity: otherRoot.did, rootKey, signingKey }), (e: unknown) => e instanceof KeyError);
  assert.throws(() => createSigner({ rootKey, signingKey: encryptKey }), (e: unknown) => e instanceof KeyError);
  const offline = createSigner({ identity: rootKey.did, signingKey });
  try {
    offline.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 2, issued: "2025-01-01T00:00:00Z" });
    assert.unreachable("certified without the root key");
  } catch (error) {
    assert.instance(error, KeyError);
    assert.match((error as KeyError).hint ?? "", /offline/);
  }
});

test.run();
