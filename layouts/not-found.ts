import { renderDocument } from "./base.ts";
import { html } from "./html.ts";
import type { SiteView } from "./view.ts";

/** What stays at the address of a post its author deleted: no content, a clear word, a way on. */
export function renderDeletedPage(site: SiteView, canonical: string): string {
  return renderDocument(site, {
    title: `Deleted · ${site.profile.name}`,
    description: "The author deleted this post.",
    canonical,
    body: html`<h1>Deleted</h1>
<p>${site.profile.name} deleted this post. Copies kept by followers are removed too. See <a href="${site.base}">the latest posts</a>.</p>`,
  });
}

/** The page static hosts show for an unknown address. */
export function renderNotFoundPage(site: SiteView): string {
  return renderDocument(site, {
    title: `Not found · ${site.profile.name}`,
    description: "This page does not exist.",
    canonical: new URL("404.html", site.url).href,
    body: html`<h1>Not found</h1>
<p>There is no page at this address. It may have moved: see <a href="${site.base}">the latest posts</a> or <a href="${site.base}tags/">all tags</a>.</p>`,
  });
}
