// The prerendered pages in real Chromium: the home page with JavaScript off, a post with its images.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import { setup } from "../helpers/setup.ts";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { serveTempSite, type ServedSite } from "../helpers/build-site.ts";
import { collectErrors, disableJavaScript, launchChromium, saveScreenshot, type ChromiumSession } from "../helpers/chromium.ts";

let served: ServedSite | undefined;
let chromium: ChromiumSession | undefined;
let profileName = "";

setup(test, async () => {
  const [site, browser] = await Promise.allSettled([serveTempSite(), launchChromium()]);
  served = site.status === "fulfilled" ? site.value : undefined;
  chromium = browser.status === "fulfilled" ? browser.value : undefined;
  for (const result of [site, browser]) if (result.status === "rejected") throw result.reason;
  const profile = parseYaml(await readFile(join(served!.site.dir, "content", "profile.yaml"), "utf8")) as { name: string };
  profileName = profile.name;
});

test.after(closeAll);

async function closeAll(): Promise<void> {
  await chromium?.close();
  await served?.close();
}

/** The built post page with the most images in its content (the sample has several). */
async function findPostWithImages(output: string): Promise<{ path: string; title: string }> {
  let best = { path: "", title: "", images: 0 };
  for (const slug of await readdir(join(output, "posts"))) {
    const html = await readFile(join(output, "posts", slug, "index.html"), "utf8").catch(() => "");
    const title = /<h1 class="p-name">([^<]*)<\/h1>/.exec(html)?.[1];
    const images = html.match(/<img /g)?.length ?? 0;
    if (title && images > best.images) best = { path: `posts/${slug}/`, title, images };
  }
  assert.ok(best.path, "the sample content should have an article with an image");
  return best;
}

test("the home page renders with JavaScript off: profile, notes, articles, support links", async () => {
  const page = await chromium!.context.newPage();
  const errors = collectErrors(page);
  try {
    await disableJavaScript(page);
    await page.goto(served!.url, { waitUntil: "load" });
    assert.is((await page.textContent(".profile .p-name"))?.trim(), profileName);
    assert.ok(await page.locator(".timeline .entry.note .e-content").count() >= 1, "a note in full");
    assert.ok(await page.locator(".timeline .entry.article h2.p-name a").count() >= 1, "an article title");
    assert.ok(await page.locator(".timeline .entry.note .e-content").first().isVisible());

    const support = await page.$$eval(".support a", (links) => links.map((a) => a.getAttribute("href") ?? ""));
    assert.ok(support.some((href) => href.startsWith("ethereum:")), `an ethereum: link in ${support.join(", ")}`);
    assert.ok(support.some((href) => href.startsWith("lightning:")), `a lightning: link in ${support.join(", ")}`);
    assert.ok(support.every((href) => /^(ethereum|bitcoin|lightning|monero|https):/.test(href)), support.join(", "));
    assert.ok(await page.locator(".support code.address").count() >= support.length);

    const style = await page.evaluate(() => ({
      profile: getComputedStyle(document.querySelector(".profile")!).display,
      skip: document.querySelector(".skip")!.getBoundingClientRect().bottom,
      accent: getComputedStyle(document.documentElement).getPropertyValue("--accent").trim(),
    }));
    assert.is(style.profile, "grid", "style.css applied");
    assert.ok(style.skip <= 0, "the skip link is hidden until focused");
    assert.ok(style.accent, "style.css custom properties");
    await page.keyboard.press("Tab");
    assert.is(await page.evaluate(() => document.activeElement?.className), "skip");
    assert.ok(await page.evaluate(() => document.querySelector(".skip")!.getBoundingClientRect().top >= 0), "the skip link shows on focus");
    await page.keyboard.press("Shift+Tab");

    await saveScreenshot(page, "home");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, "home-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px too wide)`);
    await saveScreenshot(page, "home-mobile");

    // Scripts really are off: the styled feed keeps its entries but gets no copy button.
    await page.goto(`${served!.url}feed.xml`, { waitUntil: "load" });
    assert.ok(await page.locator(".timeline .entry [data-capsule-html] p").count() >= 1);
    assert.is(await page.locator("button.copy").count(), 0);
    assert.equal(errors, []);
  } finally {
    await page.close();
  }
});

test("a post page renders its title, content and images", async () => {
  const post = await findPostWithImages(served!.site.output);
  const page = await chromium!.context.newPage();
  const errors = collectErrors(page);
  try {
    await page.goto(served!.url + post.path, { waitUntil: "load" });
    assert.is((await page.textContent("main h1.p-name"))?.trim(), post.title.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"'));
    assert.ok(await page.locator("main .e-content p").count() >= 1, "paragraphs of content");
    assert.ok(await page.title());
    const images = await page.$$eval("main img", (imgs) => (imgs as HTMLImageElement[]).map((img) => ({ src: img.src, width: img.naturalWidth, shown: img.getBoundingClientRect().width })));
    assert.ok(images.length >= 1);
    for (const image of images) {
      assert.ok(image.width > 0, `${image.src} loaded`);
      assert.ok(image.shown <= 40 * 16 + 1, `${image.src} fits the column (${image.shown}px)`);
    }
    await saveScreenshot(page, "post");
    await page.emulateMedia({ colorScheme: "dark" });
    await saveScreenshot(page, "post-dark");
    assert.equal(errors, []);
  } finally {
    await page.close();
  }
});

test.run();
