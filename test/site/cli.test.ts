import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { makeCapsule, post, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

test("--help lists the commands; an unknown command is one line and a hint", () => {
  const dir = makeCapsule({});
  try {
    const help = runCli(dir, ["--help"]);
    assert.is(help.code, 0);
    for (const command of ["build", "dev", "new", "init", "follow", "unfollow"]) assert.match(help.stdout, `  ${command}`);
    const bad = runCli(dir, ["fly"]);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, "Invalid command: fly");
    assert.match(bad.stderr, "capsule --help");
  } finally {
    removeCapsule(dir);
  }
});

test("new note and new article write correctly named posts that build", () => {
  const dir = makeCapsule({});
  try {
    const note = runCli(dir, ["new", "note", "Glaze test came out blue, finally!"]);
    assert.is(note.code, 0, note.stderr);
    const article = runCli(dir, ["new", "article", "How I fire a wood kiln"]);
    assert.is(article.code, 0, article.stderr);
    assert.match(article.stdout, "as a draft");
    const again = runCli(dir, ["new", "note", "Glaze test came out blue, finally!"]);
    assert.is(again.code, 0);
    const files = readdirSync(join(dir, "content/posts")).sort();
    const day = new Date().toISOString().slice(0, 10);
    assert.equal(files, [`${day}-glaze-test-came-out-blue-finally-2.md`, `${day}-glaze-test-came-out-blue-finally.md`, `${day}-how-i-fire-a-wood-kiln.md`].sort());
    assert.match(readFileSync(join(dir, "content/posts", `${day}-how-i-fire-a-wood-kiln.md`), "utf8"), /^---\ntitle: How I fire a wood kiln\nsummary: ""\ndate: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\ntags: \[\]\ndraft: true\n---\n/);
    const build = runCli(dir, ["build"]);
    assert.is(build.code, 0, build.stderr);
    assert.ok(existsSync(join(dir, "_site/posts/glaze-test-came-out-blue-finally/index.html")));
    assert.not.ok(existsSync(join(dir, "_site/posts/how-i-fire-a-wood-kiln/index.html")), "new articles start as drafts");
    const wrong = runCli(dir, ["new", "poem", "x"]);
    assert.is(wrong.code, 1);
    assert.match(wrong.stderr, 'capsule: "poem" is not a kind of post.\nUse `capsule new note …` or `capsule new article …`.');
  } finally {
    removeCapsule(dir);
  }
});

test("follow and unfollow edit content/following.yaml", () => {
  const dir = makeCapsule({});
  try {
    assert.match(runCli(dir, ["follow", "https://a.example/feed.xml", "--name", "A"]).stdout, "Following https://a.example/feed.xml.");
    assert.match(runCli(dir, ["follow", "https://a.example/feed.xml"]).stdout, "Already following");
    assert.match(readFileSync(join(dir, "content/following.yaml"), "utf8"), "- url: https://a.example/feed.xml\n  name: A\n");
    assert.match(runCli(dir, ["unfollow", "https://a.example/feed.xml"]).stdout, "No longer following");
    const bad = runCli(dir, ["follow", "javascript:alert(1)"]);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, "is not an http or https address");
  } finally {
    removeCapsule(dir);
  }
});

test("init turns the sample into a fresh capsule, from flags or from prompts", () => {
  const dir = makeCapsule({
    "content/posts/2026-01-01-sample.md": post("title: Sample"),
    "content/following.yaml": "- url: https://sample.example/\n",
  });
  try {
    const run = runCli(dir, ["init", "--name", "Ada", "--url", "https://ada.example/", "--bio", "Hi", "--language", "fr", "--email", "ada@ada.example", "--handle", "ada"]);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, "1 sample posts removed");
    const posts = readdirSync(join(dir, "content/posts"));
    assert.is(posts.length, 1);
    assert.match(readFileSync(join(dir, "content/posts", posts[0]!), "utf8"), "new capsule of Ada");
    const profile = readFileSync(join(dir, "content/profile.yaml"), "utf8");
    assert.match(profile, "name: Ada\n");
    assert.match(profile, "  email: ada@ada.example\n");
    assert.not.match(readFileSync(join(dir, "content/following.yaml"), "utf8"), "sample.example");
    assert.is(runCli(dir, ["build"]).code, 0);
    assert.match(readFileSync(join(dir, "_site/index.html"), "utf8"), '<html lang="fr">');

    const asked = runCli(dir, ["init"], {}, "Bea\nhttps://bea.example/\n\nPotter\n\n\n");
    assert.is(asked.code, 0, asked.stderr);
    assert.match(asked.stdout, "Your name: ");
    const second = readFileSync(join(dir, "content/profile.yaml"), "utf8");
    assert.match(second, "name: Bea\nhandle: bea.example\nbio: Potter\n");
  } finally {
    removeCapsule(dir);
  }
});

test("init refuses a bad address without touching the sample", () => {
  const dir = makeCapsule({ "content/posts/2026-01-01-sample.md": post("title: Sample") });
  try {
    const run = runCli(dir, ["init", "--name", "Ada", "--url", "ada dot example", "--bio", "", "--language", "en", "--email", "", "--handle", "a"]);
    assert.is(run.code, 1);
    assert.match(run.stderr, 'url "ada dot example" is not a web address');
    assert.ok(existsSync(join(dir, "content/posts/2026-01-01-sample.md")));
    assert.match(readFileSync(join(dir, "content/profile.yaml"), "utf8"), "Test Creator");
  } finally {
    removeCapsule(dir);
  }
});

test.run();
