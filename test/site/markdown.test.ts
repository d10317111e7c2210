import { test } from "uvu";
import * as assert from "uvu/assert";
import { createMarkdown } from "../../site/markdown.ts";

const md = createMarkdown();
const env = () => ({ siteUrl: "https://s.example/blog/", assetBase: "https://s.example/blog/posts/2026-01-01-a/" });

test("relative images and links resolve against the post's folder, root links against the site", () => {
  const out = md.render("![x](pic.png) [p](/posts/b/) [q](../other.txt) [r](#frag) [s](https://else.example/) [m](mailto:a@b.example)", env());
  assert.match(out, 'src="https://s.example/blog/posts/2026-01-01-a/pic.png"');
  assert.match(out, 'href="https://s.example/blog/posts/b/"');
  assert.match(out, 'href="https://s.example/blog/posts/other.txt"');
  assert.match(out, 'href="#frag"');
  assert.match(out, 'href="https://else.example/"');
  assert.match(out, 'href="mailto:a@b.example"');
});

test("URLs inside the creator's raw HTML resolve too", () => {
  const out = md.render('<figure><img src="pic.png" alt="x"><figcaption><a href="/tags/x/">x</a></figcaption></figure>\n\nText <audio src=\'clip.ogg\'></audio>', env());
  assert.match(out, '<img src="https://s.example/blog/posts/2026-01-01-a/pic.png" alt="x">');
  assert.match(out, '<a href="https://s.example/blog/tags/x/">');
  assert.match(out, "<audio src='https://s.example/blog/posts/2026-01-01-a/clip.ogg'>");
});

test("typography and autolinks", () => {
  const out = md.render('"Quotes" -- and https://auto.example/ link', env());
  assert.match(out, "“Quotes” – and");
  assert.match(out, '<a href="https://auto.example/">');
});

test.run();
