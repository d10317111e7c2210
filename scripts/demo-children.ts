/**
 * The demo runs the real `capsule` command (build, move) as child processes: Eleventy resolves its folders
 * from the working directory, so each build gets its own process with `cwd` set to its capsule, and several
 * can run side by side. Every child is tracked so that stopping the demo stops them too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CapsuleError } from "../site/errors.ts";

/** The `capsule` command of this repository. */
export const CAPSULE_BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "bin/capsule.js");

/** What a finished command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The demo is stopping: a command was cut short, or none may start any more. */
export class DemoStoppedError extends CapsuleError {
  constructor(message = "demo: stopping") {
    super("demo-stopped", message);
  }
}

/** A `capsule` command the demo ran failed; the message carries what it printed. */
export class DemoCommandError extends CapsuleError {}

/** Runs `capsule` commands in capsule folders and stops the ones still running when asked. */
export class CommandRunner {
  readonly #running = new Set<ChildProcess>();
  #stopped = false;

  /** Runs `capsule <args>` in `cwd`; rejects with its output when it fails, or DemoStoppedError when stopped. */
  run(cwd: string, args: readonly string[]): Promise<CommandOutput> {
    if (this.#stopped) return Promise.reject(new DemoStoppedError());
    // The demo's own CAPSULE_* settings (a signing key, a mirror folder…) must not leak into the capsules.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CAPSULE_")));
    const child = spawn(process.execPath, [CAPSULE_BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    this.#running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    return new Promise((resolveRun, reject) => {
      child.once("error", (error) => {
        this.#running.delete(child);
        reject(error);
      });
      child.once("close", (code, signal) => {
        this.#running.delete(child);
        if (code === 0) return resolveRun({ stdout, stderr });
        if (this.#stopped || signal) return reject(new DemoStoppedError(`demo: \`capsule ${args.join(" ")}\` was stopped (${signal ?? `exit ${code}`})`));
        reject(new DemoCommandError("demo-command", `demo: \`capsule ${args.join(" ")}\` failed in ${cwd} (exit ${code}):\n${(stderr || stdout).trim()}`, {
          hint: "Run the same command in that folder (`npm run demo -- --keep` keeps it) to see the whole story.",
        }));
      });
    });
  }

  /** Refuses new commands, stops the running ones and resolves once every one has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#running].map((child) => new Promise<void>((resolveExit) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveExit();
      child.once("close", () => resolveExit());
      child.kill("SIGTERM");
      // A child that ignores SIGTERM is not left behind.
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    })));
  }
}
