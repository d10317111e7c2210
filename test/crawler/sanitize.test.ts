import fc from "fast-check";
import { parseFragment, serialize } from "parse5";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sanitizeHtml, sanitizeText } from "../../crawler/sanitize.ts";
import { readXssPayloads } from "../helpers/conformance.ts";
import { findUnsafe } from "../helpers/html-safety.ts";

const BASE = "https://blog.example/posts/feed.xml";
const clean = (html: string) => sanitizeHtml(html, { baseUrl: BASE });

const payloads = readXssPayloads();

/** Re-serialises through parse5 so expectations do not depend on attribute quoting. */
function normalize(html: string): string {
  return serialize(parseFragment(html));
}

test("every DOMPurify payload comes out safe, judged by parse5", () => {
  assert.is(payloads.length, 223);
  const unsafe = payloads
    .map(({ title, payload }) => ({ title, problems: findUnsafe(clean(payload)) }))
    .filter(({ problems }) => problems.length > 0);
  assert.equal(unsafe, []);
});

test("the safety check itself finds the danger in the raw payloads", () => {
  // If findUnsafe found nothing in the unsanitised payloads, the test above would prove nothing.
  const flagged = payloads.filter(({ payload }) => findUnsafe(payload).length > 0).length;
  assert.ok(flagged > 150, `only ${flagged} raw payloads flagged`);
  assert.ok(findUnsafe('<a href=" jav&#x09;ascript:alert(1)">x</a>').length > 0);
  assert.ok(findUnsafe('<svg><script>alert(1)</script></svg>').length > 0);
  assert.ok(findUnsafe('<img srcset="data:image/png;base64,AA 1x">').length > 0);
  assert.equal(findUnsafe('<img src="data:image/png;base64,AA">'), []);
});

test("ordinary safe markup survives", () => {
  const html = [
    "<h2>Heading</h2><p>A <strong>bold</strong>, <em>emphatic</em> <code>x &lt; y</code> paragraph.</p>",
    "<ul><li>one</li><li>two</li></ul><ol start=\"3\"><li>three</li></ol>",
    "<blockquote cite=\"https://quote.example/\"><p>Quoted</p></blockquote>",
    "<pre><code>let a = 1;\nlet b = 2;</code></pre>",
    "<table><thead><tr><th scope=\"col\">H</th></tr></thead><tbody><tr><td colspan=\"2\">D</td></tr></tbody></table>",
    "<figure><img src=\"https://img.example/a.png\" alt=\"A\" width=\"10\" height=\"20\"><figcaption>Cap</figcaption></figure>",
    "<p><a href=\"https://other.example/page\" title=\"T\">link</a></p>",
  ].join("");
  const out = normalize(clean(html));
  for (const kept of [
    "<h2>Heading</h2>", "<strong>bold</strong>", "<em>emphatic</em>", "<code>x &lt; y</code>", "<li>two</li>",
    "<ol start=\"3\">", "<blockquote cite=\"https://quote.example/\">", "<pre><code>let a = 1;\nlet b = 2;</code></pre>",
    "<th scope=\"col\">H</th>", "<td colspan=\"2\">D</td>", "<figcaption>Cap</figcaption>", "alt=\"A\"",
  ]) {
    assert.ok(out.includes(kept), `lost ${kept} in ${out}`);
  }
  assert.ok(out.includes('<a href="https://other.example/page" title="T" rel="noopener noreferrer ugc">link</a>'), out);
  assert.ok(/<img src="https:\/\/img\.example\/a\.png"[^>]*loading="lazy"[^>]*referrerpolicy="no-referrer"/.test(out), out);
});

test("relative URLs are made absolute against the base", () => {
  const out = clean('<a href="../about/">a</a><img src="pic.png"><video src="/v.mp4" poster="p.jpg"></video><a href="//cdn.example/x">c</a>');
  assert.ok(out.includes('href="https://blog.example/about/"'), out);
  assert.ok(out.includes('src="https://blog.example/posts/pic.png"'), out);
  assert.ok(out.includes('src="https://blog.example/v.mp4"') && out.includes('poster="https://blog.example/posts/p.jpg"'), out);
  assert.ok(out.includes('href="https://cdn.example/x"'), out);
});

test("only http, https and mailto links survive; data: only for raster img src", () => {
  const out = clean([
    '<a href="javascript:alert(1)">j</a>', '<a href="JaVa&#x09;ScRiPt:alert(1)">t</a>', '<a href="vbscript:msgbox">v</a>',
    '<a href="data:text/html,<script>alert(1)</script>">d</a>', '<a href="mailto:me@example.com">m</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=">', '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<img src="x.png" srcset="data:image/png;base64,AA 1x, big.png 2x">', '<a href="ftp://files.example/">f</a>',
  ].join(""));
  assert.not.match(out, /javascript:|vbscript:|data:text|svg\+xml|ftp:/i);
  assert.ok(out.includes('href="mailto:me@example.com"'), out);
  assert.ok(out.includes('src="data:image/png;base64,iVBORw0KGgo="'), out);
  assert.ok(out.includes('srcset="https://blog.example/posts/big.png 2x"'), out);
  assert.equal(findUnsafe(out), []);
});

