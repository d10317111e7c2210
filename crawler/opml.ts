/**
 * `capsule import FILE.opml` and `capsule export`: the follow list in and out as OPML 2.0, the format every
 * feed reader trades subscriptions in (http://opml.org/spec2.opml). Reading uses feedsmith's OPML parser;
 * the list itself stays content/following.yaml, the one file both halves of Capsule read.
 */
import { readFileSync } from "node:fs";
import { parseOpml } from "feedsmith";
import { addFollows, normalizeFollowUrl, readFollowList } from "../site/follow-list.ts";
import { loadProfile } from "../site/profile.ts";
import { createSiteView } from "../site/views.ts";
import { renderOpml } from "../layouts/opml.ts";
import { CrawlerError } from "./errors.ts";

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  outlines?: Outline[];
}

/** Adds every feed of an OPML file to the follow list; returns what was added and what was already there or unusable. */
export function importOpml(file: string, contentDir: string): { added: string[]; present: string[]; skipped: string[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CrawlerError("read", `import: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error, hint: "Give the path of an OPML file exported from a feed reader.",
    });
  }
  let outlines: Outline[];
  try {
    outlines = ((parseOpml(text) as { body?: { outlines?: Outline[] } }).body?.outlines ?? []);
  } catch (error) {
    throw new CrawlerError("opml", `import: ${file} is not an OPML file (${(error as Error).message})`, {
      cause: error, hint: "Feed readers export subscriptions as OPML (often subscriptions.opml or feeds.opml).",
    });
  }
  const found: { url: string; name: string | undefined }[] = [];
  const skipped: string[] = [];
  for (const outline of flatten(outlines)) {
    try {
      found.push({ url: normalizeFollowUrl(outline.xmlUrl!), name: (outline.title ?? outline.text)?.trim() || undefined });
    } catch {
      skipped.push(outline.xmlUrl!);
    }
  }
  const added = addFollows(contentDir, found);
  const fresh = new Set(added);
  return { added, present: [...new Set(found.map((f) => f.url))].filter((url) => !fresh.has(url)), skipped };
}

/** The follow list as an OPML 2.0 document, as the site publishes it at /following.opml. */
export function exportOpml(contentDir: string, now: Date = new Date()): string {
  const site = createSiteView(loadProfile(contentDir));
  return renderOpml(site, readFollowList(contentDir).map((f) => ({ url: f.url, name: f.name })), now);
}

// Readers nest feeds in folders; every outline with an xmlUrl is a feed, wherever it sits.
function flatten(outlines: readonly Outline[], depth = 0): Outline[] {
  if (depth > 32) return [];
  return outlines.flatMap((outline) => [...(outline.xmlUrl ? [outline] : []), ...flatten(outline.outlines ?? [], depth + 1)]);
}
