import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { setup } from "../helpers/setup.ts";
import { makeCapsule, post, PROFILE, removeCapsule, runCli, runCliAsync } from "../helpers/temp-capsule.ts";

/** Capsules that must not build, each with one thing wrong. */
const CASES: Record<string, Record<string, string>> = {
  brokenYaml: { "content/posts/2026-01-01-a.md": "---\ntitle: A\ntags: [unclosed\n---\nBody\n" },
  misspelt: { "content/posts/2026-01-01-a.md": post("title: A\ntgas: [x]") },
  draftType: { "content/posts/2026-01-01-a.md": post("draft: \"yes\"") },
  tagsType: { "content/posts/2026-01-01-b.md": post("tags: {a: 1}") },
  noDate: { "content/posts/no-date.md": post("title: Undated") },
  badDate: { "content/posts/a.md": post("date: next tuesday") },
  duplicate: { "content/posts/2026-01-01-same.md": post("title: One"), "content/posts/2026-02-01-other.md": post("title: Two\nslug: same") },
  badBitcoin: { "content/profile.yaml": PROFILE.replace("kv8f3t4", "kv8f3t5") },
  badUrl: { "content/profile.yaml": PROFILE.replace("url: https://tester.example/", "url: tester.example") },
  unknownPayment: { "content/profile.yaml": `${PROFILE}  dogecoin: DAbc\n` },
  missingAvatar: { "content/profile.yaml": `${PROFILE}avatar: me.png\n` },
};
const errors: Record<string, string> = {};

// Builds take about a second each, mostly start-up: run them two at a time before the tests.
setup(test, async () => {
  const names = Object.keys(CASES);
  const worker = async () => {
    for (let name = names.shift(); name; name = names.shift()) {
      const dir = makeCapsule(CASES[name]!);
      try {
        const run = await runCliAsync(dir, ["build"]);
        errors[name] = run.code === 1 && !existsSync(join(dir, "_site")) && !readdirSync(dir).some((f) => f.startsWith("_site"))
          ? run.stderr
          : `UNEXPECTED exit ${run.code}, files ${readdirSync(dir).join(",")}\n${run.stdout}${run.stderr}`;
      } finally {
        removeCapsule(dir);
      }
    }
  };
  await Promise.all([worker(), worker()]);
});

function message(name: string): string {
  const err = errors[name]!;
  assert.not.match(err, "UNEXPECTED", err);
  assert.is(err.trim().split("\n").length, 2, `one message and one hint, got:\n${err}`);
  assert.not.match(err, /\n\s+at /, "no stack trace");
  return err;
}

test("broken front matter names the file and line", () => {
  assert.match(message("brokenYaml"), /^capsule: content\/posts\/2026-01-01-a\.md:[34]: the YAML cannot be read/);
});

test("a misspelt field is refused with a suggestion", () => {
  const err = message("misspelt");
  assert.match(err, "content/posts/2026-01-01-a.md:3: tgas is not a post field.");
  assert.match(err, "Did you mean `tags`?");
});

test("a field of the wrong type names the field and what it should be", () => {
  const err = message("draftType");
  assert.match(err, "content/posts/2026-01-01-a.md:2: draft must be true or false (found \"yes\").");
  assert.match(err, "draft is true keeps the post out of the published site.");
  assert.match(message("tagsType"), "content/posts/2026-01-01-b.md:2: tags must be a list of words");
});

test("a missing date that the file name cannot give is refused", () => {
  const err = message("noDate");
  assert.match(err, "content/posts/no-date.md: date is missing, and the file name does not start with one.");
  assert.match(err, "name the file 2026-11-03-name.md");
});

test("a date that is not a date is refused", () => {
  assert.match(message("badDate"), "content/posts/a.md:2: date is not a date (found \"next tuesday\")");
});

test("two posts with the same permalink are refused, naming both", () => {
  const err = message("duplicate");
  assert.match(err, /content\/posts\/2026-0[12]-01-\w+\.md: slug "same" is already used by content\/posts\/2026-0[12]-01-\w+\.md; both would be published at \/posts\/same\//);
  assert.match(err, "give one a different `slug:");
});

test("profile: a bad payment address, URL, payment type or avatar is refused with the line", () => {
  const bitcoin = message("badBitcoin");
  assert.match(bitcoin, /content\/profile\.yaml:10: support\.bitcoin "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5" is not a Bitcoin address/);
  assert.match(bitcoin, "wrong character");
  assert.match(message("badUrl"), /content\/profile\.yaml:4: url "tester\.example" is not a web address\./);
  const payment = message("unknownPayment");
  assert.match(payment, "support.dogecoin is not a known payment type.");
  assert.match(payment, "ethereum, bitcoin, lightning");
  assert.match(message("missingAvatar"), /profile\.yaml:\d+: avatar names me\.png, which is not in content\//);
});

test("a failed rebuild keeps the previous complete site", () => {
  const dir = makeCapsule({ "content/posts/2026-01-01-a.md": post("title: Good") });
  try {
    assert.is(runCli(dir, ["build"]).code, 0);
    const before = readFileSync(join(dir, "_site/index.html"), "utf8");
    writeFileSync(join(dir, "content/posts/2026-01-02-b.md"), post("draft: maybe"));
    const run = runCli(dir, ["build"]);
    assert.is(run.code, 1);
    assert.match(run.stderr, "2026-01-02-b.md:2: draft must be true or false");
    assert.is(readFileSync(join(dir, "_site/index.html"), "utf8"), before);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith("_site")), ["_site"]);
  } finally {
    removeCapsule(dir);
  }
});

test.run();
