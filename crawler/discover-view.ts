/**
 * Discovery for people: the ranked list as terminal text (`capsule discover`) and as the daemon's /discover
 * page. Everything in a suggestion came from other people's feeds and follow lists: the page escapes it and
 * links only http(s) URLs; the terminal text loses control and bidi characters, so a name cannot move the
 * cursor, recolour the screen or reverse what follows it.
 */
import { html, type SafeHtml } from "../layouts/html.ts";
import type { Discovery, Suggestion } from "./discover.ts";
import { toHttpUrl } from "./mirror-text.ts";

const NAMES_SHOWN = 5;
// C0 and C1 controls (ESC starts terminal sequences), and the bidi embedding, override and isolate marks.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The ranked list as plain text, notes at the end. */
export function formatDiscovery(discovery: Discovery): string {
  const lines = [describeRun(discovery), ""];
  if (discovery.suggestions.length === 0) {
    lines.push("No suggestions: the follow lists read name nobody you do not follow already.", "");
  }
  discovery.suggestions.forEach((suggestion, index) => {
    const indent = " ".repeat(Math.max(2, String(index + 1).length) + 2);
    lines.push(`${String(index + 1).padStart(2)}. ${clean(suggestion.name)}${suggestion.signed ? "  [signed capsule]" : ""}`);
    lines.push(`${indent}${suggestion.url}`);
    if (suggestion.bio) lines.push(`${indent}${clean(suggestion.bio)}`);
    const latest = suggestion.latest;
    if (latest) lines.push(`${indent}Latest: ${[clean(latest.title), latest.published?.slice(0, 10), latest.url].filter(Boolean).join(" · ")}`);
    lines.push(`${indent}${describeFollowers(suggestion, clean)}`, "");
  });
  if (discovery.notes.length > 0) {
    lines.push("Notes:");
    for (const note of discovery.notes) lines.push(`  - ${clean(note.message)}`);
    lines.push("");
  }
  if (discovery.suggestions.length > 0) lines.push("Follow someone with `capsule follow URL`, then `capsule crawl`.");
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The daemon's /discover page: the last run's suggestions, or word that none has finished yet. */
export function renderDiscoveryPage(discovery: Discovery | undefined): string {
  const body = discovery === undefined
    ? html`<p>Suggestions are worked out after each crawl; the first has not finished yet. Reload in a minute.</p>`
    : html`<p>${describeRun(discovery)} <a href="/discover.json">discover.json</a></p>
${discovery.suggestions.length === 0 ? html`<p>No suggestions: the follow lists read name nobody you do not follow already.</p>` : html`<ol class="suggestions">
${discovery.suggestions.map(renderCard)}</ol>`}
${discovery.notes.length > 0 ? html`<h2>Notes</h2>
<ul>${discovery.notes.map((note) => html`<li>${note.message}</li>`)}</ul>` : ""}`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>People you might follow</title><link rel="stylesheet" href="/style.css"></head>
<body><main>
<p><a href="/">Capsule mirror</a></p>
<h1>People you might follow</h1>
${body.value}
</main></body>
</html>
`;
}

function renderCard(suggestion: Suggestion): SafeHtml {
  const home = toHttpUrl(suggestion.siteUrl) ?? toHttpUrl(suggestion.url);
  const latest = suggestion.latest;
  const latestUrl = toHttpUrl(latest?.url);
  return html`<li>
<h2>${home ? html`<a href="${home}" rel="nofollow">${suggestion.name}</a>` : suggestion.name}${suggestion.signed ? html` <small>signed capsule</small>` : ""}</h2>
<p><code>${suggestion.url}</code></p>
${suggestion.bio ? html`<p>${suggestion.bio}</p>` : ""}
${latest ? html`<p>Latest: ${latestUrl ? html`<a href="${latestUrl}" rel="nofollow">${latest.title}</a>` : latest.title}${latest.published ? html` <time datetime="${latest.published}">${latest.published.slice(0, 10)}</time>` : ""}</p>` : ""}
<p>${describeFollowers(suggestion, (text) => text)}</p>
</li>
`;
}

function describeRun(discovery: Discovery): string {
  const { crawled, withLists } = discovery.following;
  return `From the follow lists of ${withLists} of the ${crawled} ${crawled === 1 ? "person" : "people"} you follow`
    + `${discovery.depth > 1 ? `, and of the capsules those list (depth ${discovery.depth})` : ""}: `
    + `${discovery.documents.read} documents read, ${discovery.documents.requested} fetched, ${discovery.computedAt.slice(0, 16).replace("T", " ")} UTC.`;
}

// "Followed by Alice and Bob (2 people you follow); also by Carol (1 person they follow)".
function describeFollowers(suggestion: Suggestion, show: (text: string) => string): string {
  const parts: string[] = [];
  suggestion.counts.forEach((count, index) => {
    if (count === 0) return;
    const names = suggestion.followedBy.filter((person) => person.step === index + 1).map((person) => show(person.name));
    const listed = names.length > NAMES_SHOWN ? `${names.slice(0, NAMES_SHOWN).join(", ")} and ${names.length - NAMES_SHOWN} more` : joinNames(names);
    const who = index === 0 ? "you follow" : index === 1 ? "they follow" : `${index + 1} steps away`;
    parts.push(`${parts.length === 0 ? "Followed by" : "also by"} ${listed} (${count} ${count === 1 ? "person" : "people"} ${who})`);
  });
  return parts.join("; ");
}

function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function clean(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, "");
}
