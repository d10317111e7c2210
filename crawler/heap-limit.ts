/**
 * The crawler's memory budget. With nothing to bound it, V8 lets its heap grow lazily to several times what
 * is live: a crawl of 10,000 feeds whose live set stays under 80 MB peaked at 270 MB of the machine's memory.
 * `--max-old-space-size` bounds the heap, and Node reads it only at start-up, so `capsule crawl` and
 * `capsule daemon` start once more with it, in place of this process: the new process shares the terminal,
 * its exit code becomes this one's, signals sent here are passed on, and it stops by itself if this process
 * disappears. A ceiling set by hand (`node --max-old-space-size=…`, `NODE_OPTIONS`) is left as it is.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

/** Set in the process started with the ceiling, so it does not start another. */
const MARK = "CAPSULE_HEAP_LIMIT_APPLIED";
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The Node flag for a heap ceiling of `bytes` (old generation, whole megabytes). */
export function heapFlag(bytes: number): string {
  return `--max-old-space-size=${Math.max(1, Math.round(bytes / 2 ** 20))}`;
}

/** Whether the process was started with a heap ceiling already (on its command line or in NODE_OPTIONS). */
export function hasHeapCeiling(execArgv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const options = (env["NODE_OPTIONS"] ?? "").split(/\s+/);
  return [...execArgv, ...options].some((arg) => /^--max[-_]old[-_]space[-_]size(?:=|$)/.test(arg));
}

/**
 * Runs this command again under a heap ceiling of `bytes` and resolves with its exit code; resolves with
 * undefined when this process should go on itself (it is that process, or a ceiling is already set).
 */
export async function rerunWithHeapCeiling(bytes: number): Promise<number | undefined> {
  if (process.env[MARK] === String(process.ppid)) {
    watchParent();
    return undefined;
  }
  if (hasHeapCeiling(process.execArgv, process.env)) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, heapFlag(bytes), ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, [MARK]: String(process.pid) },
  });
  // A terminal's Ctrl-C reaches both processes; the daemon takes a repeated signal as the same request to stop.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of SIGNALS) process.on(signal, forward);
  return new Promise((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`capsule: could not start with a heap ceiling (${error.message}); set CAPSULE_HEAP_LIMIT or NODE_OPTIONS by hand\n`);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      for (const name of SIGNALS) process.off(name, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}

// If the process that started this one is killed outright (SIGKILL leaves no chance to pass anything on),
// this one is re-parented: stop as if asked to, rather than run on unseen.
function watchParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      process.kill(process.pid, "SIGTERM");
    }
  }, 1000);
  timer.unref();
}
