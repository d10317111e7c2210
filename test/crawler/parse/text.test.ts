import { test } from "uvu";
import * as assert from "uvu/assert";
import { looksLikeHtml, readAtomText, readRssText } from "../../../crawler/parse/text.ts";
import { readXml, type XmlElement } from "../../../crawler/parse/xml.ts";

const URL = "https://t.example/";
const element = (text: string): XmlElement => readXml(text, { lenient: false, url: URL }).root;
const context = { language: "fr" };

test("Atom types: text, html, xhtml, XML media types, base64 and out-of-line content", () => {
  const atom = (inner: string) => readAtomText(element(`<c xmlns="http://www.w3.org/2005/Atom" ${inner}</c>`), context);
  assert.equal(atom('type="text">a &lt;b&gt;'), { value: "a <b>", type: "text", base: URL, language: "fr" });
  assert.equal(atom('type="html">a &lt;b&gt;')?.type, "html");
  assert.is(atom('type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><i>x</i></div>')?.value, "<i>x</i>");
  assert.is(atom('type="image/svg+xml"><svg xmlns="http://www.w3.org/2000/svg"/>')?.value, '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  assert.equal(atom('type="application/octet-stream">SGVsbG8gPGI+d29ybGQ8L2I+')?.value, "Hello <b>world</b>");
  assert.is(atom('type="image/png">iVBORw0KGgoAAAANSUhEUgAA'), null, "binary base64 is not text");
  assert.is(atom('src="/movie.mp4" type="video/mp4">'), null);
  assert.is(atom('type="text">   '), null);
});

test("Atom 0.3 modes", () => {
  const atom03 = (inner: string) => readAtomText(element(`<c xmlns="http://purl.org/atom/ns#" ${inner}</c>`), context);
  assert.equal([atom03('mode="escaped" type="text/html">&lt;b&gt;x&lt;/b&gt;')?.value, atom03('mode="escaped" type="text/html">x')?.type], ["<b>x</b>", "html"]);
  assert.is(atom03('mode="base64">SGk=')?.value, "Hi");
  assert.is(atom03('type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">d</div>')?.value, "<div>d</div>", "0.3 keeps the div");
  assert.is(atom03(">plain")?.type, "text");
});

test("RSS text: descriptions are HTML, titles only when they look like it, naked markup and XHTML bodies", () => {
  assert.is(readRssText(element("<title>Fish &amp; Chips</title>"), "title", context)?.type, "text");
  assert.is(readRssText(element("<title>&lt;i&gt;Fish&lt;/i&gt;</title>"), "title", context)?.type, "html");
  assert.is(readRssText(element("<description>plain</description>"), "html", context)?.type, "html");
  assert.is(readRssText(element("<description><p>naked</p></description>"), "html", context)?.value, "<p>naked</p>");
  assert.is(readRssText(element('<item><body xmlns="http://www.w3.org/1999/xhtml"><p>b</p></body></item>'), "html", context)?.value, "<p>b</p>");
  assert.is(readRssText(element("<title> </title>"), "title", context), null);
  assert.is(readRssText(undefined, "title", context), null);
});

test("xml:lang in scope beats the feed language; an empty xml:lang clears it", () => {
  assert.is(readRssText(element('<title xml:lang="de">x</title>'), "title", context)?.language, "de");
  assert.is(readRssText(element('<title xml:lang="">x</title>'), "title", context)?.language, null);
});

test("looksLikeHtml: closing tags, void tags and entity references, but not bare brackets", () => {
  for (const html of ["a <b>b</b>", "line<br>", "x &amp; y", "&#8217;", '<img src="x">']) assert.ok(looksLikeHtml(html), html);
  for (const text of ["1 < 2", "AT&T", "x > y", "<3", "a & b;"]) assert.not.ok(looksLikeHtml(text), text);
});

test.run();
