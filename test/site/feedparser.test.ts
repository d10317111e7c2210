// An outside judge: Debian's python3-feedparser must read the built feed without a bozo flag, with the
// entries, dates and links the posts have.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { setup } from "../helpers/setup.ts";
import { makeCapsule, post, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

const PYTHON = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": bool(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
  "title": d.feed.get("title"), "link": d.feed.get("link"), "language": d.feed.get("language"),
  "entries": [{"title": e.get("title"), "link": e.get("link"), "id": e.get("id"),
    "published": e.get("published_parsed") and list(e.published_parsed)[:6],
    "tags": [t.term for t in e.get("tags", [])], "content": e.get("content", [{}])[0].get("value"),
    "summary": e.get("summary"), "enclosures": [x.get("href") for x in e.get("enclosures", [])]} for e in d.entries],
}))
`;

const Feedparser = suite<{ dir: string; parsed: any }>("feedparser"); // eslint-disable-line @typescript-eslint/no-explicit-any

setup(Feedparser, (ctx) => {
  ctx.dir = makeCapsule({
    "content/posts/2026-03-01-note.md": post("date: 2026-03-01T08:15:00Z\ntags: [clay]", "A note & an ampersand, with <em>html</em>."),
    "content/posts/2026-03-02-article/index.md": post("title: Firing notes\nsummary: Short summary.\nattachments: [log.csv]", "Long **body**.\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
    "content/posts/2026-03-02-article/log.csv": "hour,temp\n1,200\n",
  });
  const run = runCli(ctx.dir, ["build"]);
  assert.is(run.code, 0, run.stderr);
  const py = spawnSync("/usr/bin/python3", ["-c", PYTHON, join(ctx.dir, "_site/feed.xml")], { encoding: "utf8" });
  assert.is(py.status, 0, py.stderr);
  ctx.parsed = JSON.parse(py.stdout);
});
Feedparser.after((ctx) => removeCapsule(ctx.dir));

Feedparser("parses the feed as RSS 2.0 without bozo", ({ parsed }) => {
  assert.is(parsed.bozo, false, parsed.bozo_exception);
  assert.is(parsed.version, "rss20");
  assert.is(parsed.title, "Test Creator");
  assert.is(parsed.link, "https://tester.example/");
  assert.is(parsed.language, "en");
});

Feedparser("sees every entry with its link, id, date, tags and content", ({ parsed, dir }) => {
  const feed = readFileSync(join(dir, "_site/feed.xml"), "utf8");
  assert.is(parsed.entries.length, (feed.match(/<item>/g) ?? []).length);
  const [article, note] = parsed.entries;
  assert.is(article.title, "Firing notes");
  assert.is(article.link, "https://tester.example/posts/article/");
  assert.is(article.id, "https://tester.example/posts/article/");
  assert.equal(article.published, [2026, 3, 2, 0, 0, 0]);
  assert.is(article.summary, "Short summary.");
  assert.match(article.content, "<strong>body</strong>");
  assert.equal(article.enclosures, ["https://tester.example/posts/2026-03-02-article/log.csv"]);
  assert.equal(note.published, [2026, 3, 1, 8, 15, 0]);
  assert.equal(note.tags, ["clay"]);
  assert.match(note.content, "A note &amp; an ampersand, with <em>html</em>.");
});

Feedparser.run();
