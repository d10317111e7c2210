/**
 * The crawler's fetch step: one conditional GET of a feed URL, returning its bytes and validators. Fetch
 * never parses (crawler/parse/ does) and decides no policy: it reports the redirect chain and the server's
 * `Retry-After`, and the caller decides whether to move a stored URL or when to come back. Shaped after
 * miniflux's `internal/reader/fetcher` (request builder, response handler, `fetcher: …` errors).
 *
 * Hardening, each checked by test/crawler/fetch.test.ts: redirects are followed by hand so every hop's
 * scheme and address is checked (crawler/address.ts); the body cap counts bytes after decompression and
 * aborts mid-stream (a gzip bomb stops at the cap); the total timeout covers every hop and a slow drip.
 * The 304 path is kept lean (one got stream, shared keep-alive agents, no lookup for IP literals): a
 * re-crawl where every feed answers 304 must run near the speed of a bare `got` loop.
 */
import { createHash } from "node:crypto";
import type { Agent as HttpAgent, IncomingHttpHeaders } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import got, { type PlainResponse, type Request } from "got";
import { checkHost, guardLookup } from "./address.ts";
import { FetchError } from "./errors.ts";
import { pickDefaultAgent, toGotAgent, type FetchAgent } from "./fetch-agent.ts";
import { optionError, redirectError, refusedError, statusError, timeoutError, toFetchError, tooLargeError } from "./fetch-errors.ts";

export { buildUserAgent, closeFetchAgents, createFetchAgent, type FetchAgent } from "./fetch-agent.ts";
export { parseRetryAfter } from "./fetch-errors.ts";

/** What the caller kept from the last successful fetch of this URL. */
export interface PreviousFetch {
  etag?: string | null;
  lastModified?: string | null;
  /** SHA-256 (hex) of the last body; a 200 with the same body counts as not modified. */
  bodyHash?: string | null;
}

/** One redirect followed, in order; the caller moves a stored URL only on repeated 301/308. */
export interface Redirect {
  status: number;
  from: string;
  to: string;
}

interface ResultBase {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  /** Validators to send next time (on 304 without them, the previous ones). */
  etag: string | null;
  lastModified: string | null;
  /** Raw `Cache-Control` and `Expires` headers, for the scheduler. */
  cacheControl: string | null;
  expires: string | null;
  redirects: Redirect[];
  elapsedMs: number;
}

/** A new body, or word that nothing changed (304, or a 200 whose body hash equals the previous one). */
export type FetchResult =
  | (ResultBase & { kind: "modified"; body: Buffer; bodyHash: string; contentType: string | null })
  | (ResultBase & { kind: "not-modified" });

/** Options of `fetchFeed`. */
export interface FetchOptions {
  /** The `User-Agent` header; build it with `buildUserAgent` so sites know who is asking. */
  userAgent: string;
  /** Milliseconds. `connect` covers DNS, TCP and TLS; `total` covers every hop and the whole body. @default {connect: 10_000, total: 30_000} */
  timeouts?: { connect?: number; total?: number };
  /** Bytes of body after decompression before giving up. @default 10 MiB */
  maxBodyBytes?: number;
  /** Redirect hops followed before giving up. @default 5 */
  maxRedirects?: number;
  /** Connect to loopback, private, link-local and other refused addresses (tests, home networks). @default false */
  allowPrivateAddresses?: boolean;
  /** Host names allowed to be or resolve to refused addresses while everything else stays refused (a NAS on the home network). @default [] */
  allowPrivateHosts?: readonly string[];
  /** A `dns.lookup`-compatible function, for tests or a custom resolver. @default dns.lookup */
  lookup?: LookupFunction;
  /** Keep-alive agents to use; when absent a shared pair per address policy is used (see `closeFetchAgents`). Do not share one between calls with different address policies. */
  agent?: FetchAgent;
  /** Sockets per host of the shared agents (ignored with `agent`). @default 16 */
  maxSockets?: number;
}

const ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, application/json;q=0.8, text/xml;q=0.8, */*;q=0.1";
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Redirect and error bodies up to this size are read and dropped so the keep-alive socket survives. */
const DRAIN_LIMIT = 16 * 1024;
/** got defaults every call shares: we retry, follow redirects and judge statuses ourselves. */
const client = got.extend({ retry: { limit: 0 }, followRedirect: false, throwHttpErrors: false, decompress: true });
const guardedDnsLookup = guardLookup();
const guardedLookups = new WeakMap<LookupFunction, LookupFunction>();

