// feed.xml as a page in real Chromium: with native XSLT, and with XSLT switched off, where the XHTML
// script inside the feed (layouts/feed-fallback.js) runs feed.xsl through xslt-processor instead.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { test } from "uvu";
import { setup } from "../helpers/setup.ts";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { serveTempSite, type ServedSite } from "../helpers/build-site.ts";
import { collectErrors, launchChromium, saveScreenshot, type ChromiumSession } from "../helpers/chromium.ts";

const NO_XSLT = ["--disable-blink-features=XSLT"];
const XHTML = "http://www.w3.org/1999/xhtml";

let served: ServedSite | undefined;
/** The same capsule under a path, as GitHub project pages serve it (https://user.github.io/capsule/). */
let prefixed: ServedSite | undefined;
let native: ChromiumSession | undefined;
let noXslt: ChromiumSession | undefined;
let profileName = "";
let itemCount = 0;

setup(test, async () => {
  const started = await Promise.allSettled([
    serveTempSite(), serveTempSite({ mount: "/capsule/" }), launchChromium(), launchChromium(NO_XSLT),
  ] as const);
  [served, prefixed, native, noXslt] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined)) as [ServedSite, ServedSite, ChromiumSession, ChromiumSession];
  for (const result of started) if (result.status === "rejected") throw result.reason;
  const profile = parseYaml(await readFile(join(served!.site.dir, "content", "profile.yaml"), "utf8")) as { name: string };
  profileName = profile.name;
  itemCount = (await readFile(join(served!.site.output, "feed.xml"), "utf8")).match(/<item>/g)?.length ?? 0;
});

test.after(closeAll);

async function closeAll(): Promise<void> {
  await Promise.all([native?.close(), noXslt?.close(), served?.close(), prefixed?.close()]);
}

/** Opens the feed of `site` in a new page of `browser`, runs `check`, and always closes the page. */
async function withFeedPage(browser: ChromiumSession | undefined, site: ServedSite | undefined, check: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const page = await browser!.context.newPage();
  try {
    const errors = collectErrors(page);
    await page.goto(`${site!.url}feed.xml`, { waitUntil: "load" });
    await check(page, errors);
  } finally {
    await page.close();
  }
}

/** What both modes must show: a styled HTML page with the profile and every entry, entry HTML as markup. */
async function assertStyledFeedPage(page: Page, site: ServedSite): Promise<void> {
  await page.waitForSelector(".timeline .entry", { timeout: 10_000 });
  const facts = await page.evaluate(() => {
    const root = document.documentElement;
    const containers = Array.from(document.querySelectorAll("[data-capsule-html]"));
    const banner = document.querySelector(".feed-banner");
    return {
      root: root.localName,
      ns: root.namespaceURI,
      lang: root.getAttribute("lang"),
      title: document.title,
      name: document.querySelector(".profile .p-name")?.textContent?.trim(),
      entries: document.querySelectorAll(".timeline .entry").length,
      notes: document.querySelectorAll(".timeline .entry.note .e-content").length,
      articles: document.querySelectorAll(".timeline .entry.article h2.p-name a[href]").length,
      markup: document.querySelectorAll(".timeline .entry [data-capsule-html] p, .timeline .entry [data-capsule-html] strong").length,
      literal: containers.filter((el) => /<\/?(p|strong|a|em)\b/.test(el.textContent ?? "")).length,
      text: document.body?.innerText ?? "",
      feedUrl: (document.getElementById("feed-url") as HTMLInputElement | null)?.value,
      supportHrefs: Array.from(document.querySelectorAll(".support a"), (a) => a.getAttribute("href")),
      bannerBackground: banner ? getComputedStyle(banner).backgroundColor : "",
      accent: getComputedStyle(root).getPropertyValue("--accent").trim(),
      profileDisplay: getComputedStyle(document.querySelector(".profile")!).display,
      avatarLoaded: (document.querySelector(".profile .avatar") as HTMLImageElement | null)?.naturalWidth ?? 0,
    };
  });
  assert.is(facts.root, "html");
  assert.is(facts.ns, XHTML);
  assert.ok(facts.lang, "lang from channel/language");
  assert.is(facts.name, profileName);
  assert.ok(facts.title.includes(profileName), facts.title);
  assert.is(facts.entries, itemCount, "every item of the feed");
  assert.ok(facts.notes >= 1 && facts.articles >= 1, "notes in full and articles as titles");
  assert.ok(facts.markup >= 1, "entry HTML rendered as elements");
  assert.is(facts.literal, 0, "no entry shows its HTML as text");
  assert.not.match(facts.text, /&lt;|<\/?p>/);
  assert.is(facts.feedUrl, `${site.url}feed.xml`);
  assert.ok(facts.supportHrefs.some((href) => href?.startsWith("ethereum:")));
  assert.is(facts.profileDisplay, "grid", "style.css applied");
  assert.ok(facts.accent, "style.css custom properties");
  assert.not.equal(facts.bannerBackground, "rgba(0, 0, 0, 0)", "the banner is styled");
  assert.ok(facts.avatarLoaded > 0, "the avatar loads");
}

