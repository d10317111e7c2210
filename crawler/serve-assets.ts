/**
 * The files a re-served feed needs to render in a browser like the capsule's own feed: the stylesheet
 * `feed.xsl`, the site's `style.css`, and `feed-fallback.js` with the xslt-processor bundle it loads where
 * native XSLT is gone. The mirror feed names them at the site root (`/feed.xsl`), as a capsule's feed does.
 * Read once at start-up; served from memory with the same ETag and compression as the feeds.
 */
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Resource } from "./serve-cache.ts";

/** The repository's layouts folder, where the site build takes the same files from. */
export const DEFAULT_LAYOUTS_DIR = fileURLToPath(new URL("../layouts/", import.meta.url));

/** How long browsers may use an asset without asking again: they change only when the daemon is upgraded. */
export const ASSET_CACHE_CONTROL = "public, max-age=3600";

/** xslt-processor's browser bundle, found the way site/plugin.ts copies it into a built capsule. */
function resolveXsltBundle(): string {
  return createRequire(import.meta.url).resolve("xslt-processor").replace(/index\.js$/, "umd/xslt-processor.global.js");
}

/** Served path → file and content type. feed.xsl is XML to Chromium's XSLT loader. */
function listAssets(layoutsDir: string): { path: string; file: string; type: string }[] {
  return [
    { path: "/feed.xsl", file: join(layoutsDir, "feed.xsl"), type: "application/xml; charset=utf-8" },
    { path: "/style.css", file: join(layoutsDir, "style.css"), type: "text/css; charset=utf-8" },
    { path: "/feed-fallback.js", file: join(layoutsDir, "feed-fallback.js"), type: "text/javascript; charset=utf-8" },
    { path: "/xslt-processor.js", file: resolveXsltBundle(), type: "text/javascript; charset=utf-8" },
  ];
}

/**
 * Reads the assets into resources keyed by their served path; `headers` are added to each (security
 * headers). Rejects naming the missing file when one cannot be read.
 */
export async function loadAssets(layoutsDir: string, headers: Readonly<Record<string, string>>): Promise<Map<string, Resource>> {
  const loaded = await Promise.all(listAssets(layoutsDir).map(async ({ path, file, type }) => {
    const [body, info] = await Promise.all([readFile(file), stat(file)]);
    const resource = new Resource(body, {
      version: String(info.mtimeMs),
      lastModified: info.mtime,
      headers: { "content-type": type, ...headers },
      cacheControl: ASSET_CACHE_CONTROL,
    });
    void resource.compressBrotli().catch(() => undefined); // gzip is served until it is ready
    return [path, resource] as const;
  }));
  return new Map(loaded);
}
