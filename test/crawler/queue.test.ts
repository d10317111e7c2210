import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FetchQueue } from "../../crawler/queue.ts";

const test = suite("crawler/queue");
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tracker() {
  let running = 0;
  let peak = 0;
  const perHost = new Map<string, { running: number; peak: number }>();
  return {
    get peak() { return peak; },
    peakOf: (host: string) => perHost.get(host)?.peak ?? 0,
    task: (host: string) => async () => {
      const h = perHost.get(host) ?? { running: 0, peak: 0 };
      perHost.set(host, h);
      running++; h.running++;
      peak = Math.max(peak, running); h.peak = Math.max(h.peak, h.running);
      await tick(5);
      running--; h.running--;
      return host;
    },
  };
}

test("never runs more than the global and per-host limits", async () => {
  const queue = new FetchQueue({ concurrency: 4, perHost: 2 });
  const t = tracker();
  const hosts = ["a.test", "b.test", "c.test"];
  const runs = Array.from({ length: 30 }, (_, i) => {
    const host = hosts[i % 3]!;
    return queue.add(`feed-${i}`, `https://${host}/feed-${i}.xml`, t.task(host));
  });
  const results = await Promise.all(runs);
  assert.is(results.filter(Boolean).length, 30);
  assert.is(t.peak, 4);
  for (const host of hosts) assert.is(t.peakOf(host), 2, host);
  assert.is(queue.size, 0);
});

test("one slow host does not starve the others", async () => {
  const queue = new FetchQueue({ concurrency: 3, perHost: 1 });
  const finished: string[] = [];
  const slow = Array.from({ length: 5 }, (_, i) => queue.add(`slow-${i}`, "https://slow.test/", async () => {
    await tick(40);
    finished.push("slow");
  }));
  const fast = Array.from({ length: 5 }, (_, i) => queue.add(`fast-${i}`, `https://fast${i}.test/`, async () => {
    await tick(2);
    finished.push("fast");
  }));
  await Promise.all([...slow, ...fast]);
  assert.equal(finished.slice(0, 5), ["fast", "fast", "fast", "fast", "fast"]);
});

test("a feed already queued is not queued twice; errors reach the caller and free the slot", async () => {
  const queue = new FetchQueue({ concurrency: 1 });
  let calls = 0;
  const first = queue.add("same", "https://a.test/", async () => { calls++; await tick(5); return 1; });
  const second = await queue.add("same", "https://a.test/", async () => { calls++; return 2; });
  assert.is(second, undefined);
  assert.is(await first, 1);
  assert.is(calls, 1);
  let failed = false;
  await queue.add("bad", "https://a.test/", async () => { throw new Error("boom"); }).catch(() => { failed = true; });
  assert.ok(failed);
  assert.is(await queue.add("after", "https://a.test/", async () => "ok"), "ok");
  await queue.onIdle();
  assert.is(queue.size, 0);
});

test.run();