test("active content, styles, handlers and page-level elements are removed", () => {
  const out = clean([
    "<script>alert(1)</script><style>body{}</style><noscript><p>n</p></noscript>",
    '<iframe src="https://x.example/">inner</iframe><embed src="x.swf"><form action="/x"><input name="q"><button>Go</button></form>',
    '<svg onload="alert(1)"><script>alert(2)</script></svg><math><mi>x</mi></math>',
    '<p style="color:red" class="c" id="main" onclick="alert(3)" data-x="1">text</p>',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0"><link rel="stylesheet" href="x.css">',
    '<object data="x"><p>fallback</p></object><img src="https://t.example/p.gif" width="1" height="1">',
  ].join(""));
  assert.equal(findUnsafe(out), []);
  assert.not.match(out, /alert|body\{|inner|style=|class=|id=|data-x|onclick|t\.example|<svg|<math|<form|<input/);
  assert.ok(out.includes("<p>text</p>"), out);
  assert.ok(out.includes("<p>fallback</p>") && out.includes("Go"), out);
});

test("sanitizeText strips every tag and decodes entities", () => {
  assert.is(sanitizeText("<b>Tom</b> &amp; <i>Jerry</i>&nbsp;&lt;3"), "Tom & Jerry <3");
  assert.is(sanitizeText('<img src=x onerror="alert(1)">Name<script>alert(2)</script>'), "Name");
  assert.is(sanitizeText("  plain\n\ttext  "), "plain text");
  assert.is(sanitizeText("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
});

test("a document that ends inside a raw-text element leaves nothing behind for the next one", () => {
  // htmlparser2's reset() keeps the tokenizer inside <script> when the last document ended there.
  for (const unclosed of ["<script>alert(1)", "<style>x{", "<textarea><p>", "<title>t", "<svg><p>", "<a href='https://x.example/"]) {
    clean(unclosed);
    assert.is(clean("<p>a <em>b</em></p>"), "<p>a <em>b</em></p>", unclosed);
    assert.is(sanitizeText("<b>c</b>"), "c", unclosed);
  }
});

test("nesting deeper than 256 keeps the text and drops the extra tags", () => {
  const out = clean(`${"<div>".repeat(300)}deep${"</div>".repeat(300)}`);
  assert.is(out.match(/<div>/g)?.length, 256);
  assert.is(out.match(/<\/div>/g)?.length, 256);
  assert.ok(out.includes("deep"));
});

// Building blocks for random HTML: dangerous tags, attributes and URL tricks mixed with ordinary ones.
const tagName = fc.constantFrom("a", "img", "p", "div", "svg", "math", "script", "style", "iframe", "object", "form",
  "noscript", "template", "textarea", "title", "xmp", "table", "select", "option", "video", "source", "base", "meta",
  "details", "span", "mglyph", "malignmark", "foreignObject", "annotation-xml", "noembed", "plaintext", "frameset");
const attrName = fc.constantFrom("href", "src", "srcset", "onerror", "onload", "style", "xlink:href", "action",
  "formaction", "poster", "background", "data", "title", "alt", "id", "class", "is", "open", "lang");
const attrValue = fc.oneof(
  fc.constantFrom("javascript:alert(1)", " java\tscript:alert(1)", "vbscript:x", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,AAAA", "https://ok.example/", "x\" onerror=\"alert(1)", "</textarea><script>alert(1)</script>",
    "&#106;avascript:alert(1)", "//evil.example/x", "#frag", "expression(alert(1))"),
  fc.string({ maxLength: 12 }),
);
const attribute = fc.tuple(attrName, attrValue).map(([name, value]) => ` ${name}="${value.replace(/"/g, "&quot;")}"`);
const node: fc.Memo<string> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("<!--", "-->", "<![CDATA[", "]]>", "</", "<", ">", "&lt;"))
    : fc.tuple(tagName, fc.array(attribute, { maxLength: 3 }), fc.array(node(depth - 1), { maxLength: 3 }), fc.boolean())
        .map(([tag, attrs, children, close]) => `<${tag}${attrs.join("")}>${children.join("")}${close ? `</${tag}>` : ""}`),
);

test("property: random hostile HTML never comes out unsafe", () => {
  fc.assert(
    fc.property(fc.array(node(4), { maxLength: 4 }), (parts) => {
      const out = clean(parts.join(""));
      assert.equal(findUnsafe(out), [], out);
    }),
    { numRuns: 1000 },
  );
});

test("property: mutated DOMPurify payloads never come out unsafe", () => {
  const payload = fc.constantFrom(...payloads.map(({ payload }) => payload));
  const mutation = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("<", ">", "\"", "'", "/", "-->", "<svg>", "</p>")));
  fc.assert(
    fc.property(payload, fc.array(mutation, { minLength: 1, maxLength: 4 }), (original, mutations) => {
      let html = original;
      for (const [at, remove, insert] of mutations) {
        const index = at % (html.length + 1);
        html = html.slice(0, index) + insert + html.slice(index + remove);
      }
      assert.equal(findUnsafe(clean(html)), [], html);
    }),
    { numRuns: 1000 },
  );
});

test.run();
