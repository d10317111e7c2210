import { test } from "uvu";
import * as assert from "uvu/assert";
import { EntityExpander, EntityLimitError, decodeCharRef, isXmlChar, readDoctype } from "../../../crawler/parse/doctype.ts";

test("internal entities are read; external and parameter entities are recorded without a value", () => {
  const text = `<!DOCTYPE rss [
    <!ENTITY id "tag:example.com,">
    <!ENTITY id "second declaration is ignored">
    <!ENTITY xxe SYSTEM "file:///etc/passwd">
    <!ENTITY pub PUBLIC "-//X//EN" "http://x.example/x.ent">
    <!ENTITY % pe SYSTEM "http://x.example/x.dtd"> %pe;
    <!-- a comment with ] and > inside -->
    <?pi with > inside?>
  ]><rss/>`;
  const doctype = readDoctype(text, 0);
  assert.ok(doctype);
  assert.is(text.slice(doctype.end), "<rss/>");
  assert.equal([...doctype.entities.keys()], ["id", "xxe", "pub"]);
  assert.is(doctype.entities.get("id")?.value, "tag:example.com,");
  assert.is(doctype.entities.get("xxe")?.value, undefined);
});

test("an unterminated DOCTYPE is undefined", () => {
  assert.is(readDoctype('<!DOCTYPE rss [<!ENTITY a "x', 0), undefined);
});

test("expansion follows references and counts against one budget", () => {
  const entities = new Map([["a", { value: "ab&#x43;" }], ["b", { value: "&a;&a;&amp;" }]]);
  const expander = new EntityExpander(entities, 20);
  assert.is(expander.expand("b"), "abCabC&");
  assert.is(expander.expand("b"), "abCabC&");
  assert.throws(() => expander.expand("b"), (error: unknown) => error instanceof EntityLimitError, "the third use exceeds 20 characters");
});

test("billion laughs stops at the budget, without building the string", () => {
  const entities = new Map([["l0", { value: "lol" }]]);
  for (let level = 1; level <= 9; level += 1) entities.set(`l${level}`, { value: `&l${level - 1};`.repeat(10) });
  const started = performance.now();
  assert.throws(() => new EntityExpander(entities, 1_000_000).expand("l9"), (error: unknown) => error instanceof EntityLimitError);
  assert.ok(performance.now() - started < 1000);
});

test("recursive entities are refused", () => {
  const entities = new Map([["a", { value: "&b;" }], ["b", { value: "&a;" }]]);
  assert.throws(() => new EntityExpander(entities, 1000).expand("a"), /refers to itself/);
});

test("external entities are never expanded", () => {
  const expander = new EntityExpander(new Map([["xxe", { value: undefined }]]), 1000);
  assert.ok(expander.isExternal("xxe"));
  assert.ok(expander.has("xxe"));
  assert.not.ok(expander.isExternal("other"));
});

test("character references are checked against XML's Char production", () => {
  assert.is(decodeCharRef("#65"), "A");
  assert.is(decodeCharRef("#x1F600"), "😀");
  assert.is(decodeCharRef("#0"), undefined);
  assert.is(decodeCharRef("#xD800"), undefined);
  assert.is(decodeCharRef("#x110000"), undefined);
  assert.ok(isXmlChar(0x9) && isXmlChar(0xfffd) && !isXmlChar(0xfffe) && !isXmlChar(0x1f));
});

test.run();
