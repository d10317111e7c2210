import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityExpander } from "../../../crawler/parse/doctype.ts";
import { ReferenceDecoder } from "../../../crawler/parse/xml-references.ts";

const entities = new EntityExpander(new Map([["id", { value: "tag:x," }], ["xxe", { value: undefined }]]), 1000);
const decoder = (lenient: boolean, problems: string[] = []) => new ReferenceDecoder(entities, lenient, (problem) => problems.push(problem));

test("predefined, numeric and declared references decode in both modes", () => {
  for (const lenient of [false, true]) {
    const problems: string[] = [];
    assert.is(decoder(lenient, problems).decode("&lt;&amp;&#65;&#x42;&id;2024&#146;", false), "<&ABtag:x,2024’");
    assert.equal(problems, []);
  }
});

test("attribute values normalise tabs and line breaks to spaces, but not character references", () => {
  assert.is(decoder(false).decode("a\tb\nc&#10;d", true), "a b c\nd");
});

test("strict mode reports bare ampersands, HTML names and external entities", () => {
  const problems: string[] = [];
  const strict = decoder(false, problems);
  assert.is(strict.decode("AT&T &nbsp; &xxe;", false), "AT&T &nbsp; &xxe;");
  assert.equal(problems, ["a bare `&`", "an undefined entity &nbsp;", "the external entity &xxe; (external entities are never loaded)"]);
});

test("lenient mode reads HTML names and keeps unknown and external references as text", () => {
  assert.is(decoder(true).decode("&nbsp;&eacute;&unknown;&xxe;&#0;", false), "\u00a0é&unknown;&xxe;&#0;");
});

test.run();
