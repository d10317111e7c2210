/**
 * The mapping from Capsule's ParsedFeed to feedparser's result field names, used by conformance.test.ts.
 * Every feedparser field the corpus asserts on and Capsule has an equivalent for appears here; everything
 * else is deliberately absent, so an assertion on it counts as a failure ("unmapped"), never a pass.
 *
 * - Text fields (`title`, `subtitle`/`tagline`/`description`, `rights`/`copyright`, `summary`/`description`,
 *   `content[0]`) are our FeedText. HTML values are wrapped in `Html` after going through `sanitizeHtml` with
 *   the FeedText's base, because feedparser's values are sanitised and URL-resolved too; the judge compares
 *   HTML by parsed tree, not by string. `*_detail.type` maps `text` → text/plain, `html` → text/html;
 *   `*_detail.base` and `*_detail.language` are the FeedText's `base` and `language`.
 * - An entry's `summary` is our summary, or our content when there is no summary: feedparser copies content
 *   into summary in that case, and the corpus relies on it.
 * - `link` is siteUrl/entry url; `links` our links; `id`/`guid` our id/guid; `author` is "name (email)" of the
 *   first author (feedparser's display form), `author_detail`/`authors`/`contributors`/`publisher_detail` our
 *   FeedPerson (feedparser's `href` is our `url`).
 * - `*_parsed` dates are UTC struct_time lists computed from our Date. Raw date fields (`updated`, `published`,
 *   `expired`) are compared by the instant they denote (`Date.parse` of feedparser's string against our Date).
 * - `info` is our `info`, `cloud` our cloud, `newlocation` our movedTo, `license` ours, `itunes_block` /
 *   `itunes_explicit` our blocked / explicit as 1/0, `thr_in-reply-to` our first inReplyTo, `where` our
 *   location (both GeoJSON-shaped), `created` ours.
 * - `tags` are our categories; `enclosures` ours with `href` (alias `url`) and lengths as strings.
 * - `version` is built from format and version (rss20, rss10, atom03, …); 0.91 maps to rss091u, since the
 *   Netscape/UserLand distinction is not kept.
 * - `bozo` is ours, and a ParseError thrown for the document counts as bozo with nothing else.
 */
import { sanitizeHtml } from "../../../crawler/sanitize.ts";
import type { FeedLink, FeedMeta, FeedPerson, FeedText, ParsedEntry, ParsedFeed } from "../../../crawler/parse/model.ts";

/** A sanitised HTML value; the judge compares these by parsed tree. */
export class Html {
  constructor(readonly html: string) {}
}

/** A date where feedparser keeps the raw text; the judge compares the instant the text denotes (Date.parse). */
export class Instant {
  constructor(readonly date: Date) {}
}

type View = Record<string, unknown>;

/** Aliases feedparser resolves on lookup (FeedParserDict keymap): the alias reads the real key. */
export const ALIASES: Record<string, string> = {
  url: "href", tagline: "subtitle", tagline_detail: "subtitle_detail", description: "subtitle",
  description_detail: "subtitle_detail", copyright: "rights", copyright_detail: "rights_detail", guid: "id",
  modified_parsed: "updated_parsed", issued_parsed: "published_parsed",
};

/** Entry-level aliases differ: an entry's `description` is its summary. */
export const ENTRY_ALIASES: Record<string, string> = { ...ALIASES, description: "summary", description_detail: "summary_detail" };

/** Builds the feedparser-shaped view of a parse result. */
export function toFeedparserView(feed: ParsedFeed): View {
  return {
    bozo: feed.bozo,
    encoding: feed.encoding,
    version: versionName(feed),
    feed: {
      ...metaView(feed),
      ttl: feed.ttl === null ? null : String(feed.ttl),
      cloud: feed.cloud ? { domain: feed.cloud.domain, port: feed.cloud.port === null ? null : String(feed.cloud.port), path: feed.cloud.path, registerprocedure: feed.cloud.registerProcedure, protocol: feed.cloud.protocol } : null,
      newlocation: feed.movedTo,
      itunes_block: feed.blocked ? 1 : 0,
      itunes_explicit: feed.explicit === null ? null : feed.explicit ? 1 : 0,
    },
    entries: feed.entries.map(entryView),
  };
}

function versionName(feed: ParsedFeed): string {
  const compact = feed.version.replace(/\./g, "");
  if (feed.format === "rss") return feed.version === "" ? "rss" : feed.version === "0.91" ? "rss091u" : `rss${compact}`;
  if (feed.format === "rdf") return feed.version === "0.90" ? "rss090" : "rss10";
  if (feed.format === "atom") return feed.version === "1.0" ? "atom10" : `atom${compact}`;
  return feed.version === "1.1" ? "json11" : "json1";
}

