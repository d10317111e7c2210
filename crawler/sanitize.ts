/**
 * Sanitising HTML from other people's feeds before it is published on the creator's own domain. An
 * allowlist in the spirit of miniflux's `internal/reader/sanitizer` (text, structure, links, images, media,
 * tables), applied with sanitize-html:
 *
 * - No active content: `script`, `style`, `iframe`, `object`, `embed`, `applet`, `form` and its controls,
 *   `svg`, `math`, `template`, `noscript`, `base`, `meta`, `link` are dropped with everything inside them
 *   (SVG and MathML are where mutation-XSS tricks live; no feed needs them enough to take that risk).
 * - No `on*` handlers, no `style`, `class`, `id` or `name` (no CSS from strangers, no DOM clobbering of the
 *   page's own ids), no `target`.
 * - URLs are resolved against `baseUrl` first (which also normalises obfuscations such as `java\tscript:`,
 *   exactly as a browser would), then only http, https and mailto survive in links, http and https in every
 *   other URL attribute. `data:` is allowed only in `img src`, and only for base64 PNG, JPEG, GIF, WebP and
 *   AVIF: inline raster images are common in feeds and cannot run anything; `data:image/svg+xml` is refused.
 * - Links get `rel="noopener noreferrer ugc"`; images get `loading="lazy"`, `decoding="async"` and
 *   `referrerpolicy="no-referrer"`; 1×1 images (tracking pixels) are dropped; nesting is capped at 256.
 */
import sanitize from "sanitize-html";
import type { IOptions, Attributes } from "sanitize-html";

/** Options for `sanitizeHtml`. */
export interface SanitizeOptions {
  /** Base for relative URLs (the feed text's `base`); URLs that cannot be resolved are removed. */
  baseUrl: string;
}

const ALLOWED_TAGS = [
  "a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "br",
  "caption", "center", "cite", "code", "col", "colgroup", "data", "dd", "del", "details", "dfn", "div", "dl",
  "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "picture", "pre", "q", "rp", "rt", "rtc",
  "ruby", "s", "samp", "section", "small", "source", "span", "strike", "strong", "sub", "summary", "sup",
  "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "video", "wbr",
];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  "*": ["title", "lang", "dir"],
  a: ["href", "hreflang", "rel"],
  img: ["src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "referrerpolicy"],
  video: ["src", "poster", "width", "height", "controls", "preload"],
  audio: ["src", "controls", "preload"],
  source: ["src", "srcset", "sizes", "type", "media"],
  td: ["colspan", "rowspan", "headers", "align"],
  th: ["colspan", "rowspan", "headers", "scope", "align"],
  col: ["span"],
  colgroup: ["span"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  time: ["datetime"],
  q: ["cite"],
  blockquote: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
  data: ["value"],
  details: ["open"],
};

// Dropped together with their content: raw-text and foreign-content elements, and active content. Other
// disallowed elements (object, applet, form, button…) lose the tag but keep their sanitised fallback content.
const DROPPED_WITH_CONTENT = [
  "script", "style", "textarea", "option", "select", "xmp", "noscript", "noembed", "noframes", "iframe", "frame",
  "frameset", "embed", "template", "title", "plaintext", "svg", "math", "head", "input", "datalist",
];

const URL_ATTRIBUTES = ["href", "src", "poster", "cite"];
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpeg|jpg|gif|webp|avif);base64,[a-z0-9+/=\s]*$/i;

/** Sanitises untrusted HTML with the allowlist above; relative URLs are made absolute against `baseUrl`. */
export function sanitizeHtml(html: string, options: SanitizeOptions): string {
  return sanitize(html, createPolicy(options.baseUrl));
}

/** Reduces HTML or text to plain text for titles and names: tags and their attributes gone, entities decoded. */
export function sanitizeText(html: string): string {
  const text = sanitize(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: DROPPED_WITH_CONTENT });
  return text
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

function createPolicy(baseUrl: string): IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https", "data"], source: ["http", "https"], video: ["http", "https"], audio: ["http", "https"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "poster", "srcset", "action", "formaction", "background", "xlink:href", "data"],
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    nonTextTags: DROPPED_WITH_CONTENT,
    nestingLimit: 256,
    parseStyleAttributes: false,
    transformTags: { "*": (tagName: string, attribs: Attributes) => ({ tagName, attribs: rewriteAttributes(tagName, attribs, baseUrl) }) },
    exclusiveFilter: (frame) => (frame.tag === "img" && (!frame.attribs["src"] || isTrackingPixel(frame.attribs))),
  };
}

/** Resolves URL attributes, filters `srcset` and `data:` images, and adds the attributes the policy requires. */
function rewriteAttributes(tagName: string, attribs: Attributes, baseUrl: string): Attributes {
  const result: Attributes = { ...attribs };
  for (const name of URL_ATTRIBUTES) {
    const value = result[name];
    if (value === undefined) continue;
    const isDataImage = tagName === "img" && name === "src" && /^\s*data:/i.test(value);
    const resolved = isDataImage ? (SAFE_DATA_IMAGE.test(value.trim()) ? value.trim() : null) : resolveHttpUrl(value, baseUrl, name === "href");
    if (resolved === null) delete result[name];
    else result[name] = resolved;
  }
  if (result["srcset"] !== undefined) {
    const srcset = rewriteSrcset(result["srcset"], baseUrl);
    if (srcset) result["srcset"] = srcset;
    else delete result["srcset"];
  }
  if (tagName === "a") result["rel"] = "noopener noreferrer ugc";
  if (tagName === "img") Object.assign(result, { loading: "lazy", decoding: "async", referrerpolicy: "no-referrer" });
  if (tagName === "video" || tagName === "audio") Object.assign(result, { controls: "controls", preload: "none" });
  return result;
}

/** Absolute http(s) URL (or mailto: for links and `#fragment`s kept as they are); null for anything else. */
function resolveHttpUrl(value: string, baseUrl: string, isLink: boolean): string | null {
  const trimmed = value.trim();
  if (isLink && /^#[^\s]*$/.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed, baseUrl);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    return isLink && url.protocol === "mailto:" ? url.href : null;
  } catch {
    return null;
  }
}

/** `srcset` candidates ("url 2x, url 640w"), each resolved to http(s); null when none is left. */
function rewriteSrcset(srcset: string, baseUrl: string): string | null {
  const candidates: string[] = [];
  // WHATWG "parse a srcset attribute", simplified: a URL runs to whitespace (so commas inside data: URLs
  // stay in it), a trailing comma ends a candidate without descriptors, descriptors run to the next comma.
  const pattern = /[\s,]*([^\s,][^\s]*?)(,+(?=\s|$)|\s+([^,]*)(?:,|$)|$)/y;
  for (let match = pattern.exec(srcset); match && match[0] !== ""; match = pattern.exec(srcset)) {
    const resolved = resolveHttpUrl(match[1] ?? "", baseUrl, false);
    const descriptor = (match[3] ?? "").trim();
    if (resolved && /^(?:\d+(?:\.\d+)?[wx])?$/.test(descriptor)) candidates.push(descriptor ? `${resolved} ${descriptor}` : resolved);
  }
  return candidates.length > 0 ? candidates.join(", ") : null;
}

function isTrackingPixel(attribs: Attributes): boolean {
  return attribs["width"]?.trim() === "1" && attribs["height"]?.trim() === "1";
}
