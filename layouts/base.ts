import { html, type SafeHtml } from "./html.ts";
import type { SiteView } from "./view.ts";

/** What the page shell needs besides the body. */
export interface DocumentOptions {
  title: string;
  description: string;
  /** Absolute URL of this page. */
  canonical: string;
  ogType?: "website" | "article" | "profile";
  image?: string | undefined;
  language?: string | undefined;
  published?: Date | undefined;
  body: SafeHtml;
}

/** The page shell shared by every page of a capsule and of its mirrors: head, header, footer. */
export function renderDocument(site: SiteView, page: DocumentOptions): string {
  const { profile, base } = site;
  const image = page.image ?? profile.avatar;
  return html`<!doctype html>
<html lang="${page.language ?? profile.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<meta name="description" content="${page.description}">
<link rel="canonical" href="${page.canonical}">
<link rel="stylesheet" href="${site.assetBase ?? base}style.css">
<link rel="alternate" type="application/rss+xml" title="${profile.name} (RSS)" href="${site.feedUrl}">
${site.jsonFeedUrl ? html`<link rel="alternate" type="application/feed+json" title="${profile.name} (JSON Feed)" href="${site.jsonFeedUrl}">\n` : ""}${site.opmlUrl ? html`<link rel="blogroll" type="text/xml" title="Who ${profile.name} follows" href="${site.opmlUrl}">\n` : ""}${site.identityUrl ? html`<link rel="capsule-identity" type="application/json" href="${site.identityUrl}">\n` : ""}<meta property="og:type" content="${page.ogType ?? "website"}">
<meta property="og:title" content="${page.title}">
<meta property="og:description" content="${page.description}">
<meta property="og:url" content="${page.canonical}">
<meta property="og:site_name" content="${profile.name}">
${image ? html`<meta property="og:image" content="${image}">\n` : ""}${page.published ? html`<meta property="article:published_time" content="${page.published.toISOString()}">\n` : ""}<meta name="twitter:card" content="summary">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="site-name" href="${base}">${profile.name}</a>
<nav aria-label="Site">
<ul>
<li><a href="${base}">Posts</a></li>
<li><a href="${base}tags/">Tags</a></li>
${site.mirrorOf ? "" : html`<li><a href="${base}following/">Following</a></li>\n`}<li><a href="${site.feedUrl}">Feed</a></li>
${site.mirrorOf ? html`<li><a href="${site.mirrorOf.origin}">Original</a></li>\n` : ""}</ul>
</nav>
</header>
${site.mirrorOf ? html`<p class="mirror-banner" role="note">A copy of <a href="${site.mirrorOf.origin}">${profile.name}’s capsule</a>, kept by a follower.${site.mirrorOf.verified ? " Every post here carries its author’s signature." : ""}</p>\n` : ""}<main id="main">
${page.body}
</main>
<footer class="site-footer">
<p>${profile.name} publishes this capsule. Follow it with any feed reader: <a href="${site.feedUrl}">${site.feedUrl}</a></p>
</footer>
</body>
</html>
`.value;
}
