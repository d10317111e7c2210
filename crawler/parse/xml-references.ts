/**
 * Character and entity references in XML text and attribute values (XML 1.0 §4.1): the five predefined
 * entities, numeric references (checked against XML's Char production), and entities the DOCTYPE declares
 * (through the bounded `EntityExpander`). Anything else is reported: the strict reader stops there, the
 * lenient one reads HTML names (`&nbsp;`) as HTML would and keeps unknown and external references as text.
 */
import { type EntityExpander, PREDEFINED, decodeCharRef } from "./doctype.ts";
import { repairC1Controls } from "./decode.ts";
import { lookupHtmlEntity } from "./entities.ts";

const REFERENCE = /&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z_:\u00c0-\uffff][-\w.:\u00b7\u00c0-\uffff]{0,63});/y;

/** Decodes references for one document, reporting each bad one to `report` (which may throw). */
export class ReferenceDecoder {
  constructor(
    private readonly entities: EntityExpander,
    private readonly lenient: boolean,
    private readonly report: (problem: string) => void,
  ) {}

  /** Decodes references in text or an attribute value (attributes also normalise whitespace, XML 1.0 §3.3.3). */
  decode(raw: string, isAttribute: boolean): string {
    const source = isAttribute ? raw.replace(/[\t\n\r]/g, " ") : raw;
    if (!source.includes("&")) return source;
    const parts: string[] = [];
    let last = 0;
    let amp = source.indexOf("&");
    while (amp !== -1) {
      parts.push(source.slice(last, amp));
      REFERENCE.lastIndex = amp;
      const ref = REFERENCE.exec(source)?.[1] ?? "";
      const value = ref === "" ? undefined : this.decodeReference(ref);
      if (value === undefined) {
        this.report(describeBadReference(ref, this.entities));
        parts.push("&");
        last = amp + 1;
      } else {
        parts.push(value);
        last = amp + ref.length + 2;
      }
      amp = source.indexOf("&", last);
    }
    parts.push(source.slice(last));
    return parts.join("");
  }

  private decodeReference(ref: string): string | undefined {
    if (ref.startsWith("#")) {
      // &#146; means ’ in every feed that writes it (windows-1252), as in HTML; U+0092 itself is never meant.
      const char = decodeCharRef(ref);
      return char === undefined ? undefined : repairC1Controls(char);
    }
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    if (this.entities.has(ref) && !this.entities.isExternal(ref)) return this.entities.expand(ref);
    if (!this.lenient) return undefined;
    // Lenient: an HTML name (feeds love &nbsp;), else keep the reference as text. External entities stay text.
    return this.entities.isExternal(ref) ? `&${ref};` : lookupHtmlEntity(ref) ?? `&${ref};`;
  }
}

function describeBadReference(ref: string, entities: EntityExpander): string {
  if (ref === "") return "a bare `&`";
  if (entities.isExternal(ref)) return `the external entity &${ref}; (external entities are never loaded)`;
  return `an undefined entity &${ref};`;
}
