import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadProfile } from "../../site/profile.ts";
import { makeCapsule, PROFILE, removeCapsule } from "../helpers/temp-capsule.ts";

function load(yaml: string, url?: string) {
  const dir = makeCapsule({ "content/profile.yaml": yaml });
  try {
    return loadProfile(`${dir}/content`, url);
  } finally {
    removeCapsule(dir);
  }
}

test("reads every field with links built for contact and support", () => {
  const p = load(`${PROFILE.replace("contact:\n", "contact:\n  matrix: \"@t:matrix.org\"\n  fediverse: \"@t@social.example\"\n")}links:\n  - name: Code\n    url: https://code.example/t\nfeed:\n  limit: 5\n`);
  assert.is(p.name, "Test Creator");
  assert.is(p.url, "https://tester.example/");
  assert.is(p.pathPrefix, "/");
  assert.is(p.feedLimit, 5);
  assert.equal(p.links, [{ name: "Code", url: "https://code.example/t" }]);
  assert.equal(p.contact.map((c) => c.uri), ["https://matrix.to/#/@t:matrix.org", "https://social.example/@t", "mailto:tester@tester.example"]);
  assert.equal(p.support.map((s) => s.label), ["Ethereum", "Bitcoin", "Lightning", "Liberapay"]);
});

test("a project-page URL gives the path prefix; CAPSULE_URL overrides the URL", () => {
  assert.is(load(PROFILE.replace("https://tester.example/", "https://t.github.io/capsule")).pathPrefix, "/capsule/");
  const local = load(PROFILE, "http://127.0.0.1:9999/");
  assert.is(local.url, "http://127.0.0.1:9999/");
});

test("handle defaults to the domain; language to en", () => {
  const p = load("name: N\nurl: https://n.example/\n");
  assert.is(p.handle, "n.example");
  assert.is(p.language, "en");
  assert.equal(p.support, []);
});

test("bad values are refused naming the line, field and fix", () => {
  assert.throws(() => load(`${PROFILE}colour: blue\n`), /profile\.yaml:\d+: colour is not a profile field\./);
  assert.throws(() => load(PROFILE.replace("tester@tester.example", "not-an-email")), /contact\.email "not-an-email" is not an email address/);
  assert.throws(() => load("url: https://x.example/\n"), /name is missing/);
  assert.throws(() => load(`${PROFILE}feed:\n  limit: 0\n`), /feed\.limit must be a whole number/);
  assert.throws(() => load("name: [unclosed\n"), /profile\.yaml:\d+: the YAML cannot be read/);
});

test.run();