interface Settings {
  userAgent: string;
  connectMs: number;
  totalMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  allowPrivate: boolean;
  allowHosts: ReadonlySet<string> | undefined;
  lookup: LookupFunction | undefined;
  agent: { http: HttpAgent; https: HttpsAgent };
}

/** Fetches a feed URL conditionally; throws a `FetchError` for anything but a 2xx or 304 answer. */
export async function fetchFeed(url: string, previous: PreviousFetch, options: FetchOptions): Promise<FetchResult> {
  const started = performance.now();
  const settings = readOptions(url, options);
  let current = parseTarget(url);
  const redirects: Redirect[] = [];
  try {
    checkTarget(current, settings);
    for (;;) {
      const { stream, response } = await send(current, previous, settings, started);
      const status = response.statusCode;
      const { headers } = response;
      if (status >= 300 && status < 400 && status !== 304) {
        discard(stream, headers);
        const location = headers.location;
        if (!REDIRECT_STATUSES.has(status) || location === undefined) throw statusError(status, headers, current.href);
        const next = resolveRedirect(location, current);
        redirects.push({ status, from: current.href, to: next.href });
        if (redirects.length > settings.maxRedirects) throw redirectError(redirects, settings.maxRedirects, current.href);
        current = next;
        checkTarget(current, settings);
        continue;
      }
      if (status < 200 || status >= 400) {
        discard(stream, headers);
        throw statusError(status, headers, current.href);
      }
      const body = await readBody(stream, headers, settings.maxBodyBytes, current.href);
      const base: ResultBase = {
        url: current.href,
        status,
        etag: headers.etag ?? null,
        lastModified: headers["last-modified"] ?? null,
        cacheControl: headers["cache-control"] ?? null,
        expires: headers.expires ?? null,
        redirects,
        elapsedMs: 0,
      };
      if (status === 304) {
        base.etag ??= previous.etag ?? null;
        base.lastModified ??= previous.lastModified ?? null;
        base.elapsedMs = performance.now() - started;
        return { kind: "not-modified", ...base };
      }
      const bodyHash = createHash("sha256").update(body).digest("hex");
      base.elapsedMs = performance.now() - started;
      if (bodyHash === previous.bodyHash) return { kind: "not-modified", ...base };
      return { kind: "modified", ...base, body, bodyHash, contentType: headers["content-type"] ?? null };
    }
  } catch (error) {
    throw toFetchError(error, current, settings);
  }
}

function readOptions(url: string, options: FetchOptions): Settings {
  const connectMs = options.timeouts?.connect ?? 10_000;
  const totalMs = options.timeouts?.total ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const maxSockets = options.maxSockets ?? 16;
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const hosts = options.allowPrivateHosts;
  if (!(connectMs > 0 && connectMs <= 2 ** 31 - 1)) throw optionError("timeouts.connect must be a positive number of milliseconds", connectMs, url);
  if (!(totalMs > 0 && totalMs <= 2 ** 31 - 1)) throw optionError("timeouts.total must be a positive number of milliseconds", totalMs, url);
  if (!(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0)) throw optionError("maxBodyBytes must be a positive integer", maxBodyBytes, url);
  if (!(Number.isSafeInteger(maxRedirects) && maxRedirects >= 0)) throw optionError("maxRedirects must be a whole number, 0 or more", maxRedirects, url);
  if (!(Number.isSafeInteger(maxSockets) && maxSockets > 0)) throw optionError("maxSockets must be a positive integer", maxSockets, url);
  if (typeof options.userAgent !== "string" || options.userAgent === "") throw optionError("userAgent must be a non-empty string (see buildUserAgent)", options.userAgent, url);
  if (options.lookup !== undefined && typeof options.lookup !== "function") throw optionError("lookup must be a dns.lookup-compatible function", options.lookup, url);
  const allowHosts = !allowPrivate && hosts !== undefined && hosts.length > 0 ? new Set(hosts.map((host) => host.toLowerCase())) : undefined;
  return {
    userAgent: options.userAgent,
    connectMs,
    totalMs,
    maxBodyBytes,
    maxRedirects,
    allowPrivate,
    allowHosts,
    lookup: pickLookup(options.lookup, allowPrivate, allowHosts),
    agent: toGotAgent(options.agent ?? pickDefaultAgent(maxSockets, allowPrivate ? "all" : allowHosts ? [...allowHosts].sort().join(",") : "")),
  };
}

