/**
 * The one normalised model every feed format is read into (RSS 0.9x/2.0, RSS 1.0, Atom 0.3/1.0, JSON Feed
 * 1.0/1.1). Nothing here is sanitised or verified: text and HTML are as the feed gave them (decoded once),
 * URLs are absolute, and signed capsule payloads are carried raw for `crawler/verify.ts` to check.
 */

/** The family of syntax the document was written in. */
export type FeedFormat = "rss" | "atom" | "rdf" | "json";

/**
 * A piece of feed text (a title, summary, content, rights or subtitle) with what is needed to render it
 * safely: whether it is markup, and the base URL and language in scope where it appeared.
 */
export interface FeedText {
  /** The text or HTML, decoded from XML once. HTML is not sanitised: pass it through `sanitizeHtml`. */
  value: string;
  /** `html` for markup (Atom `html`/`xhtml`, RSS descriptions, JSON `content_html`); `text` must be escaped. */
  type: "text" | "html";
  /** Where relative URLs inside `value` point: the nearest `xml:base`, else the feed's URL. */
  base: string;
  /** The language in scope (`xml:lang` on the element or an ancestor, else the feed's language), or null. */
  language: string | null;
}

/** An author, contributor or publisher; at least one field is set. */
export interface FeedPerson {
  name: string | null;
  email: string | null;
  url: string | null;
}

/** A typed link (Atom `<link>`, JSON Feed URLs, RSS links mapped to `alternate`). */
export interface FeedLink {
  href: string;
  /** Link relation; `alternate` when the feed gives none (RFC 4287 §4.2.7.2). */
  rel: string;
  type: string | null;
  title: string | null;
  hreflang: string | null;
  /** Size in bytes, as the feed claims it (enclosures); null when absent or not a number. */
  length: number | null;
}

/** A category or tag: `term` is what to show and match, `scheme` the vocabulary, `label` a display name. */
export interface FeedCategory {
  term: string;
  scheme: string | null;
  label: string | null;
}

/** A media file attached to an entry (RSS `<enclosure>`, Atom `rel="enclosure"`, JSON attachments). */
export interface FeedEnclosure {
  url: string;
  type: string | null;
  /** Size in bytes as claimed by the feed; null when absent or not a number. */
  length: number | null;
}

/** The feed's picture (RSS `<image>`, Atom `<logo>`, `itunes:image`, JSON `icon`). */
export interface FeedImage {
  url: string;
  title: string | null;
  /** Where the picture links to (RSS `<image><link>`). */
  link: string | null;
  width: number | null;
  height: number | null;
  /** Text describing the picture (RSS `<image><description>`), usable as its alt text. */
  description: string | null;
}

/** The software that wrote the feed. */
export interface FeedGenerator {
  name: string | null;
  url: string | null;
  version: string | null;
}

/** Metadata shared by a feed and an entry's `source` (the feed a republished entry came from). */
export interface FeedMeta {
  title: FeedText | null;
  /** RSS `description`, Atom `subtitle`/`tagline`, JSON `description`. */
  description: FeedText | null;
  /** RSS `copyright`, Atom `rights`/`copyright`, `dc:rights`. */
  rights: FeedText | null;
  /** Atom `id` or RSS 1.0 `rdf:about`, as given (ids are compared, never resolved). */
  id: string | null;
  /** The site the feed belongs to (RSS `<link>`, Atom `rel="alternate"`, JSON `home_page_url`). */
  siteUrl: string | null;
  /** The feed's own URL as the feed states it (`rel="self"`, JSON `feed_url`); may differ from the fetched URL. */
  feedUrl: string | null;
  links: FeedLink[];
  language: string | null;
  updated: Date | null;
  published: Date | null;
  /** `dcterms:created` on the channel. */
  created: Date | null;
  image: FeedImage | null;
  /** A small square icon (Atom `icon`, JSON `favicon`). */
  icon: string | null;
  authors: FeedPerson[];
  contributors: FeedPerson[];
  /** RSS `webMaster`, `dc:publisher`, `itunes:owner`. */
  publisher: FeedPerson | null;
  categories: FeedCategory[];
  generator: FeedGenerator | null;
  /** The licence URL (`creativeCommons:license`, `cc:license`, `dcterms:license`, `rel="license"` link). */
  license: string | null;
  /**
   * A note about the feed itself for people who open it in a browser (Atom 0.3 `<info>`,
   * `feedburner:browserFriendly`); the styled feed view may show it, entries never do.
   */
  info: FeedText | null;
}

/** An rssCloud endpoint (RSS 2.0 `<cloud>`): a push alternative to polling, like a WebSub hub. */
export interface FeedCloud {
  domain: string;
  port: number | null;
  path: string;
  registerProcedure: string;
  /** `xml-rpc`, `soap` or `http-post`. */
  protocol: string;
}

/** What an entry replies to (RFC 4685 `thr:in-reply-to`): the other entry's id, and where to find it. */
export interface FeedReplyTarget {
  /** The id (Atom id or guid) of the entry replied to. */
  ref: string;
  /** A link to the entry replied to. */
  href: string | null;
  type: string | null;
  /** The feed the entry replied to lives in. */
  source: string | null;
}

