import { test } from "uvu";
import * as assert from "uvu/assert";
import { isNotModifiedSince, matchIfNoneMatch, readPath, selectEncoding } from "../../crawler/serve-request.ts";

test("selectEncoding prefers br, then gzip, and honours q-values", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "identity"],
    ["", "identity"],
    ["gzip, deflate, br, zstd", "br"], // Chromium
    ["gzip, deflate", "gzip"], // curl --compressed, Node's fetch
    ["deflate", "identity"],
    ["br;q=0.5, gzip", "gzip"],
    ["gzip;q=0.2, br;q=0.1", "gzip"],
    ["gzip;q=0", "identity"],
    ["gzip;q=0.8", "gzip"], // identity unlisted: acceptable, but not preferred
    ["gzip;q=0.5, identity", "identity"], // listed higher: the client would rather have it plain
    ["*", "br"],
    ["*;q=0.5, br;q=0", "gzip"],
    ["identity;q=0, *;q=0", "identity"], // nothing acceptable: sent plain rather than a 406
    [" GZIP ; Q = 0.9 ", "gzip"],
    ["x-gzip", "gzip"],
    ["gzip;q=abc", "identity"], // an unreadable q counts as 0
    ["gzip;level=1;q=1", "gzip"],
  ];
  for (const [header, expected] of cases) assert.is(selectEncoding(header), expected, String(header));
});

test("selectEncoding survives many distinct headers (its memo is bounded)", () => {
  for (let i = 0; i < 2000; i++) assert.is(selectEncoding(`gzip;q=0.${(i % 9) + 1}, x${i}`), "gzip");
});

test("matchIfNoneMatch compares weakly and parses lists of quoted tags", () => {
  const tags = ['"abc"', '"abc-gzip"', '"abc-br"'];
  assert.is(matchIfNoneMatch('"abc"', tags), '"abc"');
  assert.is(matchIfNoneMatch('W/"abc-gzip"', tags), '"abc-gzip"');
  assert.is(matchIfNoneMatch('"x", "y" ,W/"abc"', tags), '"abc"');
  assert.is(matchIfNoneMatch('"a,b", "abc-br"', tags), '"abc-br"');
  assert.is(matchIfNoneMatch("*", tags), "*");
  assert.is(matchIfNoneMatch('"ab"', tags), undefined);
  assert.is(matchIfNoneMatch("abc", tags), undefined, "unquoted is malformed");
  assert.is(matchIfNoneMatch('"abc', tags), undefined);
  assert.is(matchIfNoneMatch("", tags), undefined);
  assert.is(matchIfNoneMatch('w/"abc"', tags), undefined, "the weak prefix is case-sensitive");
});

test("isNotModifiedSince compares whole seconds and ignores bad dates", () => {
  const modified = new Date("2024-03-01T12:00:00.750Z");
  assert.ok(isNotModifiedSince("Fri, 01 Mar 2024 12:00:00 GMT", modified), "sub-second part ignored");
  assert.ok(isNotModifiedSince("Sat, 02 Mar 2024 00:00:00 GMT", modified));
  assert.not.ok(isNotModifiedSince("Fri, 01 Mar 2024 11:59:59 GMT", modified));
  assert.not.ok(isNotModifiedSince("yesterday", modified));
  assert.not.ok(isNotModifiedSince("Fri, 01 Mar 2024 12:00:00 GMT", null));
});

test("readPath keeps ordinary paths, decodes escapes and refuses traversal", () => {
  const good: [string, string][] = [
    ["/", "/"],
    ["/mirror/z6Mk/feed.xml", "/mirror/z6Mk/feed.xml"],
    ["/mirror/z6Mk/feed.xml?x=1#y", "/mirror/z6Mk/feed.xml"],
    ["/mirror/%7A6Mk/feed.xml", "/mirror/z6Mk/feed.xml"],
    ["/.well-known/x", "/.well-known/x"],
    ["/a/..b/c.", "/a/..b/c."],
    ["http://127.0.0.1:8686/status.json", "/status.json"],
    ["HTTP://host", "/"],
  ];
  for (const [raw, expected] of good) assert.is(readPath(raw), expected, raw);
  const bad = [
    "/..", "/a/../b", "/./a", "/a/.", "/%2e%2E/x", "/a%2fb", "/a%5Cb", "/a\\b", "/a%00b", "/%E0%A4%A", "/%zz",
    "*", "", "mirror/x", "ftp://host/x",
  ];
  for (const raw of bad) assert.is(readPath(raw), undefined, raw);
});

test.run();
