import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBase64url, decodeBase64urlAfter, encodeBase64url } from "../../../site/format/base64url.ts";

test("encodes RFC 4648 §10 vectors without padding, in the URL-safe alphabet", () => {
  const vectors: [string, string][] = [["", ""], ["f", "Zg"], ["fo", "Zm8"], ["foo", "Zm9v"], ["foob", "Zm9vYg"], ["fooba", "Zm9vYmE"], ["foobar", "Zm9vYmFy"]];
  for (const [plain, encoded] of vectors) {
    assert.is(encodeBase64url(Buffer.from(plain)), encoded);
    const decoded = decodeBase64url(encoded);
    assert.ok(decoded.ok);
    if (decoded.ok) assert.is(decoded.bytes.toString(), plain);
  }
  assert.is(encodeBase64url(Uint8Array.from([0xfb, 0xff])), "-_8");
});

test("refuses padding, other alphabets, whitespace and non-zero trailing bits with a reason", () => {
  const cases: [string, RegExp][] = [
    ["Zg==", /padding/],
    ["+_8", /character "\+"/],
    ["-/8", /character "\/"/],
    ["Zm9v Yg", /character " "/],
    ["Zm9v\nYg", /character "\\n"/],
    ["Z", /whole bytes/],
    ["Zh", /unused bits/],
    ["Zm9", /unused bits/],
    ["Zm9vY", /whole bytes/],
    ["Zm9vYg\u00e9", /character "é"/],
  ];
  for (const [text, reason] of cases) {
    const decoded = decodeBase64url(text);
    assert.not.ok(decoded.ok, text);
    if (!decoded.ok) assert.match(decoded.message, reason, text);
  }
});

test("decodeBase64urlAfter writes the bytes after a prefix", () => {
  const decoded = decodeBase64urlAfter(Buffer.from("ab:"), "Zm9v");
  assert.ok(decoded.ok);
  if (decoded.ok) {
    assert.is(decoded.whole.toString(), "ab:foo");
    assert.is(decoded.bytes.toString(), "foo");
  }
});

test("property: bytes round-trip through encode and decode", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
    const decoded = decodeBase64url(encodeBase64url(bytes));
    return decoded.ok && Buffer.compare(decoded.bytes, Buffer.from(bytes)) === 0;
  }));
});

test("property: a text decodes exactly when it is the encoding of its own bytes", () => {
  // The fast strictness check must agree with the definition: canonical means re-encoding gives the text.
  const alphabet = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.\u00e9".split(""));
  fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
    const decoded = decodeBase64url(text);
    const canonical = Buffer.from(text, "base64url").toString("base64url") === text;
    return decoded.ok === canonical;
  }), { numRuns: 5000 });
});

test("property: long texts (decoded by Node, not by the short-text loop) agree with re-encoding too", () => {
  const alphabet = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.\u00e9".split(""));
  const long = fc.tuple(fc.uint8Array({ minLength: 96, maxLength: 120 }), fc.string({ unit: alphabet, maxLength: 12 }), fc.nat(200));
  fc.assert(fc.property(long, ([bytes, noise, at]) => {
    // A valid encoding of more than 128 characters with a little noise spliced in somewhere.
    const clean = Buffer.from(bytes).toString("base64url");
    const cut = at % (clean.length + 1);
    const text = clean.slice(0, cut) + noise + clean.slice(cut);
    const decoded = decodeBase64url(text);
    const canonical = Buffer.from(text, "base64url").toString("base64url") === text;
    return decoded.ok === canonical && (!decoded.ok || Buffer.from(text, "base64url").equals(decoded.bytes));
  }), { numRuns: 3000 });
});

test.run();
