import { formatSize, renderTime } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import type { EntryView } from "./view.ts";

/** One post in a list: a note in full, an article as its title and summary. */
export function renderEntryCard(entry: EntryView, language: string): SafeHtml {
  const meta = renderEntryMeta(entry, language, true);
  if (entry.kind === "note") {
    return html`<article class="entry note h-entry"${langAttribute(entry)}>
<div class="e-content">${entry.html}</div>
${meta}
</article>`;
  }
  return html`<article class="entry article h-entry"${langAttribute(entry)}>
<h2 class="p-name"><a class="u-url" href="${entry.url}">${entry.title}</a></h2>
${entry.summary ? html`<p class="p-summary">${entry.summary}</p>` : ""}
${meta}
</article>`;
}

function langAttribute(entry: EntryView) {
  return entry.language ? html` lang="${entry.language}"` : "";
}

/** Date, tags and draft mark under a post; `linkDate` turns the date into the post's permalink. */
export function renderEntryMeta(entry: EntryView, language: string, linkDate: boolean): SafeHtml {
  const published = renderTime(entry.published, language);
  const date = linkDate ? html`<a class="u-url" href="${entry.url}">${published}</a>` : published;
  const updated = entry.updated && entry.updated.getTime() !== entry.published.getTime()
    ? html` · updated ${renderTime(entry.updated, language)}`
    : "";
  const tags = entry.tags.length
    ? html` · <span class="tags">${entry.tags.map((t, i) => html`${i ? " " : ""}<a class="p-category" rel="tag" href="${t.href}">#${t.label}</a>`)}</span>`
    : "";
  return html`<footer class="entry-meta">${entry.draft ? html`<strong class="draft">Draft</strong> · ` : ""}${entry.kind === "note" ? "Note" : "Article"} · ${date}${updated}${tags}${renderMirrorNote(entry)}</footer>`;
}

// On mirror pages: where the post comes from and whether its author's signature verified.
function renderMirrorNote(entry: EntryView): SafeHtml | "" {
  const mirror = entry.mirror;
  if (!mirror) return "";
  const author = mirror.author ? html`by <span class="p-author">${mirror.author}</span>, ` : "";
  return html` · <span class="mirror-note">${author}mirrored from <a href="${mirror.original}">${mirror.site}</a>, ${mirror.verified ? "verified" : "unsigned"}</span>`;
}

/** A post on its own page: title, image, full content, attachments. */
export function renderEntryFull(entry: EntryView, language: string): SafeHtml {
  const attachments = entry.attachments.length
    ? html`<section class="attachments" aria-labelledby="attachments-title">
<h2 id="attachments-title">Attachments</h2>
<ul>${entry.attachments.map((a) => html`<li><a href="${a.url}" download>${a.title}</a> <span class="size">(${a.type}, ${formatSize(a.size)})</span></li>`)}</ul>
</section>`
    : "";
  return html`<article class="entry ${entry.kind} h-entry full">
${entry.title ? html`<h1 class="p-name">${entry.title}</h1>` : ""}
${renderEntryMeta(entry, language, false)}
${entry.image ? html`<figure class="cover"><img src="${entry.image.url}" alt="${entry.image.alt}"></figure>` : ""}
<div class="e-content">${entry.html}</div>
${attachments}
<a class="u-url" hidden href="${entry.absoluteUrl}"></a>
</article>`;
}
