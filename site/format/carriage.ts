// How envelopes travel inside feeds (docs/format.md, "Carriage").
// RSS 2.0, namespace urn:capsule:1 with prefix "capsule" declared on <rss>:
//   <item>     <capsule:entry key="did:key:…" signature="B64URL">B64URL-PAYLOAD</capsule:entry>
//   <channel>  <capsule:identity href="https://…/.well-known/capsule.json">did:key:ROOT</capsule:identity>
//              <capsule:certificate …>…</capsule:certificate> (one per certificate)
//              <capsule:checkpoint …>…</capsule:checkpoint>   <capsule:location …>…</capsule:location>
// JSON Feed 1.1, extension objects (https://www.jsonfeed.org/version/1.1/#extensions):
//   item._capsule = { entry: Envelope }
//   feed._capsule = { identity: { id, href }, certificates: Envelope[], checkpoint: Envelope|null, location: Envelope|null }
// Payloads are base64url, so no XML escaping, re-indentation or attribute reordering can change the
// bytes a signature covers; readers strip ASCII whitespace a pretty-printer may have added.
import type { Envelope } from "./envelope.ts";
import { invalid, UNSIGNED, type Invalid, type Unsigned } from "./result.ts";

export const CAPSULE_NAMESPACE = "urn:capsule:1";
export const CAPSULE_PREFIX = "capsule";

/** The channel- and item-level elements that carry an envelope. */
export type EnvelopeElement = "entry" | "certificate" | "checkpoint" | "location";

/** An element as an XML parser hands it over: its text content (entities decoded) and its attributes. */
export interface CarriedElement {
  readonly text?: unknown;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export type ReadEnvelope = { readonly status: "read"; readonly envelope: Envelope } | Invalid | Unsigned;

export type ReadIdentity = { readonly status: "read"; readonly id: string; readonly href: string } | Invalid | Unsigned;

/** Top-level JSON Feed `_capsule` object. */
export interface JsonFeedExtension {
  readonly identity: { readonly id: string; readonly href: string };
  readonly certificates: readonly Envelope[];
  readonly checkpoint: Envelope | null;
  readonly location: Envelope | null;
}

const ASCII_WHITESPACE = /[\t\n\f\r ]+/g;
const ELEMENTS: readonly string[] = ["entry", "certificate", "checkpoint", "location"];

/** Returns the namespace declaration to put on the <rss> element. */
export function renderNamespaceAttribute(): string {
  return `xmlns:${CAPSULE_PREFIX}="${CAPSULE_NAMESPACE}"`;
}

/** Renders an envelope as a capsule:<element> XML element, escaped. */
export function renderEnvelopeXml(element: EnvelopeElement, envelope: Envelope): string {
  if (!ELEMENTS.includes(element)) throw new TypeError(`expected one of ${ELEMENTS.join(", ")} as the element name, got ${JSON.stringify(element)}`);
  const name = `${CAPSULE_PREFIX}:${element}`;
  return `<${name} key="${escapeXml(envelope.key)}" signature="${escapeXml(envelope.signature)}">${escapeXml(envelope.payload)}</${name}>`;
}

/** Renders the channel's pointer to the identity record. */
export function renderIdentityXml(href: string, id: string): string {
  return `<${CAPSULE_PREFIX}:identity href="${escapeXml(href)}">${escapeXml(id)}</${CAPSULE_PREFIX}:identity>`;
}

/** Reads an envelope back from a parsed capsule element; a missing element is "unsigned"; never throws. */
export function readEnvelope(element: CarriedElement | null | undefined): ReadEnvelope {
  if (element === null || element === undefined) return UNSIGNED;
  const attributes = element.attributes ?? {};
  const payload = typeof element.text === "string" ? element.text.replace(ASCII_WHITESPACE, "") : "";
  const key = attributes.key;
  const signature = attributes.signature;
  if (payload === "") return invalid("malformed-envelope", "capsule element has no payload text");
  if (typeof key !== "string" || key.trim() === "") return invalid("malformed-envelope", "capsule element has no key attribute");
  if (typeof signature !== "string" || signature.trim() === "") return invalid("malformed-envelope", "capsule element has no signature attribute");
  return { status: "read", envelope: { payload, signature: signature.replace(ASCII_WHITESPACE, ""), key: key.trim() } };
}

/** Reads the channel's capsule:identity element; never throws. */
export function readIdentityElement(element: CarriedElement | null | undefined): ReadIdentity {
  if (element === null || element === undefined) return UNSIGNED;
  const id = typeof element.text === "string" ? element.text.trim() : "";
  const href = element.attributes?.href;
  if (id === "") return invalid("malformed-envelope", "capsule:identity has no identity text");
  if (typeof href !== "string" || href.trim() === "") return invalid("malformed-envelope", "capsule:identity has no href attribute");
  return { status: "read", id, href: href.trim() };
}

/** Builds a JSON Feed item's `_capsule` extension object. */
export function renderJsonItemExtension(entry: Envelope): { readonly entry: Envelope } {
  return { entry: copyEnvelope(entry) };
}

/** Builds a JSON Feed's top-level `_capsule` extension object. */
export function renderJsonFeedExtension(fields: JsonFeedExtension): JsonFeedExtension {
  return {
    identity: { id: fields.identity.id, href: fields.identity.href },
    certificates: fields.certificates.map(copyEnvelope),
    checkpoint: fields.checkpoint && copyEnvelope(fields.checkpoint),
    location: fields.location && copyEnvelope(fields.location),
  };
}

/** Reads an envelope from a JSON value (such as item._capsule.entry); never throws. */
export function readJsonEnvelope(value: unknown): ReadEnvelope {
  if (value === null || value === undefined) return UNSIGNED;
  if (typeof value !== "object" || Array.isArray(value)) return invalid("malformed-envelope", "a capsule envelope must be a JSON object");
  const { payload, signature, key } = value as Record<string, unknown>;
  if (typeof payload !== "string" || typeof signature !== "string" || typeof key !== "string") {
    return invalid("malformed-envelope", "a capsule envelope needs the strings payload, signature and key");
  }
  return { status: "read", envelope: { payload, signature, key } };
}

/** Writes the identity record document served at /.well-known/capsule.json. */
export function renderIdentityDocument(envelope: Envelope): string {
  return `${JSON.stringify(copyEnvelope(envelope), null, 2)}\n`;
}

/** Reads /.well-known/capsule.json text into its envelope; never throws. */
export function readIdentityDocument(text: string): ReadEnvelope {
  try {
    const value: unknown = JSON.parse(text);
    return value === null ? invalid("malformed-envelope", "identity document is null, not an envelope") : readJsonEnvelope(value);
  } catch (error) {
    return invalid("malformed-json", `identity document is not JSON: ${(error as Error).message}`);
  }
}

function copyEnvelope(envelope: Envelope): Envelope {
  return { payload: envelope.payload, signature: envelope.signature, key: envelope.key };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
