import { test } from "uvu";
import * as assert from "uvu/assert";
import { precleanXml } from "../../../crawler/parse/preclean.ts";

test("control characters and NUL are removed", () => {
  const { text, repairs } = precleanXml("<a>x\u0000y\u0001z\u001f\t\n</a>");
  assert.is(text, "<a>xyz\t\n</a>");
  assert.equal(repairs, ["removed 3 control characters XML does not allow"]);
});

test("bare ampersands are escaped; valid references are kept", () => {
  const { text } = precleanXml('<a href="?a=1&b=2">AT&T &amp; &#38; &#x26; &lt;&gt;&quot;&apos; & x</a>');
  assert.is(text, '<a href="?a=1&amp;b=2">AT&amp;T &amp; &#38; &#x26; &lt;&gt;&quot;&apos; &amp; x</a>');
});

test("HTML named entities become numeric references, unknown names become text", () => {
  const { text, repairs } = precleanXml("<a>&nbsp;&eacute;&NotEqualTilde;&madeup;</a>");
  assert.is(text, "<a>&#160;&#233;&#8770;&#824;&amp;madeup;</a>");
  assert.ok(repairs.includes("replaced 3 HTML entities XML does not define"), repairs.join());
  assert.ok(repairs.includes("kept 1 unknown entity as text"), repairs.join());
});

test("a `<` that starts no tag is escaped; tags, end tags, declarations and CDATA keep theirs", () => {
  const { text, repairs } = precleanXml("<a>1 < 2 <3 <<b/></a><?pi?><!-- < --><![CDATA[ < ]]>");
  assert.is(text, "<a>1 &lt; 2 &lt;3 &lt;<b/></a><?pi?><!-- < --><![CDATA[ < ]]>");
  assert.ok(repairs.includes("escaped 3 `<` that start no tag"), repairs.join());
});

test("hexadecimal references written `&#X` get XML's lower-case x", () => {
  const { text, repairs } = precleanXml("<a>&#X41;&#x42;</a>");
  assert.is(text, "<a>&#x41;&#x42;</a>");
  assert.ok(repairs.includes("lower-cased the x of 1 `&#X` reference"), repairs.join());
});

test("references to characters XML forbids are removed", () => {
  assert.is(precleanXml("<a>&#0;&#x1;ok&#65;</a>").text, "<a>ok&#65;</a>");
});

test("CDATA sections and comments are left exactly as written", () => {
  const input = "<a><![CDATA[ & &nbsp; <b> ]]> & <!-- & &nbsp; --></a>";
  assert.is(precleanXml(input).text, "<a><![CDATA[ & &nbsp; <b> ]]> &amp; <!-- & &nbsp; --></a>");
  assert.is(precleanXml("<a><![CDATA[ & never closed").text, "<a><![CDATA[ & never closed");
});

test("entities the DOCTYPE declares are left to the reader", () => {
  const input = '<!DOCTYPE rss [<!ENTITY id "tag:x,"><!ENTITY nbsp "&#160;">]><rss>&id;&nbsp;&other;</rss>';
  assert.is(precleanXml(input).text, '<!DOCTYPE rss [<!ENTITY id "tag:x,"><!ENTITY nbsp "&#160;">]><rss>&id;&nbsp;&amp;other;</rss>');
});

test("a clean document comes back unchanged with no repairs", () => {
  const input = '<?xml version="1.0"?><rss><channel><title>A &amp; B</title></channel></rss>';
  assert.equal(precleanXml(input), { text: input, repairs: [] });
});

test("large inputs are cleaned in linear time", () => {
  const input = `<a>${"x & y &nbsp; ".repeat(200_000)}</a>`;
  const started = performance.now();
  const { text } = precleanXml(input);
  assert.ok(performance.now() - started < 3000, "too slow");
  assert.ok(text.startsWith("<a>x &amp; y &#160; x &amp;"));
});

test.run();
