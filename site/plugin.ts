import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderRssFeed } from "../layouts/feed.ts";
import { renderJsonFeed } from "../layouts/feed-json.ts";
import { renderOpml } from "../layouts/opml.ts";
import {
  renderFollowingPage, renderHomePage, renderPostPage, renderTagPage, renderTagsIndex,
} from "../layouts/pages.ts";
import { renderDeletedPage, renderNotFoundPage } from "../layouts/not-found.ts";
import type { EntryView, SiteView } from "../layouts/view.ts";
import { buildTagList, timelineOf, type TagGroup } from "./collections.ts";
import { readFollowList } from "./follow-list.ts";
import { renderHeadersFile } from "./headers.ts";
import { createMarkdown, type MarkdownEnv } from "./markdown.ts";
import { MEDIA_EXTENSIONS } from "./media.ts";
import { isPostPath, parsePostDate, parsePostFrontMatter, postSlugOf } from "./posts.ts";
import { loadProfile } from "./profile.ts";
import { renderEnvelopeXml } from "./format/index.ts";
import { findSigningKey } from "./keys.ts";
import { prepareSignedBuild, type SignedBuild } from "./signing.ts";
import { createSiteView, href, toEntryView, type PostItem } from "./views.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LAYOUTS = join(ROOT, "layouts");

/** Options of the capsule plugin. */
export interface CapsulePluginOptions {
  /** The creator's folder. @default "content" */
  contentDir?: string;
  /** Posts per timeline page. @default 40 */
  pageSize?: number;
}

interface PageData {
  capsuleSite: SiteView;
  collections: { all: PostItem[]; capsuleTags: TagGroup[] };
  page: { url: string; inputPath: string; date: Date };
  pagination?: { items: unknown[]; pageNumber: number; hrefs: string[] };
  tag?: TagGroup;
  content?: string;
}

