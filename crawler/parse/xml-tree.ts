/**
 * Reading helpers over the reader's tree: find children by namespace and local name, get attributes and
 * text, and serialise inline markup (Atom `xhtml`, naked HTML in RSS) back to an HTML string. Local names
 * match case-insensitively through `key` (`pubDate`, `pubdate`, `PUBDATE` are all seen); namespaces must
 * match exactly after the reader canonicalised them.
 */
import type { XmlElement, XmlNode } from "./xml.ts";
import { NS, XML_NS } from "./xml-names.ts";

/** The element children of an element, in document order. */
export function childElements(element: XmlElement): XmlElement[] {
  const result: XmlElement[] = [];
  for (const child of element.children) if (typeof child !== "string") result.push(child);
  return result;
}

// Mappers ask each item for a few dozen names; indexing its element children by key once turns those scans
// into map lookups (a key's list is short, so the namespace is checked on the list). Built lazily and kept on
// the element under a symbol: a WeakMap side table cost more, in lookups and in garbage collection, on feeds
// with 100,000 items.
const CHILD_INDEX = Symbol("child index");
type IndexedElement = XmlElement & { [CHILD_INDEX]?: Map<string, XmlElement[]> };

function indexChildren(element: IndexedElement): Map<string, XmlElement[]> {
  let index = element[CHILD_INDEX];
  if (!index) {
    index = new Map();
    for (const child of element.children) {
      if (typeof child === "string") continue;
      const list = index.get(child.key);
      if (list) list.push(child);
      else index.set(child.key, [child]);
    }
    element[CHILD_INDEX] = index;
  }
  return index;
}

/** The first child with this namespace and one of these (lower-case) local names, in order of preference. */
export function findChild(element: XmlElement, ns: string, ...locals: string[]): XmlElement | undefined {
  const index = indexChildren(element);
  for (const local of locals) {
    const list = index.get(local);
    if (list) for (const child of list) if (child.ns === ns) return child;
  }
  return undefined;
}

/** Every child with this namespace and one of these (lower-case) local names, in document order. */
export function findChildren(element: XmlElement, ns: string, ...locals: string[]): XmlElement[] {
  if (locals.length === 1) return indexChildren(element).get(locals[0] ?? "")?.filter((child) => child.ns === ns) ?? [];
  const result: XmlElement[] = [];
  for (const child of element.children) {
    if (typeof child !== "string" && child.ns === ns && locals.includes(child.key)) result.push(child);
  }
  return result;
}

/** An attribute value by local name (case-insensitive) and namespace ("" for unprefixed), or undefined. */
export function getAttr(element: XmlElement, local: string, ns = ""): string | undefined {
  for (const attr of element.attrs) {
    if (attr.ns === ns && (attr.local === local || attr.local.toLowerCase() === local)) return attr.value;
  }
  return undefined;
}

/** All the character data inside an element, markup removed. Iterative, so depth cannot overflow the stack. */
export function textContent(element: XmlElement): string {
  if (element.children.length === 1 && typeof element.children[0] === "string") return element.children[0];
  const parts: string[] = [];
  const pending: XmlNode[] = [...element.children].reverse();
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === undefined) break;
    if (typeof node === "string") parts.push(node);
    else for (let index = node.children.length - 1; index >= 0; index -= 1) pending.push(node.children[index] as XmlNode);
  }
  return parts.join("");
}

/** The trimmed text of a child element, or null when missing or blank. */
export function childText(element: XmlElement, ns: string, ...locals: string[]): string | null {
  const child = findChild(element, ns, ...locals);
  return child ? textContent(child).trim() || null : null;
}

/** Whether an element contains element children (inline markup rather than escaped text). */
export function hasElementChildren(element: XmlElement): boolean {
  return element.children.some((child) => typeof child !== "string");
}

// https://html.spec.whatwg.org/multipage/syntax.html#void-elements
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);

/** Serialises an element's children as HTML: XHTML and un-namespaced elements by local name, others with xmlns. */
export function serializeChildren(element: XmlElement): string {
  const parts: string[] = [];
  for (const child of element.children) writeNode(child, element.ns, parts);
  return parts.join("");
}

function writeNode(node: XmlNode, parentNs: string, parts: string[]): void {
  if (typeof node === "string") {
    parts.push(escapeText(node));
    return;
  }
  const name = node.local;
  parts.push("<", name);
  // Foreign content (SVG, MathML) keeps its namespace where it starts; XHTML and plain elements need none.
  if (node.ns !== parentNs && node.ns !== NS.xhtml && node.ns !== "") parts.push(` xmlns="${escapeAttr(node.ns)}"`);
  for (const attr of node.attrs) {
    const attrName = attr.ns === "" ? attr.local : attr.ns === XML_NS ? `xml:${attr.local}` : attr.name;
    parts.push(" ", attrName, '="', escapeAttr(attr.value), '"');
  }
  if (node.children.length === 0 && VOID.has(node.key)) {
    parts.push(" />");
    return;
  }
  parts.push(">");
  for (const child of node.children) writeNode(child, node.ns, parts);
  parts.push("</", name, ">");
}

/** Escapes text for HTML element content. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === "&" ? "&amp;" : char === "<" ? "&lt;" : "&gt;"));
}

function escapeAttr(text: string): string {
  return text.replace(/[&<>"]/g, (char) => (char === '"' ? "&quot;" : escapeText(char)));
}
