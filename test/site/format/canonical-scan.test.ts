import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isProvablyCanonical } from "../../../site/format/canonical-scan.ts";
import { canonicalizeToString } from "../../../site/format/canonical.ts";

const isProvablyCanonicalText = isProvablyCanonical;

test("proves ordinary canonical texts", () => {
  for (const text of [
    "{}", "[]", "null", "true", "0", "-1.5", "1e+21", '""',
    '{"a":[1,true,false,null,{"b":"c"}],"d":"\\n\\t\\"\\\\\\u001f"}',
    '{"10":1,"9":2}', // canonical order is by code units, not by integer value
    '{"a":"é😀\u2028"}',
    '{"a":1,"b":2,"ba":3,"c":{"b":1,"a":[{"z":1,"y":2}]}}'.replace(/{"b":1,"a":\[{"z":1,"y":2}\]}/, '{"a":[{"y":2,"z":1}],"b":1}'),
  ]) {
    assert.ok(isProvablyCanonicalText(text), text);
    assert.is(canonicalizeToString(JSON.parse(text)), text, text);
  }
});

test("does not prove texts that are not canonical", () => {
  for (const text of [
    '{"b":1,"a":2}', '{"a":1,"a":2}', '{ "a":1}', '[1, 2]', "1.0", "-0", "1E2", "1e2",
    '"\\/"', '"\\u0041"', '"\\u000a"', '"\\u000A"', '"\\u001F"', '"\\ud83d\\ude00"', '"\\ud800"', "\n{}",
  ]) {
    assert.not.ok(isProvablyCanonicalText(text), text);
  }
});

test("orders names by UTF-16 code units, not code points; leaves escaped names to the canonicaliser", () => {
  // U+1F600 (a surrogate pair, D83D DE00) sorts before U+FB33 in UTF-16, after it in code points or UTF-8.
  const text = '{"\ud83d\ude00":1,"\ufb33":2}';
  assert.is(canonicalizeToString(JSON.parse(text)), text);
  assert.ok(isProvablyCanonicalText(text));
  assert.not.ok(isProvablyCanonicalText('{"\ufb33":2,"\ud83d\ude00":1}'));
  assert.not.ok(isProvablyCanonicalText('{"\\n":1}'));
  assert.is(canonicalizeToString(JSON.parse('{"\\n":1}')), '{"\\n":1}');
});

test("property: whatever it proves is exactly the canonical form", () => {
  const spacing = fc.constantFrom(undefined, 0, 1);
  fc.assert(
    fc.property(fc.jsonValue(), spacing, (value, space) => {
      const text = JSON.stringify(value, null, space);
      if (!isProvablyCanonicalText(text)) return true;
      return text === canonicalizeToString(JSON.parse(text));
    }),
    { numRuns: 1000 },
  );
});

test("property: proves the canonical form of any JSON value without escaped names", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = canonicalizeToString(value);
      return isProvablyCanonicalText(text) || hasEscapedName(value);
    }),
    { numRuns: 1000 },
  );
});

function hasEscapedName(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasEscapedName);
  return Object.entries(value).some(([name, item]) => JSON.stringify(name) !== `"${name}"` || hasEscapedName(item));
}

test.run();
