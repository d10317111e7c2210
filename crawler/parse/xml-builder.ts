/**
 * Builds the tree the mappers walk from the tokenizer's events (see `xml.ts`): namespaces resolved and
 * canonicalised, `xml:base` and `xml:lang` inherited, depth bounded, a second root dropped. Namespaces are
 * resolved here rather than by the tokenizer so a feed's undeclared `dc:` or `itunes:` prefix can be read as
 * its usual namespace (the feed is still bozo) instead of being lost.
 * https://www.w3.org/TR/xml-names/ · https://www.w3.org/TR/xmlbase/
 */
import { repairC1Controls } from "./decode.ts";
import type { XmlAttribute, XmlElement } from "./xml.ts";
import { canonicalNamespace, resolveBase, XML_NS, WELL_KNOWN_PREFIXES } from "./xml-names.ts";

type Scope = Record<string, string>;

// Most elements have no attributes: they share one empty, frozen list instead of allocating their own.
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];

/** A qualified name split once per document: feeds repeat a few dozen names thousands of times. */
interface SplitName {
  prefix: string;
  local: string;
  key: string;
}

/** An attribute as the tokenizer reports it: qualified name and decoded value. */
export interface RawAttribute {
  name: string;
  value: string;
}

/** Options the builder needs from `readXml`. */
export interface TreeBuilderOptions {
  /** The document URL: the base in scope at the root. */
  url: string;
  /** Elements nested deeper are dropped with their content. */
  maxDepth: number;
  /** Map C1 controls in text to windows-1252 (`&#146;` means ’), for documents that reference them. */
  repairC1: boolean;
}

/** Turns open, close and text events into an `XmlElement` tree, reporting problems to `report`. */
export class TreeBuilder {
  root: XmlElement | undefined;
  private readonly stack: XmlElement[] = [];
  private readonly scopes: Scope[] = [{ xml: XML_NS }];
  private skippedDepth = 0;
  // What the end tag being processed closed, innermost first: elements with their scopes, null for a level
  // that was dropped (too deep, or a second root). Reused (`closedCount` entries are live), so a well-formed
  // document allocates nothing here.
  private readonly closedElements: (XmlElement | null)[] = [];
  private readonly closedScopes: (Scope | null)[] = [];
  private closedCount = 0;
  private closingUnmatched = false;
  private pendingText = "";
  private readonly names = new Map<string, SplitName>();
  private attributes: RawAttribute[] = [];

  constructor(
    private readonly options: TreeBuilderOptions,
    private readonly report: (problem: string) => void,
  ) {}

  /** The name of the element most recently closed, for messages. */
  get lastClosedName(): string {
    return this.closedCount > 0 ? this.closedElements[this.closedCount - 1]?.name ?? "" : "";
  }

  /** Records an attribute of the start tag being read (saxes reports them before the tag). */
  addAttribute(attribute: RawAttribute): void {
    this.attributes.push(attribute);
  }

