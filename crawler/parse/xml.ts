/**
 * A small namespace-aware XML reader that builds the tree the format mappers walk. It exists because the
 * mappers need what a feed library's object output drops: `xml:base` and `xml:lang` on any element, unknown
 * namespaces (the capsule one), text constructs with their markup, and a strict/lenient switch that tells
 * well-formed documents from repaired ones (the bozo flag). It runs in one pass over the string with
 * `indexOf` and sticky regexes (linear in the input), keeps no recursion, bounds depth and entity expansion,
 * and never does I/O: external entities are not loaded, whatever they point at.
 * https://www.w3.org/TR/xml/ · https://www.w3.org/TR/xml-names/ · https://www.w3.org/TR/xmlbase/
 */
import { EntityExpander, readDoctype } from "./doctype.ts";
import { ReferenceDecoder } from "./xml-references.ts";
import { canonicalNamespace, resolveBase, XML_NS, WELL_KNOWN_PREFIXES } from "./xml-names.ts";

/** An attribute with its namespace resolved. */
export interface XmlAttribute {
  name: string;
  local: string;
  ns: string;
  value: string;
}

/** An element with its namespace, and the base URL and language in scope. */
export interface XmlElement {
  name: string;
  local: string;
  /** The local name in lower case, for the case-insensitive matching feeds need (`pubDate`, `pubdate`). */
  key: string;
  ns: string;
  attrs: XmlAttribute[];
  children: XmlNode[];
  /** The base URL in scope: `xml:base` on this element or the nearest ancestor, resolved, else the document URL. */
  base: string;
  /** `xml:lang` in scope; "" where `xml:lang=""` reset it; null when no element declared one. */
  lang: string | null;
}

/** Text (character data, CDATA and entities, already decoded) or an element. */
export type XmlNode = XmlElement | string;

/** Options for `readXml`. */
export interface XmlReadOptions {
  /** Recover from errors instead of throwing `XmlSyntaxError`. */
  lenient: boolean;
  /** The document's URL: the base for `xml:base` resolution. */
  url: string;
  /** Elements nested deeper are dropped with their content. @default 512 */
  maxDepth?: number;
  /** Characters declared entities may produce in one document. @default 1_000_000 */
  maxEntityExpansion?: number;
}

/** The root element and, in lenient mode, the repairs the reader had to make. */
export interface XmlDocument {
  root: XmlElement;
  repairs: string[];
}

/** A well-formedness error found in strict mode, with its line and column. */
export class XmlSyntaxError extends Error {}

