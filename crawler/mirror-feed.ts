/**
 * The re-served feed of a followed creator: the site's own RSS template (layouts/feed.ts) fed with the
 * stored, sanitised entries, and for a capsule the creator's signed envelopes exactly as received, written
 * by the format's carriage functions (docs/format.md §10.1). Verifiers check the payload bytes, not the
 * XML around them, so every entry verifies here as it did at the origin, and a verified tombstone is
 * carried on so mirrors further down drop the post too (FeedTree: signed entries relayed by peers).
 */
import { renderRssFeed } from "../layouts/feed.ts";
import { renderEnvelopeXml, renderIdentityXml } from "../site/format/index.ts";
import type { StoredEntry, StoredFeed } from "./model.ts";
import { completeEnvelope, createMirrorView, type MirrorView } from "./mirror-view.ts";

/** Options of `renderMirrorFeed`. */
export interface MirrorFeedOptions {
  /** Absolute URL the feed is served at (`…/mirror/<id>/feed.xml`); its folder holds the creator's pages. */
  selfUrl: string;
  /** Root-relative prefix of the follower's site, where feed.xsl and feed-fallback.js live. @default "/" */
  assetBase?: string;
  /** Newest publishable entries carried; verified tombstones are always carried. @default 50 */
  limit?: number;
}

/** Renders the RSS 2.0 feed a mirror re-serves for one followed creator, from its stored records. */
export function renderMirrorFeed(feed: StoredFeed, entries: readonly StoredEntry[], options: MirrorFeedOptions): string {
  const limit = options.limit ?? 50;
  const view = createMirrorView(feed, entries, { url: new URL("./", options.selfUrl).href, assetBase: options.assetBase ?? "/", feedLimit: limit });
  return renderViewFeed(view, feed, limit);
}

/** The feed of an already built mirror view (the page writer builds the view once for pages and feed). */
export function renderViewFeed(view: MirrorView, feed: StoredFeed, limit: number): string {
  const carried = view.entries.slice(0, Math.max(0, limit));
  const envelopes = new Map(carried.map(({ view: entry, stored }) => [entry, completeEnvelope(stored)]));
  return renderRssFeed(view.site, carried.map((entry) => entry.view), {
    channel: renderCapsuleChannel(view, feed),
    // Only verified entries carry their envelope: an entry the follower could not verify is never re-served.
    item: (entry) => {
      const envelope = envelopes.get(entry);
      return envelope && entry.mirror?.verified ? renderEnvelopeXml("entry", envelope) : "";
    },
    tombstones: view.tombstones.map((t) => ({ url: t.guid, updated: t.updated, xml: renderEnvelopeXml("entry", t.envelope) })),
  });
}

// The channel's signed part, in the order the site writes it: identity, certificates, checkpoint, location.
function renderCapsuleChannel(view: MirrorView, feed: StoredFeed): string {
  const capsule = feed.capsule;
  if (!capsule || !view.site.identityUrl) return "";
  const order = { certificate: 0, checkpoint: 1, location: 2 };
  const envelopes = capsule.envelopes
    .filter((e) => e.key && e.signature && e.payload)
    .map((e, index) => ({ e, index }))
    .sort((a, b) => order[a.e.kind] - order[b.e.kind] || a.index - b.index)
    .map(({ e }) => renderEnvelopeXml(e.kind, { payload: e.payload, key: e.key!, signature: e.signature! }));
  return [renderIdentityXml(view.site.identityUrl, capsule.id), ...envelopes].join("\n");
}
