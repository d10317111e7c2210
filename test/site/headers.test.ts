import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HEADER_RULES, renderHeadersFile } from "../../site/headers.ts";
import { REPO } from "../helpers/temp-capsule.ts";

test("netlify.toml sends exactly the headers of the shared table", () => {
  const toml = readFileSync(join(REPO, "netlify.toml"), "utf8");
  const blocks = toml.split("[[headers]]").slice(1).map((block) => ({
    path: block.match(/for = "([^"]+)"/)![1]!,
    headers: Object.fromEntries([...block.matchAll(/^\s+([A-Z][A-Za-z-]+) = "([^"]*)"$/gm)].map((m) => [m[1]!, m[2]!])),
  }));
  assert.equal(blocks, HEADER_RULES);
  assert.match(toml, /command = "npm run build"/);
  assert.match(toml, /publish = "_site"/);
});

test("_headers puts every rule under the site's path prefix", () => {
  const file = renderHeadersFile("/repo/");
  assert.match(file, "/repo/feed.xml\n  Content-Type: application/xml; charset=utf-8\n  Cache-Control: public, max-age=300\n");
  assert.match(file, "/repo/.well-known/capsule.json\n");
  assert.is(file.match(/^\/repo\//gm)!.length, HEADER_RULES.length);
});

test.run();
