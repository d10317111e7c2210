/**
 * What the daemon's server keeps in memory per served document: the bytes, their gzip and brotli forms
 * (each computed once per version), strong entity tags, and the response headers ready to send, so a
 * request for a cached feed costs a lookup and a write. Mirrored feeds sit in a byte-bounded LRU.
 */
import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import { brotliCompress, constants as zlibConstants, gzipSync } from "node:zlib";
import type { Encoding } from "./serve-request.ts";

/** One coding of a resource and the headers of its 200 and 304 responses. */
export interface Variant {
  readonly body: Buffer;
  readonly etag: string;
  readonly headers: OutgoingHttpHeaders;
  readonly notModifiedHeaders: OutgoingHttpHeaders;
}

/** What a resource is made from besides its bytes. */
export interface ResourceOptions {
  /** The source's version string; a lookup with another version rebuilds the resource. */
  version: string;
  lastModified: Date | null;
  /** Headers of every 200 (content type, cache control, security headers). */
  headers: Readonly<Record<string, string>>;
  /** Cache-Control, repeated on 304s (RFC 9110 §15.4.5). */
  cacheControl: string;
}

// gzip level 6 is zlib's default: ~1 ms for a 30 KB feed, within 1% of level 9.
const GZIP_LEVEL = 6;
// Brotli at its best quality is ~20× slower than gzip (50 ms for 30 KB), so it runs on libuv's thread pool
// and requests get gzip until it is ready.
const BROTLI_QUALITY = 11;

/** A document as served: its codings, entity tags and ready-made headers. */
export class Resource {
  readonly version: string;
  readonly lastModified: Date | null;
  /** Entity tags of every coding, current or future: what an If-None-Match is compared with. */
  readonly tags: readonly string[];
  readonly #options: ResourceOptions;
  readonly #identity: Variant;
  readonly #gzip: Variant;
  #br: Variant | undefined;
  #brotliStarted = false;

  constructor(body: Buffer, options: ResourceOptions) {
    this.version = options.version;
    // An origin server must not send a Last-Modified later than its Date (RFC 9110 §8.8.2.1).
    const now = Date.now();
    this.lastModified = options.lastModified && options.lastModified.getTime() > now ? new Date(now) : options.lastModified;
    this.#options = options;
    const hash = createHash("sha256").update(body).digest("base64url").slice(0, 27);
    // Strong tags differ per coding (RFC 9110 §8.8.3); the identity tag is the hash of the bytes served.
    this.tags = [`"${hash}"`, `"${hash}-gzip"`, `"${hash}-br"`];
    this.#identity = this.#makeVariant(body, this.tags[0]!, undefined);
    const gzipped = gzipSync(body, { level: GZIP_LEVEL });
    this.#gzip = gzipped.length < body.length ? this.#makeVariant(gzipped, this.tags[1]!, "gzip") : this.#identity;
  }

  /** Bytes held, all codings counted. */
  get size(): number {
    const gzip = this.#gzip === this.#identity ? 0 : this.#gzip.body.length;
    const br = !this.#br || this.#br === this.#identity ? 0 : this.#br.body.length;
    return this.#identity.body.length + gzip + br;
  }

  /** The variant to send for a negotiated coding; brotli falls back to gzip until it is ready. */
  select(encoding: Encoding): Variant {
    if (encoding === "gzip") return this.#gzip;
    if (encoding === "br") return this.#br ?? this.#gzip;
    return this.#identity;
  }

  /** The variant a tag names (for a 304 that confirms the client's own copy), or undefined. */
  findVariant(tag: string): Variant | undefined {
    if (tag === this.tags[1]) return this.#gzip;
    if (tag === this.tags[2]) return this.#br;
    return tag === this.tags[0] ? this.#identity : undefined;
  }

  /** Compresses with brotli off the event loop, once; resolves with the bytes added (0 if it did not help). */
  async compressBrotli(): Promise<number> {
    if (this.#brotliStarted) return 0;
    this.#brotliStarted = true;
    const body = this.#identity.body;
    const compressed = await new Promise<Buffer>((resolve, reject) => brotliCompress(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }, (error, result) => (error ? reject(error) : resolve(result))));
    // Only worth sending if it beats gzip; otherwise br requests keep getting gzip.
    if (compressed.length >= this.#gzip.body.length) return 0;
    this.#br = this.#makeVariant(compressed, this.tags[2]!, "br");
    return compressed.length;
  }

  #makeVariant(body: Buffer, etag: string, encoding: "gzip" | "br" | undefined): Variant {
    const { headers, cacheControl } = this.#options;
    const common = { etag, "cache-control": cacheControl, vary: "Accept-Encoding" };
    return {
      body,
      etag,
      headers: {
        ...headers,
        ...common,
        ...(this.lastModified ? { "last-modified": this.lastModified.toUTCString() } : {}),
        ...(encoding ? { "content-encoding": encoding } : {}),
        "content-length": String(body.length),
      },
      notModifiedHeaders: common,
    };
  }
}

/** Resources by key, least recently used evicted first once their bytes pass `maxBytes`. */
export class ResourceCache {
  readonly #map = new Map<string, Resource>();
  readonly #maxBytes: number;
  #bytes = 0;
  /** The last key inserted, which a hot feed's requests need not re-insert. */
  #newest: string | undefined;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held by all cached resources. */
  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#map.size;
  }

  /** The cached resource for `key`, marked as just used. */
  get(key: string): Resource | undefined {
    const resource = this.#map.get(key);
    if (resource && key !== this.#newest) {
      // A Map iterates in insertion order: re-inserting makes this the newest.
      this.#map.delete(key);
      this.#map.set(key, resource);
      this.#newest = key;
    }
    return resource;
  }

  /** Caches `resource` under `key` (replacing any older version) and starts its brotli compression. */
  set(key: string, resource: Resource): void {
    const old = this.#map.get(key);
    if (old) {
      this.#bytes -= old.size;
      this.#map.delete(key);
    }
    this.#map.set(key, resource);
    this.#newest = key;
    this.#bytes += resource.size;
    this.#evict();
    resource.compressBrotli().then((added) => {
      if (this.#map.get(key) !== resource) return; // replaced or evicted meanwhile: nothing to count
      this.#bytes += added;
      this.#evict();
    }, () => {
      // brotli failing leaves gzip, which is served anyway
    });
  }

  // Never evicts the newest entry: a feed larger than the budget is still served from memory until the next.
  #evict(): void {
    for (const [key, resource] of this.#map) {
      if (this.#bytes <= this.#maxBytes || this.#map.size <= 1) return;
      this.#map.delete(key);
      this.#bytes -= resource.size;
    }
  }
}
