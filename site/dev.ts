import { createServer } from "node:net";
import Eleventy from "@11ty/eleventy";
import { findConfigPath, toBuildError } from "./build.ts";
import { loadProfile } from "./profile.ts";

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort(true)));
  });
}

/** Builds the capsule with drafts and serves it with live reload; resolves once the server is up. */
export async function startDevServer(options: { port?: number; cwd?: string } = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const cwd = options.cwd ?? process.cwd();
  let port = options.port ?? 8080;
  while (!(await isPortFree(port))) port++;
  const prefix = loadProfile("content").pathPrefix;
  // Absolute links (feed, Open Graph, images in posts) point at the dev server, not the live site.
  process.env.CAPSULE_URL = `http://localhost:${port}${prefix}`;
  const eleventy = new Eleventy(undefined, "_site", { configPath: findConfigPath(cwd), quietMode: true, runMode: "serve" });
  // Incremental: an edited post re-renders that post and the pages that list it, not the whole site.
  eleventy.setIncrementalBuild(true);
  try {
    await eleventy.init();
    await eleventy.watch();
  } catch (error) {
    throw toBuildError(error);
  }
  await eleventy.serve(port);
  return { url: process.env.CAPSULE_URL, stop: () => eleventy.stopWatch() };
}
