import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalize, canonicalizeToString, parseCanonicalJson } from "../../../site/format/canonical.ts";
import { CanonicalizationError } from "../../../site/format/errors.ts";

const utf8 = (text: string) => Buffer.from(text, "utf8");

// RFC 8785 §3.2.2, the sample input, as JSON text exactly as the RFC prints it.
const RFC_SAMPLE_INPUT = `{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
  "literals": [null, true, false]
}`;
// RFC 8785 §3.2.3, its canonical output...
const RFC_SAMPLE_OUTPUT = `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`;
// ...and §3.2.4, the same output as UTF-8 bytes.
const RFC_SAMPLE_HEX = `
7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;

test("RFC 8785 §3.2.2 sample: canonical text and §3.2.4 UTF-8 bytes", () => {
  const value = JSON.parse(RFC_SAMPLE_INPUT);
  assert.is(canonicalizeToString(value), RFC_SAMPLE_OUTPUT);
  assert.is(Buffer.from(canonicalize(value)).toString("hex"), RFC_SAMPLE_HEX.replace(/\s+/g, ""));
});

test("RFC 8785 §3.2.3 sorting example: properties ordered by UTF-16 code units", () => {
  const input = `{
    "\\u20ac": "Euro Sign",
    "\\r": "Carriage Return",
    "\\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\\ud83d\\ude00": "Emoji: Grinning Face",
    "\\u0080": "Control",
    "\\u00f6": "Latin Small Letter O With Diaeresis"
  }`;
  // Read the order from the text: parsing it back would hoist the integer-like name "1" (ECMAScript order).
  const order = [...canonicalizeToString(JSON.parse(input)).matchAll(/:"([^"]*)"/g)].map((match) => match[1]);
  assert.equal(order, [
    "Carriage Return",
    "One",
    "Control",
    "Latin Small Letter O With Diaeresis",
    "Euro Sign",
    "Emoji: Grinning Face",
    "Hebrew Letter Dalet With Dagesh",
  ]);
});

test("RFC 8785 Appendix B: IEEE 754 doubles serialise like ECMAScript", () => {
  const cases: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  for (const [hex, expected] of cases) {
    const number = Buffer.from(hex, "hex").readDoubleBE(0);
    assert.is(canonicalizeToString(number), expected, hex);
  }
  for (const hex of ["7fffffffffffffff", "7ff0000000000000"]) {
    const number = Buffer.from(hex, "hex").readDoubleBE(0);
    assert.throws(() => canonicalizeToString(number), (error: unknown) => error instanceof CanonicalizationError, hex);
  }
});

test("refuses what is not I-JSON data, naming where it is", () => {
  const refusals: [unknown, RegExp][] = [
    [{ a: [1, Number.NaN] }, /\$\["a"\]\[1\].*finite/],
    [{ a: undefined }, /\$\["a"\].*undefined is not JSON/],
    [{ f: () => 1 }, /function is not JSON/],
    [{ s: Symbol("x") }, /symbol is not JSON/],
    [{ n: 10n }, /bigint is not JSON/],
    [{ text: "a\ud800b" }, /lone surrogate/],
    [{ ["k\udc00"]: 1 }, /lone surrogate/],
    [{ when: new Date(0) }, /Date is not a plain object/],
    [new Map(), /Map is not a plain object/],
    [[undefined], /\$\[0\]/],
  ];
  for (const [value, pattern] of refusals) {
    try {
      canonicalizeToString(value);
      assert.unreachable(`accepted ${String(pattern)}`);
    } catch (error) {
      assert.instance(error, CanonicalizationError);
      assert.match((error as Error).message, pattern);
      assert.is((error as CanonicalizationError).code, "CAPSULE_NOT_CANONICALIZABLE");
    }
  }
});

test("refuses cyclic structures instead of overflowing the stack", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalizeToString(cyclic), /deeper than/);
});

test("accepts null-prototype objects and keeps a __proto__ member", () => {
  const bare = Object.assign(Object.create(null), { b: 1, a: 2 });
  assert.is(canonicalizeToString(bare), '{"a":2,"b":1}');
  assert.is(canonicalizeToString(JSON.parse('{"__proto__":1}')), '{"__proto__":1}');
});

test("parseCanonicalJson accepts canonical bytes and returns the value", () => {
  const result = parseCanonicalJson(utf8(RFC_SAMPLE_OUTPUT));
  assert.ok(result.ok);
  if (result.ok) assert.equal(result.value, JSON.parse(RFC_SAMPLE_INPUT));
});

test("parseCanonicalJson names what is not canonical", () => {
  const cases: [Uint8Array, "malformed-json" | "not-canonical"][] = [
    [utf8('{"a": 1}'), "not-canonical"],
    [utf8('{"b":1,"a":2}'), "not-canonical"],
    [utf8('{"a":1,"a":1}'), "not-canonical"],
    [utf8('{"a":1.0}'), "not-canonical"],
    [utf8('{"a":-0}'), "not-canonical"],
    [utf8('{"a":1e400}'), "not-canonical"],
    [utf8('{"a":"\\/"}'), "not-canonical"],
    [utf8('{"a":"\\u000A"}'), "not-canonical"],
    [utf8('{"a":"\\u0041"}'), "not-canonical"],
    [utf8('{"a":"\\ud800"}'), "not-canonical"],
    [utf8('{"a":"\\ud83d\\ude00"}'), "not-canonical"],
    [utf8("\ufeff{}"), "malformed-json"],
    [utf8("{}\n"), "not-canonical"],
    [utf8("{"), "malformed-json"],
    [utf8(""), "malformed-json"],
    [Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), "malformed-json"],
    [Uint8Array.from([0x22, 0xed, 0xa0, 0x80, 0x22]), "malformed-json"], // CESU-8 surrogate
  ];
  for (const [bytes, reason] of cases) {
    const result = parseCanonicalJson(bytes);
    assert.is(result.ok, false, Buffer.from(bytes).toString());
    if (!result.ok) {
      assert.is(result.reason, reason, Buffer.from(bytes).toString());
      assert.ok(result.message.length > 10);
    }
  }
});

test("property: canonical bytes of any JSON value parse back canonical and equal", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const result = parseCanonicalJson(canonicalize(value));
      assert.ok(result.ok);
      if (result.ok) assert.equal(result.value, JSON.parse(JSON.stringify(value)));
    }),
    { numRuns: 500 },
  );
});

test("property: a JSON text is accepted exactly when it equals the canonical form of its value", () => {
  const spacing = fc.constantFrom(undefined, 0, 1, 2, "\t");
  fc.assert(
    fc.property(fc.jsonValue(), spacing, (value, space) => {
      const text = JSON.stringify(value, null, space);
      const result = parseCanonicalJson(utf8(text));
      return result.ok === (text === canonicalizeToString(JSON.parse(text)));
    }),
    { numRuns: 500 },
  );
});

test.run();
