/**
 * The styled feed never brings entry text to life. feed.xsl writes entry HTML with disable-output-escaping;
 * where the engine honours it (native XSLT), a summary that is *text* containing "<img src=x onerror=…>"
 * arrives as a text node, and feed-fallback.js must leave it text: it restores markup only where the
 * engine's probe shows disable-output-escaping was ignored. Checked on the daemon (under its CSP) and on a
 * mirror's feed.xml on a static site (no CSP), with every DOMPurify payload: no dialog opens.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mirrorIdOf } from "../../crawler/model.ts";
import { setup } from "../helpers/setup.ts";
import { loadPayloads } from "../crawler/hostile/xss-feeds.ts";
import { NOTHING, startHostileWorld, visitAll, type HostileWorld } from "./hostile-world.ts";

const test = suite<{ world: HostileWorld }>("hostile: the styled feed never brings entry text to life");

setup(test, async (ctx) => {
  // The one-payload creators whose payload is markup written as text (`&lt;img …&gt;`): DOMPurify's
  // "mXSS Variation I" (`<listing>&lt;img onerror="alert(1);//" src=x&gt;<t t></listing>`) among them.
  const payloads = loadPayloads();
  ctx.world = await startHostileWorld((i) => payloads[i]!.includes("&lt;"));
});

test.after(async (ctx) => {
  await ctx.world?.close();
});

test("a mirror's feed.xml on the follower's own site (no CSP), with native XSLT: no dialog, no script", async ({ world }) => {
  const urls = world.daemon.crawler.store.listFeeds().map((feed) => new URL(`mirror/${mirrorIdOf(feed)}/feed.xml`, world.site.url).href);
  const findings = await visitAll(world.native, urls, { origins: [new URL(world.site.url).origin, world.origin.origin], scripts: ["/feed-fallback.js", "/xslt-processor.js"] }, ".timeline .entry");
  assert.equal(findings, NOTHING);
});

test("the daemon's re-served feeds, with native XSLT: no markup comes alive for the CSP to stop", async ({ world }) => {
  const urls = world.daemon.crawler.store.listFeeds().map((feed) => `${world.daemon.url}mirror/${mirrorIdOf(feed)}/feed.xml`);
  const findings = await visitAll(world.native, urls, { origins: [new URL(world.daemon.url).origin, world.origin.origin], scripts: ["/feed-fallback.js", "/xslt-processor.js"] }, ".timeline .entry");
  assert.equal(findings.csp, []);
});

test.run();
