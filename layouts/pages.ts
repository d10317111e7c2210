import { renderDocument } from "./base.ts";
import { renderEntryCard, renderEntryFull } from "./entry.ts";
import { excerpt, renderTime } from "./format.ts";
import { html } from "./html.ts";
import { renderProfileCard } from "./profile.ts";
import type { EntryView, LinkView, PagerView, SiteView } from "./view.ts";

function renderPager(pager: PagerView | undefined) {
  if (!pager || (!pager.newer && !pager.older)) return "";
  return html`<nav class="pager" aria-label="${pager.label}">
${pager.newer ? html`<a rel="prev" href="${pager.newer}">← Newer posts</a>` : html`<span></span>`}
${pager.older ? html`<a rel="next" href="${pager.older}">Older posts →</a>` : ""}
</nav>`;
}

/** The home page: profile, support links and one page of the timeline. */
export function renderHomePage(site: SiteView, entries: EntryView[], pager: PagerView, canonical: string, pageNumber: number): string {
  const { profile } = site;
  const body = html`${pageNumber === 1 ? renderProfileCard(profile) : html`<h1>${profile.name}: posts, page ${pageNumber}</h1>`}
<section class="timeline" aria-label="Posts">
${pageNumber === 1 ? html`<h2 class="visually-hidden">Posts</h2>` : ""}
${entries.length ? entries.map((e) => renderEntryCard(e, profile.language)) : html`<p class="empty">Nothing posted yet.</p>`}
</section>
${renderPager(pager)}`;
  return renderDocument(site, {
    title: pageNumber === 1 ? profile.name : `${profile.name}: page ${pageNumber}`,
    description: profile.bio || `Posts by ${profile.name}`,
    canonical,
    ogType: "profile",
    body,
  });
}

/** A post's own page. */
export function renderPostPage(site: SiteView, entry: EntryView, around: { newer?: EntryView | undefined; older?: EntryView | undefined }): string {
  const { profile } = site;
  const title = entry.title ?? excerpt(entry.summary ?? entry.html.value, 10);
  const nav = around.newer || around.older
    ? html`<nav class="pager" aria-label="More posts">
${around.newer ? html`<a rel="prev" href="${around.newer.url}">← ${around.newer.title ?? "Newer note"}</a>` : html`<span></span>`}
${around.older ? html`<a rel="next" href="${around.older.url}">${around.older.title ?? "Older note"} →</a>` : ""}
</nav>`
    : "";
  return renderDocument(site, {
    title: `${title} · ${profile.name}`,
    description: entry.summary ?? excerpt(entry.html.value, 30),
    canonical: entry.absoluteUrl,
    ogType: "article",
    language: entry.language,
    image: entry.image?.url.startsWith("http") ? entry.image.url : entry.image ? new URL(entry.image.url, site.url).href : undefined,
    published: entry.published,
    body: html`${renderEntryFull(entry, profile.language)}
<aside class="byline h-card"><a class="p-author u-url" href="${site.base}">${profile.name}</a></aside>
${nav}`,
  });
}

/** All posts with one tag, as a compact archive list (the timeline shows them in full). */
export function renderTagPage(site: SiteView, tag: string, entries: EntryView[], canonical: string): string {
  const language = site.profile.language;
  return renderDocument(site, {
    title: `#${tag} · ${site.profile.name}`,
    description: `Posts by ${site.profile.name} tagged ${tag}`,
    canonical,
    body: html`<h1>Posts tagged <span class="tag-name">#${tag}</span></h1>
<p>${entries.length} ${entries.length === 1 ? "post" : "posts"} · <a href="${site.base}tags/">All tags</a></p>
<ol class="archive" reversed>
${entries.map((e) => html`<li class="${e.kind}">${renderTime(e.published, language)} <a href="${e.url}">${e.title ?? excerpt(e.summary ?? e.html.value, 14)}</a>${e.kind === "note" ? html` <span class="kind">note</span>` : ""}</li>\n`)}</ol>`,
  });
}

/** The list of every tag with its number of posts. */
export function renderTagsIndex(site: SiteView, tags: (LinkView & { count: number })[], canonical: string): string {
  return renderDocument(site, {
    title: `Tags · ${site.profile.name}`,
    description: `Topics ${site.profile.name} writes about`,
    canonical,
    body: html`<h1>Tags</h1>
${tags.length ? html`<ul class="tag-list">${tags.map((t) => html`<li><a rel="tag" href="${t.href}">#${t.label}</a> <span class="count">${t.count} ${t.count === 1 ? "post" : "posts"}</span></li>`)}</ul>` : html`<p class="empty">No tags yet.</p>`}`,
  });
}

/** Who the creator follows, with a link to the OPML file feed readers can import. */
export function renderFollowingPage(site: SiteView, follows: { url: string; name: string | undefined; mirror?: string | undefined }[], canonical: string): string {
  return renderDocument(site, {
    title: `Following · ${site.profile.name}`,
    description: `The capsules and feeds ${site.profile.name} follows`,
    canonical,
    body: html`<h1>Following</h1>
<p>${site.profile.name} follows these capsules and feeds. Import them all into a feed reader with <a href="${site.opmlUrl}" type="text/xml">following.opml</a>.</p>
${follows.length
  ? html`<ul class="following">${follows.map((f) => html`<li><a href="${f.url}">${f.name ?? new URL(f.url).hostname}</a> <span class="feed-url">${f.url}</span>${f.mirror ? html` · <a href="${f.mirror}">mirrored copy</a>` : ""}</li>`)}</ul>`
  : html`<p class="empty">Not following anyone yet.</p>`}`,
  });
}
