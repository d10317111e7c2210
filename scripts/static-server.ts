/**
 * A small static host for the demo: one built capsule (`_site/`) on 127.0.0.1, serving feeds and XSL as
 * `application/xml` the way DESIGN.md asks real hosts to (Chromium styles only XML served as XML).
 * It listens before the site exists, so the site can be built for the address it will have.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

/** Content types by extension; feeds and XSL as application/xml (the test helper's server shares this table). */
export const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".xsl": "application/xml; charset=utf-8",
  ".opml": "text/x-opml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/** A running static host. */
export interface StaticHost {
  /** Origin with a trailing slash, such as `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly port: number;
  /** The folder served; until it is set every request answers 503 (the site is being built). */
  root: string | undefined;
  /** Stops listening and drops open connections; resolves once the port is free. */
  close(): Promise<void>;
}

/** Options of `startStaticHost`. */
export interface StaticHostOptions {
  /** The folder to serve. @default undefined (503 until set) */
  root?: string;
  /** Port to listen on. @default 0 (any free port) */
  port?: number;
}

/** Starts a static host on 127.0.0.1: `/dir/` serves `dir/index.html`, `/dir` redirects to `/dir/`, else 404. */
export async function startStaticHost(options: StaticHostOptions = {}): Promise<StaticHost> {
  let closed: Promise<void> | undefined;
  const server = createServer((request, response) => {
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return void response.writeHead(405, { allow: "GET, HEAD" }).end();
    void serveFile(host.root, request.url ?? "/", method === "HEAD", response);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const host: StaticHost = {
    url: `http://127.0.0.1:${port}/`,
    port,
    root: options.root,
    close() {
      closed ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections(); // keep-alive sockets would hold the port open
      });
      return closed;
    },
  };
  return host;
}

async function serveFile(root: string | undefined, rawUrl: string, headOnly: boolean, response: ServerResponse): Promise<void> {
  const send = (status: number, text: string) =>
    response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(headOnly ? undefined : text);
  if (!root) return void send(503, "This capsule is being built; try again in a moment.\n");
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, "http://localhost").pathname);
  } catch {
    return void send(400, "Bad request\n");
  }
  await sendStaticFile(resolve(root), pathname, pathname, headOnly, response, () => send(404, "Not found\n"));
}

/**
 * Sends the file at `relative` under the folder `base` (a folder: its index.html, `pathname` without a
 * trailing slash: a redirect), typed by CONTENT_TYPES; anything outside `base` or missing is `notFound()`.
 */
export async function sendStaticFile(
  base: string, relative: string, pathname: string, headOnly: boolean, response: ServerResponse, notFound: () => void,
): Promise<void> {
  let file = resolve(join(base, relative));
  if (file !== base && !file.startsWith(base + sep)) return void notFound();
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith("/")) return void response.writeHead(301, { location: `${pathname}/` }).end();
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
