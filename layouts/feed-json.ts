import type { EntryView, SiteView } from "./view.ts";

/** The same posts as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function renderJsonFeed(site: SiteView, entries: EntryView[], extend?: { top?: object; item?: (e: EntryView) => object | undefined }): string {
  const p = site.profile;
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: p.name,
    home_page_url: site.url,
    feed_url: site.jsonFeedUrl,
    description: p.bio || undefined,
    icon: p.avatar,
    language: p.language,
    authors: [{ name: p.name, url: site.url, avatar: p.avatar }],
    ...extend?.top,
    items: entries.map((e) => ({
      id: e.absoluteUrl,
      url: e.absoluteUrl,
      title: e.title,
      language: e.language,
      summary: e.summary,
      content_html: e.html.value,
      image: e.image ? new URL(e.image.url, site.url).href : undefined,
      date_published: e.published.toISOString(),
      date_modified: e.updated?.toISOString(),
      tags: e.tags.length ? e.tags.map((t) => t.label) : undefined,
      attachments: e.attachments.length
        ? e.attachments.map((a) => ({ url: a.url, mime_type: a.type, title: a.title, size_in_bytes: a.size }))
        : undefined,
      ...extend?.item?.(e),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
