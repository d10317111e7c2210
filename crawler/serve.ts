/**
 * The crawler daemon's HTTP server: re-serves every followed feed at `/mirror/<id>/feed.xml` (for a
 * capsule, the creator's original signed payloads, so anyone can verify them), with the assets that make
 * it render as a page, a JSON status and an index. It never touches LMDB: a `MirrorSource` answers lookups.
 *
 * Plain `node:http`, keep-alive on; a cached feed costs a version check, a Map lookup and one write of
 * bytes compressed when the version was new (bench/serve.ts compares it with nginx).
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { escapeHtml } from "../layouts/html.ts";
import type { Discovery } from "./discover.ts";
import { renderDiscoveryPage } from "./discover-view.ts";
import { ServeError } from "./errors.ts";
import { loadAssets, DEFAULT_LAYOUTS_DIR } from "./serve-assets.ts";
import { Resource, ResourceCache } from "./serve-cache.ts";
import { isNotModifiedSince, matchIfNoneMatch, readPath, selectEncoding } from "./serve-request.ts";

/** Where the server gets what it serves; the daemon backs it with the store. */
export interface MirrorSource {
  /**
   * The current re-served feed of a mirrored creator, or undefined. `version` changes whenever the body
   * would change and is cheap to compute; `render()` is only called when the version is new.
   */
  lookupFeed(mirrorId: string): { version: string; lastModified: Date | null; render(): string } | undefined;
  /** The mirrored creators, for the index page. */
  listMirrors(): Iterable<{ id: string; title: string }>;
  /** What /status.json returns (JSON-serialisable). */
  readStatus(): unknown;
  /** The last discovery run (undefined until one has finished), for /discover and /discover.json; without this hook those pages do not exist. */
  readSuggestions?(): Discovery | undefined;
}

/** Options of {@link startServer}. */
export interface ServeOptions {
  source: MirrorSource;
  /** Address to bind; only loopback unless the follower chooses otherwise. @default "127.0.0.1" */
  host?: string;
  /** TCP port; 0 picks a free one. @default 8686 (the crawler config's `port`) */
  port?: number;
  /** Folder holding feed.xsl, style.css and feed-fallback.js. @default the repository's layouts/ */
  layoutsDir?: string;
  /** Seconds browsers and proxies may reuse a mirrored feed before revalidating. @default 300 */
  maxAge?: number;
  /** Bytes of rendered and compressed feeds kept in memory (least recently used go first). @default 64 MiB */
  cacheBytes?: number;
  /** Where failures are reported, each distinct one once. @default console.error */
  log?: (message: string) => void;
}

/** A running server. */
export interface RunningServer {
  /** Origin with a trailing slash, e.g. `http://127.0.0.1:8686/`. */
  url: string;
  port: number;
  /** Stops accepting, closes open connections, and resolves once the server is down. */
  close(): Promise<void>;
}

/** Mirror ids as `mirrorIdOf` makes them: a base58 key or `host-hash` (host names run to 253 characters). */
const MIRROR_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,299}$/;

// Scripts only from this origin (feed-fallback.js, xslt-processor.js) and no plugins, forms or framing.
// The one hash is the close button of the XSLT deprecation banner Chromium (156) puts on transformed pages,
// `onclick="this.getRootNode().host.remove();"`; 'unsafe-hashes' admits that exact handler and nothing else.
// Images and media may come from anywhere: entries and avatars point at the creator's own host. Inline
// styles stay allowed: feed-fallback.js hides the raw XML with a <style> while it builds the page.
const CHROMIUM_XSLT_BANNER = "'sha256-TXA+6usvAyONGFuiE99/kgV7JxYXAtQaottQ4sJDSIw='";
const FEED_CSP = `default-src 'none'; script-src 'self' 'unsafe-hashes' ${CHROMIUM_XSLT_BANNER}; style-src 'self' 'unsafe-inline'; `
  + "img-src * data:; media-src *; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SECURITY_HEADERS = { "x-content-type-options": "nosniff" } as const;
const ALLOW = "GET, HEAD";
const ROUTES_HINT = "this server answers /, /status.json and /mirror/<id>/feed.xml";

