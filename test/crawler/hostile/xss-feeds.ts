/**
 * TEST ONLY: feeds that carry every DOMPurify payload (test/conformance/xss/dompurify-payloads.json) in
 * every field a feed can fill, served over HTTP for a real crawl (issue 6, "Script never runs"):
 *
 * - `/xss/rss-a.xml`, `/xss/rss-b.xml`: RSS 2.0, half the payloads each (a re-served feed carries 200 entries),
 *   each payload in an item's title, description, content:encoded, dc:creator, author, link, comments,
 *   enclosure URL and type, category and source;
 * - `/xss/atom.xml`: Atom, each payload in an entry's HTML title, summary and content, author name and URI,
 *   alternate and enclosure links;
 * - `/xss/feed.json`: JSON Feed 1.1, each payload in content_html, summary, url, external_url, image, authors,
 *   tags and attachments, with no title: these are notes, whose timeline cards show the body itself;
 * - `/xss/creator-<i>.xml`: one feed per payload with the payload as the channel's title, description, link,
 *   image and language too (profile fields show on every page of a creator).
 *
 * Also `findUnsafePage`, the parse5 check for a whole mirror page (body and head).
 */
import { parse, serialize, type DefaultTreeAdapterTypes } from "parse5";
import { readXssPayloads } from "../../helpers/conformance.ts";
import { findUnsafe } from "../../helpers/html-safety.ts";

type Element = DefaultTreeAdapterTypes.Element;

/** The 223 payloads, in file order. */
export function loadPayloads(): string[] {
  return readXssPayloads().map((record) => record.payload);
}

/** Characters XML cannot carry (most controls, U+FFFE/U+FFFF, lone surrogate halves) left out. */
function stripInvalid(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}

/** Text for XML content and attributes: markup escaped. */
function xmlText(text: string): string {
  return stripInvalid(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const cdata = (text: string) => `<![CDATA[${stripInvalid(text).replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

function rssItem(payload: string, i: number): string {
  const p = xmlText(payload);
  return `<item><guid isPermaLink="false">xss-${i}</guid><title>${p}</title><link>${p}</link><comments>${p}</comments>`
    + `<dc:creator>${p}</dc:creator><author>${p}</author><category>${p}</category><source url="${p}">${p}</source>`
    + `<pubDate>${new Date(Date.UTC(2025, 0, 1) + i * 60_000).toUTCString()}</pubDate><description>${p}</description>`
    + `<content:encoded>${cdata(payload)}</content:encoded><enclosure url="${p}" type="${p}" length="1"/></item>`;
}

function rss(title: string, link: string, items: string, channel = ""): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">`
    + `<channel><title>${title}</title><link>${link}</link><description>${title}</description>${channel}${items}</channel></rss>\n`;
}

function atomEntry(payload: string, i: number): string {
  const p = xmlText(payload);
  return `<entry><id>urn:xss:${i}</id><title type="html">${p}</title><updated>${new Date(Date.UTC(2025, 1, 1) + i * 60_000).toISOString()}</updated>`
    + `<author><name>${p}</name><uri>${p}</uri><email>${p}</email></author><link rel="alternate" href="${p}"/><link rel="enclosure" href="${p}" type="${p}" length="1"/>`
    + `<category term="${p}" label="${p}"/><summary type="html">${p}</summary><content type="html">${p}</content></entry>`;
}

/** Every XSS feed, path → body and Content-Type, for a server at `origin` (no trailing slash); `creators` picks the one-payload feeds. */
export function renderXssFeeds(origin: string, payloads: readonly string[] = loadPayloads(), creators: (index: number) => boolean = () => true): Map<string, { body: string; type: string }> {
  const feeds = new Map<string, { body: string; type: string }>();
  const half = Math.ceil(payloads.length / 2);
  const items = payloads.map((payload, i) => rssItem(payload, i));
  feeds.set("/xss/rss-a.xml", { type: "application/rss+xml", body: rss("All payloads, first half", `${origin}/a/`, items.slice(0, half).join("")) });
  feeds.set("/xss/rss-b.xml", { type: "application/rss+xml", body: rss("All payloads, second half", `${origin}/b/`, items.slice(half).join("")) });
  feeds.set("/xss/atom.xml", {
    type: "application/atom+xml",
    body: `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:xss</id><title>All payloads, Atom</title>`
      + `<updated>2025-02-01T00:00:00Z</updated><link rel="alternate" href="${origin}/atom/"/>${payloads.map(atomEntry).join("")}</feed>\n`,
  });
  feeds.set("/xss/feed.json", {
    type: "application/feed+json",
    body: JSON.stringify({
      version: "https://jsonfeed.org/version/1.1", title: "All payloads, JSON", home_page_url: `${origin}/json/`,
      items: payloads.map((payload, i) => ({
        id: `xss-json-${i}`, content_html: payload, summary: payload, url: payload, external_url: payload, image: payload,
        date_published: new Date(Date.UTC(2025, 2, 1) + i * 60_000).toISOString(), tags: [payload],
        authors: [{ name: payload, url: payload, avatar: payload }], attachments: [{ url: payload, mime_type: payload, title: payload }],
      })),
    }),
  });
  payloads.forEach((payload, i) => {
    if (!creators(i)) return;
    const p = xmlText(payload);
    feeds.set(`/xss/creator-${i}.xml`, {
      type: "application/rss+xml",
      body: rss(p, p, rssItem(payload, i), `<language>${p}</language><image><url>${p}</url><title>${p}</title><link>${p}</link></image>`),
    });
  });
  return feeds;
}

const HEAD_LINKS = new Set(["canonical", "stylesheet", "alternate", "blogroll", "capsule-identity"]);

/** Whether a URL is absolute http(s), or a path on this site. */
export function isSafeUrl(url: string | null | undefined): boolean {
  return typeof url === "string" && (/^https?:\/\/[^\s]/i.test(url) || /^\/(?!\/)/.test(url));
}

const attr = (element: Element, name: string) => element.attrs.find((a) => a.name === name)?.value;

/**
 * Everything unsafe in a whole page: `findUnsafe` on its body, and in its head only title, meta and link
 * elements, no handlers, links with known rels and safe URLs, og:url and og:image with safe URLs.
 * (The same check as the XSS suite of test/crawler/mirror.test.ts.)
 */
export function findUnsafePage(page: string): string[] {
  const document = parse(page);
  const root = document.childNodes.find((n) => n.nodeName === "html") as Element;
  const head = root.childNodes.find((n) => n.nodeName === "head") as Element;
  const body = root.childNodes.find((n) => n.nodeName === "body") as Element;
  const problems = findUnsafe(serialize(body));
  for (const element of head.childNodes.filter((n): n is Element => "tagName" in n)) {
    if (!["title", "meta", "link"].includes(element.tagName)) problems.push(`<${element.tagName}> in head`);
    for (const a of element.attrs) if (a.name.startsWith("on")) problems.push(`${a.name} on <${element.tagName}> in head`);
    if (element.tagName === "link" && (!HEAD_LINKS.has(attr(element, "rel") ?? "") || !isSafeUrl(attr(element, "href")))) {
      problems.push(`head link ${attr(element, "rel")} ${attr(element, "href")}`);
    }
    if (element.tagName === "meta" && /^og:(url|image)$/.test(attr(element, "property") ?? "") && !isSafeUrl(attr(element, "content"))) {
      problems.push(`head meta ${attr(element, "property")} ${attr(element, "content")}`);
    }
    if (element.tagName === "meta" && (attr(element, "http-equiv") ?? "").toLowerCase() === "refresh") problems.push("meta refresh in head");
  }
  return problems;
}
