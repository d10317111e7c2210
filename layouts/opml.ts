import { escapeXml as x } from "./xml.ts";
import type { SiteView } from "./view.ts";

/** The follow list as OPML 2.0 (http://opml.org/spec2.opml), the blogroll format feed readers import. */
export function renderOpml(site: SiteView, follows: { url: string; name: string | undefined }[], updated: Date): string {
  const outlines = follows.map((f) => {
    const text = f.name ?? new URL(f.url).hostname;
    return `<outline type="rss" text="${x(text)}" title="${x(text)}" xmlUrl="${x(f.url)}"/>`;
  });
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<opml version="2.0">`,
    "<head>",
    `<title>${x(`Who ${site.profile.name} follows`)}</title>`,
    `<dateModified>${updated.toUTCString()}</dateModified>`,
    `<ownerName>${x(site.profile.name)}</ownerName>`,
    `<ownerId>${x(site.url)}</ownerId>`,
    `<docs>http://opml.org/spec2.opml</docs>`,
    "</head>",
    "<body>",
    ...outlines,
    "</body>",
    "</opml>",
    "",
  ].join("\n");
}
