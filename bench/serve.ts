/**
 * Requests per second for a cached mirrored feed on loopback: the daemon's server (crawler/serve.ts, with
 * routing, ETag, gzip and its security headers) against nginx serving the same gzip bytes from disk
 * (gzip_static, etag, keep-alive, open_file_cache: nginx at its best), and against a minimal node:http
 * server answering the bytes from memory with three headers (the ceiling for Node). Each server runs in its
 * own process; one load generator (wrk when installed, else a raw-socket keep-alive client in a child
 * process) measures all three in alternating rounds, and the medians are printed. Target: ≥ 0.4× nginx.
 *
 * Run: npx tsx bench/serve.ts [--rounds 5] [--seconds 5] [--connections 32] [--generator wrk|node] [--no-304]
 *      [--nginx-workers auto|1]
 * Needs /usr/sbin/nginx (Debian's nginx package); wrk is optional (`apt-get install wrk`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { measureLoad } from "./serve-load.ts";

const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";
const ID = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
const FEED_PATH = `/mirror/${ID}/feed.xml`;
const SELF = fileURLToPath(import.meta.url);

/** A feed like a capsule's: 20 entries of prose with HTML, each with its signed payload (base64url JSON). */
function buildFeed(items = 20): string {
  const words = "the a mirror feed signed entry creator static site follow quiet river morning letter garden window light story small open".split(" ");
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const prose = (count: number) => Array.from({ length: count }, () => words[Math.floor(random() * words.length)]).join(" ");
  const signature = () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString("base64url");
  const entries = Array.from({ length: items }, (_, index) => {
    const title = prose(6);
    const html = `<p>${prose(120)}</p><p>${prose(60)}</p>`;
    const url = `https://ada.example/posts/${index}/`;
    const payload = Buffer.from(JSON.stringify({ kind: "entry", id: url, published: "2024-01-01T10:00:00Z", title, html })).toString("base64url");
    const escaped = html.replaceAll("<", "&lt;").replaceAll(">", "&gt;");
    return `<item>
<title>${title}</title>
<link>${url}</link><guid isPermaLink="true">${url}</guid>
<pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;${prose(40)}&lt;/p&gt;</description>
<content:encoded>${escaped}</content:encoded>
<capsule:entry key="did:key:${ID}" signature="${signature()}">${payload}</capsule:entry>
</item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:capsule="urn:capsule:1"><channel>
<title>Ada</title><link>https://ada.example/</link><description>Posts by Ada</description>
${entries.join("\n")}
</channel></rss>
`;
}

// ---- children: each server in its own process, printing its port when it listens ----

async function runCapsuleChild(feedFile: string): Promise<void> {
  const { startServer } = await import("../crawler/serve.ts");
  const xml = await readFile(feedFile, "utf8");
  const lastModified = new Date("2024-03-01T12:00:00Z");
  const server = await startServer({
    port: 0,
    source: {
      lookupFeed: (id) => (id === ID ? { version: "1", lastModified, render: () => xml } : undefined),
      listMirrors: () => [{ id: ID, title: "Ada" }],
      readStatus: () => ({ feeds: 1 }),
    },
  });
  console.log(`listening ${server.port}`);
}

async function runMinimalChild(feedFile: string): Promise<void> {
  const { createServer } = await import("node:http");
  const body = gzipSync(await readFile(feedFile), { level: 6 });
  const headers = { "content-type": "application/xml; charset=utf-8", "content-encoding": "gzip", "content-length": String(body.length) };
  const server = createServer((_request, response) => {
    response.writeHead(200, headers);
    response.end(body);
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
}

function startChild(mode: string, feedFile: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", SELF, mode, feedFile], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${mode} exited with ${code} before listening`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      const match = /listening (\d+)/.exec(text);
      if (match) resolve({ child, port: Number(match[1]) });
    });
  });
}

// ---- nginx, run as the current user with every path in the temp folder ----

