/**
 * TEST ONLY: the world of test/browser/hostile.test.ts and hostile-feed-view.test.ts: a loopback server of feeds
 * carrying every DOMPurify payload (test/crawler/hostile/xss-feeds.ts), a daemon that has crawled them, the
 * follower's site as a static server (its style.css, feed.xsl, feed-fallback.js and xslt-processor.js at the
 * root and the mirror pages under /mirror/, the way a built capsule publishes them, without any
 * Content-Security-Policy), and two Chromiums (native XSLT, and XSLT switched off).
 *
 * `visitAll` opens pages that record everything a page must not do: dialogs, scripts compiled in the page's
 * own world other than the daemon's two files, requests to hosts other than the test servers (aborted: images
 * and media may come from anywhere, as entries embed them), main-frame navigations, and CSP violations.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { loadConfig } from "../../crawler/config.ts";
import { startDaemon, type Daemon } from "../../crawler/daemon.ts";
import { loadPayloads, renderXssFeeds } from "../crawler/hostile/xss-feeds.ts";
import { launchChromium, type ChromiumSession } from "../helpers/chromium.ts";
import { startHttpServer, type TestHttpServer } from "../helpers/http-server.ts";
import { startStaticServer, type StaticServer } from "../helpers/static-server.ts";
import { REPO } from "../helpers/temp-capsule.ts";

/** Pages open at once per browser. */
const TABS = 3;

export interface HostileWorld {
  folder: string;
  origin: TestHttpServer;
  site: StaticServer;
  daemon: Daemon;
  native: ChromiumSession;
  noXslt: ChromiumSession;
  payloads: string[];
  mirrorDir: string;
  close(): Promise<void>;
}

/** What pages did that they must not. */
export interface Findings {
  dialogs: string[];
  scripts: string[];
  requests: string[];
  navigations: string[];
  /** Content-Security-Policy violations: something script-like reached the page and was blocked. */
  csp: string[];
}

/** Scripts and origins a page may use. */
export interface Allowed {
  origins: string[];
  /** Paths of scripts on those origins the page may load and run. */
  scripts: string[];
}

/** Starts everything and waits for the daemon's first wake-up; `creators` picks the one-payload feeds crawled. */
export async function startHostileWorld(creators: (index: number) => boolean): Promise<HostileWorld> {
  const world = { payloads: loadPayloads(), folder: mkdtempSync(join(tmpdir(), "capsule-browser-xss-")) } as HostileWorld;
  world.close = async () => {
    await Promise.all([world.native?.close(), world.noXslt?.close()]);
    await world.daemon?.close();
    await Promise.all([world.origin?.close(), world.site?.close()]);
    rmSync(world.folder, { recursive: true, force: true });
  };
  try {
    const root = join(world.folder, "site");
    world.mirrorDir = join(root, "mirror");
    mkdirSync(world.mirrorDir, { recursive: true });
    // The assets a built capsule carries at its root (site/plugin.ts copies the same files).
    for (const name of ["style.css", "feed.xsl", "feed-fallback.js"]) copyFileSync(join(REPO, "layouts", name), join(root, name));
    copyFileSync(createRequire(import.meta.url).resolve("xslt-processor").replace(/index\.js$/, "umd/xslt-processor.global.js"), join(root, "xslt-processor.js"));
    mkdirSync(join(world.folder, "content"));
    const started = await Promise.allSettled([startHttpServer(), startStaticServer({ root }), launchChromium(), launchChromium(["--disable-blink-features=XSLT"])] as const);
    [world.origin, world.site, world.native, world.noXslt] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined)) as [TestHttpServer, StaticServer, ChromiumSession, ChromiumSession];
    for (const result of started) if (result.status === "rejected") throw result.reason;

    const feeds = renderXssFeeds(world.origin.origin, world.payloads, creators);
    for (const [path, { body, type }] of feeds) world.origin.route(path, (_request, response) => void response.writeHead(200, { "content-type": type }).end(body));
    writeFileSync(join(world.folder, "content/following.yaml"), [...feeds.keys()].map((path) => `- url: ${world.origin.origin}${path}\n`).join(""));
    const config = loadConfig({
      port: "0", allowPrivateAddresses: "true", followerUrl: world.site.url, mirrorDir: world.mirrorDir, concurrency: "64", perHostConcurrency: "64", schedule: "0 0 1 1 *",
    }, {}, world.folder);
    world.daemon = await startDaemon(config, { log: () => {} });
    // The first wake-up starts with the daemon: wait until the status says it is over.
    for (;;) {
      const status = await (await fetch(`${world.daemon.url}status.json`)).json() as { daemon: { wakeUps: number; running: boolean }; feeds: { entries: number }[] };
      if (status.daemon.wakeUps >= 1 && !status.daemon.running) {
        if (status.feeds.length !== feeds.size || status.feeds.some((feed) => feed.entries === 0)) throw new Error("the daemon did not crawl every XSS feed");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return world;
  } catch (error) {
    await world.close();
    throw error;
  }
}

