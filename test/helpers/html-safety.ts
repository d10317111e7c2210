/**
 * Judges HTML the way a browser would read it: parse5 (a WHATWG-conformant parser) builds the tree the
 * output would produce inside a page's `<body>`, and every element and attribute is checked for anything
 * that can run script, load a style, or leave for a `javascript:`, `vbscript:` or (outside images) `data:`
 * URL. Strings are never compared: mutation XSS is about how markup re-parses, so only the parsed tree counts.
 */
import { parse, type DefaultTreeAdapterTypes } from "parse5";

type Node = DefaultTreeAdapterTypes.ChildNode | DefaultTreeAdapterTypes.DocumentFragment;

// Elements that run script, load styles or documents, change the page's base, or submit data.
const FORBIDDEN_ELEMENTS = new Set([
  "script", "style", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link", "form", "applet",
  "portal", "noscript", "template",
]);

// Attributes whose value is a URL the browser may load or navigate to (HTML, SVG and legacy ones), plus the SVG
// animation attributes that can set an href to a `javascript:` URL.
const URL_ATTRIBUTES = new Set([
  "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "data", "codebase", "cite",
  "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "icon", "profile", "usemap", "archive", "classid", "itemtype",
  "values", "to", "from", "by", "imagesrcset",
]);

/** Lists every unsafe thing in `html` as parsed into a page body; an empty list means safe. */
export function findUnsafe(html: string): string[] {
  const document = parse(`<!DOCTYPE html><html><head></head><body><div>${html}</div></body></html>`);
  const problems: string[] = [];
  const pending: Node[] = [...document.childNodes];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node || !("childNodes" in node)) continue;
    pending.push(...node.childNodes);
    if (!("tagName" in node)) continue;
    if ("content" in node) pending.push(node.content as DefaultTreeAdapterTypes.DocumentFragment);
    const tag = node.tagName.toLowerCase();
    if (FORBIDDEN_ELEMENTS.has(tag)) problems.push(`<${tag}> element`);
    for (const attr of node.attrs) {
      const name = (attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name).toLowerCase();
      if (name.startsWith("on")) problems.push(`${name} handler on <${tag}>`);
      if (name === "style") problems.push(`style attribute on <${tag}>`);
      if (!URL_ATTRIBUTES.has(name) && !name.endsWith(":href")) continue;
      const urls = name === "srcset" || name === "imagesrcset" ? attr.value.split(",").map((part) => part.trim().split(/\s+/)[0] ?? "") : [attr.value];
      for (const url of urls) {
        const scheme = readScheme(url);
        if (scheme === "javascript" || scheme === "vbscript") problems.push(`${scheme}: URL in ${name} on <${tag}>`);
        if (scheme === "data" && !(tag === "img" && name === "src")) problems.push(`data: URL in ${name} on <${tag}>`);
      }
    }
  }
  return problems;
}

/** The URL scheme as a browser sees it: leading controls and spaces stripped, tabs and newlines removed anywhere. */
function readScheme(url: string): string | undefined {
  const compact = url.replace(/^[\u0000-\u0020]+/, "").replace(/[\t\n\r]/g, "");
  return /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
}
