/**
 * Issue 6, "Crash safety": a child process crawls many feeds from a loopback server and is killed with
 * SIGKILL at random moments, again and again (a random delay, or right after a random number of
 * committed refreshes). After each kill the store is reopened here: it must open cleanly, hold every entry
 * the child acknowledged before it died, and every feed's entry count must match its entries (a refresh is
 * written whole or not at all). The seed is printed on failure; CRASH_SEED=<n> replays a run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openStore, SCHEMA_VERSION } from "../../../crawler/store.ts";
import { startHttpServer, type TestHttpServer } from "../../helpers/http-server.ts";
import { setup } from "../../helpers/setup.ts";
import { REPO } from "../../helpers/temp-capsule.ts";

const KILLS = 20;
const FEEDS = 40;
const CHILD = join(REPO, "test/crawler/hostile/crash-child.ts");
const SEED = Number(process.env["CRASH_SEED"] ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Child {
  process: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  exited: Promise<void>;
  /** Acknowledged [feed id, keys] in the order they were printed. */
  acks: [string, string[]][];
  errors: string[];
  /** Resolves when `acks` reaches a length. */
  waitForAcks(count: number): Promise<void>;
}

function startChild(dataDir: string, origin: string): Child {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dataDir, origin, String(FEEDS)], { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
  const acks: [string, string[]][] = [];
  const errors: string[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  let markReady!: () => void;
  let fail!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  ready.catch(() => undefined); // children still warming up when the test ends are killed unawaited
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line === "READY") return markReady();
    const [kind, feedId, ...keys] = line.split(" ");
    if (kind === "ACK") acks.push([feedId!, keys]);
    else if (kind === "ERR") errors.push(line);
    for (const waiter of waiters.filter((w) => acks.length >= w.count)) waiter.resolve();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", (code, signal) => {
    fail(new Error(`the child exited (${code ?? signal}) before it was ready: ${stderr}`));
    resolve();
  }));
  return {
    process: child, ready, exited, acks, errors,
    waitForAcks: (count) => new Promise<void>((resolve) => {
      if (acks.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
  };
}

interface Context {
  server: TestHttpServer;
  dataDir: string;
  children: Child[];
}

const test = suite<Context>("crash safety: SIGKILL while crawling");

setup(test, async (ctx) => {
  ctx.children = [];
  ctx.dataDir = mkdtempSync(join(tmpdir(), "capsule-crash-"));
  ctx.server = await startHttpServer();
  // Each fetch of a feed finds one entry more than the last: every refresh has something to commit.
  for (let n = 0; n < FEEDS; n++) {
    let served = 0;
    ctx.server.route(`/feed/${n}.xml`, (_request, response) => {
      served++;
      const items = Array.from({ length: Math.min(10, served) }, (_, i) => served - i)
        .map((seq) => `<item><guid>f${n}-e${seq}</guid><title>Entry ${seq} of feed ${n}</title><description>&lt;p&gt;Body ${seq}&lt;/p&gt;</description></item>`);
      response.writeHead(200, { "content-type": "application/rss+xml" }).end(`<rss version="2.0"><channel><title>Feed ${n}</title>${items.join("")}</channel></rss>`);
    });
  }
});

test.after(async (ctx) => {
  for (const child of ctx.children ?? []) child.process.kill("SIGKILL");
  await Promise.all((ctx.children ?? []).map((child) => child.exited));
  await ctx.server?.close();
  if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true });
});

test(`${KILLS} kills at random moments lose no acknowledged entry and leave a store that opens cleanly`, async (ctx) => {
  const random = createRandom(SEED);
  const acknowledged = new Map<string, Set<string>>();
  const moments: string[] = [];
  const spawnNext = () => {
    const child = startChild(ctx.dataDir, ctx.server.origin);
    ctx.children.push(child);
    return child;
  };
  // Two children load their modules while one runs: loading costs more than a run.
  const warm = [spawnNext(), spawnNext()];
  for (let kill = 0; kill < KILLS; kill++) {
    const child = warm.shift()!;
    if (kill + warm.length < KILLS - 1) warm.push(spawnNext());
    await child.ready;
    child.process.stdin.write("go\n");
    // A random delay (the kill may land while the store opens, mid-fetch or mid-commit), or right after a random
    // number of acknowledged refreshes (the moment just after a commit).
    if (random() < 0.5) {
      const delay = Math.floor(random() * 300);
      moments.push(`${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    } else {
      const count = 1 + Math.floor(random() * 60);
      moments.push(`after ${count} acks`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([child.waitForAcks(count), child.exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
    }
    child.process.kill("SIGKILL");
    await child.exited;
    assert.is(child.process.signalCode, "SIGKILL", `kill ${kill} (seed ${SEED}): the child had already exited`);
    assert.equal(child.errors, [], `kill ${kill} (seed ${SEED})`);
    for (const [feedId, keys] of child.acks) {
      const known = acknowledged.get(feedId) ?? new Set<string>();
      for (const key of keys) known.add(key);
      acknowledged.set(feedId, known);
    }

    const store = openStore(ctx.dataDir);
    try {
      assert.is(store.schemaVersion, SCHEMA_VERSION);
      const missing: string[] = [];
      for (const [feedId, keys] of acknowledged) for (const key of keys) if (!store.getEntry(feedId, key)) missing.push(`${feedId} ${key}`);
      assert.equal(missing, [], `kill ${kill} (${moments.at(-1)}, seed ${SEED}): acknowledged entries lost`);
      for (const feed of store.listFeeds()) {
        assert.is(store.listEntries(feed.id).length, feed.entryCount, `kill ${kill} (seed ${SEED}): ${feed.id} entry count`);
      }
    } finally {
      await store.close();
    }
  }
  const total = [...acknowledged.values()].reduce((sum, keys) => sum + keys.size, 0);
  // Not vacuous: the children committed a lot between the kills.
  assert.ok(total > FEEDS * 5, `only ${total} acknowledged entries (seed ${SEED}, moments ${moments.join(", ")})`);
});

test.run();
