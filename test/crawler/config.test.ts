import { suite } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig, OPTIONS, parseDuration, parseSize, toFlag } from "../../crawler/config.ts";
import { ConfigError } from "../../crawler/errors.ts";

const test = suite("crawler/config");

test("defaults: every option has one, and they load and check", () => {
  const config = loadConfig({}, {}, "/srv/me");
  assert.is(config.dataDir, "/srv/me/.capsule/crawler");
  assert.is(config.mirrorDir, "/srv/me/.capsule/mirror");
  assert.is(config.concurrency, 32);
  assert.is(config.timeout, 30);
  assert.is(config.maxBodyBytes, 10 * 1024 * 1024);
  assert.is(config.allowPrivateAddresses, false);
  assert.is(config.host, "127.0.0.1");
  assert.is(config.minInterval, 900);
  for (const [name, spec] of Object.entries(OPTIONS)) assert.match(spec.env, /^CAPSULE_[A-Z_]+$/, name);
});

test("flags win over the environment, which wins over defaults", () => {
  const env = { CAPSULE_CONCURRENCY: "8", CAPSULE_TIMEOUT: "2m", CAPSULE_ALLOW_PRIVATE_ADDRESSES: "yes" };
  const config = loadConfig({ concurrency: "4" }, env, "/");
  assert.is(config.concurrency, 4);
  assert.is(config.timeout, 120);
  assert.is(config.allowPrivateAddresses, true);
});

test("a bad value stops with one line naming where it came from, the value and what was expected", () => {
  const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
    [{}, { CAPSULE_CONCURRENCY: "lots" }, /^config: CAPSULE_CONCURRENCY="lots" is not a whole number$/],
    [{}, { CAPSULE_CONCURRENCY: "0" }, /CAPSULE_CONCURRENCY="0" is not at least 1/],
    [{ timeout: "soon" }, {}, /^config: --timeout="soon" is not a duration/],
    [{}, { CAPSULE_MAX_BODY: "huge" }, /is not a size such as 512KB or 10MB/],
    [{}, { CAPSULE_ALLOW_PRIVATE_ADDRESSES: "maybe" }, /is not true or false/],
    [{}, { CAPSULE_URL: "ftp://me.example/" }, /is not an http\(s\) URL/],
    [{}, { CAPSULE_PORT: "70000" }, /is not at most 65535/],
    [{}, { CAPSULE_SCHEDULE: "often" }, /is not a cron expression/],
    [{}, { CAPSULE_MIN_INTERVAL: "2d", CAPSULE_MAX_INTERVAL: "1d" }, /minInterval \(172800s\) is longer than maxInterval/],
  ];
  for (const [flags, env, expected] of cases) {
    try {
      loadConfig(flags, env, "/");
      assert.unreachable(`accepted ${JSON.stringify({ flags, env })}`);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.match((error as Error).message, expected);
      assert.not.match((error as Error).message, "\n");
      assert.ok((error as ConfigError).hint, "says what the option is for");
    }
  }
});

test("durations and sizes in the spellings people write", () => {
  assert.is(parseDuration("90"), 90);
  assert.is(parseDuration("15m"), 900);
  assert.is(parseDuration("1.5h"), 5400);
  assert.is(parseDuration("1d"), 86400);
  assert.is(parseDuration("1w"), undefined);
  assert.is(parseSize("512KB"), 524288);
  assert.is(parseSize("10mb"), 10485760);
  assert.is(parseSize("1G"), 1073741824);
  assert.is(parseSize("-1"), undefined);
  assert.is(toFlag("maxBodyBytes"), "max-body-bytes");
});

test.run();
