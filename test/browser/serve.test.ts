// A feed re-served by the daemon's server, opened in real Chromium: feed.xsl must turn it into the same
// styled page a capsule's own feed gives, under the server's Content-Security-Policy, with native XSLT and
// with XSLT switched off (feed-fallback.js and xslt-processor.js, both served by the daemon).
import type { Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startServer, type RunningServer } from "../../crawler/serve.ts";
import { collectErrors, launchChromium, saveScreenshot, type ChromiumSession } from "../helpers/chromium.ts";
import { buildCapsuleFeed, createFakeMirrorSource } from "../helpers/mirror-source.ts";
import { setup } from "../helpers/setup.ts";

const ID = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
const HOSTILE = "hostile.example-0badc0de";
const ITEMS = 3;
// Entry HTML that slipped past sanitising: feed.xsl writes it unescaped, so only the CSP stands in the way.
const ATTACK = "&lt;p&gt;hi&lt;/p&gt;&lt;script&gt;document.title='pwned-script'&lt;/script&gt;"
  + "&lt;img src=\"data:,x\" onerror=\"document.title='pwned-handler'\"&gt;";

let server: RunningServer | undefined;
let native: ChromiumSession | undefined;
let noXslt: ChromiumSession | undefined;

setup(test, async () => {
  const source = createFakeMirrorSource({
    [ID]: { version: "1", lastModified: new Date("2024-03-01T12:00:00Z"), xml: buildCapsuleFeed({ name: "Ada Mirror", items: ITEMS }) },
    [HOSTILE]: { version: "1", lastModified: null, xml: buildCapsuleFeed({ items: 1 })
      .replace(/<description>&lt;p&gt;Entry[^<]*/, `<description>${ATTACK}`).replace(/<content:encoded>[^<]*/, `<content:encoded>${ATTACK}`) },
  });
  const started = await Promise.allSettled([
    startServer({ source, port: 0 }), launchChromium(), launchChromium(["--disable-blink-features=XSLT"]),
  ] as const);
  [server, native, noXslt] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined)) as [RunningServer, ChromiumSession, ChromiumSession];
  for (const result of started) if (result.status === "rejected") throw result.reason;
});

test.after(async () => {
  await Promise.all([server?.close(), native?.close(), noXslt?.close()]);
});

async function withFeedPage(browser: ChromiumSession | undefined, check: (page: Page, errors: string[]) => Promise<void>, id = ID): Promise<void> {
  const page = await browser!.context.newPage();
  try {
    const errors = collectErrors(page);
    const response = await page.goto(`${server!.url}mirror/${id}/feed.xml`, { waitUntil: "load" });
    assert.is(response?.headers()["content-type"], "application/xml; charset=utf-8");
    assert.match(response?.headers()["content-encoding"] ?? "", /^(br|gzip)$/, "sent compressed");
    await page.waitForSelector(".timeline .entry", { timeout: 10_000 });
    await check(page, errors);
  } finally {
    await page.close();
  }
}

async function readPage(page: Page) {
  return page.evaluate(() => ({
    root: document.documentElement.localName,
    name: document.querySelector(".profile .p-name")?.textContent?.trim(),
    entries: document.querySelectorAll(".timeline .entry").length,
    strong: document.querySelectorAll(".timeline .entry [data-capsule-html] strong").length,
    profileDisplay: getComputedStyle(document.querySelector(".profile")!).display,
    accent: getComputedStyle(document.documentElement).getPropertyValue("--accent").trim(),
    fallback: document.documentElement.getAttribute("data-capsule-fallback"),
    copyButtons: document.querySelectorAll("button.copy").length,
  }));
}

test("with native XSLT, the re-served feed renders as the styled capsule page", async () => {
  await withFeedPage(native, async (page, errors) => {
    const facts = await readPage(page);
    assert.is(facts.root, "html");
    assert.is(facts.name, "Ada Mirror");
    assert.is(facts.entries, ITEMS);
    assert.ok(facts.strong >= ITEMS, "entry HTML rendered as elements");
    assert.is(facts.profileDisplay, "grid", "style.css from the daemon applied");
    assert.ok(facts.accent, "style.css custom properties");
    assert.is(facts.fallback, null, "native XSLT did the work");
    assert.is(facts.copyButtons, 1, "feed-fallback.js ran under the CSP (script-src 'self')");
    await saveScreenshot(page, "serve-mirror-native");
    assert.equal(errors, [], "no CSP violation, no failed asset");
  });
});

test("without XSLT, feed-fallback.js and xslt-processor.js from the daemon render the same page", async () => {
  await withFeedPage(noXslt, async (page, errors) => {
    const facts = await readPage(page);
    assert.is(facts.root, "html");
    assert.is(facts.fallback, "xslt-processor");
    assert.is(facts.name, "Ada Mirror");
    assert.is(facts.entries, ITEMS);
    assert.ok(facts.strong >= ITEMS, "entry HTML restored as elements");
    assert.is(facts.profileDisplay, "grid");
    await saveScreenshot(page, "serve-mirror-fallback");
    assert.equal(errors, [], "no CSP violation, no failed asset");
  });
});

test("the CSP admits the close button of Chromium's XSLT banner", async () => {
  await withFeedPage(native, async (page, errors) => {
    const banner = page.locator("xslt-warning-banner");
    if ((await banner.count()) === 0) return; // a Chromium without the banner: nothing to close
    await banner.locator("button").first().click();
    await banner.waitFor({ state: "detached", timeout: 5_000 });
    assert.equal(errors, []);
  });
});

test("an inline script or event handler in entry HTML is blocked by the CSP, in both modes", async () => {
  for (const browser of [native, noXslt]) {
    await withFeedPage(browser, async (page, errors) => {
      assert.is(await page.locator(".timeline .entry [data-capsule-html] img").count(), 1, "the attack reached the page");
      await page.waitForTimeout(200);
      assert.not.match(await page.title(), /pwned/);
      assert.ok(errors.some((e) => /Content Security Policy/.test(e)), errors.join("\n"));
    }, HOSTILE);
  }
});

test.run();