function metaView(meta: FeedMeta): View {
  const author = meta.authors[0] ?? null;
  return {
    ...textFields("title", meta.title),
    ...textFields("subtitle", meta.description),
    ...textFields("rights", meta.rights),
    ...textFields("info", meta.info),
    id: meta.id,
    link: meta.siteUrl,
    links: meta.links.map(linkView),
    language: meta.language,
    updated_parsed: dateTuple(meta.updated),
    published_parsed: dateTuple(meta.published),
    updated: meta.updated ? new Instant(meta.updated) : null,
    published: meta.published ? new Instant(meta.published) : null,
    created: meta.created ? new Instant(meta.created) : null,
    created_parsed: dateTuple(meta.created),
    license: meta.license,
    image: meta.image ? compact({ href: meta.image.url, url: meta.image.url, title: meta.image.title, link: meta.image.link, width: meta.image.width, height: meta.image.height, description: meta.image.description }) : null,
    logo: meta.image?.url ?? null,
    icon: meta.icon,
    author: personString(author),
    author_detail: author ? personView(author) : null,
    authors: meta.authors.map(personView),
    contributors: meta.contributors.map(personView),
    publisher: personString(meta.publisher),
    publisher_detail: meta.publisher ? personView(meta.publisher) : null,
    tags: meta.categories.map((category) => compact({ term: category.term, scheme: category.scheme, label: category.label })),
    category: meta.categories[0]?.term ?? null,
    generator: meta.generator?.name ?? null,
    generator_detail: meta.generator ? compact({ name: meta.generator.name, href: meta.generator.url, version: meta.generator.version }) : null,
  };
}

function entryView(entry: ParsedEntry): View {
  const author = entry.authors[0] ?? null;
  return {
    id: entry.guid,
    link: entry.url,
    links: entry.links.map(linkView),
    ...textFields("title", entry.title),
    // feedparser copies the content into `summary` when an entry has none (its `_end_content`); so does the view.
    ...textFields("summary", entry.summary ?? entry.content),
    ...textFields("rights", entry.rights),
    content: entry.content ? [detailView(entry.content)] : [],
    published_parsed: dateTuple(entry.published),
    updated_parsed: dateTuple(entry.updated),
    expired_parsed: dateTuple(entry.expires),
    published: entry.published ? new Instant(entry.published) : null,
    updated: entry.updated ? new Instant(entry.updated) : null,
    expired: entry.expires ? new Instant(entry.expires) : null,
    created: entry.created ? new Instant(entry.created) : null,
    created_parsed: dateTuple(entry.created),
    where: entry.location ? { type: entry.location.type, coordinates: entry.location.coordinates } : null,
    publisher: personString(entry.publisher),
    publisher_detail: entry.publisher ? personView(entry.publisher) : null,
    license: entry.license,
    "thr_in-reply-to": entry.inReplyTo[0] ? compact({ ...entry.inReplyTo[0] }) : null,
    itunes_block: entry.blocked ? 1 : 0,
    itunes_explicit: entry.explicit === null ? null : entry.explicit ? 1 : 0,
    author: personString(author),
    author_detail: author ? personView(author) : null,
    authors: entry.authors.map(personView),
    contributors: entry.contributors.map(personView),
    tags: entry.categories.map((category) => compact({ term: category.term, scheme: category.scheme, label: category.label })),
    category: entry.categories[0]?.term ?? null,
    enclosures: entry.enclosures.map((enclosure) => compact({ href: enclosure.url, type: enclosure.type, length: enclosure.length === null ? null : String(enclosure.length) })),
    comments: entry.comments,
    language: entry.language,
    image: entry.image ? { href: entry.image } : null,
    source: entry.source ? { ...metaView(entry.source), href: entry.source.feedUrl } : null,
  };
}

function textFields(name: string, text: FeedText | null): View {
  return { [name]: text ? textValue(text) : null, [`${name}_detail`]: text ? detailView(text) : null };
}

function detailView(text: FeedText): View {
  return { value: textValue(text), type: text.type === "html" ? "text/html" : "text/plain", language: text.language, base: text.base };
}

function textValue(text: FeedText): string | Html {
  return text.type === "html" ? new Html(sanitizeHtml(text.value, { baseUrl: text.base })) : text.value;
}

function linkView(link: FeedLink): View {
  return compact({ rel: link.rel, type: link.type, href: link.href, title: link.title, hreflang: link.hreflang, length: link.length === null ? null : String(link.length) });
}

function personView(person: FeedPerson): View {
  return compact({ name: person.name, email: person.email, href: person.url });
}

/** feedparser's `author` string: "name (email)", or whichever is present. */
function personString(person: FeedPerson | null): string | null {
  if (!person) return null;
  if (person.name && person.email) return `${person.name} (${person.email})`;
  return person.name ?? person.email ?? person.url;
}

/** Python's time.struct_time in UTC: [year, month, day, hour, minute, second, weekday (Monday 0), yearday, 0]. */
function dateTuple(date: Date | null): number[] | null {
  if (!date) return null;
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  const yearDay = Math.floor((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - start) / 86_400_000) + 1;
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(),
    date.getUTCSeconds(), (date.getUTCDay() + 6) % 7, yearDay, 0];
}

/** Drops null fields (feedparser dicts only have the keys that were present). */
function compact(object: Record<string, unknown>): View {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null && value !== undefined));
}
