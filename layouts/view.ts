import type { SafeHtml } from "./html.ts";

/** A link the layouts render: `href` is ready to use (root-relative or absolute). */
export interface LinkView {
  label: string;
  href: string;
}

/** Who a page belongs to: the creator of this capsule, or a followed creator on a mirror page. */
export interface ProfileView {
  name: string;
  handle: string;
  bio: string;
  avatar: string | undefined;
  url: string;
  language: string;
  links: { name: string; url: string }[];
  contact: { label: string; value: string; uri: string }[];
  support: { label: string; value: string; uri: string }[];
  /** How many of the newest posts the feed carries. */
  feedLimit: number;
}

/** Site-wide facts every page needs. */
export interface SiteView {
  profile: ProfileView;
  /** Root-relative prefix for links inside the site, ending in `/`. */
  base: string;
  /** Absolute URL of the site, ending in `/`. */
  url: string;
  feedUrl: string;
  /** Absolute URL of the JSON Feed; empty when there is none (mirror pages re-serve RSS only). */
  jsonFeedUrl: string;
  /** Absolute URL of the follow list (OPML); empty when the creator publishes none. */
  opmlUrl: string;
  identityUrl?: string;
  /**
   * Root-relative prefix of the site's own files (style.css, feed.xsl, feed-fallback.js), when pages live
   * under another `base` (mirror pages live under `/mirror/<id>/` but use the follower's stylesheet). @default base
   */
  assetBase?: string;
  /** Set on mirror pages: whose capsule this copy belongs to, and where it came from. */
  mirrorOf?: { origin: string; verified: boolean };
}

/** One post as the layouts show it. */
export interface EntryView {
  /** The host-independent entry id (the signed payload's `id`). */
  id: string;
  url: string;
  absoluteUrl: string;
  kind: "note" | "article";
  /** The post's own language, when it differs from the profile's. */
  language: string | undefined;
  title: string | undefined;
  summary: string | undefined;
  html: SafeHtml;
  published: Date;
  updated: Date | undefined;
  tags: LinkView[];
  draft: boolean;
  image: { url: string; alt: string } | undefined;
  attachments: { url: string; title: string; size: number; type: string }[];
  /** The feed item's GUID when it is not `absoluteUrl` (a mirrored entry keeps its origin's). */
  guid?: string;
  /** Set on mirrored entries: the original's address and site name, whether its signature verified, who wrote it. */
  mirror?: { original: string; site: string; verified: boolean; author?: string | undefined };
}

/** Previous/next page links of a paginated list. */
export interface PagerView {
  newer: string | undefined;
  older: string | undefined;
  label: string;
}