/** Starts the server and resolves once it listens; rejects with a ServeError saying what to change. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { source, host = "127.0.0.1", port = 8686, maxAge = 300, cacheBytes = 64 * 1024 * 1024 } = options;
  if (!source || typeof source.lookupFeed !== "function") throw new TypeError(`startServer: expected options.source to be a MirrorSource, got ${typeof source}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`startServer: expected options.port to be an integer from 0 to 65535, got ${String(port)}`);
  const layoutsDir = options.layoutsDir ?? DEFAULT_LAYOUTS_DIR;
  const assets = await loadAssets(layoutsDir, SECURITY_HEADERS).catch((error: Error) => {
    throw new ServeError("serve-assets", `serve: cannot read the feed's assets in ${layoutsDir} (${error.message})`, {
      cause: error, hint: "Point layoutsDir at a folder holding feed.xsl, style.css and feed-fallback.js.",
    });
  });
  const log = options.log ?? ((message: string) => console.error(message));
  const handler = createHandler({
    source, assets, cache: new ResourceCache(cacheBytes), log,
    // application/xml, not application/rss+xml: Chromium only applies the xml-stylesheet to XML types it renders.
    feedHeaders: { "content-type": "application/xml; charset=utf-8", "content-security-policy": FEED_CSP, ...SECURITY_HEADERS },
    feedCacheControl: `public, max-age=${maxAge}`,
  });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(new ServeError("serve-listen", `serve: cannot listen on ${host}:${port} (${error.code ?? error.message})`, {
      cause: error, hint: error.code === "EADDRINUSE" ? "Another process uses the port: choose another with --port (0 picks a free one)." : "Check the host and port options.",
    })));
    server.listen(port, host, () => resolve());
  });
  // Later server errors (too many open files while accepting) are logged; they must not crash the daemon.
  server.on("error", (error) => log(`serve: the server on ${host}:${port} reported ${error.message}`));
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/`,
    port: bound,
    close: () => (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}

interface HandlerContext {
  source: MirrorSource;
  assets: Map<string, Resource>;
  cache: ResourceCache;
  log: (message: string) => void;
  feedHeaders: Record<string, string>;
  feedCacheControl: string;
}

function createHandler(context: HandlerContext): (request: IncomingMessage, response: ServerResponse) => void {
  const logged = new Set<string>();
  return (request, response) => {
    try {
      route(context, request, response);
    } catch (error) {
      // Each distinct failure is logged once: a broken source must not flood the log at request rate.
      const key = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!logged.has(key)) {
        if (logged.size >= 1000) logged.clear();
        logged.add(key);
        context.log(`serve: ${request.method} ${String(request.url).slice(0, 300)} failed: ${error instanceof Error ? error.stack ?? key : key}`);
      }
      if (response.headersSent) response.destroy();
      else sendText(request, response, 500, "internal error: the server could not build this response; the daemon's log says why\n");
    }
  };
}

function route(context: HandlerContext, request: IncomingMessage, response: ServerResponse): void {
  const path = readPath(request.url ?? "");
  if (path === undefined) return sendText(request, response, 400, "bad request: the path is malformed (a `..` or `.` segment, an encoded slash or backslash, or bad percent-encoding)\n");
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") {
    return sendText(request, response, 405, `method not allowed: ${ROUTES_HINT}, to GET and HEAD only\n`, { allow: ALLOW });
  }
  const asset = context.assets.get(path);
  if (asset) return sendResource(request, response, asset);
  if (path.startsWith("/mirror/")) return serveMirror(context, request, response, path);
  if (path === "/status.json") return sendStatus(context, request, response);
  if ((path === "/discover" || path === "/discover.json") && context.source.readSuggestions) return sendDiscovery(context, request, response, path);
  if (path === "/") return sendIndex(context, request, response);
  sendText(request, response, 404, `not found: ${quote(path)}; ${ROUTES_HINT}\n`);
}

function serveMirror(context: HandlerContext, request: IncomingMessage, response: ServerResponse, path: string): void {
  const end = path.length - "/feed.xml".length;
  const id = path.endsWith("/feed.xml") ? path.slice("/mirror/".length, end) : undefined;
  if (id === undefined || id.includes("/")) {
    return sendText(request, response, 404, `not found: ${quote(path)}; a mirrored creator's feed is at /mirror/<id>/feed.xml, and /status.json lists the ids\n`);
  }
  const found = MIRROR_ID.test(id) ? context.source.lookupFeed(id) : undefined;
  if (!found) return sendText(request, response, 404, `not found: no mirrored feed named ${quote(id)}; see /status.json for the feeds this daemon mirrors\n`);
  let resource = context.cache.get(id);
  if (!resource || resource.version !== found.version) {
    resource = new Resource(Buffer.from(found.render(), "utf8"), {
      version: found.version, lastModified: found.lastModified, headers: context.feedHeaders, cacheControl: context.feedCacheControl,
    });
    context.cache.set(id, resource);
  }
  sendResource(request, response, resource);
}

/** 200 in the negotiated coding, or 304 when the client's copy is current (If-None-Match first). */
function sendResource(request: IncomingMessage, response: ServerResponse, resource: Resource): void {
  const headers = request.headers;
  const ifNoneMatch = headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    const matched = matchIfNoneMatch(ifNoneMatch, resource.tags);
    if (matched !== undefined) {
      // Confirm the copy the client holds (its tag), so a cache updates that stored response.
      const variant = (matched !== "*" && resource.findVariant(matched)) || resource.select(selectEncoding(headers["accept-encoding"]));
      return void response.writeHead(304, variant.notModifiedHeaders).end();
    }
  } else {
    const since = headers["if-modified-since"];
    if (since !== undefined && isNotModifiedSince(since, resource.lastModified)) {
      return void response.writeHead(304, resource.select(selectEncoding(headers["accept-encoding"])).notModifiedHeaders).end();
    }
  }
  const variant = resource.select(selectEncoding(headers["accept-encoding"]));
  response.writeHead(200, variant.headers);
  response.end(request.method === "HEAD" ? undefined : variant.body);
}

