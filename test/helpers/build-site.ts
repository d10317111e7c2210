import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startStaticServer, type StaticServer } from "./static-server.ts";
import { CLI, REPO } from "./temp-capsule.ts";

const run = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = REPO;

/** A capsule built in a temp folder. */
export interface TempSite {
  /** The temp capsule folder (holds `content/`). */
  dir: string;
  /** The built site, `<dir>/_site`. */
  output: string;
  /** Removes the temp folder. */
  remove(): Promise<void>;
}

/** Options of {@link buildTempSite}. */
export interface BuildTempSiteOptions {
  /** The content folder to copy. @default the repository's `content/` */
  content?: string;
  /** The site's absolute URL (`CAPSULE_URL`), so absolute links point at a test server. */
  url?: string;
}

/**
 * Copies a content folder into a fresh temp capsule and runs the real CLI build there
 * (`node bin/capsule.js build`), as a creator would.
 */
export async function buildTempSite(options: BuildTempSiteOptions = {}): Promise<TempSite> {
  const dir = await mkdtemp(join(tmpdir(), "capsule-site-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await cp(options.content ?? join(REPO_ROOT, "content"), join(dir, "content"), { recursive: true });
    const env = { ...process.env };
    if (options.url) env.CAPSULE_URL = options.url;
    else delete env.CAPSULE_URL;
    await run(process.execPath, [CLI, "build"], { cwd: dir, env, timeout: 60_000 });
  } catch (error) {
    await remove();
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`test build failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`, { cause: error });
  }
  return { dir, output: join(dir, "_site"), remove };
}

/** A temp capsule served over HTTP at the URL it was built for. */
export interface ServedSite {
  /** Origin with a trailing slash; the site's `CAPSULE_URL`. */
  url: string;
  server: StaticServer;
  site: TempSite;
  /** Stops the server and removes the temp folder. */
  close(): Promise<void>;
}

/**
 * Starts a static server on a free port first, then builds the capsule for that address (absolute links
 * in pages and feed must point at the server), then serves the build. `mount` serves it under a path, as
 * GitHub project pages do (`/capsule/`); the build then uses that path prefix.
 */
export async function serveTempSite(options: Omit<BuildTempSiteOptions, "url"> & { mount?: string } = {}): Promise<ServedSite> {
  const server = await startStaticServer({ mount: options.mount ?? "/" });
  let site: TempSite;
  try {
    site = await buildTempSite({ ...(options.content ? { content: options.content } : {}), url: server.url });
  } catch (error) {
    await server.close();
    throw error;
  }
  server.root = site.output;
  return { url: server.url, server, site, close: async () => { await server.close(); await site.remove(); } };
}
