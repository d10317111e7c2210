import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  checkArray, checkCapsulePath, checkDomain, checkEntryId, checkHash, checkHttpUrl, checkMediaType, checkNullable,
  checkObject, checkSequence, checkText, checkTimestamp, findProblem,
} from "../../../site/format/fields.ts";

const ok = (problem: string | undefined) => problem === undefined;

test("timestamps: UTC to the second, real calendar dates only", () => {
  for (const good of ["2025-01-31T12:00:00Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "0001-01-01T00:00:00Z"]) assert.ok(ok(checkTimestamp(good)), good);
  for (const bad of [
    "2025-01-31T12:00:00.000Z", "2025-01-31T12:00:00+00:00", "2025-01-31 12:00:00Z", "2025-1-31T12:00:00Z",
    "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
    "2025-01-01T24:00:00Z", "2025-01-01T00:60:00Z", "2025-01-01T00:00:60Z", "2025-01-31t12:00:00z", 1735689600, null,
  ]) assert.not.ok(ok(checkTimestamp(bad)), String(bad));
});

test("sequences are positive safe integers", () => {
  for (const good of [1, 2, 2 ** 53 - 1]) assert.ok(ok(checkSequence(good)));
  for (const bad of [0, -1, 1.5, 2 ** 53, "1", Number.NaN]) assert.not.ok(ok(checkSequence(bad)), String(bad));
});

test("hashes are 43 canonical base64url characters", () => {
  assert.ok(ok(checkHash("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0")));
  assert.not.ok(ok(checkHash("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa1")), "non-zero trailing bits");
  assert.not.ok(ok(checkHash("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0")), "base64, not base64url");
  assert.not.ok(ok(checkHash("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=")), "padded");
  assert.not.ok(ok(checkHash("abc")));
});

test("entry ids: URL-safe, start with a letter or digit, at most 128", () => {
  for (const good of ["a", "2025-01-02-hello", "01HZX3Q9T1", "post_1.v2~x", "x".repeat(128)]) assert.ok(ok(checkEntryId(good)), good);
  for (const bad of ["", ".", "..", "-a", "a/b", "a b", "é", "x".repeat(129), 7]) assert.not.ok(ok(checkEntryId(bad)), String(bad));
});

test("capsule paths: relative, percent-encoded, no dot segments, query, fragment or colon", () => {
  for (const good of ["media/cat.jpg", "a", "posts/x/body.md", "caf%C3%A9.png", ".well-known/x", "a/...b"]) assert.ok(ok(checkCapsulePath(good)), good);
  for (const bad of [
    "", "/media/cat.jpg", "../x", "a/../b", "a/./b", "a//b", "a/", "https://evil.example/x", "//evil.example/x",
    "javascript:alert(1)", "a b", "café.png", "caf%c3%a9.png", "a?b", "a#b", "a\\b", "%2", 5,
  ]) assert.not.ok(ok(checkCapsulePath(bad)), String(bad));
});

test("http URLs: absolute, normalised, no credentials or fragment", () => {
  for (const good of ["https://example.com/", "http://example.com/feed.xml", "https://xn--caf-dma.example/a?b=c"]) assert.ok(ok(checkHttpUrl(good)), good);
  for (const bad of [
    "https://example.com", "HTTPS://example.com/", "https://user:pw@example.com/", "https://example.com/#x", "ftp://example.com/",
    "/feed.xml", "javascript:alert(1)", "https://café.example/",
  ]) assert.not.ok(ok(checkHttpUrl(bad)), bad);
});

test("domains, media types and texts", () => {
  assert.ok(ok(checkDomain("example.com")) && ok(checkDomain("localhost")) && ok(checkDomain("xn--caf-dma.example")));
  for (const bad of ["Example.com", "example.com.", "example.com:8080", "-a.com", "a..b", "exa mple.com"]) assert.not.ok(ok(checkDomain(bad)), bad);
  assert.ok(ok(checkMediaType("image/png")) && ok(checkMediaType("application/vnd.api+json")));
  for (const bad of ["image", "Image/PNG", "text/plain; charset=utf-8"]) assert.not.ok(ok(checkMediaType(bad)), bad);
  assert.ok(ok(checkText(3)("abc")));
  assert.not.ok(ok(checkText(3)("abcd")));
  assert.not.ok(ok(checkText(3)("")));
  assert.ok(ok(checkText(3, true)("")));
});

test("combinators: nullable, arrays with uniqueness, nested objects", () => {
  assert.ok(ok(checkNullable(checkSequence)(null)));
  assert.match(checkNullable(checkSequence)(0) ?? "", /^null or/);
  const tags = checkArray(checkText(10), { max: 2, unique: true });
  assert.ok(ok(tags(["a", "b"])));
  assert.match(tags(["a", "a"]) ?? "", /without duplicates/);
  assert.match(tags(["a", "b", "c"]) ?? "", /at most 2/);
  assert.match(tags(["a", 1]) ?? "", /item 1/);
  const nested = checkObject({ n: { check: checkSequence } }, "thing");
  assert.ok(ok(nested({ n: 1 })));
  assert.match(nested({ n: 1, extra: true }) ?? "", /unknown field "extra"/);
});

test("findProblem names the field and what it got", () => {
  const fields = { a: { check: checkSequence }, b: { check: checkText(5), optional: true } };
  assert.is(findProblem({ a: 1 }, fields, "thing"), undefined);
  assert.match(findProblem({}, fields, "thing") ?? "", /thing lacks the field "a"/);
  assert.match(findProblem({ a: 0 }, fields, "thing") ?? "", /thing field "a" must be an integer .* got 0/);
  assert.match(findProblem({ a: 1, c: 2 }, fields, "thing") ?? "", /unknown field "c"/);
  assert.match(findProblem([], fields, "thing") ?? "", /must be a JSON object/);
});

test.run();