function sendStatus(context: HandlerContext, request: IncomingMessage, response: ServerResponse): void {
  const body = `${JSON.stringify(context.source.readStatus(), null, 2)}\n`;
  sendBody(request, response, 200, body, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
}

function sendIndex(context: HandlerContext, request: IncomingMessage, response: ServerResponse): void {
  const items = Array.from(context.source.listMirrors(), ({ id, title }) => {
    const href = `/mirror/${encodeURIComponent(id)}/feed.xml`;
    return `<li><a href="${escapeHtml(href)}">${escapeHtml(title || id)}</a> <code>${escapeHtml(id)}</code></li>`;
  });
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Capsule mirror</title><link rel="stylesheet" href="/style.css"></head>
<body><main>
<h1>Capsule mirror</h1>
<p>This daemon re-serves the feeds it follows. Its state: <a href="/status.json">status.json</a>.</p>
${context.source.readSuggestions ? `<p>Whom the people you follow follow: <a href="/discover">people you might follow</a>.</p>\n` : ""}<h2>Mirrored feeds (${items.length})</h2>
${items.length > 0 ? `<ul>\n${items.join("\n")}\n</ul>` : "<p>None yet.</p>"}
</main></body>
</html>
`;
  sendBody(request, response, 200, body, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "content-security-policy": FEED_CSP });
}

function sendDiscovery(context: HandlerContext, request: IncomingMessage, response: ServerResponse, path: string): void {
  const discovery = context.source.readSuggestions!();
  if (path === "/discover.json") {
    const body = `${JSON.stringify(discovery ?? { computedAt: null, suggestions: [], notes: [] }, null, 2)}\n`;
    return sendBody(request, response, 200, body, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  }
  sendBody(request, response, 200, renderDiscoveryPage(discovery), { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "content-security-policy": FEED_CSP });
}

function sendText(request: IncomingMessage, response: ServerResponse, status: number, text: string, extra: OutgoingHttpHeaders = {}): void {
  sendBody(request, response, status, text, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra });
}

function sendBody(request: IncomingMessage, response: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders): void {
  const body = Buffer.from(text, "utf8");
  response.writeHead(status, { ...headers, ...SECURITY_HEADERS, "content-length": String(body.length) });
  response.end(request.method === "HEAD" ? undefined : body);
}

/** A path or id for a plain-text message: quoted, control characters escaped, long ones cut. */
function quote(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(shown);
}
