/**
 * A Retry-After far in the future (10 years) must not silence a feed for that long: the wait is capped at
 * maxBackoff, and the stored `retryAfter` that `selectFeeds` honours is the capped time, not the server's.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Authenticator } from "../../../crawler/authenticate.ts";
import { selectFeeds } from "../../../crawler/crawl.ts";
import { createFetchAgent, type FetchAgent } from "../../../crawler/fetch.ts";
import { refreshFeed } from "../../../crawler/refresh.ts";
import { setup } from "../../helpers/setup.ts";
import { openTempStore } from "../../helpers/temp-store.ts";

const test = suite<{ server: Server; origin: string; agent: FetchAgent }>("hostile: a Retry-After far away");
const LIMITS = { minInterval: 900, maxInterval: 86_400, maxBackoff: 86_400 };

setup(test, async (ctx) => {
  ctx.server = createServer((_request, response) => void response.writeHead(429, { "retry-after": String(10 * 365 * 86_400) }).end("slow down"));
  await new Promise<void>((resolve) => ctx.server.listen(0, "127.0.0.1", resolve));
  ctx.origin = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
  ctx.agent = createFetchAgent();
});

test.after(async (ctx) => {
  ctx.agent?.close();
  await new Promise((resolve) => ctx.server?.close(resolve));
});

test("holds the feed back no longer than maxBackoff", async ({ origin, agent }) => {
  const temp = openTempStore();
  try {
    const now = new Date();
    const feed = await temp.store.addFeed(`${origin}/feed.xml`, now);
    const result = await refreshFeed(feed.id, {
      store: temp.store, authenticator: new Authenticator(), limits: LIMITS, now: () => now,
      fetch: { userAgent: "Capsule/test", allowPrivateAddresses: true, agent },
    });
    assert.is(result.error?.code, "http-status");
    const later = new Date(now.getTime() + (LIMITS.maxBackoff + 60) * 1000);
    assert.ok(Date.parse(temp.store.getFeed(feed.id)!.schedule.nextDue) <= later.getTime(), "nextDue is clamped");
    const due = selectFeeds(temp.store, { dueBy: later, now: later });
    assert.equal(due.map((f) => f.id), [feed.id], `retryAfter stored as ${temp.store.getFeed(feed.id)!.schedule.retryAfter}`);
  } finally {
    await temp.dispose();
  }
});

test.run();