const NAME = /[A-Za-z_:\u00c0-\uffff][-\w.:\u00b7\u00c0-\uffff]*/y;
const LOOSE_ATTR_NAME = /[^\s=>/<"']+/y;
const MAX_LISTED_REPAIRS = 10;
const INVALID_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** Reads an XML document into a tree; strict mode throws `XmlSyntaxError` at the first well-formedness error. */
export function readXml(text: string, options: XmlReadOptions): XmlDocument {
  return new Reader(text, options).read();
}

class Reader {
  private pos = 0;
  private readonly stack: XmlElement[] = [];
  private readonly scopes: Record<string, string>[] = [{ xml: XML_NS }];
  private root: XmlElement | undefined;
  private skippedDepth = 0;
  private readonly repairs = new Set<string>();
  private unlistedRepairs = 0;
  private references: ReferenceDecoder;
  private readonly maxDepth: number;

  constructor(
    private readonly text: string,
    private readonly options: XmlReadOptions,
  ) {
    this.maxDepth = options.maxDepth ?? 512;
    this.references = this.createDecoder(new EntityExpander(new Map(), 0));
  }

  /** A decoder whose problems go through `recover`, so strict mode throws and lenient mode records them. */
  private createDecoder(entities: EntityExpander): ReferenceDecoder {
    return new ReferenceDecoder(entities, this.options.lenient, (problem) => this.recover(problem, () => undefined, this.pos));
  }

  read(): XmlDocument {
    const { text } = this;
    if (!this.options.lenient) {
      const bad = INVALID_CHAR.exec(text);
      if (bad) this.fail(`a character not allowed in XML (U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")})`, bad.index);
    }
    while (this.pos < text.length) {
      const lt = text.indexOf("<", this.pos);
      if (lt === -1) {
        this.addText(this.pos, text.length);
        break;
      }
      if (lt > this.pos) this.addText(this.pos, lt);
      this.pos = lt;
      const next = text.charCodeAt(lt + 1);
      if (next === 0x2f) this.readEndTag();
      else if (next === 0x21) this.readBang();
      else if (next === 0x3f) this.skipPast("?>", "processing instruction");
      else if (isNameStartCode(next)) this.readStartTag();
      else this.recover("a `<` that does not start a tag", () => this.appendText("<"), lt + 1);
    }
    if (this.stack.length > 0) {
      const open = this.stack[this.stack.length - 1]?.name ?? "";
      this.recover(`<${open}> is never closed`, () => undefined, text.length);
    }
    if (!this.root) throw new XmlSyntaxError("no root element");
    const more = this.unlistedRepairs > 0 ? [`and ${this.unlistedRepairs} more problems of other kinds`] : [];
    return { root: this.root, repairs: [...this.repairs, ...more] };
  }

  private readBang(): void {
    const { text, pos } = this;
    if (text.startsWith("<!--", pos)) {
      this.skipPast("-->", "comment");
    } else if (text.startsWith("<![CDATA[", pos)) {
      const close = text.indexOf("]]>", pos + 9);
      if (close === -1) {
        this.recover("a CDATA section is never closed", () => this.appendText(text.slice(pos + 9)), text.length);
        return;
      }
      this.appendText(text.slice(pos + 9, close));
      this.pos = close + 3;
    } else if (/^<!DOCTYPE/i.test(text.slice(pos, pos + 9))) {
      const doctype = readDoctype(text, pos);
      if (!doctype || this.root) {
        this.recover("a misplaced or unterminated DOCTYPE", () => undefined, text.indexOf(">", pos) + 1 || text.length);
        return;
      }
      this.references = this.createDecoder(new EntityExpander(doctype.entities, this.options.maxEntityExpansion ?? 1_000_000));
      this.pos = doctype.end;
    } else {
      this.recover("an unknown `<!` declaration", () => undefined, text.indexOf(">", pos) + 1 || text.length);
    }
  }

  private skipPast(terminator: string, what: string): void {
    const close = this.text.indexOf(terminator, this.pos + 2);
    if (close === -1) this.recover(`a ${what} is never closed`, () => undefined, this.text.length);
    else this.pos = close + terminator.length;
  }

  private readStartTag(): void {
    const { text } = this;
    const start = this.pos;
    NAME.lastIndex = start + 1;
    const name = NAME.exec(text)?.[0] ?? "";
    let pos = start + 1 + name.length;
    const raw: [string, string][] = [];
    let selfClosing = false;
    for (;;) {
      while (pos < text.length && isSpaceCode(text.charCodeAt(pos))) pos += 1;
      const char = text[pos];
      if (char === undefined) {
        this.recover(`the tag <${name}> is cut off`, () => undefined, text.length);
        pos = text.length;
        break;
      }
      if (char === ">") {
        pos += 1;
        break;
      }
      if (char === "/" && text[pos + 1] === ">") {
        selfClosing = true;
        pos += 2;
        break;
      }
      const attribute = this.readAttribute(pos, name);
      if (!attribute) {
        pos += 1;
        continue;
      }
      pos = attribute.end;
      if (raw.some(([existing]) => existing === attribute.name)) {
        this.recover(`<${name}> repeats the attribute ${attribute.name}`, () => undefined, pos);
      } else {
        raw.push([attribute.name, attribute.value]);
      }
    }
    this.pos = pos;
    this.openElement(name, raw, selfClosing);
  }

  private readAttribute(pos: number, tag: string): { name: string; value: string; end: number } | undefined {
    const { text } = this;
    NAME.lastIndex = pos;
    let name = NAME.exec(text)?.[0];
    if (!name) {
      LOOSE_ATTR_NAME.lastIndex = pos;
      name = LOOSE_ATTR_NAME.exec(text)?.[0];
      this.recover(`<${tag}> has a malformed attribute`, () => undefined, pos + (name?.length ?? 1));
      if (!name) return undefined;
    }
    let end = pos + name.length;
    while (end < text.length && isSpaceCode(text.charCodeAt(end))) end += 1;
    if (text[end] !== "=") {
      this.recover(`the attribute ${name} on <${tag}> has no value`, () => undefined, end);
      return { name, value: "", end };
    }
    end += 1;
    while (end < text.length && isSpaceCode(text.charCodeAt(end))) end += 1;
    const quote = text[end];
    if (quote === '"' || quote === "'") {
      const close = text.indexOf(quote, end + 1);
      if (close === -1) {
        this.recover(`the attribute ${name} on <${tag}> is never closed`, () => undefined, text.length);
        return { name, value: this.references.decode(text.slice(end + 1), true), end: text.length };
      }
      const literal = text.slice(end + 1, close);
      if (literal.includes("<")) this.recover(`the attribute ${name} on <${tag}> contains <`, () => undefined, close);
      return { name, value: this.references.decode(literal, true), end: close + 1 };
    }
    const unquoted = /[^\s>]*/y;
    unquoted.lastIndex = end;
    const literal = unquoted.exec(text)?.[0] ?? "";
    this.recover(`the attribute ${name} on <${tag}> is not quoted`, () => undefined, end);
    return { name, value: this.references.decode(literal, true), end: end + literal.length };
  }

  private openElement(name: string, raw: [string, string][], selfClosing: boolean): void {
    const parent = this.stack[this.stack.length - 1];
    if (this.skippedDepth > 0 || this.stack.length >= this.maxDepth) {
      this.recover(`elements are nested deeper than ${this.maxDepth} levels`, () => undefined, this.pos);
      if (!selfClosing) this.skippedDepth += 1;
      return;
    }
    if (!parent && this.root) {
      this.recover("there is more than one root element", () => undefined, this.pos);
      if (!selfClosing) this.skippedDepth += 1;
      return;
    }
    let scope = this.scopes[this.scopes.length - 1] ?? {};
    const declarations = raw.filter(([attr]) => attr === "xmlns" || attr.startsWith("xmlns:"));
    if (declarations.length > 0) {
      scope = Object.create(scope) as Record<string, string>;
      for (const [attr, value] of declarations) scope[attr === "xmlns" ? "" : attr.slice(6)] = value;
    }
    const [prefix, local] = splitName(name);
    const element: XmlElement = {
      name,
      local,
      key: local.toLowerCase(),
      ns: canonicalNamespace(this.resolvePrefix(prefix, scope, name, true)),
      attrs: [],
      children: [],
      base: parent?.base ?? this.options.url,
      lang: parent?.lang ?? null,
    };
    for (const [attr, value] of raw) {
      if (attr === "xmlns" || attr.startsWith("xmlns:")) continue;
      const [attrPrefix, attrLocal] = splitName(attr);
      const ns = attrPrefix === "" ? "" : canonicalNamespace(this.resolvePrefix(attrPrefix, scope, attr, false));
      element.attrs.push({ name: attr, local: attrLocal, ns, value });
      if (ns === XML_NS && attrLocal === "base") element.base = resolveBase(value, element.base);
      if (ns === XML_NS && attrLocal === "lang") element.lang = value.trim().replace(/_/g, "-");
    }
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!selfClosing) {
      this.stack.push(element);
      this.scopes.push(scope);
    }
  }

  private resolvePrefix(prefix: string, scope: Record<string, string>, name: string, isElement: boolean): string {
    if (prefix === "" && !isElement) return "";
    const ns = scope[prefix];
    if (ns !== undefined) return ns;
    if (prefix === "") return "";
    // Feeds often use dc:, content:, itunes:… without declaring them; read them as their usual namespace.
    this.recover(`the namespace prefix of ${name} is not declared`, () => undefined, this.pos);
    return WELL_KNOWN_PREFIXES[prefix.toLowerCase()] ?? `urn:capsule:undeclared:${prefix}`;
  }

  private readEndTag(): void {
    const { text } = this;
    const close = text.indexOf(">", this.pos);
    const end = close === -1 ? text.length : close + 1;
    if (close === -1) this.recover("an end tag is cut off", () => undefined, end);
    const name = text.slice(this.pos + 2, close === -1 ? text.length : close).trim();
    this.pos = end;
    if (this.skippedDepth > 0) {
      this.skippedDepth -= 1;
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (top?.name === name) {
      this.stack.pop();
      this.scopes.pop();
      return;
    }
    this.recover(`</${name}> does not match <${top?.name ?? ""}>`, () => undefined, end);
    // Close up to the nearest matching open element; an end tag that matches nothing is dropped.
    const lower = name.toLowerCase();
    const index = this.stack.findLastIndex((element) => element.name.toLowerCase() === lower);
    if (index === -1) return;
    this.stack.length = index;
    this.scopes.length = index + 1;
  }

  private addText(start: number, end: number): void {
    if (this.skippedDepth > 0) return;
    const raw = this.text.slice(start, end);
    if (this.stack.length === 0) {
      if (/\S/.test(raw)) this.recover("text outside the root element", () => undefined, start);
      return;
    }
    this.appendText(raw.includes("&") ? this.references.decode(raw, false) : raw);
  }

  private appendText(value: string): void {
    if (this.skippedDepth > 0 || value === "") return;
    const parent = this.stack[this.stack.length - 1];
    if (!parent) return;
    const last = parent.children.length - 1;
    const previous = parent.children[last];
    if (typeof previous === "string") parent.children[last] = previous + value;
    else parent.children.push(value);
  }

  /** In strict mode throws; in lenient mode records the repair and runs `repair`, continuing at `resume`. */
  private recover(problem: string, repair: () => void, resume: number): void {
    if (!this.options.lenient) this.fail(problem, this.pos);
    // A hostile document can hold a million distinct problems; the first few say enough.
    if (this.repairs.size < MAX_LISTED_REPAIRS || this.repairs.has(problem)) this.repairs.add(problem);
    else this.unlistedRepairs += 1;
    repair();
    this.pos = Math.max(this.pos, resume);
  }

  private fail(problem: string, at: number): never {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new XmlSyntaxError(`${problem} (line ${line}, column ${column})`);
  }
}

function splitName(name: string): [string, string] {
  const colon = name.indexOf(":");
  return colon === -1 ? ["", name] : [name.slice(0, colon), name.slice(colon + 1)];
}

function isNameStartCode(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a || code >= 0xc0;
}

function isSpaceCode(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}
