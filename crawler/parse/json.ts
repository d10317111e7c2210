/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), plus the `_capsule` extension. Values of
 * the wrong type are ignored field by field rather than failing the feed; a top-level value that is not an
 * object with `items` is not a JSON Feed. Invalid JSON seen in the wild (raw control characters inside
 * strings, trailing commas) is repaired once, and the feed is then bozo.
 */
import { createEntry, createMeta, makeCategory, readCount, dedupeCategories, dedupePeople } from "./build.ts";
import { readCapsuleJsonEntry, readCapsuleJsonFeed } from "./capsule.ts";
import { parseDate } from "./dates.ts";
import type { FeedLink, FeedPerson, FeedText, ParsedEntry } from "./model.ts";
import type { MappedFeed } from "./rss.ts";
import { resolveUrl } from "./xml-names.ts";

type JsonObject = Record<string, unknown>;

/** Parses JSON text; on failure repairs control characters and trailing commas once. Undefined if still invalid. */
export function readJson(text: string): { value: unknown; repairs: string[] } | undefined {
  try {
    return { value: JSON.parse(text), repairs: [] };
  } catch {
    const repaired = repairJson(text);
    try {
      return { value: JSON.parse(repaired), repairs: ["repaired invalid JSON (control characters in strings, trailing commas)"] };
    } catch {
      return undefined;
    }
  }
}

/** Whether a parsed JSON value looks like a JSON Feed (a version URL, or an `items` array). */
export function isJsonFeed(value: unknown): value is JsonObject {
  if (!isObject(value)) return false;
  const version = value["version"];
  return (typeof version === "string" && version.includes("jsonfeed.org/version/")) || Array.isArray(value["items"]);
}

/** Maps a JSON Feed object to the model; `url` is the feed's URL, the base for relative URLs. */
export function mapJsonFeed(feed: JsonObject, url: string): MappedFeed {
  const meta = createMeta();
  const language = readString(feed["language"]);
  const text = (value: unknown, type: FeedText["type"]): FeedText | null => {
    const content = readString(value);
    return content ? { value: content, type, base: url, language } : null;
  };
  meta.title = text(feed["title"], "text");
  meta.description = text(feed["description"], "text");
  meta.siteUrl = resolveUrl(readString(feed["home_page_url"]), url);
  meta.feedUrl = resolveUrl(readString(feed["feed_url"]), url);
  meta.links = [
    ...(meta.siteUrl ? [makeLink(meta.siteUrl, "alternate", "text/html")] : []),
    ...(meta.feedUrl ? [makeLink(meta.feedUrl, "self", "application/feed+json")] : []),
  ];
  meta.language = language;
  const icon = resolveUrl(readString(feed["icon"]), url);
  meta.image = icon ? { url: icon, title: null, link: null, width: null, height: null, description: null } : null;
  meta.icon = resolveUrl(readString(feed["favicon"]), url);
  meta.authors = readAuthors(feed, url);
  const version = readString(feed["version"])?.match(/version\/(\d+(?:\.\d+)?)/)?.[1] ?? "";
  const hubs = Array.isArray(feed["hubs"]) ? feed["hubs"] : [];
  const items = Array.isArray(feed["items"]) ? feed["items"] : [];
  return {
    ...meta,
    version,
    ttl: null,
    hubs: hubs.map((hub) => (isObject(hub) ? resolveUrl(readString(hub["url"]), url) : null)).filter((hub) => hub !== null),
    cloud: null,
    movedTo: null,
    blocked: false,
    explicit: null,
    capsule: readCapsuleJsonFeed(feed["_capsule"], url),
    entries: items.filter(isObject).map((item) => readItem(item, url, language, meta.authors)),
  };
}

function readItem(item: JsonObject, base: string, feedLanguage: string | null, feedAuthors: FeedPerson[]): ParsedEntry {
  const entry = createEntry();
  const language = readString(item["language"]) ?? feedLanguage;
  const text = (value: unknown, type: FeedText["type"]): FeedText | null => {
    const content = readString(value);
    return content ? { value: content, type, base, language } : null;
  };
  const id = item["id"];
  entry.guid = typeof id === "number" && Number.isFinite(id) ? String(id) : readString(id);
  entry.url = resolveUrl(readString(item["url"]), base);
  const external = resolveUrl(readString(item["external_url"]), base);
  entry.links = [
    ...(entry.url ? [makeLink(entry.url, "alternate", "text/html")] : []),
    ...(external ? [makeLink(external, "related", null)] : []),
  ];
  entry.title = text(item["title"], "text");
  entry.summary = text(item["summary"], "text");
  entry.content = text(item["content_html"], "html") ?? text(item["content_text"], "text");
  entry.published = parseDate(readString(item["date_published"]));
  entry.updated = parseDate(readString(item["date_modified"]));
  const authors = readAuthors(item, base);
  entry.authors = authors.length > 0 ? authors : feedAuthors;
  const tags = Array.isArray(item["tags"]) ? item["tags"] : [];
  entry.categories = dedupeCategories(tags.map((tag) => makeCategory(readString(tag))));
  const attachments = Array.isArray(item["attachments"]) ? item["attachments"] : [];
  for (const attachment of attachments.filter(isObject)) {
    const href = resolveUrl(readString(attachment["url"]), base);
    if (!href) continue;
    const size = attachment["size_in_bytes"];
    const length = typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? size : readCount(readString(size));
    const type = readString(attachment["mime_type"]);
    entry.enclosures.push({ url: href, type, length });
    entry.links.push({ ...makeLink(href, "enclosure", type), title: readString(attachment["title"]), length });
  }
  entry.language = readString(item["language"]);
  entry.image = resolveUrl(readString(item["image"]) ?? readString(item["banner_image"]), base);
  entry.capsule = readCapsuleJsonEntry(item["_capsule"]);
  return entry;
}

/** JSON Feed 1.1 `authors`, or 1.0 `author`. */
function readAuthors(object: JsonObject, base: string): FeedPerson[] {
  const raw = Array.isArray(object["authors"]) ? object["authors"] : [object["author"]];
  return dedupePeople(raw.filter(isObject).map((author) => {
    const name = readString(author["name"]);
    const url = resolveUrl(readString(author["url"]), base);
    return name || url ? { name, email: null, url } : null;
  }));
}

function makeLink(href: string, rel: string, type: string | null): FeedLink {
  return { href, rel, type, title: null, hreflang: null, length: null };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A trimmed non-empty string, or null. */
function readString(value: unknown): string | null {
  return typeof value === "string" ? value.trim() || null : null;
}

/** Escapes raw control characters inside strings and drops trailing commas; one linear scan. */
function repairJson(text: string): string {
  const out: string[] = [];
  let last = 0;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (code === 0x5c) escaped = true;
      else if (code === 0x22) inString = false;
      else if (code < 0x20) {
        out.push(text.slice(last, index), `\\u${code.toString(16).padStart(4, "0")}`);
        last = index + 1;
      }
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x2c) {
      let next = index + 1;
      while (next < text.length && /\s/.test(text[next] ?? "")) next += 1;
      if (text[next] === "}" || text[next] === "]") {
        out.push(text.slice(last, index));
        last = index + 1;
      }
    }
  }
  out.push(text.slice(last));
  return out.join("");
}
