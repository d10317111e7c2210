import { test } from "uvu";
import * as assert from "uvu/assert";
import { readXml, XmlSyntaxError, type XmlElement } from "../../../crawler/parse/xml.ts";
import { NS } from "../../../crawler/parse/xml-names.ts";

const URL = "https://feed.example/dir/feed.xml";
const strict = (text: string) => readXml(text, { lenient: false, url: URL });
const lenient = (text: string) => readXml(text, { lenient: true, url: URL });
const child = (element: XmlElement, index = 0) => element.children.filter((node) => typeof node !== "string")[index] as XmlElement;

test("namespaces are resolved, prefixes and defaults alike, and aliases canonicalised", () => {
  const { root } = strict('<rss xmlns:a="http://www.w3.org/2005/Atom" xmlns:it="http://www.itunes.com/DTDs/Podcast-1.0.dtd"><a:link href="x"/><it:block>yes</it:block><plain/></rss>');
  assert.is(root.ns, "");
  assert.is(child(root, 0).ns, NS.atom);
  assert.is(child(root, 0).local, "link");
  assert.is(child(root, 1).ns, NS.itunes, "itunes namespace in other spellings is the same namespace");
  assert.is(child(root, 2).ns, "");
});

test("text, CDATA and references are decoded once, attributes normalised", () => {
  const { root } = strict('<a t="x&#10;y\tz &amp; &lt;">1 &lt; 2 &amp;amp; <![CDATA[<b>&amp;</b>]]>&#x263A;</a>');
  assert.is(root.children.join(""), "1 < 2 &amp; <b>&amp;</b>☺");
  assert.is(root.attrs[0]?.value, "x\ny z & <", "character references survive normalisation, tabs do not");
});

test("xml:base and xml:lang are inherited and resolved on every element", () => {
  const { root } = strict('<feed xml:base="/a/" xml:lang="en"><e xml:base="b/" xml:lang=""><c xml:base="javascript:alert(1)"/></e><d xml:lang="de_AT"/></feed>');
  assert.is(root.base, "https://feed.example/a/");
  const e = child(root, 0);
  assert.is(e.base, "https://feed.example/a/b/");
  assert.is(e.lang, "", "an empty xml:lang resets the language");
  assert.is(child(e).base, "https://feed.example/a/b/", "a javascript: base is ignored");
  assert.is(child(root, 1).lang, "de-AT");
});

test("strict mode reports the first error with its line and column", () => {
  assert.throws(() => strict("<a>\n  <b></a>"), (error: unknown) => error instanceof XmlSyntaxError && /<b> is closed by an end tag that does not match it \(line 2/.test(error.message));
  assert.throws(() => strict("<a>AT&T</a>"), /bare `&` \(line 1, column 6\)/, "found at the end of the text, reported where it is");
  assert.throws(() => strict("<a>AT&T</a><!-- ; -->"), /bare `&`/);
  assert.throws(() => strict("<a>&#X41;</a>"), /a reference to a character XML does not allow/);
  assert.throws(() => strict("<a>&nbsp;</a>"), /undefined entity &nbsp;/);
  assert.throws(() => strict("<a>\u0000</a>"), /U\+0000/);
  assert.throws(() => strict("<a><b></b>"), /never closed/);
  assert.throws(() => strict("<a/><b/>"), /more than one root/);
  assert.throws(() => strict("<x:a/>"), /prefix of x:a is not declared/);
  assert.throws(() => strict("just text"), /text outside the root element/);
  assert.throws(() => lenient("just text"), /no root element/, "even lenient reading needs an element");
});

test("lenient mode recovers a usable tree and lists what it repaired", () => {
  // No bare `&` here: the pre-clean escapes those before any lenient read (see preclean.ts).
  const { root, repairs } = lenient('<rss><channel><title a=b c>T &nbsp;&unknown;</title><item><p>unclosed</item></channel></rss');
  assert.is(root.local, "rss");
  const channel = child(root);
  assert.is(child(channel).children.join(""), "T \u00a0&unknown;");
  assert.is(child(channel).attrs.map((attr) => `${attr.name}=${attr.value}`).join(" "), "a=b c=c");
  assert.is(child(child(channel, 1)).local, "p");
  assert.ok(repairs.length >= 4, repairs.join(" | "));
});

test("lenient mode: an end tag that matches nothing is dropped, not allowed to close the document", () => {
  const { root, repairs } = lenient("<rss><channel><item><description>a</p>b</description><title>T</title></item><item/></channel></rss>");
  const channel = child(root);
  assert.equal(channel.children.filter((node) => typeof node !== "string").map((node) => (node as XmlElement).local), ["item", "item"]);
  assert.is(child(child(channel)).children.join(""), "ab");
  assert.is(child(child(channel), 1).children.join(""), "T");
  assert.ok(repairs.includes("</p> matches no open element"), repairs.join(" | "));
});

test("lenient mode: an end tag in another case closes its element", () => {
  const { root } = lenient("<rss><channel><Title>T</title><link>L</link></channel></rss>");
  assert.equal(child(root).children.map((node) => (node as XmlElement).local), ["Title", "link"]);
});

test("a reference to a C1 control means the windows-1252 character, in text and attributes", () => {
  const { root } = strict('<a t="&#146;">it&#146;s &#x93;q&#x94;</a>');
  assert.is(root.children.join(""), "it\u2019s \u201cq\u201d");
  assert.is(root.attrs[0]?.value, "\u2019");
});

test("a document with endless distinct problems lists only the first few", () => {
  const { repairs } = lenient(`<r>${Array.from({ length: 5000 }, (_, index) => `<p${index}:e/>`).join("")}</r>`);
  assert.is(repairs.length, 11);
  assert.match(repairs[10] ?? "", /^and \d+ more problems of other kinds$/);
});

test("undeclared well-known prefixes get their usual namespace in lenient mode", () => {
  const { root } = lenient("<item><dc:creator>Ann</dc:creator><content:encoded>x</content:encoded></item>");
  assert.is(child(root, 0).ns, NS.dc);
  assert.is(child(root, 1).ns, NS.content);
});

test("declared internal entities expand; external ones are never loaded", () => {
  const { root } = strict('<!DOCTYPE r [<!ENTITY id "tag:x,"><!ENTITY both "&id;2006">]><r>&both;</r>');
  assert.is(root.children.join(""), "tag:x,2006");
  assert.throws(() => strict('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'), /external entity &x;/);
  const recovered = lenient('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>');
  assert.is(recovered.root.children.join(""), "&x;");
});

test("nesting deeper than the limit is dropped without recursion", () => {
  const depth = 50_000;
  const text = `<r>${"<d>".repeat(depth)}deep${"</d>".repeat(depth)}<after/></r>`;
  const { root, repairs } = readXml(text, { lenient: true, url: URL, maxDepth: 64 });
  let levels = 0;
  for (let node: XmlElement | undefined = root; node; node = child(node)) levels += 1;
  assert.is(levels, 64);
  assert.is(child(root, 1).local, "after", "elements after the deep part are still read");
  assert.ok(repairs.some((repair) => repair.includes("deeper than 64")));
});

test("a 20 MB text node and 100,000 elements are read in linear time", () => {
  const big = `<r><t>${"x".repeat(20_000_000)}</t>${"<i>1</i>".repeat(100_000)}</r>`;
  const started = performance.now();
  const { root } = strict(big);
  assert.ok(performance.now() - started < 5000, "too slow");
  assert.is((child(root).children[0] as string).length, 20_000_000);
  assert.is(root.children.length, 100_001);
});

test.run();
