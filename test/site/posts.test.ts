import { test } from "uvu";
import * as assert from "uvu/assert";
import { isPostPath, kindOf, parsePostDate, parsePostFrontMatter, slugFromPath } from "../../site/posts.ts";

test("slugs come from the file or folder name without the date", () => {
  assert.is(slugFromPath("./content/posts/2026-01-02-Kiln-Day.md"), "kiln-day");
  assert.is(slugFromPath("./content/posts/2026-01-02-kiln-day/index.md"), "kiln-day");
  assert.is(slugFromPath("./content/posts/2026-01-02.md"), "2026-01-02");
  assert.is(slugFromPath("./content/posts/undated.md"), "undated");
  assert.ok(isPostPath("./content/posts/a/index.md"));
  assert.not.ok(isPostPath("./content/about.md"));
});

test("dates: YAML dates, ISO text with or without time and zone; nonsense is undefined", () => {
  assert.is(parsePostDate("2026-01-02")!.toISOString(), "2026-01-02T00:00:00.000Z");
  assert.is(parsePostDate("2026-01-02 09:30")!.toISOString(), "2026-01-02T09:30:00.000Z");
  assert.is(parsePostDate("2026-01-02T09:30:15+02:00")!.toISOString(), "2026-01-02T07:30:15.000Z");
  assert.is(parsePostDate(new Date("2026-05-05T00:00:00Z"))!.getUTCMonth(), 4);
  assert.is(parsePostDate("2026-13-45"), undefined);
  assert.is(parsePostDate("yesterday"), undefined);
  assert.is(parsePostDate(20260102), undefined);
});

test("front matter: kinds are inferred and checked; tags normalised", () => {
  const note = parsePostFrontMatter("\ntags: pottery, kilns\n", "content/posts/2026-01-01-a.md");
  assert.equal(note.topics, ["pottery", "kilns"]);
  assert.is((note as { tags?: unknown }).tags, undefined, "no Eleventy tag collections");
  assert.is(kindOf(note), "note");
  assert.is(kindOf(parsePostFrontMatter("\ntitle: T\n", "content/posts/2026-01-01-a.md")), "article");
  assert.throws(() => parsePostFrontMatter("\nkind: note\ntitle: T\n", "content/posts/2026-01-01-a.md"), /title is set on a note/);
  assert.throws(() => parsePostFrontMatter("\nkind: article\n", "content/posts/2026-01-01-a.md"), /kind is article but there is no title/);
  assert.throws(() => parsePostFrontMatter("\nslug: Not OK\n", "content/posts/2026-01-01-a.md"), /slug may hold only lower-case letters/);
  assert.throws(() => parsePostFrontMatter("\nattachments: [missing.pdf]\n", "content/posts/2026-01-01-a.md"), /attachments names missing\.pdf, which is not beside the post/);
  assert.throws(() => parsePostFrontMatter("\n- a\n- b\n", "content/posts/2026-01-01-a.md"), /front matter must be `field: value` lines/);
});

test.run();
