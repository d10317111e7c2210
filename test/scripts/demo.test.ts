import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { planFollowing } from "../../scripts/demo-capsules.ts";
import { parseDemoArgs } from "../../scripts/demo.ts";
import { REPO } from "../helpers/temp-capsule.ts";

const test = suite("scripts/demo");
const DEMO = join(REPO, "scripts/demo.ts");

/** A running `npm run demo`, its output as it comes, and its exit. */
function startDemo(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", DEMO, ...args], { cwd: REPO, stdio: ["pipe", "pipe", "pipe"] });
  const run = { child, stdout: "", stderr: "", exit: undefined as Promise<number | null> | undefined };
  child.stdout.setEncoding("utf8").on("data", (text: string) => (run.stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (run.stderr += text));
  const timer = setTimeout(() => child.kill("SIGKILL"), 80_000);
  run.exit = new Promise((resolve) => child.on("close", (code) => {
    clearTimeout(timer);
    resolve(code);
  }));
  return run;
}

async function waitFor(read: () => string, text: string, ms = 70_000): Promise<void> {
  const until = Date.now() + ms;
  while (!read().includes(text)) {
    if (Date.now() > until) throw new Error(`timed out waiting for "${text}" in:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const portsIn = (output: string) => [...new Set([...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)\//g)].map((m) => Number(m[1])))];
const rootIn = (output: string) => /in (\/\S*capsule-demo-[A-Za-z0-9]+)/.exec(output)?.[1];

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Processes still running inside the demo's folder (its builds run with cwd there): none may outlive it. */
function processesIn(root: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(root)) found.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

test("the follow plan: nobody follows themselves, each follows 2-3, everyone is followed by at least 2", () => {
  for (const count of [3, 4, 5]) {
    const plan = planFollowing(count);
    const followers = new Array<number>(count).fill(0);
    plan.forEach((targets, i) => {
      assert.ok(!targets.includes(i), `capsule ${i} follows itself`);
      assert.ok(targets.length >= 2 && targets.length <= 3);
      assert.is(new Set(targets).size, targets.length);
      for (const t of targets) followers[t]!++;
    });
    assert.ok(followers.every((n) => n >= 2), `followers per capsule: ${followers}`);
  }
});

test("options: defaults, and a bad number is refused with what was expected", () => {
  assert.equal(parseDemoArgs([]), { auto: false, capsules: 5, keep: false, pause: 60 });
  assert.equal(parseDemoArgs(["--auto", "--capsules", "3", "--keep"]), { auto: true, capsules: 3, keep: true, pause: 60 });
  assert.throws(() => parseDemoArgs(["--capsules", "9"]), /--capsules: expected a whole number from 3 to 5, got 9/);
  assert.throws(() => parseDemoArgs(["--nope"]));
});

test("--auto runs both acts, forms the mesh, shows the fallback and the move, and leaves nothing running", async () => {
  const run = startDemo(["--auto", "--capsules", "3", "--keep"]);
  const code = await run.exit;
  const root = rootIn(run.stdout);
  try {
    assert.is(code, 0, run.stderr || run.stdout);
    assert.ok(root && existsSync(root), "--keep keeps the folder");
    // The mesh formed: each capsule's mirror folder holds every creator it follows, by their key.
    const names = ["potter", "baker", "cyclist"]; // the first three sample creators, in order
    assert.equal(readdirSync(root!).sort(), [...names].sort());
    for (const [i, targets] of planFollowing(3).entries()) {
      const follower = names[i]!;
      for (const t of targets) {
        const identity = JSON.parse(readFileSync(join(root!, names[t]!, ".capsule/identity.json"), "utf8")) as { root: string };
        const id = identity.root.replace("did:key:", "");
        assert.ok(existsSync(join(root!, follower, ".capsule/mirror", id, "index.html")), `${follower} mirrors ${names[t]}`);
        // The cyclist's origin went down in act two, so only the others' sites were rebuilt; all had published it in act one.
        assert.ok(existsSync(join(root!, follower, "_site/mirror", id, "index.html")), `${follower}'s site publishes the mirror of ${names[t]}`);
      }
    }
    assert.match(run.stdout, /Open these/);
    assert.match(run.stdout, /Tomás Rivera's origin http:\/\/127\.0\.0\.1:\d+\/ answers: ECONNREFUSED/);
    assert.match(run.stdout, /\/mirror\/z6Mk\w+\/ {2}on Mira Okafor's site \(200, 4 entries kept\)/);
    assert.match(run.stdout, /Mira Okafor's crawler (?:follows the move: http:\/\/127\.0\.0\.1:\d+\/feed\.xml|has not followed the move yet)/);
    assert.match(run.stdout, /What `capsule status` says/);
    assert.match(run.stdout, /Stopped every server and crawler/);
    const ports = portsIn(run.stdout);
    assert.ok(ports.length >= 7, `ports found: ${ports}`);
    for (const port of ports) assert.not.ok(await isListening(port), `port ${port} still listening`);
    assert.equal(processesIn(root!), []);
  } finally {
    if (root) rmSync(root, { recursive: true, force: true });
  }
});

test("interactive: the printed URLs answer while it runs; Ctrl-C stops everything, removes the folder, exits 0", async () => {
  const run = startDemo(["--capsules", "3", "--pause", "600"]);
  let root: string | undefined;
  try {
    await waitFor(() => run.stdout, "Press Enter");
    root = rootIn(run.stdout)!;
    const urls = [...run.stdout.matchAll(/^ {4}(?:home|mirror|mirrors|crawler|discover) +(http:\/\/127\.0\.0\.1:\d+\/\S*)/gm)].map((m) => m[1]!);
    assert.ok(urls.length >= 12, `${urls.length} URLs printed:\n${run.stdout}`);
    for (const url of urls) assert.is((await fetch(url)).status, 200, url);
    assert.ok(existsSync(root));
    run.child.kill("SIGINT");
    assert.is(await run.exit, 0, run.stderr);
    assert.match(run.stdout, /Stopped every server and crawler, and removed the demo's folders\./);
    assert.not.ok(existsSync(root), "the folder is removed");
    for (const port of portsIn(run.stdout)) assert.not.ok(await isListening(port), `port ${port} still listening`);
    assert.equal(processesIn(root), []);
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill("SIGINT"); // a failed check must not leave the demo running
      await run.exit;
    }
    if (root) rmSync(root, { recursive: true, force: true });
  }
});

test.run();
