/**
 * TEST ONLY: a signed capsule feed as a creator's build writes it (layouts/feed.ts with the format's carriage,
 * like site/plugin.ts does), from fixed keys: three notes, an article with an attachment, a signed tombstone,
 * a checkpoint that predates the newest note, a location record, and optionally one forged entry (a tampered
 * payload, so its signature fails).
 */
import { renderRssFeed } from "../../layouts/feed.ts";
import { trusted } from "../../layouts/html.ts";
import type { EntryView, SiteView } from "../../layouts/view.ts";
import {
  canonicalize, createSigner, decodeBase64url, deriveKeyPair, encodeBase64url, hashBytes, listCheckpointItems, renderEnvelopeXml,
  renderIdentityXml, type EntryFields, type Envelope,
} from "../../site/format/index.ts";
import { createMarkdown } from "../../site/markdown.ts";

export const ORIGIN = "https://alice.example/";
export const ORIGIN_FEED = "https://alice.example/feed.xml";

const seed = (first: number) => Uint8Array.from({ length: 32 }, (_, i) => first + i);
export const rootKey = deriveKeyPair(seed(0x00));
export const signingKey = deriveKeyPair(seed(0x20));
const signer = createSigner({ rootKey, signingKey });
const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });

/** The posts of the fixture, oldest first. */
export const POSTS: readonly EntryFields[] = [
  { id: "note-1", kind: "note", published: "2025-01-01T10:00:00Z", body: "First *note* about clay.", tags: ["clay"] },
  { id: "note-2", kind: "note", published: "2025-01-02T10:00:00Z", body: "Second note, with [a link](https://example.org/)." },
  {
    id: "essay", kind: "article", published: "2025-01-03T10:00:00Z", title: "On kilns & glazes", summary: "Why ash <matters>.",
    body: "## Heat\n\nLong **body** about kilns.", tags: ["kilns", "clay"],
    attachments: [{ url: "media/log.csv", mediaType: "text/csv", size: 14, sha256: hashBytes("hour,temp\n1,2\n") }],
  },
  { id: "note-3", kind: "note", published: "2025-01-05T10:00:00Z", body: "Third note, newer than the checkpoint." },
];
export const DELETED_ID = "old-post";
export const FORGED_TITLE = "Forged words";

/** The fixture feed's XML; `forged` adds an item whose payload was altered after signing. */
export function renderOriginFeed(options: { forged?: boolean } = {}): string {
  const markdown = createMarkdown();
  const sealed = POSTS.map((fields) => signer.signEntry(fields));
  const tombstone = signer.signTombstone({ id: DELETED_ID, updated: "2025-01-04T00:00:00Z" });
  // The checkpoint predates note-3, which then verifies by its own signature.
  const checkpoint = signer.signCheckpoint({ created: "2025-01-04T00:00:00Z", entries: listCheckpointItems([...sealed.slice(0, 3), tombstone]) });
  const location = signer.signLocation({ seq: 1, created: "2025-01-01T00:00:00Z", feeds: [ORIGIN_FEED] });
  const site: SiteView = {
    profile: {
      name: "Alice Potter", handle: "alice", bio: "Pots & kilns.", avatar: `${ORIGIN}avatar.png`, url: ORIGIN, language: "en",
      links: [{ name: "Code", url: "https://code.example/alice" }],
      contact: [{ label: "Email", value: "alice@alice.example", uri: "mailto:alice@alice.example" }],
      support: [{ label: "Liberapay", value: "alice", uri: "https://liberapay.com/alice" }],
      feedLimit: 50,
    },
    base: "/", url: ORIGIN, feedUrl: ORIGIN_FEED, jsonFeedUrl: `${ORIGIN}feed.json`, opmlUrl: `${ORIGIN}following.opml`,
    identityUrl: `${ORIGIN}.well-known/capsule.json`,
  };
  const envelopes = new Map<string, Envelope>(sealed.map((s) => [s.value.id, s.envelope]));
  const views: EntryView[] = POSTS.map((fields) => toView(fields, markdown.render(fields.body ?? "")));
  if (options.forged) {
    const forged = signer.signEntry({ id: "forged", kind: "note", published: "2025-01-06T10:00:00Z", body: "Honest words." });
    envelopes.set("forged", tamper(forged.envelope, "Something I never wrote."));
    views.push({ ...toView({ id: "forged", kind: "note", published: "2025-01-06T10:00:00Z" }, "<p>Something I never wrote.</p>"), title: FORGED_TITLE, kind: "article" });
  }
  views.reverse();
  return renderRssFeed(site, views, {
    channel: [
      renderIdentityXml(site.identityUrl!, rootKey.did),
      renderEnvelopeXml("certificate", certificate.envelope),
      renderEnvelopeXml("checkpoint", checkpoint.envelope),
      renderEnvelopeXml("location", location.envelope),
    ].join("\n"),
    item: (entry) => (envelopes.has(entry.id) ? renderEnvelopeXml("entry", envelopes.get(entry.id)!) : ""),
    tombstones: [{ url: `${ORIGIN}posts/${DELETED_ID}/`, updated: new Date("2025-01-04T00:00:00Z"), xml: renderEnvelopeXml("entry", tombstone.envelope) }],
  });
}

function toView(fields: EntryFields, body: string): EntryView {
  return {
    id: fields.id, url: `/posts/${fields.id}/`, absoluteUrl: `${ORIGIN}posts/${fields.id}/`, kind: fields.kind, language: undefined,
    title: fields.title, summary: fields.summary, html: trusted(body), published: new Date(fields.published), updated: undefined,
    tags: (fields.tags ?? []).map((t) => ({ label: t, href: `/tags/${t}/` })), draft: false, image: undefined,
    attachments: (fields.attachments ?? []).map((a) => ({ url: new URL(a.url, ORIGIN).href, title: a.url, size: a.size, type: a.mediaType })),
  };
}

function tamper(envelope: Envelope, body: string): Envelope {
  const decoded = decodeBase64url(envelope.payload);
  if (!decoded.ok) throw new Error(decoded.message);
  const object = JSON.parse(new TextDecoder().decode(decoded.bytes)) as Record<string, unknown>;
  return { ...envelope, payload: encodeBase64url(canonicalize({ ...object, body })) };
}
