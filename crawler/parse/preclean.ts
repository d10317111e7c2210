/**
 * The lenient pre-clean for broken XML seen in the wild, run only after a strict read failed (the feed is
 * then bozo). It repairs text, not structure: characters XML forbids (NUL and other controls), bare `&` and
 * `<` (`AT&T`, `a < b`), HTML named entities XML does not know (`&nbsp;` → `&#160;`), `&#X41;` (XML wants
 * `&#x41;`), and unknown entity names (escaped so they show as text). CDATA sections and comments are left
 * alone, because `&` and `<` are literal inside them. Structural damage (unclosed tags, unquoted attributes)
 * is repaired by the lenient reader that runs next. Linear time.
 *
 * Entity safety lives in `doctype.ts`: declared entities expand within a budget, external ones are never
 * loaded; the pre-clean leaves names the DOCTYPE declares to it.
 */
import { PREDEFINED, decodeCharRef } from "./doctype.ts";
import { lookupHtmlEntity } from "./entities.ts";

/** The repaired text and one sentence per kind of repair made. */
export interface PrecleanResult {
  text: string;
  repairs: string[];
}

const INVALID_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const PROTECTED = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!--[\s\S]*?(?:-->|$)/g;
// A `<` that cannot start markup (`a < b`, `<3`): not a name start, `/`, `!` or `?` after it.
const STRAY_LT = /<(?![A-Za-z_:\u00c0-\uffff/!?])/g;
const REFERENCE = /&(#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z_:\u00c0-\uffff][-\w.:\u00b7\u00c0-\uffff]{0,63};)?/g;

/** Repairs characters and references a strict XML reader rejects; see the module comment for what and why. */
export function precleanXml(text: string): PrecleanResult {
  const repairs: string[] = [];
  let cleaned = text;
  const controls = cleaned.match(INVALID_CHARS)?.length ?? 0;
  if (controls > 0) {
    cleaned = cleaned.replace(INVALID_CHARS, "");
    repairs.push(`removed ${controls} control character${pluralize(controls)} XML does not allow`);
  }

  const declared = readDeclaredEntityNames(cleaned);
  const counts = { bare: 0, html: 0, unknown: 0, invalid: 0, upperX: 0, lt: 0 };
  const escapeStrayLt = (): string => {
    counts.lt += 1;
    return "&lt;";
  };
  const fixSegment = (segment: string): string => fixReferences(segment).replace(STRAY_LT, escapeStrayLt);
  const fixReferences = (segment: string): string =>
    segment.replace(REFERENCE, (match, ref: string | undefined) => {
      if (ref === undefined) {
        counts.bare += 1;
        return "&amp;";
      }
      const name = ref.slice(0, -1);
      if (name.startsWith("#")) {
        if (decodeCharRef(name) === undefined) {
          counts.invalid += 1;
          return "";
        }
        if (name[1] !== "X") return match;
        // XML spells hexadecimal references with a lower-case x only; HTML reads both.
        counts.upperX += 1;
        return `&#x${name.slice(2)};`;
      }
      if (PREDEFINED[name] !== undefined || declared.has(name)) return match;
      const html = lookupHtmlEntity(name);
      if (html !== undefined) {
        counts.html += 1;
        return [...html].map((char) => `&#${char.codePointAt(0)};`).join("");
      }
      counts.unknown += 1;
      return `&amp;${ref}`;
    });

  cleaned = mapUnprotected(cleaned, fixSegment);
  if (counts.bare > 0) repairs.push(`escaped ${counts.bare} bare \`&\``);
  if (counts.lt > 0) repairs.push(`escaped ${counts.lt} \`<\` that start${counts.lt === 1 ? "s" : ""} no tag`);
  if (counts.html > 0) repairs.push(`replaced ${counts.html} HTML entit${counts.html === 1 ? "y" : "ies"} XML does not define`);
  if (counts.unknown > 0) repairs.push(`kept ${counts.unknown} unknown entit${counts.unknown === 1 ? "y" : "ies"} as text`);
  if (counts.upperX > 0) repairs.push(`lower-cased the x of ${counts.upperX} \`&#X\` reference${pluralize(counts.upperX)}`);
  if (counts.invalid > 0) repairs.push(`removed ${counts.invalid} reference${pluralize(counts.invalid)} to characters XML does not allow`);
  return { text: cleaned, repairs };
}

/** Applies `fix` to the text outside CDATA sections and comments. */
function mapUnprotected(text: string, fix: (segment: string) => string): string {
  const parts: string[] = [];
  let last = 0;
  PROTECTED.lastIndex = 0;
  for (let match = PROTECTED.exec(text); match; match = PROTECTED.exec(text)) {
    parts.push(fix(text.slice(last, match.index)), match[0]);
    last = match.index + match[0].length;
    if (match[0].length === 0) PROTECTED.lastIndex += 1;
  }
  parts.push(fix(text.slice(last)));
  return parts.join("");
}

/** Names of general entities a DOCTYPE internal subset declares (only names: expansion is the reader's job). */
function readDeclaredEntityNames(text: string): Set<string> {
  const names = new Set<string>();
  const start = text.search(/<!DOCTYPE/i);
  // A DOCTYPE comes before the root element; looking further would let content declare entities.
  if (start === -1 || start > 4096) return names;
  const firstElement = text.slice(start).search(/\]\s*>|<[A-Za-z_]/);
  const subset = text.slice(start, firstElement === -1 ? undefined : start + firstElement);
  for (const match of subset.matchAll(/<!ENTITY\s+([^\s%][^\s]*)/g)) if (match[1]) names.add(match[1]);
  return names;
}

function pluralize(count: number): string {
  return count === 1 ? "" : "s";
}
