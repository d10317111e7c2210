import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { CONTENT_TYPES } from "../../scripts/static-server.ts";

/** A static file server on 127.0.0.1 for browser tests. */
export interface StaticServer {
  /** Origin with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  port: number;
  /** The folder served; may be set after start (the build needs the port first). */
  root: string | undefined;
  /** The URL path the folder is served under, `/` or e.g. `/capsule/` (GitHub project pages). */
  mount: string;
  /** Every request path seen, in order (`GET /feed.xml`). */
  requests: string[];
  /** Other folders served under a path prefix, checked first (e.g. `/mirror/` → the crawler's mirror folder). */
  overlays: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts a real `node:http` server on an ephemeral port: `/dir/` serves `dir/index.html`, `/dir`
 * redirects to `/dir/`, anything else missing is a 404. With `mount` (`/capsule/`), the folder is
 * served under that path only and `url` includes it.
 */
export async function startStaticServer(options: { root?: string; mount?: string; overlays?: Record<string, string> } = {}): Promise<StaticServer> {
  const mount = `/${(options.mount ?? "").replace(/^\/+|\/+$/g, "")}/`.replace("//", "/");
  const state: StaticServer = { url: "", port: 0, root: options.root, mount, requests: [], overlays: options.overlays ?? {}, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const method = request.method ?? "GET";
    state.requests.push(`${method} ${request.url ?? ""}`);
    if (method !== "GET" && method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    void serveFile(state, request.url ?? "/", method === "HEAD", response);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolveListen());
  });
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}${mount}`;
  state.close = () => new Promise<void>((resolveClose) => {
    server.closeAllConnections();
    server.close(() => resolveClose());
  });
  return state;
}

async function serveFile(state: StaticServer, rawUrl: string, headOnly: boolean, response: ServerResponse): Promise<void> {
  const notFound = () => response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(headOnly ? undefined : "Not found\n");
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, "http://localhost").pathname);
  } catch {
    return void response.writeHead(400).end();
  }
  const overlay = Object.keys(state.overlays).find((prefix) => pathname.startsWith(prefix));
  if (!overlay && (!state.root || !`${pathname}/`.startsWith(state.mount))) return void notFound();
  const base = resolve(overlay ? state.overlays[overlay]! : state.root!);
  let file = resolve(join(base, pathname.slice(overlay ? overlay.length : state.mount.length)));
  if (file !== base && !file.startsWith(base + sep)) return void notFound();
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith("/")) {
        response.writeHead(301, { location: `${pathname}/` }).end();
        return;
      }
      file = join(file, "index.html");
      info = await stat(file);
    }
    if (!info.isFile()) return void notFound();
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": info.size,
      "cache-control": "no-store",
    });
    if (headOnly) return void response.end();
    createReadStream(file).on("error", () => response.destroy()).pipe(response);
  } catch {
    notFound();
  }
}