test("the sample feed has entries", () => {
  assert.ok(itemCount >= 2, `${itemCount} items`);
});

test("with native XSLT, feed.xml renders as a styled page and the fallback stays idle", async () => {
  const start = served!.server.requests.length;
  await withFeedPage(native, served, async (page, errors) => {
    await assertStyledFeedPage(page, served!);
    const facts = await page.evaluate(() => ({
      contentType: document.contentType,
      fallback: document.documentElement.getAttribute("data-capsule-fallback"),
      restored: document.querySelectorAll('[data-capsule-html="restored"]').length,
    }));
    assert.is(facts.contentType, "text/html", "the document is the transform's output");
    assert.is(facts.fallback, null, "the script inside <channel> did not run");
    assert.is(facts.restored, 0, "libxslt honoured disable-output-escaping");
    assert.is(await page.locator("button.copy").count(), 1, "feed-fallback.js enhanced the transform's page");
    const requests = served!.server.requests.slice(start);
    assert.ok(requests.includes("GET /feed.xsl"), requests.join(", "));
    assert.not.ok(requests.includes("GET /xslt-processor.js"), "xslt-processor is never loaded");
    await saveScreenshot(page, "feed-native");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, "feed-native-dark");
    assert.equal(errors, []);
  });
});

test("without XSLT, the fallback renders feed.xml as the same styled page", async () => {
  const start = served!.server.requests.length;
  await withFeedPage(noXslt, served, async (page, errors) => {
    await assertStyledFeedPage(page, served!);
    const facts = await page.evaluate(() => ({
      fallback: document.documentElement.getAttribute("data-capsule-fallback"),
      restored: document.querySelectorAll('[data-capsule-html="restored"]').length,
      rss: document.getElementsByTagName("rss").length,
    }));
    assert.is(facts.fallback, "xslt-processor");
    assert.ok(facts.restored >= 1, "entry HTML restored from text");
    assert.is(facts.rss, 0, "the raw XML is gone");
    assert.ok(served!.server.requests.slice(start).includes("GET /xslt-processor.js"));
    await saveScreenshot(page, "feed-fallback");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, "feed-fallback-dark");

    // Links work: an article title leads to its post page.
    const link = page.locator(".timeline .entry.article h2.p-name a").first();
    const href = await link.getAttribute("href");
    await Promise.all([page.waitForURL(href!), link.click()]);
    assert.ok(await page.locator("main h1.p-name").isVisible());
    assert.equal(errors, []);
  });
});

test("under a path prefix, both modes find feed.xsl, style.css and the fallback", async () => {
  for (const browser of [native, noXslt]) {
    await withFeedPage(browser, prefixed, async (page, errors) => {
      await assertStyledFeedPage(page, prefixed!);
      const css = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="stylesheet"]')?.href);
      assert.is(css, `${prefixed!.url}style.css`);
      assert.equal(errors, []);
    });
  }
  assert.ok(prefixed!.server.requests.includes("GET /capsule/xslt-processor.js"));
});

test("without XSLT, a failing fallback leaves the raw feed visible and logs why", async () => {
  const page = await noXslt!.context.newPage();
  try {
    const errors = collectErrors(page);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/xslt-processor.js", async (route) => {
      await held;
      await route.abort();
    });
    const logged = page.waitForEvent("console", { predicate: (m) => m.text().startsWith("Capsule feed:"), timeout: 10_000 });
    await page.goto(`${served!.url}feed.xml`, { waitUntil: "domcontentloaded" });
    const visibility = () => page.evaluate(() => getComputedStyle(document.documentElement).visibility);
    assert.is(await visibility(), "hidden", "the raw XML is hidden while the page is being made");
    release();
    await logged;
    const facts = await page.evaluate(() => ({ root: document.documentElement.localName, text: document.documentElement.textContent ?? "" }));
    assert.is(facts.root, "rss", "the XML stays");
    assert.is(await visibility(), "visible", "and is shown again");
    assert.ok(facts.text.includes(profileName));
    assert.ok(errors.some((e) => e.includes("Capsule feed: could not render")), errors.join("\n"));
    assert.ok(errors.every((e) => /Capsule feed|xslt-processor\.js/.test(e)), errors.join("\n"));
  } finally {
    await page.close();
  }
});

test.run();
