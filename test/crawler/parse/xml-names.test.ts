import { test } from "uvu";
import * as assert from "uvu/assert";
import { NS, canonicalNamespace, resolveBase, resolveUrl } from "../../../crawler/parse/xml-names.ts";

test("namespace aliases map to one canonical URI", () => {
  assert.is(canonicalNamespace("http://backend.userland.com/rss2"), NS.rss);
  assert.is(canonicalNamespace("http://www.itunes.com/DTDs/Podcast-1.0.dtd"), NS.itunes);
  assert.is(canonicalNamespace("http://search.yahoo.com/mrss"), NS.media);
  assert.is(canonicalNamespace("urn:unknown"), "urn:unknown");
});

test("xml:base resolves against the base in scope and refuses non-http results", () => {
  assert.is(resolveBase("sub/", "https://a.example/x/"), "https://a.example/x/sub/");
  assert.is(resolveBase("javascript:alert(1)", "https://a.example/x/"), "https://a.example/x/");
  assert.is(resolveBase("http://[bad", "https://a.example/x/"), "https://a.example/x/");
});

test("resolveUrl resolves relative references and keeps absolute ones as written", () => {
  assert.is(resolveUrl("../p.html", "https://a.example/x/y/"), "https://a.example/x/p.html");
  assert.is(resolveUrl("//cdn.example/i.png", "https://a.example/"), "https://cdn.example/i.png");
  assert.is(resolveUrl("  http://Item.TEST/Path  ", "https://a.example/"), "http://Item.TEST/Path");
  assert.is(resolveUrl("mailto:me@example.com", "https://a.example/"), "mailto:me@example.com");
  assert.is(resolveUrl("", "https://a.example/"), null);
  assert.is(resolveUrl(null, "https://a.example/"), null);
  assert.is(resolveUrl("relative", "not a url"), null);
});

test("resolveUrl never returns script, data or file URLs", () => {
  for (const value of ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "vbscript:x", "data:text/html,x", "file:///etc/passwd", "ftp://x.example/"]) {
    assert.is(resolveUrl(value, "https://a.example/"), null, value);
  }
});

test.run();
