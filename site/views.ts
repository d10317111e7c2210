import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { trusted } from "../layouts/html.ts";
import type { EntryView, SiteView } from "../layouts/view.ts";
import { mediaTypeOf } from "./media.ts";
import { entryIdOf, kindOf, parsePostDate, type PostFrontMatter } from "./posts.ts";
import type { Profile } from "./profile.ts";
import { slugifyTag } from "./slug.ts";

/** The slice of an Eleventy collection item the views read. */
export interface PostItem {
  inputPath: string;
  url: string;
  date: Date;
  data: PostFrontMatter & { draft?: boolean };
  content?: string;
  templateContent?: string;
}

/** Site-wide view data from the profile. */
export function createSiteView(profile: Profile): SiteView {
  return {
    profile,
    base: profile.pathPrefix,
    url: profile.url,
    feedUrl: new URL("feed.xml", profile.url).href,
    jsonFeedUrl: new URL("feed.json", profile.url).href,
    opmlUrl: new URL("following.opml", profile.url).href,
  };
}

/** Root-relative link for a site path such as `/posts/x/`, honouring the path prefix. */
export function href(site: SiteView, path: string): string {
  return site.base + path.replace(/^\//, "");
}

const views = new WeakMap<object, EntryView>();

/** The layout view of one post, made once per collection item. */
export function toEntryView(item: PostItem, site: SiteView, content?: string): EntryView {
  const cached = views.get(item);
  if (cached && content === undefined) return cached;
  const data = item.data;
  const folder = dirname(item.inputPath);
  const assetUrl = (file: string) => new URL(file, new URL(`${folder.replace(/^\.?\/?content\/?/, "")}/`, site.url)).href;
  const view: EntryView = {
    id: entryIdOf(data, item.inputPath),
    url: href(site, item.url),
    absoluteUrl: new URL(item.url.replace(/^\//, ""), site.url).href,
    kind: kindOf(data),
    language: data.lang === undefined ? undefined : String(data.lang),
    title: data.title === undefined ? undefined : String(data.title),
    summary: data.summary === undefined ? undefined : String(data.summary),
    html: trusted(content ?? item.content ?? ""),
    published: item.date,
    updated: data.updated === undefined ? undefined : parsePostDate(data.updated),
    tags: (data.topics ?? []).map((tag) => ({ label: tag, href: href(site, `/tags/${slugifyTag(tag)}/`) })),
    draft: data.draft === true,
    image: data.image ? { url: assetUrl(data.image), alt: data.imageAlt ?? "" } : undefined,
    attachments: (data.attachments ?? []).map((a) => ({
      url: assetUrl(a.file),
      title: a.title,
      size: statSync(join(folder, a.file)).size,
      type: mediaTypeOf(a.file),
    })),
  };
  if (content === undefined) views.set(item, view);
  return view;
}
