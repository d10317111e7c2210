import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityExpander, EntityLimitError } from "../../../crawler/parse/doctype.ts";
import { EntityResolver } from "../../../crawler/parse/xml-references.ts";

const declared = () => new EntityExpander(new Map([["id", { value: "tag:x," }], ["xxe", { value: undefined }]]), 20);
const resolver = (lenient: boolean) => {
  const result = new EntityResolver(lenient);
  result.declare(declared());
  return result;
};

test("predefined and declared entities resolve in both modes", () => {
  for (const lenient of [false, true]) {
    const references = resolver(lenient);
    assert.equal(["lt", "amp", "quot", "id"].map((name) => references.resolve(name)), ["<", "&", '"', "tag:x,"]);
    assert.is(references.problem, "");
  }
});

test("strict mode leaves bare ampersands, HTML names and external entities unresolved, saying why", () => {
  const references = resolver(false);
  assert.is(references.resolve("T rocks</a"), undefined);
  assert.is(references.problem, "a bare `&`");
  assert.is(references.resolve("nbsp"), undefined);
  assert.is(references.problem, "an undefined entity &nbsp;");
  assert.is(references.resolve("xxe"), undefined);
  assert.is(references.problem, "the external entity &xxe; (external entities are never loaded)");
});

test("lenient mode reads HTML names; unknown and external references stay unresolved", () => {
  const references = resolver(true);
  assert.equal(["nbsp", "eacute", "unknown", "xxe"].map((name) => references.resolve(name)), ["\u00a0", "é", undefined, undefined]);
});

test("declared entities are charged to the expansion budget", () => {
  const references = resolver(false);
  assert.is(references.resolve("id"), "tag:x,");
  assert.is(references.resolve("id"), "tag:x,");
  assert.is(references.resolve("id"), "tag:x,");
  assert.throws(() => references.resolve("id"), (error: unknown) => error instanceof EntityLimitError, "the fourth use passes 20 characters");
});

test("the table saxes reads answers lookups through the resolver", () => {
  const table = resolver(true).createTable();
  assert.is(table["eacute"], "é");
  assert.is(table["missing"], undefined);
});

test.run();
