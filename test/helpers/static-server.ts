import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { sendStaticFile } from "../../scripts/static-server.ts";

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
  await sendStaticFile(base, pathname.slice(overlay ? overlay.length : state.mount.length), pathname, headOnly, response, notFound);
}
