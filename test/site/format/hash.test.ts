import { test } from "uvu";
import * as assert from "uvu/assert";
import { hashBytes } from "../../../site/format/hash.ts";

test("is SHA-256 as unpadded base64url (FIPS 180-4 example 'abc')", () => {
  const expected = Buffer.from("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "hex").toString("base64url");
  assert.is(hashBytes(Buffer.from("abc")), expected);
  assert.is(hashBytes("abc"), expected);
  assert.is(expected.length, 43);
});

test.run();
