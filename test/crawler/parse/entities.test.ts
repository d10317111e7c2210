import { test } from "uvu";
import * as assert from "uvu/assert";
import { lookupHtmlEntity } from "../../../crawler/parse/entities.ts";

test("HTML named references map to their characters", () => {
  assert.is(lookupHtmlEntity("nbsp"), "\u00a0");
  assert.is(lookupHtmlEntity("eacute"), "é");
  assert.is(lookupHtmlEntity("mdash"), "—");
  assert.is(lookupHtmlEntity("hellip"), "…");
  assert.is(lookupHtmlEntity("Afr"), "\u{1d504}", "astral plane");
  assert.is(lookupHtmlEntity("NotEqualTilde"), "\u2242\u0338", "two code points");
});

test("names HTML does not define are undefined, and lookups are case-sensitive", () => {
  assert.is(lookupHtmlEntity("madeup"), undefined);
  assert.is(lookupHtmlEntity("NBSP"), undefined);
  assert.is(lookupHtmlEntity("toString"), undefined);
});

test.run();
