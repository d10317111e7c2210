/**
 * The DOCTYPE internal subset, read only for what a feed can legitimately use: internal general entities
 * (`<!ENTITY id "tag:example.com,">`). External entities (`SYSTEM "file:///etc/passwd"`) and parameter
 * entities are recorded but never loaded (nothing in `crawler/parse/` does I/O), and expansion is bounded in
 * depth and in total size, so a billion-laughs document stops with a typed error instead of eating memory.
 * https://www.w3.org/TR/xml/#sec-entity-decl
 */

/** One general entity declaration. */
export interface EntityDeclaration {
  /** The literal replacement text for internal entities; undefined for external ones. */
  value: string | undefined;
}

/** Thrown when expanding declared entities would exceed the budget; not recoverable by repair. */
export class EntityLimitError extends Error {}

/** What the reader needs from the DOCTYPE: where it ends and the entities it declares. */
export interface Doctype {
  end: number;
  entities: Map<string, EntityDeclaration>;
}

/**
 * Reads `<!DOCTYPE …>` starting at `start` (which points at `<!DOCTYPE`); returns undefined when the
 * declaration never ends. Quoted strings, comments and processing instructions inside the subset are skipped
 * so a `>` or `]` inside them does not end it early.
 */
export function readDoctype(text: string, start: number): Doctype | undefined {
  const entities = new Map<string, EntityDeclaration>();
  let pos = start + "<!DOCTYPE".length;
  let inSubset = false;
  while (pos < text.length) {
    const char = text[pos];
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, pos + 1);
      if (close === -1) return undefined;
      pos = close + 1;
    } else if (inSubset && text.startsWith("<!--", pos)) {
      const close = text.indexOf("-->", pos + 4);
      if (close === -1) return undefined;
      pos = close + 3;
    } else if (inSubset && text.startsWith("<?", pos)) {
      const close = text.indexOf("?>", pos + 2);
      if (close === -1) return undefined;
      pos = close + 2;
    } else if (inSubset && text.startsWith("<!ENTITY", pos)) {
      const end = readEntityDeclaration(text, pos + "<!ENTITY".length, entities);
      if (end === undefined) return undefined;
      pos = end;
    } else if (char === "[" && !inSubset) {
      inSubset = true;
      pos += 1;
    } else if (char === "]" && inSubset) {
      inSubset = false;
      pos += 1;
    } else if (char === ">" && !inSubset) {
      return { end: pos + 1, entities };
    } else {
      pos += 1;
    }
  }
  return undefined;
}

const NAME = /[A-Za-z_:\u00c0-\uffff][-\w.:\u00b7\u00c0-\uffff]*/y;

function readEntityDeclaration(text: string, from: number, entities: Map<string, EntityDeclaration>) {
  let pos = skipSpace(text, from);
  const isParameter = text[pos] === "%";
  if (isParameter) pos = skipSpace(text, pos + 1);
  NAME.lastIndex = pos;
  const name = NAME.exec(text)?.[0];
  if (name) pos = skipSpace(text, pos + name.length);
  let value: string | undefined;
  const quote = text[pos];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, pos + 1);
    if (close === -1) return undefined;
    value = text.slice(pos + 1, close);
    pos = close + 1;
  }
  // SYSTEM/PUBLIC literals (external entities) are skipped up to the closing `>`, quotes respected.
  while (pos < text.length && text[pos] !== ">") {
    const char = text[pos];
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, pos + 1);
      if (close === -1) return undefined;
      pos = close + 1;
    } else {
      pos += 1;
    }
  }
  // The first declaration binds (XML 1.0 §4.2); parameter entities are never expanded here.
  if (name && !isParameter && !entities.has(name)) entities.set(name, { value });
  return pos + 1;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos] ?? "")) pos += 1;
  return pos;
}

/** Expands declared entities with a shared budget: the total characters they may produce in one document. */
export class EntityExpander {
  private readonly memo = new Map<string, string>();
  private readonly active = new Set<string>();
  private spent = 0;

  constructor(
    private readonly entities: Map<string, EntityDeclaration>,
    private readonly budget: number,
  ) {}

  /** Whether the DOCTYPE declares `name` (internal or external). */
  has(name: string): boolean {
    return this.entities.has(name);
  }

  /** Whether `name` is declared as an external entity, which is never loaded. */
  isExternal(name: string): boolean {
    return this.entities.get(name)?.value === undefined && this.entities.has(name);
  }

  /** The full replacement text of an internal entity, charged to the budget; throws EntityLimitError. */
  expand(name: string): string {
    const text = this.expandOnce(name, 0);
    this.spent += text.length;
    if (this.spent > this.budget) throw new EntityLimitError(this.describeLimit());
    return text;
  }

  private expandOnce(name: string, depth: number): string {
    const known = this.memo.get(name);
    if (known !== undefined) return known;
    const declaration = this.entities.get(name);
    if (declaration?.value === undefined) return `&${name};`;
    if (this.active.has(name) || depth > 16) throw new EntityLimitError(`entity &${name}; refers to itself`);
    this.active.add(name);
    const parts: string[] = [];
    let length = 0;
    const pattern = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_:][-\w.:]*);/g;
    let last = 0;
    for (let match = pattern.exec(declaration.value); match; match = pattern.exec(declaration.value)) {
      parts.push(declaration.value.slice(last, match.index));
      const ref = match[1] ?? "";
      const piece = ref.startsWith("#") ? decodeCharRef(ref) ?? "" : this.expandRef(ref, depth);
      parts.push(piece);
      length += piece.length + match.index - last;
      if (length > this.budget) throw new EntityLimitError(this.describeLimit());
      last = match.index + match[0].length;
    }
    parts.push(declaration.value.slice(last));
    this.active.delete(name);
    const result = parts.join("");
    this.memo.set(name, result);
    return result;
  }

  private expandRef(ref: string, depth: number): string {
    const predefined = PREDEFINED[ref];
    if (predefined !== undefined) return predefined;
    return this.expandOnce(ref, depth + 1);
  }

  private describeLimit(): string {
    return `entity expansion over the limit of ${this.budget} characters`;
  }
}

/** The five entities XML predefines (XML 1.0 §4.6). */
export const PREDEFINED: Record<string, string | undefined> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** Decodes `#123` or `#x1F` (without `&` and `;`) to its character, or undefined when not an XML Char. */
export function decodeCharRef(ref: string): string | undefined {
  const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
  if (!isXmlChar(code)) return undefined;
  return String.fromCodePoint(code);
}

/** XML 1.0 `Char`: tab, newline, carriage return, and the rest of Unicode minus surrogates, FFFE and FFFF. */
export function isXmlChar(code: number): boolean {
  if (Number.isNaN(code)) return false;
  if (code < 0x20) return code === 0x9 || code === 0xa || code === 0xd;
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code <= 0xfffd || (code >= 0x10000 && code <= 0x10ffff);
}