function pickLookup(lookup: LookupFunction | undefined, allowPrivate: boolean, allowHosts: ReadonlySet<string> | undefined): LookupFunction | undefined {
  if (allowPrivate) return lookup;
  if (allowHosts !== undefined) return guardLookup(lookup, allowHosts);
  if (lookup === undefined) return guardedDnsLookup;
  let guarded = guardedLookups.get(lookup);
  if (guarded === undefined) guardedLookups.set(lookup, (guarded = guardLookup(lookup)));
  return guarded;
}

function parseTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new FetchError("options", "not an absolute URL", url, { cause: error, hint: "Give the feed's full address, starting with https://." });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FetchError("bad-scheme", `unsupported scheme ${parsed.protocol} (only http and https)`, url, { hint: "Only http:// and https:// feeds can be followed." });
  }
  return parsed;
}

/** Refuses IP literals and localhost names before any connection; other names are judged after DNS. */
function checkTarget(url: URL, settings: Settings): void {
  if (settings.allowPrivate || settings.allowHosts?.has(url.hostname)) return;
  const check = checkHost(url.hostname);
  if (check !== undefined && !check.allowed) throw refusedError(`(${check.reason})`, url.href);
}

function resolveRedirect(location: string, current: URL): URL {
  // Node hands header bytes over as latin1; a UTF-8 Location has to be decoded again (got does the same).
  const text = Buffer.from(location, "latin1").toString("utf8");
  let next: URL;
  try {
    next = new URL(text, current);
  } catch (error) {
    throw new FetchError("bad-scheme", `redirect to something that is not a URL (${text.slice(0, 200)})`, current.href, { cause: error, hint: "The server sends a broken Location header; ask its owner to fix it." });
  }
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new FetchError("bad-scheme", `redirect to an unsupported scheme (${next.protocol})`, current.href, { hint: "Only http:// and https:// feeds can be followed; the server redirects elsewhere." });
  }
  // Credentials stay on the same origin only, as browsers and got do.
  if (next.origin === current.origin && next.username === "" && next.password === "") {
    next.username = current.username;
    next.password = current.password;
  }
  return next;
}

function send(url: URL, previous: PreviousFetch, settings: Settings, started: number): Promise<{ stream: Request; response: PlainResponse }> {
  const remaining = Math.ceil(settings.totalMs - (performance.now() - started));
  if (remaining <= 0) return Promise.reject(timeoutError(false, settings, url.href));
  const headers: Record<string, string> = { "user-agent": settings.userAgent, accept: ACCEPT, "accept-encoding": "gzip, deflate, br" };
  if (previous.etag) headers["if-none-match"] = previous.etag;
  if (previous.lastModified) headers["if-modified-since"] = previous.lastModified;
  const stream = client.stream(url, {
    headers,
    agent: settings.agent,
    dnsLookup: settings.lookup,
    timeout: { lookup: settings.connectMs, connect: settings.connectMs, secureConnect: settings.connectMs, request: remaining },
  });
  return new Promise((resolve, reject) => {
    // The listener stays: later errors (a timeout while draining) must not go unhandled.
    stream.on("error", reject);
    stream.once("response", (response: PlainResponse) => resolve({ stream, response }));
  });
}

/** Reads the (decompressed) body, stopping as soon as it passes the cap. */
function readBody(stream: Request, headers: IncomingHttpHeaders, cap: number, url: string): Promise<Buffer> {
  // Content-Length counts the bytes on the wire: if those alone pass the cap, do not start.
  if (Number(headers["content-length"]) > cap) {
    stream.destroy();
    return Promise.reject(tooLargeError(cap, url));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        reject(tooLargeError(cap, url));
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    });
    stream.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    stream.on("error", reject);
  });
}

function discard(stream: Request, headers: IncomingHttpHeaders): void {
  if (Number(headers["content-length"]) <= DRAIN_LIMIT) stream.resume();
  else stream.destroy();
}