  /** Opens an element with the attributes recorded since the last one; a self-closing one is not pushed. */
  open(name: string, selfClosing: boolean): void {
    const attributes = this.attributes;
    if (attributes.length > 0) this.attributes = [];
    this.pendingText = "";
    const parent = this.stack[this.stack.length - 1];
    if (this.skippedDepth > 0 || this.stack.length >= this.options.maxDepth) {
      this.report(`elements are nested deeper than ${this.options.maxDepth} levels`);
      if (!selfClosing) this.skippedDepth += 1;
      return;
    }
    if (!parent && this.root) {
      // The tokenizer reports the second root itself; it is dropped here so the first one stays whole.
      if (!selfClosing) this.skippedDepth += 1;
      return;
    }
    const inherited = this.scopes[this.scopes.length - 1] ?? {};
    let scope = inherited;
    for (const { name: attr, value } of attributes) {
      if (!isNamespaceDeclaration(attr)) continue;
      if (scope === inherited) scope = Object.create(inherited) as Scope;
      scope[attr === "xmlns" ? "" : attr.slice(6)] = value;
    }
    const { prefix, local, key } = this.splitName(name);
    const element: XmlElement = {
      name,
      local,
      key,
      ns: canonicalNamespace(this.resolvePrefix(prefix, scope, name, true)),
      attrs: NO_ATTRIBUTES,
      children: [],
      base: parent?.base ?? this.options.url,
      lang: parent?.lang ?? null,
    };
    if (attributes.length > 0) this.addAttributes(element, attributes, scope);
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!selfClosing) {
      this.stack.push(element);
      this.scopes.push(scope);
    }
  }

  private addAttributes(element: XmlElement, attributes: RawAttribute[], scope: Scope): void {
    element.attrs = [];
    for (const { name, value: raw } of attributes) {
      if (isNamespaceDeclaration(name)) continue;
      // saxes reports a repeated attribute (an error) and keeps the last; the first is kept here, as browsers do.
      if (element.attrs.some((attr) => attr.name === name)) continue;
      const value = this.options.repairC1 ? repairC1Controls(raw) : raw;
      const split = this.splitName(name);
      const ns = split.prefix === "" ? "" : canonicalNamespace(this.resolvePrefix(split.prefix, scope, name, false));
      element.attrs.push({ name, local: split.local, ns, value });
      if (ns === XML_NS && split.local === "base") element.base = resolveBase(value, element.base);
      if (ns === XML_NS && split.local === "lang") element.lang = value.trim().replace(/_/g, "-");
    }
  }

  /** Closes the innermost open element (the tokenizer has matched the end tag to it). */
  close(): void {
    this.pendingText = "";
    if (!this.closingUnmatched) this.closedCount = 0;
    this.closingUnmatched = false;
    let element: XmlElement | null = null;
    let scope: Scope | null = null;
    if (this.skippedDepth > 0) this.skippedDepth -= 1;
    else {
      element = this.stack.pop() ?? null;
      scope = this.scopes.pop() ?? null;
    }
    this.closedElements[this.closedCount] = element;
    this.closedScopes[this.closedCount] = scope;
    this.closedCount += 1;
  }

  /**
   * The tokenizer closed an element its end tag did not name, and goes on closing until one matches; true
   * for the first element closed so, the one worth reporting.
   */
  noteMismatch(): boolean {
    const isFirst = this.closedCount === 1;
    this.closingUnmatched = true;
    return isFirst;
  }

  /** Whether an element is open here (saxes may think otherwise after `closeUnmatched`). */
  get isOpen(): boolean {
    return this.stack.length > 0;
  }

  /**
   * An end tag matched no element the tokenizer had open. saxes then closes every open element; a stray
   * `</p>` in a description would end the whole document there, so the elements it closed for this end tag
   * are reopened and the end tag is matched here instead (case-insensitively, as feeds need), or dropped.
   * saxes also keeps the end tag as text (`pendingText`), which is dropped from the next text event. From
   * then on saxes knows fewer open elements than the tree has, and reports end tags the tree matches: those
   * are not problems of their own, so the result, the problem to report, is then undefined.
   */
  closeUnmatched(name: string): string | undefined {
    if (this.closingUnmatched) {
      for (let index = this.closedCount - 1; index >= 0; index -= 1) {
        const element = this.closedElements[index];
        const scope = this.closedScopes[index];
        if (element && scope) {
          this.stack.push(element);
          this.scopes.push(scope);
        } else {
          this.skippedDepth += 1;
        }
      }
    }
    this.closedCount = 0;
    this.closingUnmatched = false;
    this.pendingText = `</${name}>`;
    if (this.skippedDepth > 0) return undefined;
    const lower = name.toLowerCase();
    const index = this.stack.findLastIndex((element) => element.name.toLowerCase() === lower);
    if (index === -1) return `</${name}> matches no open element`;
    const matched = this.stack[index]?.name ?? name;
    this.stack.length = index;
    this.scopes.length = index + 1;
    return matched === name ? undefined : `</${name}> closes <${matched}>, written in another case`;
  }

  /** Appends character data (already decoded) to the innermost open element. */
  appendText(text: string): void {
    let value = text;
    if (this.pendingText !== "") {
      if (value.startsWith(this.pendingText)) value = value.slice(this.pendingText.length);
      this.pendingText = "";
    }
    const parent = this.stack[this.stack.length - 1];
    if (this.skippedDepth > 0 || value === "" || !parent) return;
    if (this.options.repairC1) value = repairC1Controls(value);
    const last = parent.children.length - 1;
    const previous = parent.children[last];
    if (typeof previous === "string") parent.children[last] = previous + value;
    else parent.children.push(value);
  }

  private splitName(name: string): SplitName {
    let split = this.names.get(name);
    if (!split) {
      const colon = name.indexOf(":");
      const local = colon === -1 ? name : name.slice(colon + 1);
      split = { prefix: colon === -1 ? "" : name.slice(0, colon), local, key: local.toLowerCase() };
      this.names.set(name, split);
    }
    return split;
  }

  private resolvePrefix(prefix: string, scope: Scope, name: string, isElement: boolean): string {
    if (prefix === "" && !isElement) return "";
    const ns = scope[prefix];
    if (ns !== undefined) return ns;
    if (prefix === "") return "";
    // Feeds often use dc:, content:, itunes:… without declaring them; read them as their usual namespace.
    this.report(`the namespace prefix of ${name} is not declared`);
    return WELL_KNOWN_PREFIXES[prefix.toLowerCase()] ?? `urn:capsule:undeclared:${prefix}`;
  }
}

/** `xmlns` or `xmlns:prefix`. */
function isNamespaceDeclaration(name: string): boolean {
  return name.startsWith("xmlns") && (name.length === 5 || name[5] === ":");
}
