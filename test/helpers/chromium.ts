import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REPO_ROOT } from "./build-site.ts";

/** Debian's Chromium; playwright-core brings no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where browser tests write their screenshots (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, "test-output", "screenshots");

const BASE_ARGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A running Chromium with its own temp profile. */
export interface ChromiumSession {
  context: BrowserContext;
  /** Closes the browser and removes its profile folder; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh temp `--user-data-dir` (Playwright only accepts one through a
 * persistent context) plus `extraArgs`, e.g. `--disable-blink-features=XSLT`.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<ChromiumSession> {
  const profile = await mkdtemp(join(tmpdir(), "capsule-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...BASE_ARGS, ...extraArgs],
      viewport: { width: 1100, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    close: () => (closed ??= context.close().catch(() => {}).finally(() => rm(profile, { recursive: true, force: true }))),
  };
}

// Chromium asks every site for /favicon.ico; a capsule has none, and that 404 is not the page's fault.
const isFavicon = (url: string) => /\/favicon\.ico(\?|$)/.test(url);

/** Collects console errors, page errors and failed requests of a page, for a "no errors" check. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    const where = message.location().url;
    if (message.type() === "error" && !isFavicon(where)) errors.push(`console: ${message.text()} (${where})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !isFavicon(response.url())) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`));
  return errors;
}

/** Turns JavaScript off for one page (what `javaScriptEnabled: false` does for a new context). */
export async function disableJavaScript(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
}

/** Writes a full-page screenshot to test-output/screenshots/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
