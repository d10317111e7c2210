import { suite } from "uvu";
import * as assert from "uvu/assert";
import { askedSeconds, planNextInterval, planRetry } from "../../crawler/schedule.ts";

const test = suite("crawler/schedule");
const NOW = new Date("2026-06-01T12:00:00Z");
const LIMITS = { minInterval: 15 * 60, maxInterval: 86400, maxBackoff: 86400 };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86400_000).toISOString();

test("a feed that posts often is checked more often, within the bounds", () => {
  const busyFeed = Array.from({ length: 20 }, (_, i) => daysAgo(i / 3 + 0.1));
  const weekly = [daysAgo(1), daysAgo(8), daysAgo(15), daysAgo(22)];
  const hourly = Array.from({ length: 20 }, (_, i) => daysAgo(i / 24));
  const busy = planNextInterval(busyFeed, NOW, LIMITS);
  const quiet = planNextInterval(weekly, NOW, LIMITS);
  assert.ok(busy < quiet, `${busy} < ${quiet}`);
  assert.is(quiet, 86400, "once a week is slower than the maximum: capped");
  assert.ok(busy > 7 * 3600 && busy < 8 * 3600, `three posts a day → about every 8 h, got ${busy}`);
  assert.is(planNextInterval(hourly, NOW, LIMITS), 72 * 60, "20 posts within a day → every 72 min");
  const flood = Array.from({ length: 200 }, (_, i) => daysAgo(i / 2000));
  assert.is(planNextInterval(flood, NOW, LIMITS), 15 * 60, "never below the minimum");
  assert.is(planNextInterval([daysAgo(1 / 24)], NOW, LIMITS), 86400, "one fresh post is not a flood");
});

test("a silent feed waits the maximum; posts in the future do not count", () => {
  assert.is(planNextInterval([], NOW, LIMITS), 86400);
  assert.is(planNextInterval([daysAgo(90)], NOW, LIMITS), 86400);
  assert.is(planNextInterval([daysAgo(-400)], NOW, LIMITS), 86400);
});

test("ttl, Cache-Control and Expires make it wait longer, up to the maximum", () => {
  const daily = Array.from({ length: 20 }, (_, i) => daysAgo((i + 1) / 4));
  assert.is(planNextInterval(daily, NOW, LIMITS), 6 * 3600, "four posts a day → every 6 h");
  assert.is(planNextInterval(daily, NOW, LIMITS, { ttlMinutes: 12 * 60 }), 12 * 3600);
  assert.is(planNextInterval(daily, NOW, LIMITS, { cacheControl: "public, max-age=43200" }), 43200);
  assert.is(planNextInterval(daily, NOW, LIMITS, { expires: new Date(NOW.getTime() + 20 * 3600_000).toUTCString() }), 20 * 3600);
  assert.is(planNextInterval(daily, NOW, LIMITS, { cacheControl: "max-age=31536000" }), 86400, "a year is capped");
  assert.is(askedSeconds({ cacheControl: "no-cache, max-age=9999" }, NOW), 0);
  assert.is(askedSeconds({ cacheControl: "max-age=60", expires: new Date(NOW.getTime() + 3600_000).toUTCString() }, NOW), 60, "max-age wins over Expires");
});

test("failures back off exponentially to the cap and keep retrying", () => {
  const fixed = () => 0.5; // no jitter
  const waits = [1, 2, 3, 4, 10, 50].map((n) => planRetry(n, NOW, LIMITS, null, fixed));
  assert.equal(waits.slice(0, 4), [900, 1800, 3600, 7200]);
  assert.is(waits[4], 86400);
  assert.is(waits[5], 86400, "capped, still finite");
  const low = planRetry(1, NOW, LIMITS, null, () => 0);
  const high = planRetry(1, NOW, LIMITS, null, () => 0.999);
  assert.ok(low >= 810 && high <= 990 && low < high, "±10 % jitter");
});

test("Retry-After is honoured when in the future, clamped when absurd, ignored when past", () => {
  const fixed = () => 0.5;
  assert.is(planRetry(1, NOW, LIMITS, new Date(NOW.getTime() + 7200_000), fixed), 7200);
  assert.is(planRetry(1, NOW, LIMITS, new Date(NOW.getTime() + 10 * 365 * 86400_000), fixed), 86400);
  assert.is(planRetry(1, NOW, LIMITS, new Date(NOW.getTime() - 3600_000), fixed), 900);
});

test.run();
