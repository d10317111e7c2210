import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addFollow, readFollowList, removeFollow } from "../../site/follow-list.ts";
import { makeCapsule, removeCapsule } from "../helpers/temp-capsule.ts";

test("follow and unfollow edit the list and keep the creator's comments", () => {
  const dir = makeCapsule({ "content/following.yaml": "# my people\n- url: https://a.example/feed.xml # the potter\n  name: A\n" });
  const content = join(dir, "content");
  try {
    assert.ok(addFollow(content, "https://b.example/rss#top", "B"));
    assert.not.ok(addFollow(content, "https://b.example/rss"), "the same feed is not added twice");
    assert.equal(readFollowList(content), [
      { url: "https://a.example/feed.xml", name: "A" },
      { url: "https://b.example/rss", name: "B" },
    ]);
    const text = readFileSync(join(content, "following.yaml"), "utf8");
    assert.match(text, "# my people");
    assert.match(text, "# the potter");
    assert.ok(removeFollow(content, "https://a.example/feed.xml"));
    assert.not.ok(removeFollow(content, "https://a.example/feed.xml"));
    assert.equal(readFollowList(content).map((f) => f.url), ["https://b.example/rss"]);
  } finally {
    removeCapsule(dir);
  }
});

test("a missing or comment-only list is empty, and following creates it", () => {
  const dir = makeCapsule({});
  const content = join(dir, "content");
  try {
    assert.equal(readFollowList(content), []);
    writeFileSync(join(content, "following.yaml"), "# nobody yet\n");
    assert.equal(readFollowList(content), []);
    addFollow(content, "https://c.example/feed.json");
    assert.equal(readFollowList(content), [{ url: "https://c.example/feed.json", name: undefined }]);
    assert.match(readFileSync(join(content, "following.yaml"), "utf8"), /^# nobody yet\n+- url: https:\/\/c\.example\/feed\.json\n$/);
  } finally {
    removeCapsule(dir);
  }
});

test("bad entries are refused with the line", () => {
  const dir = makeCapsule({ "content/following.yaml": "- url: https://a.example/\n- url: ftp://b.example/\n" });
  try {
    assert.throws(() => readFollowList(join(dir, "content")), /following\.yaml:2: "ftp:\/\/b\.example\/" is not an http or https address/);
    writeFileSync(join(dir, "content/following.yaml"), "- url: https://a.example/\n- url: https://a.example/\n");
    assert.throws(() => readFollowList(join(dir, "content")), /listed twice/);
    assert.throws(() => addFollow(join(dir, "content"), "not a url"), /"not a url" is not a web address/);
  } finally {
    removeCapsule(dir);
  }
});

test.run();
