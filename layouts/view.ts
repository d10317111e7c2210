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
  jsonFeedUrl: string;
  opmlUrl: string;
  identityUrl?: string;
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
}

/** Previous/next page links of a paginated list. */
export interface PagerView {
  newer: string | undefined;
  older: string | undefined;
  label: string;
}
