import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBase58btc, encodeBase58btc } from "../../../site/format/base58.ts";

test("encodes the draft-msporny-base58 examples", () => {
  // https://datatracker.ietf.org/doc/html/draft-msporny-base58-03 §5
  assert.is(encodeBase58btc(Buffer.from("Hello World!")), "2NEpo7TZRRrLZSi2U");
  assert.is(encodeBase58btc(Buffer.from("The quick brown fox jumps over the lazy dog.")), "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  assert.is(encodeBase58btc(Buffer.from("0000287fb4cd", "hex")), "11233QC4");
});

test("decodes back, keeping leading zero bytes, and refuses characters outside the alphabet", () => {
  assert.is(Buffer.from(decodeBase58btc("11233QC4") ?? []).toString("hex"), "0000287fb4cd");
  assert.is(decodeBase58btc("0OIl"), undefined);
  assert.is(decodeBase58btc("abc+"), undefined);
  assert.equal(decodeBase58btc(""), new Uint8Array(0));
});

test("property: any bytes round-trip", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    const back = decodeBase58btc(encodeBase58btc(bytes));
    return back !== undefined && Buffer.compare(Buffer.from(back), Buffer.from(bytes)) === 0;
  }));
});

test.run();
