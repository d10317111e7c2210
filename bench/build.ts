// bench/build.ts: 4,000 posts built with the full capsule configuration and with bare Eleventy (one
// layout, same Markdown), alternating, in one run; the same capsule signed (keys given through the
// environment, as on a CI host); then the time to rebuild after editing one post.
// Targets: full build ≤ 1.15× bare; signed ≤ 1.10× unsigned; rebuild after one edit ≤ 1 s.
// Run: node --import tsx bench/build.ts [posts=4000] [runs=5] [--no-incremental]
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { exportPrivateKeyLine } from "../site/format/index.ts";
import { generateKeys } from "../site/keys.ts";

const REPO = resolve(new URL(".", import.meta.url).pathname, "..");
const POSTS = Number(process.argv[2] ?? 4000);
const RUNS = Number(process.argv[3] ?? 5);
const TAGS = ["pottery", "kilns", "glaze", "studio", "clay", "wood", "notes", "travel", "tools", "market"];

function generate(folder: string): void {
  const posts = join(folder, "content/posts");
  mkdirSync(posts, { recursive: true });
  cpSync(join(REPO, "content/profile.yaml"), join(folder, "content/profile.yaml"));
  cpSync(join(REPO, "content/avatar.png"), join(folder, "content/avatar.png"));
  writeFileSync(join(folder, "content/following.yaml"), "- url: https://a.example/feed.xml\n");
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < POSTS; i++) {
    const date = new Date(start + i * 3_600_000 * 7).toISOString();
    const tags = `[${TAGS[i % TAGS.length]}, ${TAGS[(i * 7) % TAGS.length]}]`;
    const article = i % 4 === 0;
    const body = article
      ? `## Part one\n\nPost ${i} talks about **clay** and [another post](/posts/post-${i - 1}/).\n\n- first\n- second\n\n> A quote ${i}.\n\n${"A paragraph of long-form text about firing and glazing. ".repeat(30)}\n`
      : `Note ${i}: the kiln reached cone ${i % 12} today, *finally*. ${"Short text. ".repeat(4)}\n`;
    const front = article ? `title: Article number ${i}\nsummary: What article ${i} is about.\n` : "";
    writeFileSync(join(posts, `${date.slice(0, 10)}-post-${i}.md`), `---\n${front}date: ${date}\ntags: ${tags}\n---\n\n${body}`);
  }
}

function worker(mode: "capsule" | "bare", folder: string, edits?: number, env: Record<string, string> = {}): { ms?: number; cpu?: number; times?: number[]; wall: number } {
  const started = performance.now();
  rmSync(join(folder, ".capsule"), { recursive: true, force: true }); // every signed run starts a new checkpoint chain
  const out = execFileSync(process.execPath, ["--import", "tsx", join(REPO, "bench/build-worker.ts"), mode, folder, ...(edits ? [String(edits)] : [])], { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const line = out.split("\n").find((l) => l.startsWith("RESULT "))!;
  return { ...JSON.parse(line.slice(7)), wall: performance.now() - started };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const folder = mkdtempSync(join(tmpdir(), "capsule-bench-"));
try {
  generate(folder);
  const capsule: { ms: number; wall: number; cpu: number }[] = [];
  const bare: { ms: number; wall: number; cpu: number }[] = [];
  const signed: { ms: number; wall: number; cpu: number }[] = [];
  const keyFolder = mkdtempSync(join(tmpdir(), "capsule-bench-keys-"));
  const keys = generateKeys({ cwd: keyFolder });
  rmSync(keyFolder, { recursive: true, force: true });
  const signedEnv = { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.signing), CAPSULE_IDENTITY: JSON.stringify(keys.identity) };
  worker("bare", folder); // warm the disk cache and tsx's compile cache; not counted
  for (let run = 0; run < RUNS; run++) {
    // The order rotates each run, so warm-up or a slowing machine favours no configuration.
    const order = [
      () => bare.push(worker("bare", folder) as { ms: number; wall: number; cpu: number }),
      () => capsule.push(worker("capsule", folder) as { ms: number; wall: number; cpu: number }),
      () => signed.push(worker("capsule", folder, undefined, signedEnv) as { ms: number; wall: number; cpu: number }),
    ];
    for (const step of [...order.slice(run % order.length), ...order.slice(0, run % order.length)]) step();
    console.error(`run ${run + 1}/${RUNS}: bare ${bare.at(-1)!.ms.toFixed(0)} ms, capsule ${capsule.at(-1)!.ms.toFixed(0)} ms, signed ${signed.at(-1)!.ms.toFixed(0)} ms`);
  }
  const b = median(bare.map((r) => r.ms));
  const c = median(capsule.map((r) => r.ms));
  const bw = median(bare.map((r) => r.wall));
  const cw = median(capsule.map((r) => r.wall));
  console.log(`posts: ${POSTS}, runs: ${RUNS} (medians)`);
  console.log(`bare Eleventy build:     ${b.toFixed(0)} ms  (process wall ${bw.toFixed(0)} ms)`);
  console.log(`full capsule build:      ${c.toFixed(0)} ms  (process wall ${cw.toFixed(0)} ms)`);
  console.log(`ratio capsule / bare:    ${(c / b).toFixed(3)}  (wall ${(cw / bw).toFixed(3)})  target ≤ 1.15: ${c / b <= 1.15 ? "met" : "NOT met"}`);
  const sg = median(signed.map((r) => r.ms));
  console.log(`signed capsule build:    ${sg.toFixed(0)} ms  ratio signed / unsigned ${(sg / c).toFixed(3)}  target ≤ 1.10: ${sg / c <= 1.1 ? "met" : "NOT met"}`);
  // CPU time of the build process: less sensitive than wall time to a busy or throttled machine.
  const [bc, cc, sc] = [bare, capsule, signed].map((runs) => median(runs.map((r) => r.cpu)));
  console.log(`CPU time (median):       bare ${bc!.toFixed(0)} ms, capsule ${cc!.toFixed(0)} ms, signed ${sc!.toFixed(0)} ms  capsule/bare ${(cc! / bc!).toFixed(3)}, signed/unsigned ${(sc! / cc!).toFixed(3)}`);
  if (!process.argv.includes("--no-incremental")) {
    // Eleventy's incremental mode, as the dev server runs it: edit one post, wait for the rebuild.
    const bareEdits = worker("bare", folder, 5).times!;
    const edits = worker("capsule", folder, 5).times!;
    const show = (xs: number[]) => `${median(xs).toFixed(0)} ms  [${xs.map((t) => t.toFixed(0)).join(", ")}]`;
    console.log(`rebuild after editing one post, bare Eleventy (incremental): ${show(bareEdits)}`);
    console.log(`rebuild after editing one post, capsule (incremental):       ${show(edits)}  ratio ${(median(edits) / median(bareEdits)).toFixed(2)}  target ≤ 1000 ms: ${median(edits) <= 1000 ? "met" : "NOT met"}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
