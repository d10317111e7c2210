import { test } from "uvu";
import * as assert from "uvu/assert";
import { escapeHtml, html, trusted } from "../../layouts/html.ts";
import { escapeXml } from "../../layouts/xml.ts";

test("interpolations are escaped unless marked safe", () => {
  const name = `<img src=x onerror="alert('1')">`;
  assert.is(html`<p title="${name}">${name}</p>`.value, `<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;</p>`);
  assert.is(html`<div>${trusted("<b>ok</b>")}</div>`.value, "<div><b>ok</b></div>");
  assert.is(html`${[html`<i>${"&"}</i>`, "<"]}${null}${undefined}${false}${0}`.value, "<i>&amp;</i>&lt;0");
  assert.is(escapeHtml(`"'&<>`), "&quot;&#39;&amp;&lt;&gt;");
});

test("XML escaping drops characters XML 1.0 forbids", () => {
  assert.is(escapeXml("a\u0000b\u0007c\td\ne\uFFFE<&>\"'"), "abc\td\ne&lt;&amp;&gt;&quot;&apos;");
});

test.run();
