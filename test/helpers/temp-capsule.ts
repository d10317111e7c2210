import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (where package.json is). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The capsule CLI. */
export const CLI = join(REPO, "bin/capsule.js");

/** A minimal valid profile; tests override fields by appending YAML lines. */
export const PROFILE = `name: Test Creator
handle: tester
bio: Writes tests & posts.
url: https://tester.example/
language: en
contact:
  email: tester@tester.example
support:
  ethereum: "0x52908400098527886E0F7030069857D2E4169EE7"
  bitcoin: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4
  lightning: tester@wallet.example
  liberapay: tester
`;

/** A throwaway capsule folder with the given files (paths relative to the folder). */
export function makeCapsule(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "capsule-test-"));
  for (const [path, content] of Object.entries({ "content/profile.yaml": PROFILE, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Runs the real `capsule` CLI in a folder and returns what it printed. */
export function runCli(dir: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, CAPSULE_URL: "", ...env },
    encoding: "utf8",
    input,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Removes a temp capsule. */
export function removeCapsule(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A post file with front matter. */
export function post(front: string, body = "Hello."): string {
  return `---\n${front.trim()}\n---\n\n${body}\n`;
}

/** The same as runCli, without blocking: lets a test file run several builds side by side. */
export function runCliAsync(dir: string, args: string[], env: Record<string, string> = {}): Promise<ReturnType<typeof runCli>> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CAPSULE_URL: "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}
