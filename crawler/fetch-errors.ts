/**
 * The errors of crawler/fetch.ts: one `FetchError` per failure, with a message in miniflux's manner
 * (`fetch: access forbidden (403 status code): URL`) and a hint, and the mapping from got's and the
 * socket's errors onto the stable codes.
 */
import type { IncomingHttpHeaders } from "node:http";
import { isAddressRefusedError } from "./address.ts";
import { FetchError } from "./errors.ts";

/** Parses `Retry-After` (delta-seconds or an HTTP-date, RFC 9110 §10.2.3) into a Date, or null. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): Date | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return new Date(now + Number(text) * 1000);
  // An HTTP-date starts with a day name (IMF-fixdate, RFC 850 or asctime); Date.parse alone takes "-5" as a year.
  const time = /^[A-Za-z]{3,9},? /.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(time) ? null : new Date(time);
}

const STATUS_WORDS: Record<number, string> = {
  401: "access unauthorized",
  403: "access forbidden",
  404: "resource not found",
  410: "resource gone",
  429: "too many requests",
  500: "remote server error",
  502: "bad gateway",
  503: "service unavailable",
  504: "gateway timeout",
};

/** An error status (or a redirect without Location) as an "http-status" error carrying `status` and `retryAfter`. */
export function statusError(status: number, headers: IncomingHttpHeaders, url: string): FetchError {
  const retryAfter = parseRetryAfter(headers["retry-after"]);
  const words = status < 400 ? "redirect without a Location header" : STATUS_WORDS[status] ?? "unexpected status code";
  const after = retryAfter === null ? "" : `, retry after ${retryAfter.toISOString()}`;
  const hint = status === 404 || status === 410
    ? "Check the feed URL in a browser; the site may have moved or removed its feed."
    : status === 401 || status === 403
      ? "The server refuses the crawler; check the URL in a browser, or ask the owner to allow Capsule's user agent."
      : status === 429 || status === 503
        ? "The server asks to slow down; the crawler waits until the retry time before the next try."
        : "The server answered with an error; it is retried later.";
  return new FetchError("http-status", `${words} (${status} status code${after})`, url, { status, retryAfter, hint });
}

/** More hops than `maxRedirects`; the message lists the statuses of the chain. */
export function redirectError(redirects: readonly { status: number }[], max: number, url: string): FetchError {
  const chain = redirects.map((hop) => hop.status).join(" → ");
  return new FetchError("too-many-redirects", `more than ${max} redirects (${chain})`, url, {
    hint: "The server redirects in a loop or too often; open the URL in a browser, or follow the final URL directly.",
  });
}

/** The body passed the cap (counted after decompression). */
export function tooLargeError(cap: number, url: string): FetchError {
  return new FetchError("too-large", `response larger than ${formatBytes(cap)} (after decompression)`, url, {
    hint: "The feed is unusually large; raise maxBodyBytes if you trust the site.",
  });
}

/** The two limits a timeout message names, in milliseconds. */
export interface TimeoutLimits {
  connectMs: number;
  totalMs: number;
}

/** A connect timeout (DNS, TCP, TLS) or the total timeout. */
export function timeoutError(connecting: boolean, settings: TimeoutLimits, url: string, cause?: unknown): FetchError {
  const what = connecting ? `could not connect within ${settings.connectMs / 1000} s` : `timed out after ${settings.totalMs / 1000} s`;
  return new FetchError("timeout", what, url, { cause, hint: "The server is slow or unreachable; the fetch is retried later." });
}

/** A refused address; `what` says which, e.g. "(127.0.0.1 is a loopback address)". */
export function refusedError(what: string, url: string, cause?: unknown): FetchError {
  return new FetchError("refused-address", `refused to connect ${what}`, url, {
    cause,
    hint: "The crawler does not connect to loopback, private or link-local addresses; set allowPrivateAddresses (or allowPrivateHosts) to follow a feed on your own network.",
  });
}

/** An unusable option, naming what was expected and what arrived. */
export function optionError(what: string, value: unknown, url: string): FetchError {
  return new FetchError("options", `${what}, got ${typeof value === "function" ? "a function" : JSON.stringify(value) ?? String(value)}`, url, {
    hint: "Fix the option passed to fetchFeed.",
  });
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA", "ESERVFAIL", "ENONAME"]);
const CONNECT_EVENTS = new Set(["lookup", "connect", "secureConnect", "socket"]);

/** Maps whatever went wrong (our errors, got's, the socket's) onto one FetchError. */
export function toFetchError(error: unknown, url: URL, settings: TimeoutLimits): FetchError {
  if (error instanceof FetchError) return error;
  let cause: unknown = error;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause) {
    if (isAddressRefusedError(cause)) return refusedError(`to ${cause.hostname} (${cause.reason})`, url.href, error);
  }
  const { code = "", name = "", message = String(error) } = error as { code?: string; name?: string; message?: string };
  if (name === "TimeoutError") return timeoutError(CONNECT_EVENTS.has((error as { event?: string }).event ?? ""), settings, url.href, error);
  if (DNS_CODES.has(code)) {
    return new FetchError("dns", `could not resolve ${url.hostname} (${code})`, url.href, { cause: error, hint: "Check the host name for typos; the domain may have lapsed." });
  }
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|EPROTO$)/.test(code)) return tlsError(code, message, url.href, error);
  if (code === "ETIMEDOUT") return timeoutError(true, settings, url.href, error);
  const what = code === "ECONNREFUSED" ? "connection refused (ECONNREFUSED)"
    : code === "ECONNRESET" ? "connection reset by the server (ECONNRESET)"
    // zlib's codes are Z_*, brotli's ERR__ERROR_*: the server sent a body its Content-Encoding does not match.
    : code.startsWith("Z_") || code.startsWith("ERR__") ? `could not decompress the body (${code}: ${toOneLine(message)})`
    : `network error (${code ? `${code}: ` : ""}${toOneLine(message)})`;
  return new FetchError("network", what, url.href, {
    cause: error,
    hint: "The server is down, dropped the connection or sent a broken body; the fetch is retried later.",
  });
}

// OpenSSL reports "write EPROTO 80BC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…:350:\n":
// the reason is the part after the function name.
const OPENSSL_REASON = /:SSL routines:[^:]*:([^:]+):/;

/** A TLS failure in one line: what went wrong in words, and a hint that fits it. */
function tlsError(code: string, message: string, url: string, cause: unknown): FetchError {
  const reason = OPENSSL_REASON.exec(message)?.[1]?.trim();
  if (reason !== undefined && /wrong version number|packet length too long|http request/i.test(reason)) {
    // The server answered the TLS handshake in plain text: an https:// URL on a port that speaks only HTTP.
    return new FetchError("tls", `TLS failure (the server does not speak TLS on this port: ${reason})`, url, {
      cause, hint: "The address answers in plain HTTP; follow its http:// URL if the site has no HTTPS, or ask its owner to fix the port.",
    });
  }
  return new FetchError("tls", `TLS failure (${code}: ${reason ?? toOneLine(message)})`, url, {
    cause, hint: "The site's certificate is invalid or expired, or its TLS setup is broken; only its owner can fix that.",
  });
}

/** Foreign text (socket, zlib, OpenSSL messages) for a one-line message: whitespace collapsed, cut at 200 characters. */
function toOneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