async function findFreePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startNginx(dir: string, port: number, workers: string): Promise<ChildProcess> {
  const temp = join(dir, "nginx-temp");
  await mkdir(temp, { recursive: true });
  const config = `daemon off;
${process.getuid?.() === 0 ? "user root root;" : ""}
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp}/body; proxy_temp_path ${temp}/proxy; fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi; scgi_temp_path ${temp}/scgi;
  types { application/xml xml; }
  charset utf-8; charset_types application/xml;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 100000000;
  open_file_cache max=100 inactive=60s;
  etag on;
  gzip on; gzip_static on; gzip_vary on; gzip_comp_level 6; gzip_types application/xml;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    add_header Cache-Control "public, max-age=300";
    add_header X-Content-Type-Options nosniff;
  }
}
`;
  await writeFile(join(dir, "nginx.conf"), config);
  const child = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "nginx-error.log")], { stdio: ["ignore", "inherit", "inherit"] });
  for (let tries = 0; tries < 50; tries++) {
    if (await fetchFeed(port).then(() => true, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGTERM");
  throw new Error(`nginx did not answer on 127.0.0.1:${port}; see ${dir}/nginx-error.log`);
}

// ---- checks and measurement ----

interface Served { status: number; etag: string; encoding: string; body: Buffer }

function fetchFeed(port: number, headers: Record<string, string> = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: FEED_PATH, headers: { "accept-encoding": "gzip", ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? ""), encoding: String(res.headers["content-encoding"] ?? ""), body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (value: number) => Math.round(value).toLocaleString("en-US");

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      rounds: { type: "string", default: "5" }, seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "32" }, generator: { type: "string" }, "no-304": { type: "boolean", default: false },
      "nginx-workers": { type: "string", default: "auto" },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const hasWrk = spawnSync("wrk", ["--version"]).error === undefined;
  const generator = values.generator ?? (hasWrk ? "wrk" : "node");
  if (generator !== "wrk" && generator !== "node") throw new TypeError(`--generator: expected wrk or node, got ${generator}`);

  const dir = await mkdtemp(join(tmpdir(), "capsule-bench-serve-"));
  const children: ChildProcess[] = [];
  try {
    await chmod(dir, 0o755);
    const xml = Buffer.from(buildFeed());
    const gzipped = gzipSync(xml, { level: 6 });
    const feedDir = join(dir, "www", "mirror", ID);
    await mkdir(feedDir, { recursive: true });
    await writeFile(join(feedDir, "feed.xml"), xml);
    await writeFile(join(feedDir, "feed.xml.gz"), gzipped);
    const feedFile = join(feedDir, "feed.xml");

    const nginxPort = await findFreePort();
    children.push(await startNginx(dir, nginxPort, values["nginx-workers"]));
    const capsule = await startChild("serve-capsule", feedFile);
    const minimal = await startChild("serve-minimal", feedFile);
    children.push(capsule.child, minimal.child);
    const servers = [
      { name: "nginx", port: nginxPort },
      { name: "capsule", port: capsule.port },
      { name: "minimal node", port: minimal.port },
    ];
    // Same bytes from all three, or the comparison means nothing.
    const etags = new Map<string, string>();
    for (const server of servers) {
      const served = await fetchFeed(server.port);
      if (served.status !== 200 || served.encoding !== "gzip" || !served.body.equals(gzipped)) {
        throw new Error(`${server.name} did not send the expected gzip bytes (status ${served.status}, ${served.body.length} bytes, coding "${served.encoding}")`);
      }
      etags.set(server.name, served.etag);
      const revalidated = await fetchFeed(server.port, { "if-none-match": served.etag });
      if (server.name !== "minimal node" && revalidated.status !== 304) throw new Error(`${server.name} answered ${revalidated.status} to its own ETag`);
    }

    console.log(`feed ${(xml.length / 1024).toFixed(1)} KB, gzip ${(gzipped.length / 1024).toFixed(1)} KB; ${generator}, ${connections} connections, `
      + `${rounds} rounds × ${seconds} s per server, nginx worker_processes ${values["nginx-workers"]}, loopback, ${availableParallelism()} CPUs`);
    const scenarios = [{ label: "GET, Accept-Encoding: gzip", conditional: false }];
    if (!values["no-304"]) scenarios.push({ label: "304, If-None-Match", conditional: true });
    for (const scenario of scenarios) {
      const measured = scenario.conditional ? servers.filter((s) => s.name !== "minimal node") : servers;
      const results = new Map<string, number[]>(measured.map((s) => [s.name, []]));
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so drift in machine load does not favour one server.
        const order = measured.map((_, i) => measured[(i + round) % measured.length]!);
        for (const server of order) {
          const headers: Record<string, string> = { "Accept-Encoding": "gzip" };
          if (scenario.conditional) headers["If-None-Match"] = etags.get(server.name)!;
          const url = `http://127.0.0.1:${server.port}${FEED_PATH}`;
          const expected = scenario.conditional ? 304 : 200;
          await measureLoad({ generator, url, headers, seconds: 1, connections, expected }); // warm-up
          results.get(server.name)!.push(await measureLoad({ generator, url, headers, seconds, connections, expected }));
        }
      }
      const nginx = median(results.get("nginx")!);
      const parts = [...results].map(([name, perRound]) => {
        const value = median(perRound);
        return `${name} ${format(value)} req/s${name === "nginx" ? "" : ` (${(value / nginx).toFixed(2)}×)`}`;
      });
      console.log(`${scenario.label}: ${parts.join(" · ")}`);
      console.log(`  rounds: ${[...results].map(([name, perRound]) => `${name} [${perRound.map(format).join(", ")}]`).join("; ")}`);
      if (!scenario.conditional) {
        const ratio = median(results.get("capsule")!) / nginx;
        console.log(`  target capsule ≥ 0.40× nginx: ${ratio >= 0.4 ? "met" : "NOT met"} (${ratio.toFixed(2)}×)`);
      }
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

const mode = process.argv[2];
if (mode === "serve-capsule") await runCapsuleChild(process.argv[3]!);
else if (mode === "serve-minimal") await runMinimalChild(process.argv[3]!);
else await main();
