/**
 * The parse step of the crawler: bytes in, one normalised `ParsedFeed` out. It never fetches (the bytes and
 * the URL they came from are passed in), never sanitises (the mirror does, with `crawler/sanitize.ts`) and
 * never verifies (capsule envelopes are returned raw for `crawler/verify.ts`).
 *
 * XML is read strictly first; only if that fails is the text pre-cleaned and read leniently, and the feed
 * marked bozo with the reasons. Parsing is synchronous: it is CPU-bound, and a 20 MB feed takes well under a
 * second, so there is nothing to await; callers that want to keep an event loop free run it in a worker.
 * Everything thrown is a `ParseError` (see `crawler/errors.ts` for the codes).
 */
import { NotAFeedError, ParseError } from "../errors.ts";
import { mapAtom } from "./atom.ts";
import { decodeFeedBytes, repairC1Controls, type DecodedText } from "./decode.ts";
import { detectXmlFormat, sniffSyntax } from "./detect.ts";
import { EntityLimitError } from "./doctype.ts";
import { isJsonFeed, mapJsonFeed, readJson } from "./json.ts";
import type { ParsedFeed } from "./model.ts";
import { precleanXml } from "./preclean.ts";
import { mapRdf } from "./rdf.ts";
import { mapRss, type MappedFeed } from "./rss.ts";
import { readXml, XmlSyntaxError, type XmlDocument } from "./xml.ts";

export type * from "./model.ts";

/** Options for `parseFeed`. */
export interface ParseOptions {
  /** The URL the bytes were fetched from: the base for relative URLs, and named in error messages. */
  url: string;
  /** The HTTP Content-Type, for its charset and to notice feeds served as something else. */
  contentType?: string;
  /** Characters DOCTYPE-declared entities may expand to in one document. @default 1_000_000 */
  maxEntityExpansion?: number;
  /** Elements nested deeper than this are dropped (and the feed is bozo). @default 512 */
  maxDepth?: number;
}

/** Parses RSS, RDF, Atom or JSON Feed bytes (or already decoded text) into a `ParsedFeed`; throws ParseError. */
export function parseFeed(input: Uint8Array | string, options: ParseOptions): ParsedFeed {
  const url = typeof options?.url === "string" ? options.url : String(options?.url);
  try {
    return parseOrThrow(input, { ...options, url: requireUrl(url) });
  } catch (error) {
    if (error instanceof ParseError) throw error;
    if (error instanceof EntityLimitError) {
      throw new ParseError("entity-limit", `${error.message} (a billion-laughs document?)`, url, {
        cause: error,
        hint: "The feed declares entities that expand without bound; its publisher has to fix it.",
      });
    }
    throw new ParseError("internal", `unexpected failure (${describe(error)})`, url, {
      cause: error,
      hint: "This is a bug in Capsule's parser: please report it with the feed URL.",
    });
  }
}

function parseOrThrow(input: Uint8Array | string, options: ParseOptions): ParsedFeed {
  const decoded: DecodedText = typeof input === "string"
    ? { text: repairC1Controls(input.replace(/^\uFEFF/, "")), encoding: "", problems: [] }
    : decodeFeedBytes(input, options.contentType);
  const reasons = [...decoded.problems];
  const contentTypeProblem = checkContentType(options.contentType);
  if (contentTypeProblem) reasons.push(contentTypeProblem);

  const syntax = sniffSyntax(decoded.text, options.contentType, options.url);
  let mapped: MappedFeed;
  let format: ParsedFeed["format"];
  if (syntax === "json") {
    const json = readJson(decoded.text);
    if (!json) throw new ParseError("unreadable", "invalid JSON", options.url);
    if (!isJsonFeed(json.value)) throw new NotAFeedError("a JSON document that is not a JSON Feed", options.url);
    reasons.push(...json.repairs);
    mapped = mapJsonFeed(json.value, options.url);
    format = "json";
  } else {
    const document = readLeniently(decoded.text, options, reasons);
    const detected = detectXmlFormat(document.root, options.url);
    format = detected.format;
    mapped = format === "rss" ? mapRss(document.root) : format === "atom" ? mapAtom(document.root) : mapRdf(document.root, detected.ns);
  }
  return { ...mapped, format, encoding: decoded.encoding, bozo: reasons.length > 0, bozoReasons: reasons };
}

/** Strict read; on a well-formedness error, pre-clean and read leniently, recording why in `reasons`. */
function readLeniently(text: string, options: ParseOptions, reasons: string[]): XmlDocument {
  const limits = { url: options.url, maxDepth: options.maxDepth, maxEntityExpansion: options.maxEntityExpansion };
  try {
    return readXml(text, { ...limits, lenient: false });
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    reasons.push(`not well-formed XML: ${error.message}`);
  }
  const cleaned = precleanXml(text);
  reasons.push(...cleaned.repairs);
  try {
    const document = readXml(cleaned.text, { ...limits, lenient: true });
    reasons.push(...document.repairs.filter((repair) => !reasons.some((reason) => reason.includes(repair))));
    return document;
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new ParseError("unreadable", `no feed could be recovered from the XML (${error.message})`, options.url, { cause: error });
  }
}

/** A feed served as text/plain or text/html is still parsed, but marked bozo (RFC 7303 media types). */
function checkContentType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!type || /(?:^|[/+])(?:xml|json)$|rss|atom|rdf|octet-stream/.test(type)) return undefined;
  return `served as ${type}, not as a feed media type`;
}

function requireUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    throw new ParseError("options", "options.url must be an absolute URL (the base for relative links)", url, {
      hint: "Pass the URL the bytes were fetched from, e.g. https://example.com/feed.xml.",
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
