import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../crawler/config.ts";
import { startDaemon, type Daemon } from "../../crawler/daemon.ts";
import { generateKeys } from "../../site/keys.ts";
import { startStaticServer, type StaticServer } from "./static-server.ts";
import { CLI } from "./temp-capsule.ts";

/**
 * A loopback mesh of real capsules for the takedown test and bench/mesh.ts: each one a real signed Eleventy
 * build served on its own port (with its crawler's mirror folder published under /mirror/, as a rebuild
 * would), each following K others with a real daemon and a real LMDB store.
 */
export interface MeshCapsule {
  readonly index: number;
  readonly folder: string;
  server: StaticServer;
  /** Servers of earlier addresses still answering (a moved capsule keeps its old host up). */
  readonly oldServers: StaticServer[];
  daemon: Daemon;
  url: string;
  readonly posts: number;
}

export interface Mesh {
  readonly capsules: MeshCapsule[];
  /** One crawl cycle: every daemon fetches every feed it follows (in parallel). */
  cycle(): Promise<void>;
  takeDown(capsule: MeshCapsule): Promise<void>;
  /** `capsule move` to a new port, rebuild, serve the same build at the old and the new address. */
  move(capsule: MeshCapsule): Promise<string>;
  /** A new capsule with its own daemon, following `urls` (not part of the mesh). */
  addFollower(urls: readonly string[]): Promise<MeshCapsule>;
  close(): Promise<void>;
}

const NAMES = ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ivy", "Jo"];

export async function createMesh(root: string, options: { n: number; k: number; posts: number; buildConcurrency?: number }): Promise<Mesh> {
  mkdirSync(root, { recursive: true });
  const servers = await Promise.all(Array.from({ length: options.n }, () => startStaticServer()));
  const feedUrl = (i: number) => `${servers[i]!.url}feed.xml`;
  const folders = servers.map((server, i) => {
    const following = Array.from({ length: options.k }, (_, j) => (i + j + 1) % options.n).map((f) => `- url: ${feedUrl(f)}\n`).join("");
    return writeCapsule(join(root, `c${i}`), i, server.url, options.posts, following);
  });
  await runLimited(folders.map((folder) => () => build(folder)), options.buildConcurrency ?? 2);
  for (const [i, folder] of folders.entries()) {
    servers[i]!.root = join(folder, "_site");
    servers[i]!.overlays["/mirror/"] = join(folder, ".capsule/mirror");
  }
  const capsules: MeshCapsule[] = [];
  for (const [i, folder] of folders.entries()) {
    capsules.push({ index: i, folder, server: servers[i]!, oldServers: [], daemon: await startCapsuleDaemon(folder, servers[i]!.url), url: servers[i]!.url, posts: options.posts });
  }
  const followers: MeshCapsule[] = [];
  return {
    capsules,
    async cycle() {
      await Promise.all([...capsules, ...followers].map((c) => c.daemon.tick({ all: true })));
    },
    async takeDown(capsule) {
      await capsule.server.close();
    },
    async move(capsule) {
      const next = await startStaticServer();
      await runCli(capsule.folder, ["move", next.url]);
      await build(capsule.folder);
      next.root = join(capsule.folder, "_site");
      next.overlays["/mirror/"] = join(capsule.folder, ".capsule/mirror");
      capsule.oldServers.push(capsule.server);
      capsule.server = next;
      capsule.url = next.url;
      return next.url;
    },
    async addFollower(urls) {
      const server = await startStaticServer();
      const folder = writeCapsule(join(root, `follower${followers.length}`), 99, server.url, 1, urls.map((url) => `- url: ${url}\n`).join(""));
      const follower: MeshCapsule = { index: -1, folder, server, oldServers: [], daemon: await startCapsuleDaemon(folder, server.url), url: server.url, posts: 0 };
      followers.push(follower);
      return follower;
    },
    async close() {
      for (const c of [...capsules, ...followers]) {
        await c.daemon.close();
        await Promise.all([c.server, ...c.oldServers].map((s) => s.close()));
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function writeCapsule(folder: string, i: number, url: string, posts: number, following: string): string {
  const name = NAMES[i % NAMES.length] ?? `C${i}`;
  mkdirSync(join(folder, "content/posts"), { recursive: true });
  writeFileSync(join(folder, "content/profile.yaml"), `name: ${name} ${i}\nhandle: c${i}\nbio: Capsule number ${i} of the test mesh.\nurl: ${url}\nlanguage: en\n`);
  writeFileSync(join(folder, "content/following.yaml"), following);
  for (let p = 0; p < posts; p++) {
    const date = new Date(Date.UTC(2025, 0, 1 + p, 9, i)).toISOString();
    writeFileSync(join(folder, `content/posts/${date.slice(0, 10)}-note-${p}.md`), `---\ndate: ${date}\n---\n\nNote ${p} from capsule ${i}: **clay** and _glaze_.\n`);
  }
  generateKeys({ cwd: folder });
  return folder;
}

async function startCapsuleDaemon(folder: string, url: string): Promise<Daemon> {
  const config = loadConfig({ port: "0", allowPrivateAddresses: "true", followerUrl: url, workers: "0", schedule: "0 0 1 1 *" }, {}, folder);
  return startDaemon(config, { log: () => {} });
}

function build(folder: string): Promise<void> {
  return runCli(folder, ["build"]);
}

function runCli(folder: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: folder, env: { ...process.env, CAPSULE_URL: "" }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`capsule ${args.join(" ")} failed in ${folder}: ${stderr}`))));
  });
}

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}
