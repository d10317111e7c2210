// `capsule crawl` and `capsule daemon` run under a heap ceiling (crawler/heap-limit.ts): the real CLI starts
// itself once more with --max-old-space-size, passes signals on, and the inner process never outlives it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hasHeapCeiling, heapFlag } from "../../crawler/heap-limit.ts";
import { setup } from "../helpers/setup.ts";
import { CLI, makeCapsule, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

const test = suite("crawler/heap-limit");
let dir = "";

setup(test, () => {
  dir = makeCapsule({ "content/following.yaml": "[]\n" });
});
test.after(() => removeCapsule(dir));

interface Status {
  daemon: { pid: number; memory: { heapLimitMb: number; heapUsedMb: number; rssMb: number } };
}

/** Starts `capsule daemon` on a free port; resolves once it says where it serves. */
async function startDaemon(env: Record<string, string> = {}): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, "daemon", "--port", "0"], { cwd: dir, env: { ...process.env, CAPSULE_URL: "", ...env } });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in 30 s:\n${output}`)), 30_000);
    const look = () => {
      const match = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", look);
    child.once("exit", (code) => reject(new Error(`daemon exited (${code}) before serving:\n${output}`)));
  });
  return { child, url, output: () => output };
}

// Running, and not a zombie waiting for whoever adopted it to reap it.
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return true;
  return check();
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });

test("the flag is whole megabytes; a ceiling set by hand, on the command line or in NODE_OPTIONS, is recognised", () => {
  assert.is(heapFlag(160 * 2 ** 20), "--max-old-space-size=160");
  assert.is(heapFlag(1.5 * 2 ** 30), "--max-old-space-size=1536");
  assert.ok(hasHeapCeiling(["--max-old-space-size=300"], {}));
  assert.ok(hasHeapCeiling([], { NODE_OPTIONS: "--enable-source-maps --max_old_space_size=300" }));
  assert.not.ok(hasHeapCeiling(["--max-semi-space-size=16"], { NODE_OPTIONS: "--import tsx" }));
  assert.not.ok(hasHeapCeiling([], {}));
});

test("the daemon runs under CAPSULE_HEAP_LIMIT in a second process, which stops with the first on SIGTERM", async () => {
  const daemon = await startDaemon({ CAPSULE_HEAP_LIMIT: "96MB" });
  try {
    const status = await (await fetch(`${daemon.url}status.json`)).json() as Status;
    // V8's limit is the old generation plus the young one (tens of MB); unbounded it is gigabytes.
    assert.ok(status.daemon.memory.heapLimitMb >= 96 && status.daemon.memory.heapLimitMb < 200, `heap limit ${status.daemon.memory.heapLimitMb} MB`);
    assert.is.not(status.daemon.pid, daemon.child.pid, "served by the process started with the ceiling");
    daemon.child.kill("SIGTERM");
    const end = await exited(daemon.child);
    assert.equal(end, { code: 0, signal: null }, daemon.output());
    assert.match(daemon.output(), /Stopping: finishing running fetches/);
    assert.ok(await until(() => !alive(status.daemon.pid), 5_000), "the inner daemon stopped");
  } finally {
    daemon.child.kill("SIGKILL");
  }
});

test("a ceiling already given to Node is kept, with no second process", async () => {
  const daemon = await startDaemon({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=300`.trim() });
  try {
    const status = await (await fetch(`${daemon.url}status.json`)).json() as Status;
    assert.is(status.daemon.pid, daemon.child.pid);
    assert.ok(status.daemon.memory.heapLimitMb >= 300 && status.daemon.memory.heapLimitMb < 400, `heap limit ${status.daemon.memory.heapLimitMb} MB`);
  } finally {
    daemon.child.kill("SIGTERM");
    await exited(daemon.child);
  }
});

test("killed outright (SIGKILL), the outer process leaves nothing running: the inner one stops by itself", async () => {
  const daemon = await startDaemon();
  const status = await (await fetch(`${daemon.url}status.json`)).json() as Status;
  assert.ok(status.daemon.memory.heapLimitMb < 400, `default ceiling in place: ${status.daemon.memory.heapLimitMb} MB`);
  assert.ok(alive(status.daemon.pid));
  daemon.child.kill("SIGKILL");
  await exited(daemon.child);
  assert.ok(await until(() => !alive(status.daemon.pid), 10_000), "the inner daemon noticed and stopped");
});

test("a bad CAPSULE_HEAP_LIMIT stops start-up with one clear line, before any second process", () => {
  const result = runCli(dir, ["crawl"], { CAPSULE_HEAP_LIMIT: "12MB" });
  assert.is(result.code, 1);
  assert.match(result.stderr, /CAPSULE_HEAP_LIMIT="12MB" is not at least 64MB/);
});

test("capsule crawl under the ceiling passes its exit code and output through", () => {
  const result = runCli(dir, ["crawl"]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Crawled 0 feeds/);
});

test.run();
