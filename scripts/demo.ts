/**
 * `npm run demo`: a mesh of sample capsules on this machine, no network needed. Each has its own keys, site
 * and crawler, and follows some of the others; the demo prints what to open (homes, mirror pages, crawler
 * status), then, on Enter or after a pause, takes one origin down and moves another capsule, crawls again
 * and shows the followers' mirrors and status. Ctrl-C stops every server and crawler and removes the folders.
 *
 *   npm run demo                            # interactive: act two on Enter (or after --pause seconds)
 *   npm run demo -- --auto                  # straight through, then stop (scripts, tests)
 *   npm run demo -- --capsules 3 --keep     # fewer capsules; keep the folders for a look afterwards
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { runActOne, runActTwo, type Write } from "./demo-acts.ts";
import { DemoStoppedError } from "./demo-children.ts";
import { DemoMesh } from "./demo-mesh.ts";
import { collectMeshUrls, formatMeshUrls } from "./demo-urls.ts";

/** The demo's command-line options. */
export interface DemoArgs {
  /** Run both acts straight through, then stop. @default false */
  readonly auto: boolean;
  /** Capsules in the mesh, 3 to 5. @default 5 */
  readonly capsules: number;
  /** Keep the temp folders when stopping. @default false */
  readonly keep: boolean;
  /** Seconds to wait before act two when not `auto` (Enter starts it sooner). @default 60 */
  readonly pause: number;
}

const USAGE = "Usage: npm run demo -- [--auto] [--capsules 3-5] [--keep] [--pause SECONDS]";

/** Reads the demo's options; a bad one is a TypeError saying what was expected. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { auto: { type: "boolean" }, capsules: { type: "string" }, keep: { type: "boolean" }, pause: { type: "string" } },
    strict: true,
  });
  const number = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new TypeError(`--${name}: expected a whole number from ${min} to ${max}, got ${raw}`);
    return value;
  };
  return {
    auto: values.auto ?? false,
    capsules: number("capsules", values.capsules, 5, 3, 5),
    keep: values.keep ?? false,
    pause: number("pause", values.pause, 60, 0, 86_400),
  };
}

async function main(): Promise<void> {
  let silent = false;
  const write: Write = (line) => silent || console.log(line);
  let args: DemoArgs;
  try {
    args = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}\n${USAGE}`);
    process.exit(1);
  }
  // A wake-up where nothing happened says so in one line per crawler: left out, the rest is what to watch.
  const quiet = /\] \d+ due feeds: 0 new entries, \d+ unchanged, 0 errors; 0 mirrors regenerated$/;
  const mesh = new DemoMesh({ capsules: args.capsules, log: (line) => quiet.test(line) || write(`      ${line}`) });
  let stopping = false;
  const stop = async (code: number, reason?: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (reason) write(reason);
    await mesh.close({ keep: args.keep });
    write(args.keep
      ? `Stopped every server and crawler; the capsules are kept in ${mesh.root}.`
      : "Stopped every server and crawler, and removed the demo's folders.");
    process.exit(code);
  };
  const interrupt = () => {
    if (!stopping) return void stop(0, "\nStopping the demo…");
    console.error(`demo: stopped before cleaning up; remove ${mesh.root} by hand.`); // a second Ctrl-C during cleanup
    process.exit(130);
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  process.on("SIGHUP", interrupt);
  // Whoever read the output went away (`npm run demo | head`, a closed terminal): stop as quietly as Ctrl-C.
  process.stdout.on("error", () => {
    silent = true;
    void stop(0);
  });
  process.on("uncaughtException", (error) => {
    console.error(`demo: ${error.message}`);
    void stop(1);
  });

  write(`Capsule demo mesh: ${args.capsules} sample capsules on 127.0.0.1, each with its own keys, site and crawler. No network needed.`);
  write("");
  try {
    await runActOne(mesh, write);
    if (!args.auto) {
      write(`Press Enter for act two (one site goes down, another moves), or wait ${args.pause} s. Ctrl-C stops the demo.`);
      await waitForEnter(args.pause);
    }
    write("");
    await runActTwo(mesh, write);
    write("");
    if (args.auto) return await stop(0);
    write("The mesh keeps running. Open these now (the moved capsule at its new address):");
    write("");
    for (const line of formatMeshUrls(mesh, await collectMeshUrls(mesh))) write(line ? `  ${line}` : "");
    write("Ctrl-C stops every server and crawler and removes the folders.");
  } catch (error) {
    if (stopping) return; // Ctrl-C cut a step short: stop() finishes the job
    if (error instanceof DemoStoppedError) {
      // A build was killed by a signal; Ctrl-C in a terminal reaches the children first and us a moment later.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (stopping) return;
    }
    const hint = (error as { hint?: string }).hint;
    console.error(`${(error as Error).message.replace(/^(?!demo: )/, "demo: ")}${hint ? `\n${hint}` : ""}`);
    await stop(1);
  }
}

function waitForEnter(seconds: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.stdin.off("data", done);
      process.stdin.pause();
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    process.stdin.on("data", done);
    process.stdin.resume();
  });
}

// Runs when started as a program (`node --import tsx scripts/demo.ts`), not when a test imports parseDemoArgs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`demo: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  });
}
