import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { setup } from "../helpers/setup.ts";
import { makeCapsule, post, PROFILE, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082", "hex");

const Build = suite<{ dir: string; out: string; feed: string; run: ReturnType<typeof runCli> }>("build");

setup(Build, (ctx) => {
  ctx.dir = makeCapsule({
    "content/profile.yaml": `${PROFILE}avatar: avatar.png\n`,
    "content/avatar.png": PNG,
    "content/following.yaml": "# who I follow\n- url: https://alice.example/feed.xml\n  name: Alice & Co\n- url: https://bob.example/\n",
    "content/posts/2026-01-02-first-note.md": post("tags: [Pottery, kilns]", "A *first* note with a [relative link](/posts/long-read/)."),
    "content/posts/2026-01-05-long-read/index.md": post(
      "title: A long read\nsummary: What this article is about.\ntags: [pottery]\nupdated: 2026-02-01\nimage: cover.png\nimageAlt: A bowl\nattachments:\n  - file: recipe.txt\n    title: The recipe",
      "## Heading\n\n![photo](cover.png)\n\nBody with <b>html</b> and {{ braces }}.",
    ),
    "content/posts/2026-01-05-long-read/cover.png": PNG,
    "content/posts/2026-01-05-long-read/recipe.txt": "clay 60, feldspar 40\n",
    "content/posts/2026-01-09-secret.md": post("title: Not yet\ndraft: true", "Draft text"),
    "content/posts/note-with-slug.md": post("date: 2026-01-07T10:30:00Z\nslug: custom-address", "Control\u0007char and <script>alert(1)</script> in a note."),
  });
  ctx.run = runCli(ctx.dir, ["build"]);
  ctx.out = join(ctx.dir, "_site");
  ctx.feed = existsSync(join(ctx.out, "feed.xml")) ? readFileSync(join(ctx.out, "feed.xml"), "utf8") : "";
});
Build.after((ctx) => removeCapsule(ctx.dir));

Build("the build succeeds and says what it wrote", ({ run }) => {
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Built \d+ files into _site\//);
});

Build("posts get stable permalinks from their file name or slug", ({ out }) => {
  assert.ok(existsSync(join(out, "posts/first-note/index.html")));
  assert.ok(existsSync(join(out, "posts/long-read/index.html")));
  assert.ok(existsSync(join(out, "posts/custom-address/index.html")));
  assert.ok(existsSync(join(out, "posts/2026-01-05-long-read/cover.png")), "images beside a post are copied");
  assert.ok(existsSync(join(out, "posts/2026-01-05-long-read/recipe.txt")), "attachments are copied");
});

Build("drafts stay out of a production build", ({ out, feed }) => {
  assert.not.ok(existsSync(join(out, "posts/secret/index.html")));
  assert.not.match(feed, "Not yet");
  assert.not.match(readFileSync(join(out, "index.html"), "utf8"), "Not yet");
});

Build("the feed is RSS 2.0 with the stylesheet, self link and capsule namespace", ({ feed }) => {
  assert.match(feed, /^<\?xml version="1.0" encoding="utf-8"\?>\n<\?xml-stylesheet type="text\/xsl" href="\/feed.xsl"\?>/);
  assert.match(feed, /<rss version="2.0"[^>]*xmlns:capsule="urn:capsule:1"/);
  assert.match(feed, /<atom:link href="https:\/\/tester.example\/feed.xml" rel="self" type="application\/rss\+xml"\/>/);
  assert.match(feed, /<capsule:following href="https:\/\/tester.example\/following.opml"\/>/);
  assert.match(feed, /<capsule:payment type="Bitcoin" href="bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4">/);
  assert.match(feed, /<image><url>https:\/\/tester.example\/avatar.png<\/url>/);
  // The fallback script sits inside an extension element, where the W3C validator does not look.
  assert.match(feed, /<capsule:browser><script xmlns="http:\/\/www.w3.org\/1999\/xhtml" src="\/feed-fallback.js" defer="defer"><\/script><\/capsule:browser>/);
});

Build("feed items: newest first, full content, absolute URLs, RFC 822 dates, stable GUIDs", ({ feed }) => {
  const items = feed.split("<item>").slice(1);
  assert.is(items.length, 3);
  assert.match(items[0]!, "<guid isPermaLink=\"true\">https://tester.example/posts/custom-address/</guid>");
  assert.match(items[0]!, "<pubDate>Wed, 07 Jan 2026 10:30:00 +0000</pubDate>");
  assert.not.match(items[0]!, "\u0007", "characters XML forbids are dropped");
  assert.match(items[1]!, "<title>A long read</title>");
  assert.match(items[1]!, "<description>What this article is about.</description>");
  assert.match(items[1]!, /<content:encoded>.*&lt;h2&gt;Heading&lt;\/h2&gt;/s);
  assert.match(items[1]!, "src=&quot;https://tester.example/posts/2026-01-05-long-read/cover.png&quot;");
  assert.match(items[1]!, "{{ braces }}", "posts are not run as templates");
  assert.match(items[1]!, /<enclosure url="https:\/\/tester.example\/posts\/2026-01-05-long-read\/recipe.txt" length="21" type="text\/plain"\/>/);
  assert.match(items[2]!, "href=&quot;https://tester.example/posts/long-read/&quot;", "root-relative links become absolute");
  assert.match(items[2]!, "<category>Pottery</category>");
  assert.not.match(items[2]!, "<title>", "notes have no title");
});

Build("pages: home timeline, post page, tags, following, OPML, JSON Feed", ({ out }) => {
  const home = readFileSync(join(out, "index.html"), "utf8");
  assert.match(home, '<link rel="alternate" type="application/rss+xml"');
  assert.match(home, '<link rel="blogroll" type="text/xml"');
  assert.match(home, 'href="bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"');
  assert.match(home, 'href="https://liberapay.com/tester/donate"');
  assert.match(home, "Writes tests &amp; posts.");
  const article = readFileSync(join(out, "posts/long-read/index.html"), "utf8");
  assert.match(article, '<meta property="og:image" content="https://tester.example/posts/2026-01-05-long-read/cover.png">');
  assert.match(article, "<h1 class=\"p-name\">A long read</h1>");
  assert.match(article, "updated <time datetime=\"2026-02-01T00:00:00.000Z\">");
  assert.match(article, ">The recipe</a>");
  const tag = readFileSync(join(out, "tags/pottery/index.html"), "utf8");
  assert.match(tag, "A long read");
  assert.match(tag, "first");
  assert.not.ok(existsSync(join(out, "tags/Pottery")), "tags differing in case share one page");
  const following = readFileSync(join(out, "following/index.html"), "utf8");
  assert.match(following, "Alice &amp; Co");
  const opml = readFileSync(join(out, "following.opml"), "utf8");
  assert.match(opml, /<opml version="2.0">/);
  assert.match(opml, '<outline type="rss" text="Alice &amp; Co" title="Alice &amp; Co" xmlUrl="https://alice.example/feed.xml"/>');
  const json = JSON.parse(readFileSync(join(out, "feed.json"), "utf8"));
  assert.is(json.version, "https://jsonfeed.org/version/1.1");
  assert.is(json.items.length, 3);
  assert.is(json.items[1].attachments[0].size_in_bytes, 21);
});

Build("hosting files: _headers, .nojekyll, 404", ({ out }) => {
  const headers = readFileSync(join(out, "_headers"), "utf8");
  assert.match(headers, "/feed.xml\n  Content-Type: application/xml; charset=utf-8");
  assert.ok(existsSync(join(out, ".nojekyll")));
  assert.ok(existsSync(join(out, "404.html")));
  assert.ok(existsSync(join(out, "feed.xsl")) && existsSync(join(out, "xslt-processor.js")) && existsSync(join(out, "style.css")));
});

Build("no staging folder is left behind", ({ dir }) => {
  assert.equal(readdirSync(dir).filter((f) => f.startsWith("_site")), ["_site"]);
});

Build.run();
