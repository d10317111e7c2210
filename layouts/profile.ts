import { html, type SafeHtml } from "./html.ts";
import type { ProfileView } from "./view.ts";

/** The creator's card: avatar, name, bio, links, contact and "support me" links (an h-card). */
export function renderProfileCard(profile: ProfileView, headingLevel: 1 | 2 = 1): SafeHtml {
  const name = headingLevel === 1 ? html`<h1 class="p-name">${profile.name}</h1>` : html`<h2 class="p-name">${profile.name}</h2>`;
  const links = profile.links.length
    ? html`<ul class="profile-links">${profile.links.map((l) => html`<li><a rel="me" href="${l.url}">${l.name}</a></li>`)}</ul>`
    : "";
  const contact = profile.contact.length
    ? html`<section class="contact" aria-label="Contact"><h2>Contact</h2><ul>${profile.contact.map((c) => html`<li>${c.label}: <a href="${c.uri}">${c.value}</a></li>`)}</ul></section>`
    : "";
  const support = profile.support.length
    ? html`<section class="support" aria-label="Support me"><h2>Support me</h2><ul>${profile.support.map((s) => html`<li><a href="${s.uri}" title="${s.value}">${s.label}</a> <code class="address">${s.value}</code></li>`)}</ul></section>`
    : "";
  return html`<section class="profile h-card" aria-label="About ${profile.name}">
${profile.avatar ? html`<img class="avatar u-photo" src="${profile.avatar}" alt="" width="96" height="96">` : ""}
<div class="profile-text">
${name}
<p class="handle"><a class="u-url" href="${profile.url}">${profile.handle}</a></p>
${profile.bio ? html`<p class="p-note bio">${profile.bio}</p>` : ""}
${links}
</div>
${contact}
${support}
</section>`;
}
