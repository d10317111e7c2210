import { gunzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Resource, ResourceCache } from "../../crawler/serve-cache.ts";

const OPTIONS = { version: "1", lastModified: null, headers: { "content-type": "text/plain" }, cacheControl: "no-cache" };
const text = (size: number, seed = 1) => Buffer.from(Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * seed) % 7))).join(""));

test("a resource keeps identity and gzip forms with their own strong tags", () => {
  const body = text(4000);
  const resource = new Resource(body, OPTIONS);
  const identity = resource.select("identity");
  const gzip = resource.select("gzip");
  assert.ok(identity.body.equals(body));
  assert.ok(gunzipSync(gzip.body).equals(body));
  assert.is(gzip.headers["content-encoding"], "gzip");
  assert.is(gzip.headers["content-length"], String(gzip.body.length));
  assert.is(identity.headers["content-encoding"], undefined);
  assert.is(gzip.etag, identity.etag.replace(/"$/, '-gzip"'));
  assert.is(resource.select("br"), gzip, "gzip until brotli is ready");
  assert.equal(resource.tags, [identity.etag, gzip.etag, identity.etag.replace(/"$/, '-br"')]);
  assert.is(new Resource(Buffer.from(body), { ...OPTIONS, version: "2" }).tags[0], identity.etag, "the tag is the bytes' hash");
});

test("a body that does not shrink is served as is, whatever the coding asked", async () => {
  const resource = new Resource(Buffer.from("hi"), OPTIONS);
  assert.is(resource.select("gzip"), resource.select("identity"));
  assert.is(await resource.compressBrotli(), 0);
  assert.is(resource.select("br"), resource.select("identity"));
  assert.is(resource.size, 2);
});

test("Last-Modified is never later than now", () => {
  const future = new Resource(text(10), { ...OPTIONS, lastModified: new Date(Date.now() + 86_400_000) });
  assert.ok(future.lastModified!.getTime() <= Date.now());
  assert.ok(future.select("identity").headers["last-modified"]);
});

test("the cache evicts least recently used resources past its byte budget, never the newest", async () => {
  const cache = new ResourceCache(13_000);
  const make = (seed: number) => new Resource(text(4000, seed), OPTIONS);
  cache.set("a", make(1));
  cache.set("b", make(2));
  cache.set("c", make(3));
  assert.ok(cache.get("a"), "a is now the most recent");
  cache.set("d", make(4));
  await new Promise((resolve) => setTimeout(resolve, 200)); // brotli results are counted too
  assert.ok(cache.bytes <= 13_000, `${cache.bytes} bytes`);
  assert.is(cache.get("b"), undefined, "b was least recently used");
  assert.ok(cache.get("a") && cache.get("d"));
  const huge = new Resource(text(50_000, 5), OPTIONS);
  cache.set("huge", huge);
  assert.is(cache.count, 1);
  assert.is(cache.get("huge"), huge);
  cache.set("huge", make(6));
  assert.is(cache.bytes, cache.get("huge")!.size, "replacing a key does not double count");
});

test.run();
