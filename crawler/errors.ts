import { CapsuleError } from "../site/errors.ts";

/**
 * The crawler's errors. Each is a small subclass of `CapsuleError` with a stable `code`, the underlying
 * `cause`, and a message prefixed with the step that failed, the way miniflux prefixes its errors
 * (`parse: not a feed (an HTML page): https://example.com/`). URLs in messages have credentials removed.
 */
export class CrawlerError extends CapsuleError {}

/** Codes a `ParseError` can carry; a program switches on these, people read the message. */
export type ParseErrorCode =
  | "empty" // nothing but whitespace arrived
  | "not-a-feed" // well-formed, but an HTML page, an OPML file, some other XML or JSON document
  | "unreadable" // no way to recover a document from the bytes (no root element, broken JSON)
  | "entity-limit" // a DOCTYPE declares entities that would expand past the limit (billion laughs)
  | "options" // the caller passed unusable options (a URL that is not absolute)
  | "internal"; // a bug in the parser: an unexpected exception, wrapped so nothing untyped escapes

/** Everything thrown out of `crawler/parse/` is a `ParseError` (or a subclass) with one of the codes above. */
export class ParseError extends CrawlerError {
  declare readonly code: ParseErrorCode;
  /** The feed URL the bytes came from, credentials removed. */
  readonly url: string;

  constructor(
    code: ParseErrorCode,
    what: string,
    url: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    const safeUrl = redactUrl(url);
    super(code, `parse: ${what}: ${safeUrl}`, options);
    this.url = safeUrl;
  }
}

/** The bytes are a web page or another document rather than a feed; `advertised` lists feed URLs it links to. */
export class NotAFeedError extends ParseError {
  /** Feed URLs the page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`. */
  readonly advertised: string[];

  constructor(what: string, url: string, advertised: string[] = [], options: { cause?: unknown } = {}) {
    const hint = advertised.length > 0
      ? `The page advertises a feed: follow ${advertised[0]} instead.`
      : "Follow the site's feed URL (often /feed.xml, /rss.xml or /atom.xml), not its home page.";
    const also = advertised.length > 0 ? `, it advertises ${advertised.map(redactUrl).join(" ")}` : "";
    super("not-a-feed", `not a feed (${what}${also})`, url, { ...options, hint });
    this.advertised = advertised.map(redactUrl);
  }
}

/** Codes a `FetchError` can carry; a program switches on these, people read the message. */
export type FetchErrorCode =
  | "dns" // the host name does not resolve
  | "refused-address" // the host is, or resolves to, a loopback, private or otherwise refused address
  | "bad-scheme" // the URL, or a redirect, is not http(s)
  | "timeout" // no connection in time, or the whole fetch took too long
  | "too-large" // the body, after decompression, is over the cap
  | "http-status" // an error status (4xx, 5xx) or a redirect without a Location; see `status`, `retryAfter`
  | "too-many-redirects" // more hops than allowed, or a loop
  | "network" // connection refused or reset
  | "tls" // certificate or handshake failure
  | "options"; // the caller passed an unusable URL or option

/** Everything `fetchFeed` throws is a `FetchError` with one of the codes above. */
export class FetchError extends CrawlerError {
  declare readonly code: FetchErrorCode;
  /** The URL that failed (the last hop when redirected), credentials removed. */
  readonly url: string;
  /** The HTTP status for "http-status" errors, otherwise undefined. */
  readonly status: number | undefined;
  /** When the server asked to be retried (`Retry-After` on 429, 503…), or null; the caller clamps it. */
  readonly retryAfter: Date | null;

  constructor(
    code: FetchErrorCode,
    what: string,
    url: string,
    options: { cause?: unknown; hint?: string; status?: number; retryAfter?: Date | null } = {},
  ) {
    const safeUrl = redactUrl(url);
    super(code, `fetch: ${what}: ${safeUrl}`, options);
    this.url = safeUrl;
    this.status = options.status;
    this.retryAfter = options.retryAfter ?? null;
  }
}

/** Removes user name and password from a URL for messages and logs; returns non-URLs unchanged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url;
  }
}

/** The LMDB store could not be opened, or was written by a newer Capsule (`store-open`, `store-version`). */
export class StoreError extends CrawlerError {}

/** A crawler option has a value that cannot work; the message names the option, the value and what was expected. */
export class ConfigError extends CrawlerError {}

/** Mirror pages could not be written (`mirror-write`), or a creator's folder name is unusable (`mirror-id`). */
export class MirrorError extends CrawlerError {}

/** The server could not start (port in use, layouts missing). */
export class ServeError extends CrawlerError {}
