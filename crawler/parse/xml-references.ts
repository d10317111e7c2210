/**
 * Named entity references for the tokenizer (XML 1.0 §4.1): the five predefined entities, entities the
 * DOCTYPE declares (through the bounded `EntityExpander`, since saxes does not expand them itself) and, when
 * reading leniently, HTML names (`&nbsp;`) as HTML would read them. Anything else is left unresolved: the
 * tokenizer then reports it (strict reading stops there) and keeps the reference as text. External entities
 * are never loaded, whatever they point at. Character references (`&#160;`) are the tokenizer's own business.
 */
import { EntityExpander, PREDEFINED } from "./doctype.ts";
import { lookupHtmlEntity } from "./entities.ts";

const NAME = /^[A-Za-z_:\u00c0-\uffff][-\w.:\u00b7\u00c0-\uffff]*$/;

/** Resolves entity names for one document and remembers why the last one could not be resolved. */
export class EntityResolver {
  /** Why the last unresolved reference failed, phrased for a bozo reason; "" before any failed. */
  problem = "";
  private entities = new EntityExpander(new Map(), 0);

  constructor(private readonly lenient: boolean) {}

  /** Uses the entities a DOCTYPE declared from now on. */
  declare(entities: EntityExpander): void {
    this.entities = entities;
  }

  /** The replacement text of `&name;`, or undefined; throws `EntityLimitError` past the expansion budget. */
  resolve(name: string): string | undefined {
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    // saxes reads a reference up to the next `;`, so an unescaped `&` arrives as a "name" with spaces or markup.
    if (!NAME.test(name)) {
      this.problem = "a bare `&`";
      return undefined;
    }
    if (this.entities.has(name)) {
      if (!this.entities.isExternal(name)) return this.entities.expand(name);
      this.problem = `the external entity &${name}; (external entities are never loaded)`;
      return undefined;
    }
    const html = this.lenient ? lookupHtmlEntity(name) : undefined;
    if (html !== undefined) return html;
    this.problem = `an undefined entity &${name};`;
    return undefined;
  }

  /** An object to install as saxes' `ENTITIES` table, answering each lookup through `resolve`. */
  createTable(): Record<string, string> {
    return new Proxy({} as Record<string, string>, {
      get: (_target, name) => (typeof name === "string" ? this.resolve(name) : undefined),
    });
  }
}
