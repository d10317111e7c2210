import { test } from "uvu";
import * as assert from "uvu/assert";
import { createEntry, createMeta, findLink, makeCategory, readAtomLink, readCount, dedupeCategories, dedupePeople } from "../../../crawler/parse/build.ts";
import { readXml } from "../../../crawler/parse/xml.ts";

test("empty records have every field, and fresh arrays each time", () => {
  const a = createEntry();
  const b = createEntry();
  a.links.push({ href: "x", rel: "alternate", type: null, title: null, hreflang: null, length: null });
  assert.is(b.links.length, 0);
  assert.is(createMeta().title, null);
  assert.is(a.blocked, false);
});

test("Atom links default rel to alternate and read lengths as numbers", () => {
  const link = readAtomLink(readXml('<link href="/a" length=" 42 " hreflang="en"/>', { lenient: false, url: "https://b.example/x/" }).root);
  assert.equal(link, { href: "https://b.example/a", rel: "alternate", type: null, title: null, hreflang: "en", length: 42 });
  assert.is(readAtomLink(readXml("<link/>", { lenient: false, url: "https://b.example/" }).root), null);
  assert.is(findLink([link!], "self", "alternate")?.href, "https://b.example/a");
});

test("counts, categories and de-duplication", () => {
  assert.equal([readCount("12"), readCount("-1"), readCount("1.5"), readCount(""), readCount(null)], [12, null, null, null, null]);
  assert.is(makeCategory("  "), null);
  assert.equal(dedupeCategories([makeCategory("a"), makeCategory("a"), makeCategory("a", "s"), null]).length, 2);
  const person = { name: "n", email: null, url: null };
  assert.equal(dedupePeople([person, { ...person }, null]), [person]);
});

test.run();