// Eleventy's config API is untyped (no bundled types); the plugin names what it uses.
type EleventyConfig = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers the whole capsule with Eleventy: data, Markdown, collections, pages, feeds, copied files. */
export default function capsulePlugin(eleventyConfig: EleventyConfig, options: CapsulePluginOptions = {}): void {
  const contentDir = options.contentDir ?? "content";
  const pageSize = options.pageSize ?? 40;
  const isServe = () => process.env.ELEVENTY_RUN_MODE === "serve" || process.env.ELEVENTY_RUN_MODE === "watch";

  // Whether this capsule signs is decided once, when the build starts (a bad key stops it here).
  const keyLookup = findSigningKey({ cwd: process.cwd() });
  const hasKey = keyLookup.status === "found";
  eleventyConfig.addGlobalData("capsuleSite", () => {
    const site = createSiteView(loadProfile(contentDir));
    return hasKey ? { ...site, identityUrl: new URL(".well-known/capsule.json", site.url).href } : site;
  });
  // The profile and follow list are read by the plugin, not as Eleventy data: tell the dev server.
  eleventyConfig.addWatchTarget(`${contentDir}/*.yaml`);
  eleventyConfig.addGlobalData("layout", "capsule-post.11ty.js");
  eleventyConfig.addGlobalData("permalink", () => (data: PageData & { slug?: string }) => {
    if (!isPostPath(data.page.inputPath)) return undefined;
    return `/posts/${postSlugOf(data, data.page.inputPath)}/`;
  });

  // Posts: front matter checked field by field; drafts only on the dev server.
  eleventyConfig.setFrontMatterParsingOptions({
    engines: { yaml: { parse: (text: string, opts: { filePath?: string }) => parsePostFrontMatter(text, opts.filePath ?? "post") } },
  });
  eleventyConfig.addDateParsing(function (this: { page: { inputPath: string } }, value: unknown) {
    return isPostPath(this.page.inputPath) && value !== undefined ? parsePostDate(value) : undefined;
  });
  eleventyConfig.addPreprocessor("capsule-drafts", "md", (data: { draft?: boolean }) => {
    if (data.draft && !isServe()) return false;
    return undefined;
  });
  const md = createMarkdown();
  eleventyConfig.setLibrary("md", {
    render: (text: string, data: PageData) => md.render(text, { ...markdownEnv(data) }),
  });

  // Tag groups are not collection items, so Eleventy does not search for their content.
  eleventyConfig.addCollection("capsuleTags", (api: { getAll(): PostItem[] }) => buildTagList(timelineOf(api.getAll())));

  // The creator's media (never Markdown) is copied by file extension: Eleventy finds those files in
  // the same search as the posts, where a passthrough glob costs a second search (~0.5 s at 4,000 posts).
  eleventyConfig.addTemplateFormats(MEDIA_EXTENSIONS);
  // The site's own assets.
  eleventyConfig.addPassthroughCopy({
    [join(LAYOUTS, "style.css")]: "style.css",
    [join(LAYOUTS, "feed.xsl")]: "feed.xsl",
    [join(LAYOUTS, "feed-fallback.js")]: "feed-fallback.js",
    [createRequire(import.meta.url).resolve("xslt-processor").replace(/index\.js$/, "umd/xslt-processor.global.js")]: "xslt-processor.js",
  });
  // Mirror pages the crawler wrote (`capsule crawl`, crawler/mirror.ts) deploy with the site under /mirror/.
  // They are files, not data: the build never opens the crawler's store.
  const mirrorDir = resolve(process.env.CAPSULE_MIRROR_DIR || ".capsule/mirror");
  if (existsSync(mirrorDir)) eleventyConfig.addPassthroughCopy({ [mirrorDir]: "mirror" });

  const page = (path: string, render: (data: PageData) => string, data: object = {}) =>
    eleventyConfig.addTemplate(path, { data: { layout: false, eleventyExcludeFromCollections: true, ...data }, render });

  // The post layout: a layout's own data must not name a layout (Eleventy would chain it).
  eleventyConfig.addTemplate("_includes/capsule-post.11ty.js", { render: (data: PageData) => {
    const site = data.capsuleSite;
    if ((data as { deleted?: unknown }).deleted) return renderDeletedPage(site, new URL(data.page.url.slice(1), site.url).href);
    const timeline = timelineOf(data.collections.all);
    const index = indexOf(timeline, data.page.inputPath);
    const item = timeline[index] ?? ({ ...data.page, data, content: data.content } as unknown as PostItem);
    const view = (i: number) => (timeline[i] ? toEntryView(timeline[i]!, site) : undefined);
    return renderPostPage(site, toEntryView(item, site, data.content ?? ""), { newer: view(index - 1), older: view(index + 1) });
  } });

  page("capsule-home.11ty.js", (data) => {
    const site = data.capsuleSite;
    const { items, pageNumber, hrefs } = data.pagination!;
    const entries = (items as PostItem[]).map((item) => toEntryView(item, site));
    const pager = { newer: hrefs[pageNumber - 1] && href(site, hrefs[pageNumber - 1]!), older: hrefs[pageNumber + 1] && href(site, hrefs[pageNumber + 1]!), label: "Timeline pages" };
    return renderHomePage(site, entries, pager, new URL(data.page.url.slice(1), site.url).href, pageNumber + 1);
  }, {
    pagination: { data: "collections.all", size: pageSize, before: (all: PostItem[]) => timelineOf(all) },
    permalink: (data: PageData) => (data.pagination!.pageNumber === 0 ? "/index.html" : `/page/${data.pagination!.pageNumber + 1}/index.html`),
  });

  page("capsule-tags.11ty.js", (data) => {
    const site = data.capsuleSite;
    const tags = data.collections.capsuleTags.map((t) => ({ label: t.name, href: href(site, `/tags/${t.slug}/`), count: t.items.length }));
    return renderTagsIndex(site, tags, new URL("tags/", site.url).href);
  }, { permalink: "/tags/index.html" });

  page("capsule-tag.11ty.js", (data) => {
    const site = data.capsuleSite;
    const tag = data.tag!;
    return renderTagPage(site, tag.name, tag.items.map((item) => toEntryView(item, site)), new URL(`tags/${tag.slug}/`, site.url).href);
  }, {
    pagination: { data: "collections.capsuleTags", size: 1, alias: "tag", addAllPagesToCollections: false },
    permalink: (data: PageData) => `/tags/${data.tag!.slug}/index.html`,
  });

  page("capsule-following.11ty.js", (data) => {
    const site = data.capsuleSite;
    return renderFollowingPage(site, readFollowList(contentDir), new URL("following/", site.url).href);
  }, { permalink: "/following/index.html" });

  page("capsule-opml.11ty.js", (data) => renderOpml(data.capsuleSite, readFollowList(contentDir), newestDate(timelineOf(data.collections.all))), { permalink: "/following.opml" });

  const feedEntries = (data: PageData): EntryView[] =>
    timelineOf(data.collections.all).filter((item) => !item.data.draft).slice(0, data.capsuleSite.profile.feedLimit)
      .map((item) => toEntryView(item, data.capsuleSite));
  // One signing pass per build, shared by both feeds and the identity document.
  const signedBuilds = new WeakMap<PostItem[], SignedBuild>();
  let lastSigned: SignedBuild | undefined;
  const signedBuildOf = (data: PageData): SignedBuild => {
    let signed = signedBuilds.get(data.collections.all);
    if (!signed) {
      const posts = data.collections.all.filter((item) => isPostPath(item.inputPath) && !item.data.draft);
      signed = prepareSignedBuild({ posts, feedIds: feedEntries(data).map((e) => e.id), site: data.capsuleSite, cwd: process.cwd(), contentDir, lookup: keyLookup });
      signedBuilds.set(data.collections.all, signed);
      lastSigned = signed;
    }
    return signed;
  };
  page("capsule-feed.11ty.js", (data) => {
    const signed = signedBuildOf(data);
    return renderRssFeed(data.capsuleSite, feedEntries(data), {
      channel: signed.channelXml,
      item: (entry) => signed.itemXml(entry.id),
      tombstones: signed.tombstones.map((t) => ({ url: t.url, updated: t.updated, xml: renderEnvelopeXml("entry", t.envelope) })),
    });
  }, { permalink: "/feed.xml" });
  page("capsule-feed-json.11ty.js", (data) => {
    const signed = signedBuildOf(data);
    return renderJsonFeed(data.capsuleSite, feedEntries(data), { top: signed.jsonTop(), item: (entry) => signed.jsonItem(entry.id) });
  }, { permalink: "/feed.json" });
  // The identity record exists only for a capsule with keys (decided once, when the build starts).
  if (hasKey) {
    page("capsule-identity.11ty.js", (data) => signedBuildOf(data).identityDocument ?? "", { permalink: "/.well-known/capsule.json" });
  }
  eleventyConfig.on("eleventy.after", () => {
    if (!lastSigned) return;
    // The checkpoint chain moves on only with a production build, the one that gets deployed.
    if (!isServe()) lastSigned.saveState();
    console.error(lastSigned.notice);
    lastSigned = undefined;
  });
  page("capsule-404.11ty.js", (data) => renderNotFoundPage(data.capsuleSite), { permalink: "/404.html" });
  page("capsule-headers.11ty.js", (data) => renderHeadersFile(data.capsuleSite.base), { permalink: "/_headers", eleventyAllowMissingExtension: true });
  // GitHub Pages runs Jekyll unless told not to, and Jekyll drops dot-folders such as /.well-known/.
  page("capsule-nojekyll.11ty.js", () => "", { permalink: "/.nojekyll", eleventyAllowMissingExtension: true });
}

const positions = new WeakMap<PostItem[], Map<string, number>>();

/** Where a post sits in the timeline, without a linear search per page (4,000 posts make it quadratic). */
function indexOf(timeline: PostItem[], inputPath: string): number {
  let map = positions.get(timeline);
  if (!map) {
    map = new Map(timeline.map((item, i) => [item.inputPath, i]));
    positions.set(timeline, map);
  }
  return map.get(inputPath) ?? -1;
}

function markdownEnv(data: PageData): MarkdownEnv {
  const site = data.capsuleSite;
  const folder = dirname(data.page.inputPath).replace(/^\.?\/?content\/?/, "");
  return { siteUrl: site.url, assetBase: new URL(folder ? `${folder}/` : "", site.url).href };
}

function newestDate(items: PostItem[]): Date {
  return items[0]?.date ?? new Date(0);
}
