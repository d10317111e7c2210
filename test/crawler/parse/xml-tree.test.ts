import { test } from "uvu";
import * as assert from "uvu/assert";
import { readXml } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";
import { childElements, childText, escapeText, findChild, findChildren, getAttr, hasElementChildren, serializeChildren, textContent } from "../../../crawler/parse/xml-tree.ts";

const read = (text: string) => readXml(text, { lenient: false, url: "https://x.example/" }).root;

test("children are found by namespace and case-insensitive local name, in order of preference", () => {
  const root = read('<item xmlns:dc="http://purl.org/dc/elements/1.1/"><PubDate>1</PubDate><dc:date>2</dc:date><category>a</category><category>b</category></item>');
  assert.is(textContent(findChild(root, "", "pubdate")!), "1");
  assert.is(findChild(root, NS.dc, "pubdate"), undefined);
  assert.is(childText(root, NS.dc, "missing", "date"), "2");
  assert.equal(findChildren(root, "", "category").map(textContent), ["a", "b"]);
  assert.is(childElements(root).length, 4);
});

test("attributes are read by local name and namespace", () => {
  const root = read('<g xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" isPermaLink="false" rdf:about="x"/>');
  assert.is(getAttr(root, "ispermalink"), "false");
  assert.is(getAttr(root, "about", NS.rdf), "x");
  assert.is(getAttr(root, "about"), undefined);
});

test("textContent gathers all text; childText trims and nulls blanks", () => {
  const root = read("<a> one <b>two <c>three</c></b> <e>  </e></a>");
  assert.is(textContent(root), " one two three   ");
  assert.is(childText(root, "", "e"), null);
  assert.ok(hasElementChildren(root));
});

test("inline markup serialises as HTML: XHTML by local name, void elements closed, foreign content keeps xmlns", () => {
  const root = read('<c><div xmlns="http://www.w3.org/1999/xhtml"><p class="x">a &amp; b &lt; c<br/><img src="i.png"/></p><svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg></div></c>');
  assert.is(serializeChildren(root),
    '<div><p class="x">a &amp; b &lt; c<br /><img src="i.png" /></p><svg xmlns="http://www.w3.org/2000/svg"><circle r="1"></circle></svg></div>');
  assert.is(escapeText("<&>"), "&lt;&amp;&gt;");
});

test.run();
