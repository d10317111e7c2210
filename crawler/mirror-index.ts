/**
 * The machine-readable mirrors index, `/mirror/index.json` on every follower's site, beside the index page:
 * which creators this site mirrors, by identity, and where their origin was. A new follower whose creator's
 * origin is gone reads these indexes across the capsules it follows (crawler/follow.ts) to find the key
 * behind a handle and the mirrors that serve it. Nothing in another site's index is trusted beyond a hint:
 * whatever it points to is fetched and verified against the key before it is followed.
 *
 * ```json
 * { "mirrors": [{ "id": "z6Mk…", "identity": "did:key:z6Mk…", "origin": "https://alice.example/feed.xml",
 *                 "name": "Alice", "site": "https://alice.example/", "feed": "https://me.example/mirror/z6Mk…/feed.xml",
 *                 "entries": 12 }] }
 * ```
 */
import { isDidKey } from "../site/format/index.ts";
import type { DocumentKind } from "./document-cache.ts";
import { redactUrl } from "./errors.ts";
import { creatorNameOf, toHttpUrl } from "./mirror-text.ts";
import { identityInMirrorUrl, mirrorIdOf, type StoredFeed } from "./model.ts";

/** One mirrored creator in the index. */
export interface MirrorIndexEntry {
  /** The folder under `/mirror/`: the key (`z6Mk…`) for a capsule, the feed id for an ordinary feed. */
  readonly id: string;
  /** The creator's identity (`did:key:…`), or null for an ordinary feed. */
  readonly identity: string | null;
  /** The creator's own feed URL (their signed location record's, else where this site fetched it), or null when only mirrors are known. */
  readonly origin: string | null;
  readonly name: string;
  /** The creator's site, as their feed links it; null when it gives none. */
  readonly site: string | null;
  /** This site's copy of the feed. */
  readonly feed: string;
  readonly entries: number;
}

/** The index document. */
export interface MirrorIndexDocument {
  readonly mirrors: readonly MirrorIndexEntry[];
}

/** Bytes of someone else's index read at most: 10,000 creators fit in about 3 MB. */
export const MIRROR_INDEX_MAX_BYTES = 4 * 1024 * 1024;
const MAX_ENTRIES = 20_000;

/** Builds the index of `feeds` as mirrored under `mirrorUrl` (ending in `/`), sorted by id. */
export function buildMirrorIndex(feeds: readonly StoredFeed[], mirrorUrl: string): MirrorIndexDocument {
  const mirrors = feeds.map((feed): MirrorIndexEntry => {
    const id = mirrorIdOf(feed);
    return {
      id, identity: feed.capsule?.id ?? null, origin: originOf(feed), name: creatorNameOf(feed),
      site: toHttpUrl(feed.siteUrl) ?? null, feed: new URL(`${id}/feed.xml`, mirrorUrl).href, entries: feed.entryCount,
    };
  });
  return { mirrors: mirrors.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

// A mirror URL is not the creator's origin: the signed location record names it, or the URL followed when it was not a mirror.
// The index is public: a private feed's user name and password never go into it.
function originOf(feed: StoredFeed): string | null {
  const own = toHttpUrl([...(feed.capsule?.feeds ?? []), feed.url, feed.followedUrl].find((url) => identityInMirrorUrl(url) === undefined));
  return own === undefined ? null : redactUrl(own);
}

/** Reads another site's index leniently: entries that do not hold together (an identity not matching its id, a non-http URL) are dropped. */
export function readMirrorIndex(text: string): MirrorIndexEntry[] {
  const document = JSON.parse(text) as unknown;
  const list = typeof document === "object" && document !== null ? (document as { mirrors?: unknown }).mirrors : undefined;
  if (!Array.isArray(list)) throw new TypeError("not a mirrors index: it has no \"mirrors\" list");
  return list.slice(0, MAX_ENTRIES).flatMap((item: unknown): MirrorIndexEntry[] => {
    if (typeof item !== "object" || item === null) return [];
    const value = item as Record<string, unknown>;
    const identity = typeof value["identity"] === "string" && isDidKey(value["identity"], "ed25519") ? value["identity"] : null;
    const id = typeof value["id"] === "string" ? value["id"] : "";
    if (identity !== null && id !== identity.slice("did:key:".length)) return [];
    const feed = toHttpUrl(typeof value["feed"] === "string" ? value["feed"] : undefined);
    if (id === "" || feed === undefined) return [];
    const name = typeof value["name"] === "string" ? value["name"].replace(/\s+/g, " ").trim().slice(0, 200) : "";
    const entries = typeof value["entries"] === "number" && Number.isSafeInteger(value["entries"]) && value["entries"] >= 0 ? value["entries"] : 0;
    const origin = toHttpUrl(typeof value["origin"] === "string" ? value["origin"] : undefined) ?? null;
    const site = toHttpUrl(typeof value["site"] === "string" ? value["site"] : undefined) ?? null;
    return [{ id, identity, origin, name: name || id, site, feed, entries }];
  });
}

/** Other sites' indexes as the document cache keeps them: the JSON text, under its URL. */
export const MIRROR_INDEX: DocumentKind<MirrorIndexEntry[]> = {
  keyOf: (url) => url,
  read({ body, contentType }) {
    const text = new TextDecoder().decode(body); // JSON is UTF-8 (RFC 8259 §8.1); a BOM is dropped
    return { text, contentType, value: readMirrorIndex(text) };
  },
  reread: (document) => readMirrorIndex(document.text),
};
