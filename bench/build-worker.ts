// One build in a fresh process, so module caches of one configuration never help the other.
// Usage: node --import tsx bench/build-worker.ts <capsule|bare> <folder> [incremental-edits]
import { appendFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Eleventy from "@11ty/eleventy";

const [mode, folder, editsArg] = process.argv.slice(2) as ["capsule" | "bare", string, string | undefined];
const REPO = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
process.chdir(folder);
process.env.CAPSULE_URL = "https://bench.example/";

// Bare Eleventy: the same Markdown files with one layout and nothing else (no Liquid pass over posts,
// like the capsule, so the comparison is about the capsule's own work).
const BARE_CONFIG = `export default function (cfg) {
  cfg.addGlobalData("layout", "base.liquid");
  cfg.addTemplate("_includes/base.liquid", "<!doctype html><html><head><title>{{ title }}</title></head><body><main>{{ content }}</main></body></html>");
}
export const config = { dir: { input: "content" }, markdownTemplateEngine: false, templateFormats: ["md", "liquid"] };
`;
writeFileSync("bare.config.mjs", BARE_CONFIG);

let resolveBuilt: (() => void) | undefined;
const options = {
  configPath: mode === "capsule" ? join(REPO, "eleventy.config.ts") : "bare.config.mjs",
  quietMode: true,
  config: (cfg: { on(event: string, fn: () => void): void }) => cfg.on("eleventy.after", () => resolveBuilt?.()),
};

if (!editsArg) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // Signed and unsigned builds each overwrite their own previous output, as a creator's rebuild does.
  const elev = new Eleventy(undefined, `_site-${mode}${process.env.CAPSULE_SIGNING_KEY ? "-signed" : ""}`, options as never);
  await elev.write();
  const cpu = process.cpuUsage(cpuStarted);
  process.stdout.write(`\nRESULT ${JSON.stringify({ ms: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000 })}\n`);
} else {
  // Dev-server style: watch with incremental builds, edit one post, time until the rebuild is written.
  const elev = new Eleventy(undefined, `_site-${mode}`, { ...options, runMode: "watch" } as never);
  elev.setIncrementalBuild(true);
  await elev.init();
  await elev.watch();
  // Let the file watcher finish its first scan: an edit before that is never reported.
  await new Promise((r) => setTimeout(r, 2000));
  const posts = readdirSync("content/posts").filter((f) => f.endsWith(".md"));
  const times: number[] = [];
  for (let i = 0; i < Number(editsArg); i++) {
    const built = new Promise<void>((r) => (resolveBuilt = r));
    const started = performance.now();
    appendFileSync(join("content/posts", posts[i * 97 % posts.length]!), `\nEdited ${i}.\n`);
    await Promise.race([built, new Promise((_, reject) => setTimeout(() => reject(new Error("no rebuild within 30 s")), 30_000))]);
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 300));
  }
  await elev.stopWatch();
  process.stdout.write(`\nRESULT ${JSON.stringify({ times })}\n`);
  process.exit(0);
}