/** A place, GeoJSON-style (RFC 7946): positions are [longitude, latitude] or [longitude, latitude, height]. */
export type FeedGeometry =
  | { type: "Point"; coordinates: number[] }
  | { type: "LineString" | "Box"; coordinates: number[][] }
  | { type: "Polygon"; coordinates: number[][][] };

/** A signed capsule record as it travels in a feed: the base64url payload, the signing key and signature. */
export interface CapsuleEnvelope {
  /** The base64url payload text exactly as found (whitespace trimmed); verifiers decode and check these bytes. */
  payload: string;
  /** The `did:key:…` that claims to have signed it, or null when the attribute is missing. */
  key: string | null;
  /** The base64url signature, or null when the attribute is missing. */
  signature: string | null;
}

/** A channel-level signed record: key certificate, checkpoint or location record. */
export interface CapsuleChannelEnvelope extends CapsuleEnvelope {
  kind: "certificate" | "checkpoint" | "location";
}

/** What a capsule feed says about its creator (namespace `urn:capsule:1`, JSON `_capsule`). Raw, unverified. */
export interface CapsuleFeedExtension {
  /** `<capsule:identity href="…">did:key:…</capsule:identity>`: the identity key and where its record lives. */
  identity: { id: string; href: string | null } | null;
  /** Certificates, checkpoints and location records in document order. */
  envelopes: CapsuleChannelEnvelope[];
  /** `<capsule:profile>` children (name, handle, bio, avatar, link, contact, payment), each name → values. */
  profile: Record<string, string[]>;
  /** `<capsule:following href="…/following.opml"/>`: the creator's follow list. */
  following: string | null;
}

/** One entry (RSS item, Atom entry, JSON Feed item). */
export interface ParsedEntry {
  /** RSS `guid`, Atom `id`, JSON `id`, RDF `rdf:about`, as given; null when the feed gives none. */
  guid: string | null;
  /** The entry's page (alternate link, or a permalink guid), absolute. */
  url: string | null;
  title: FeedText | null;
  summary: FeedText | null;
  /** The full content (`content:encoded`, Atom `content`, JSON `content_html`/`content_text`). */
  content: FeedText | null;
  published: Date | null;
  updated: Date | null;
  /** When the entry was first written, where the feed says so separately (`dcterms:created`, Atom 0.3 `created`). */
  created: Date | null;
  authors: FeedPerson[];
  contributors: FeedPerson[];
  categories: FeedCategory[];
  enclosures: FeedEnclosure[];
  links: FeedLink[];
  /** The comments page (RSS `comments`). */
  comments: string | null;
  /** Entries this one replies to (RFC 4685 threading). */
  inReplyTo: FeedReplyTarget[];
  /** `dc:publisher` on the entry. */
  publisher: FeedPerson | null;
  /** The entry's licence URL, when it differs from or is not given by the feed's. */
  license: string | null;
  /** When the entry stops being valid (RSS 0.93 `expirationDate`); mirrors may stop showing it after that. */
  expires: Date | null;
  /** The publisher asks directories not to list this entry (`itunes:block`). */
  blocked: boolean;
  /** `itunes:explicit`: true, false, or null when not said. */
  explicit: boolean | null;
  /** Where the entry is about (GeoRSS, GML, W3C Basic Geo), or null. */
  location: FeedGeometry | null;
  /** `dc:language`, or the `xml:lang` in scope on the entry element (its own or an ancestor's). */
  language: string | null;
  rights: FeedText | null;
  /** An image for the entry (`itunes:image`, `media:thumbnail`, JSON `image`). */
  image: string | null;
  /** Where a republished entry first appeared (RSS `<source>`, Atom `<source>`). */
  source: FeedMeta | null;
  /** `<capsule:entry key=… signature=…>payload</capsule:entry>` or JSON `_capsule`: raw, NOT verified. */
  capsule: CapsuleEnvelope | null;
}

/** A parsed feed. */
export interface ParsedFeed extends FeedMeta {
  format: FeedFormat;
  /** Version within the format: `0.91`, `0.92`, `2.0`, `1.0` (RDF), `0.90`, `0.3`, `1.0` (Atom), `1.1` (JSON)…; `` when unknown. */
  version: string;
  /** The character encoding the bytes were decoded with (lower case, e.g. `utf-8`, `windows-1252`). */
  encoding: string;
  /** Minutes the feed may be cached, from RSS `<ttl>`; null when absent or not a positive number. */
  ttl: number | null;
  /** WebSub hubs (`<link rel="hub">`, JSON `hubs`). */
  hubs: string[];
  /** The rssCloud endpoint, when the feed offers push notification that way. */
  cloud: FeedCloud | null;
  /** Where the feed says it has moved (`itunes:new-feed-url`, `<redirect><newLocation>`); not yet followed. */
  movedTo: string | null;
  /** The publisher asks directories not to list the feed (`itunes:block`, `googleplay:block`). */
  blocked: boolean;
  /** `itunes:explicit` for the whole feed: true, false, or null when not said. */
  explicit: boolean | null;
  /** True when the document was not well formed (or not served as a feed) and was read leniently. */
  bozo: boolean;
  /** Why `bozo` is set, one short sentence each (the first XML error, each repair applied). */
  bozoReasons: string[];
  /** The capsule extension when the feed declares it (namespace `urn:capsule:1` or JSON `_capsule`). */
  capsule: CapsuleFeedExtension | null;
  entries: ParsedEntry[];
}
