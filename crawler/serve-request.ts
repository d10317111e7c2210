/**
 * Reading what a request to the daemon's server asks for: its path (rejecting malformed ones), the content
 * coding to send (Accept-Encoding), and whether a 304 will do (If-None-Match, If-Modified-Since).
 * Pure functions over strings, so serve.ts stays about routing.
 */

/** A content coding the server can send; `identity` is the body as is. */
export type Encoding = "br" | "gzip" | "identity";

// Browsers send one of a handful of Accept-Encoding values; remembering the answer keeps parsing off the
// hot path. Cleared when full, so a client sending random headers costs memory once, never more.
const encodingMemo = new Map<string, Encoding>();
const ENCODING_MEMO_LIMIT = 256;

/**
 * Chooses the coding to send for an Accept-Encoding header: the acceptable one with the highest q-value,
 * `br` before `gzip` before `identity` on a tie. No header means identity (RFC 9110 allows any coding, but
 * a client that did not ask may not decode). When everything is refused (`identity;q=0, *;q=0`) the
 * body goes out unencoded anyway, which RFC 9110 §12.5.3 permits instead of a 406.
 * https://www.rfc-editor.org/rfc/rfc9110#name-accept-encoding
 */
export function selectEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  let chosen = encodingMemo.get(acceptEncoding);
  if (chosen === undefined) {
    chosen = parseAcceptEncoding(acceptEncoding);
    if (encodingMemo.size >= ENCODING_MEMO_LIMIT) encodingMemo.clear();
    encodingMemo.set(acceptEncoding, chosen);
  }
  return chosen;
}

function parseAcceptEncoding(header: string): Encoding {
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [rawName = "", ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const match = /^\s*q\s*=(.*)$/i.exec(param);
      if (match) weight = Math.min(1, Math.max(0, Number(match[1]!.trim()) || 0)); // unreadable: 0
    }
    // x-gzip is gzip (RFC 9110 §8.4.1.3); the first mention of a coding wins, like most servers do it.
    const key = name === "x-gzip" ? "gzip" : name;
    if (!q.has(key)) q.set(key, weight);
  }
  const star = q.get("*");
  const weightOf = (coding: string) => q.get(coding) ?? star ?? 0;
  // Identity is always acceptable unless excluded (RFC 9110 §12.5.3), but it only outranks a coding
  // the client named if it is listed (itself or as `*`) with a higher q-value.
  const identity = q.get("identity") ?? star ?? 0;
  const br = weightOf("br");
  const gzip = weightOf("gzip");
  if (br > 0 && br >= gzip && br >= identity) return "br";
  if (gzip > 0 && gzip >= identity) return "gzip";
  return "identity";
}

/**
 * Which of `tags` (the entity tags of the resource's current representations) an If-None-Match header
 * matches, under the weak comparison RFC 9110 §13.1.2 prescribes for this header (`W/"x"` matches `"x"`):
 * the matched tag, `*` for a wildcard, or undefined. Tags are parsed as quoted strings, so a comma inside
 * one is fine; a malformed header matches nothing, so a full 200 goes out.
 * https://www.rfc-editor.org/rfc/rfc9110#name-if-none-match
 */
export function matchIfNoneMatch(header: string, tags: readonly string[]): string | undefined {
  if (tags.includes(header)) return header; // the common case: the client echoes our ETag
  let index = 0;
  while (index < header.length) {
    const char = header[index]!;
    if (char === " " || char === "\t" || char === ",") {
      index += 1;
    } else if (char === "*") {
      return "*";
    } else {
      const start = header.startsWith("W/", index) ? index + 2 : index;
      if (header[start] !== '"') return undefined;
      const end = header.indexOf('"', start + 1);
      if (end === -1) return undefined;
      const tag = header.slice(start, end + 1);
      if (tags.includes(tag)) return tag;
      index = end + 1;
    }
  }
  return undefined;
}

/**
 * Whether an If-Modified-Since date shows the client's copy is current: `lastModified` (whole seconds, as
 * HTTP dates have no more) is not after it. An unparseable date is ignored (RFC 9110 §13.1.3).
 */
export function isNotModifiedSince(header: string, lastModified: Date | null): boolean {
  if (!lastModified) return false;
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * The request path without its query, or undefined when it is malformed: a dot segment, a backslash, NUL,
 * bad percent-encoding, or a percent-encoded `/` or `\` (which would let one segment pose as several).
 * The absolute form (`GET http://host/path`) is accepted as RFC 9112 §3.2.2 requires.
 */
export function readPath(rawUrl: string): string | undefined {
  let url = rawUrl;
  if (!url.startsWith("/")) {
    const match = /^https?:\/\/[^/?#]*(\/[^#]*)?$/i.exec(url);
    if (!match) return undefined;
    url = match[1] ?? "/";
  }
  const query = url.indexOf("?");
  const raw = query === -1 ? url : url.slice(0, query);
  if (raw.includes("\\") || raw.includes("\0")) return undefined;
  if (!raw.includes("%") && !raw.includes("/.")) return raw; // the common case: nothing to decode or check
  const segments = raw.split("/");
  for (let index = 1; index < segments.length; index++) {
    let segment = segments[index]!;
    if (segment.includes("%")) {
      try {
        segment = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
      if (/[/\\\0]/.test(segment)) return undefined;
      segments[index] = segment;
    }
    if (segment === "." || segment === "..") return undefined;
  }
  return segments.join("/");
}
