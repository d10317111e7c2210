/**
 * The one door to the XML tokenizer (saxes, https://github.com/lddubeau/saxes): text in, the tree the format
 * mappers walk out. A tree of our own, rather than a feed library's objects, keeps what the mappers need and
 * those drop: `xml:base` and `xml:lang` on any element, unknown namespaces (the capsule one), text constructs
 * with their markup. saxes checks well-formedness and, given an error handler, goes on after each error, which
 * gives both reads `index.ts` makes: strict (the first error throws `XmlSyntaxError`, the feed is bozo) and
 * lenient (every error becomes a repair and a usable tree is kept). saxes does not expand DOCTYPE entities:
 * `xml-references.ts` does, within a budget, and nothing here does I/O, so external entities are never loaded.
 * https://www.w3.org/TR/xml/ · https://www.w3.org/TR/xml-names/ · https://www.w3.org/TR/xmlbase/
 */
import { SaxesParser } from "saxes";
import { EntityExpander, isXmlChar, readDoctype } from "./doctype.ts";
import { TreeBuilder } from "./xml-builder.ts";
import { EntityResolver } from "./xml-references.ts";

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

const MAX_LISTED_REPAIRS = 10;
// A numeric reference to a C1 control (&#146;, &#x92;) means the windows-1252 character in every feed that
// writes one; only documents that contain such a reference pay for the repair pass over their text.
const C1_REFERENCE = /&#(?:0*1(?:2[89]|[3-5]\d)|[xX]0*[89][0-9a-fA-F]);/;

/** Reads an XML document into a tree; strict mode throws `XmlSyntaxError` at the first well-formedness error. */
export function readXml(text: string, options: XmlReadOptions): XmlDocument {
  // Line and column are worked out from the position only for the one error a strict read reports.
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  const repairs = new RepairList();
  const recover = (problem: string, at = parser.position): void => {
    if (!options.lenient) throw new XmlSyntaxError(`${problem} (${describePosition(text, at)})`);
    repairs.add(problem);
  };
  const builder = new TreeBuilder({ url: options.url, maxDepth: options.maxDepth ?? 512, repairC1: C1_REFERENCE.test(text) }, recover);
  const references = new EntityResolver(options.lenient);
  parser.ENTITIES = references.createTable();
  parser.on("doctype", (declaration) => {
    if (builder.root) return;
    const doctype = readDoctype(`<!DOCTYPE${declaration}>`, 0);
    if (doctype) references.declare(new EntityExpander(doctype.entities, options.maxEntityExpansion ?? 1_000_000));
  });
  parser.on("attribute", (attribute) => builder.addAttribute(attribute));
  parser.on("opentag", (tag) => builder.open(tag.name, tag.isSelfClosing));
  parser.on("closetag", (tag) => {
    if (!tag.isSelfClosing) builder.close();
  });
  parser.on("text", (value) => builder.appendText(value));
  parser.on("cdata", (value) => builder.appendText(value));
  let bareAmpersand: number | undefined;
  parser.on("error", (error) => {
    // saxes reads a reference up to the next `;`: after a bare `&` with none left, it only notices at the end.
    if (parser.position >= text.length) bareAmpersand ??= findUnterminatedReference(text);
    if (bareAmpersand !== undefined && bareAmpersand !== -1) recover("a bare `&`", bareAmpersand);
    else {
      const problem = describeError(error.message, text, parser.position, builder, references);
      if (problem !== undefined) recover(problem);
    }
  });
  parser.write(text).close();
  if (!builder.root) throw new XmlSyntaxError("no root element");
  return { root: builder.root, repairs: repairs.list() };
}

/**
 * saxes' message in the words of our bozo reasons, naming what it does not (the entity, the character); or
 * undefined for what only follows from an earlier repair (see `TreeBuilder.closeUnmatched`).
 */
function describeError(message: string, text: string, position: number, builder: TreeBuilder, references: EntityResolver): string | undefined {
  const sentence = message.replace(/\.$/, "");
  switch (sentence) {
    case "undefined entity":
    case "disallowed character in entity name":
      return references.problem || "a bare `&`";
    case "empty entity name":
      return "a bare `&`";
    case "malformed character entity":
      return "a reference to a character XML does not allow";
    case "disallowed character":
      return describeCharacter(text.codePointAt(Math.min(position, text.length) - 1) ?? 0);
    case "unexpected close tag":
      if (!builder.noteMismatch()) return undefined;
      return `${builder.lastClosedName ? `<${builder.lastClosedName}>` : "an element"} is closed by an end tag that does not match it`;
    case "document must contain a root element":
      return "no root element";
    case "documents may contain only one root":
      return builder.isOpen ? undefined : "there is more than one root element";
    case "text data outside of root node":
      return builder.isOpen ? undefined : "text outside the root element";
    case "unexpected end":
      return "the document ends inside markup";
  }
  const unmatched = /^unmatched closing tag: (.*)$/.exec(sentence);
  if (unmatched) return builder.closeUnmatched(unmatched[1] ?? "");
  const unclosed = /^unclosed tag: (.*)$/.exec(sentence);
  if (unclosed) return `<${unclosed[1] ?? ""}> is never closed`;
  return sentence;
}

function describeCharacter(code: number): string {
  if (code === 0x3c) return "a `<` inside an attribute value";
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return isXmlChar(code) ? `a character not allowed here (${hex})` : `a character not allowed in XML (${hex})`;
}

/** Where the last `&` starts a reference that never ends (no `;`, CDATA end or comment end after it), or -1. */
function findUnterminatedReference(text: string): number {
  const amp = text.lastIndexOf("&");
  if (amp === -1 || text.indexOf(";", amp) !== -1 || text.indexOf("]]>", amp) !== -1 || text.indexOf("-->", amp) !== -1) return -1;
  return amp;
}

function describePosition(text: string, position: number): string {
  const at = Math.min(position, text.length);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return `line ${line}, column ${at - before.lastIndexOf("\n")}`;
}

/** The repairs of a lenient read: each kind once, and only the first few kinds. */
class RepairList {
  private readonly repairs = new Set<string>();
  private unlisted = 0;

  add(problem: string): void {
    // A hostile document can hold a million distinct problems; the first few say enough.
    if (this.repairs.size < MAX_LISTED_REPAIRS || this.repairs.has(problem)) this.repairs.add(problem);
    else this.unlisted += 1;
  }

  list(): string[] {
    return this.unlisted > 0 ? [...this.repairs, `and ${this.unlisted} more problems of other kinds`] : [...this.repairs];
  }
}
