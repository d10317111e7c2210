import { sign } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeBase64url } from "../../../site/format/base64url.ts";
import { buildSigningInput, checkSignature, isEnvelope, isObjectType, MAX_PAYLOAD_BYTES, openEnvelope, sealEnvelope, type Opened } from "../../../site/format/envelope.ts";
import { KeyError } from "../../../site/format/errors.ts";
import { encryptKey, signingKey, signRaw } from "./fixtures.ts";

const object = { type: "entry", v: 1, hello: "world" } as const;

function expectInvalid(result: ReturnType<typeof openEnvelope>, reason: string): void {
  assert.is(result.status, "invalid", reason);
  if (result.status === "invalid") {
    assert.is(result.reason, reason);
    assert.ok(result.message.length > 10);
  }
}

test("the signing input is the ASCII domain prefix followed by the payload bytes", () => {
  assert.is(buildSigningInput("entry", Buffer.from("{}")).toString(), "capsule-v1:entry\n{}");
  assert.is(buildSigningInput("checkpoint", Buffer.from("{}")).toString(), "capsule-v1:checkpoint\n{}");
});

test("sealEnvelope signs the canonical bytes under the type's prefix", () => {
  const sealed = sealEnvelope(object, signingKey);
  assert.is(Buffer.from(sealed.bytes).toString(), '{"hello":"world","type":"entry","v":1}');
  assert.is(sealed.envelope.payload, encodeBase64url(sealed.bytes));
  assert.is(sealed.envelope.key, signingKey.did);
  assert.is(sealed.envelope.signature, encodeBase64url(sign(null, buildSigningInput("entry", sealed.bytes), signingKey.privateKey)));
  assert.is(sealed.hash.length, 43);
  assert.throws(() => sealEnvelope(object, encryptKey), (error: unknown) => error instanceof KeyError);
});

test("openEnvelope opens a good envelope and checkSignature accepts it", () => {
  const opened = openEnvelope(sealEnvelope(object, signingKey).envelope, "entry");
  assert.is(opened.status, "opened");
  assert.equal((opened as Opened).object, object);
  assert.is(checkSignature(opened as Opened, "entry"), undefined);
});

test("a missing envelope is unsigned, not invalid", () => {
  assert.is(openEnvelope(undefined, "entry").status, "unsigned");
  assert.is(openEnvelope(null, "entry").status, "unsigned");
});

test("each malformation gets its reason", () => {
  const good = sealEnvelope(object, signingKey).envelope;
  expectInvalid(openEnvelope("text", "entry"), "malformed-envelope");
  expectInvalid(openEnvelope({ ...good, extra: 1 }, "entry"), "malformed-envelope");
  expectInvalid(openEnvelope({ ...good, signature: 5 }, "entry"), "malformed-envelope");
  expectInvalid(openEnvelope({ ...good, key: "did:key:zNope" }, "entry"), "malformed-key");
  expectInvalid(openEnvelope({ ...good, key: encryptKey.did }, "entry"), "malformed-key");
  expectInvalid(openEnvelope({ ...good, payload: good.payload + "=" }, "entry"), "malformed-base64");
  expectInvalid(openEnvelope({ ...good, payload: `${good.payload.slice(0, 8)} ${good.payload.slice(8)}` }, "entry"), "malformed-base64");
  expectInvalid(openEnvelope({ ...good, signature: good.signature.replace(/^./, "+") }, "entry"), "malformed-base64");
  expectInvalid(openEnvelope({ ...good, signature: good.signature.slice(0, 84) }, "entry"), "malformed-signature");
  expectInvalid(openEnvelope({ ...good, payload: "A".repeat(Math.ceil((MAX_PAYLOAD_BYTES * 4) / 3) + 4) }, "entry"), "too-large");
  expectInvalid(openEnvelope(signRaw(undefined, "entry", signingKey, Buffer.from("{not json")), "entry"), "malformed-json");
  expectInvalid(openEnvelope(signRaw(undefined, "entry", signingKey, Buffer.from('{"v":1, "type":"entry"}')), "entry"), "not-canonical");
  expectInvalid(openEnvelope(signRaw([1, 2], "entry"), "entry"), "malformed-object");
  expectInvalid(openEnvelope(signRaw({ type: "entry", v: 2 }, "entry"), "entry"), "unsupported-version");
  expectInvalid(openEnvelope(signRaw({ v: 1 }, "entry"), "entry"), "wrong-type");
});

test("an entry envelope presented as a checkpoint is the wrong type", () => {
  const result = openEnvelope(sealEnvelope(object, signingKey).envelope, "checkpoint");
  expectInvalid(result, "wrong-type");
  if (result.status === "invalid") assert.match(result.message, /expected a checkpoint.*"entry"/);
});

test("domain separation: a checkpoint payload signed under the entry prefix does not verify as a checkpoint", () => {
  const envelope = signRaw({ type: "checkpoint", v: 1 }, "entry");
  const opened = openEnvelope(envelope, "checkpoint");
  assert.is(opened.status, "opened");
  assert.is(checkSignature(opened as Opened, "checkpoint")?.reason, "bad-signature");
  assert.is(checkSignature(openEnvelope(signRaw({ type: "checkpoint", v: 1 }, "checkpoint"), "checkpoint") as Opened, "checkpoint"), undefined);
});

test("isEnvelope and isObjectType", () => {
  assert.ok(isEnvelope({ payload: "", signature: "", key: "" }));
  assert.not.ok(isEnvelope({ payload: "", signature: "" }));
  assert.not.ok(isEnvelope(null));
  assert.ok(isObjectType("location"));
  assert.not.ok(isObjectType("post"));
});

test.run();