/** No findings at all. */
export const NOTHING: Findings = { dialogs: [], scripts: [], requests: [], navigations: [], csp: [] };

interface WatchedPage {
  findings: Findings;
  /** Loads `url`; with `ready`, also waits for that selector (checked from a world of its own, not the page's). */
  visit(url: string, ready?: string): Promise<void>;
  close(): Promise<void>;
}

async function openWatchedPage(browser: ChromiumSession, allowed: Allowed): Promise<WatchedPage> {
  const page: Page = await browser.context.newPage();
  const findings: Findings = { dialogs: [], scripts: [], requests: [], navigations: [], csp: [] };
  let current = "";
  page.on("dialog", (dialog) => {
    findings.dialogs.push(`${current}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) findings.csp.push(`${current}: ${message.text().slice(0, 160)}`);
  });
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && current && frame.url() !== current) findings.navigations.push(`${current} → ${frame.url()}`);
  });
  await page.route("**/*", (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const type = request.resourceType();
    const known = allowed.origins.includes(url.origin);
    if (known || url.protocol === "data:" || url.protocol === "blob:") {
      if (known && (type === "script" || type === "fetch" || type === "xhr") && !allowed.scripts.includes(url.pathname) && url.pathname !== "/feed.xsl") {
        findings.requests.push(`${current}: ${type} ${url.href}`);
      }
      return void route.continue().catch(() => {});
    }
    // Off the test servers: nothing leaves the machine. Entries may embed images and media from anywhere.
    if (type !== "image" && type !== "media") findings.requests.push(`${current}: ${type} ${url.href}`);
    void route.abort("blockedbyclient").catch(() => {});
  });
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const pageWorlds = new Set<number>();
  // Context ids start again in a new renderer process: forget the ones that are gone.
  cdp.on("Runtime.executionContextCreated", ({ context }) => {
    if ((context.auxData as { isDefault?: boolean } | undefined)?.isDefault) pageWorlds.add(context.id);
  });
  cdp.on("Runtime.executionContextDestroyed", ({ executionContextId }) => void pageWorlds.delete(executionContextId));
  cdp.on("Runtime.executionContextsCleared", () => pageWorlds.clear());
  cdp.on("Debugger.scriptParsed", (script) => {
    if (!pageWorlds.has(script.executionContextId)) return;
    const url = script.url ? new URL(script.url) : undefined;
    if (!(url && allowed.origins.includes(url.origin) && allowed.scripts.includes(url.pathname))) {
      findings.scripts.push(`${current}: ${script.url || "inline script"} (${script.endLine - script.startLine + 1} lines)`);
    }
  });
  await cdp.send("Runtime.enable");
  await cdp.send("Debugger.enable");

  /** Polls for `selector` from an isolated world of our own, so nothing is compiled in the page's world. */
  async function waitFor(selector: string): Promise<void> {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const { frameTree } = await cdp.send("Page.getFrameTree");
      const { executionContextId } = await cdp.send("Page.createIsolatedWorld", { frameId: frameTree.frame.id, worldName: "capsule-hostile-watch" });
      const { result } = await cdp.send("Runtime.evaluate", { expression: `document.querySelector(${JSON.stringify(selector)}) !== null`, contextId: executionContextId, returnByValue: true });
      if (result.value === true) return;
      if (performance.now() > deadline) throw new Error(`${current}: ${selector} did not appear`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    findings,
    async visit(url, ready) {
      current = url;
      const response = await page.goto(url, { waitUntil: "load" });
      if (!response || response.status() !== 200) findings.navigations.push(`${url}: HTTP ${response?.status()}`);
      if (ready) await waitFor(ready);
    },
    close: () => page.close(),
  };
}

/** Visits every URL with a few watched pages at once and merges what they saw. */
export async function visitAll(browser: ChromiumSession, urls: readonly string[], allowed: Allowed, ready?: string): Promise<Findings> {
  const queue = [...urls];
  const tabs = await Promise.all(Array.from({ length: Math.min(TABS, urls.length) }, () => openWatchedPage(browser, allowed)));
  try {
    await Promise.all(tabs.map(async (tab) => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) await tab.visit(url, ready);
    }));
  } finally {
    await Promise.all(tabs.map((tab) => tab.close()));
  }
  const merged: Findings = { dialogs: [], scripts: [], requests: [], navigations: [], csp: [] };
  for (const tab of tabs) for (const key of Object.keys(merged) as (keyof Findings)[]) merged[key].push(...tab.findings[key]);
  return merged;
}

/** Folders (relative to `dir`) holding an index.html. */
export function listPages(dir: string): string[] {
  const pages: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name));
      else if (entry.name === "index.html") pages.push(relative(dir, folder));
    }
  };
  walk(dir);
  return pages;
}
