/**
 * The capsule extension (namespace `urn:capsule:1`), read raw: nothing here decodes or verifies a payload,
 * that is `crawler/verify.ts`'s job with the format library from `site/format/`. Shapes:
 *
 * RSS/Atom channel: `<capsule:identity href="…">did:key:…</capsule:identity>`,
 *   `<capsule:certificate|checkpoint|location key="did:key:…" signature="B64URL">B64URL-PAYLOAD</…>`,
 *   `<capsule:following href="…/following.opml"/>`, `<capsule:profile><capsule:name>…</capsule:name>…</capsule:profile>`.
 * RSS/Atom item: `<capsule:entry key="did:key:…" signature="B64URL">B64URL-PAYLOAD</capsule:entry>`.
 * JSON Feed (docs/format.md §10.2, https://www.jsonfeed.org/version/1.1/#extensions): top level
 *   `_capsule: { identity: {id, href}, certificates: [envelope…], checkpoint: envelope | null, location: envelope | null }`,
 *   items `_capsule: { entry: envelope }`, where an envelope is `{ payload, signature, key }`; both read into the
 *   same fields as the RSS elements. `profile` and `following` objects are read too when present, like their RSS twins.
 */
import type { CapsuleChannelEnvelope, CapsuleEnvelope, CapsuleFeedExtension } from "./model.ts";
import type { XmlElement } from "./xml.ts";
import { NS, resolveUrl } from "./xml-names.ts";
import { childElements, findChild, getAttr, textContent } from "./xml-tree.ts";

const ENVELOPE_KINDS = ["certificate", "checkpoint", "location"] as const;

/** Reads channel-level capsule elements; null when the channel has none. */
export function readCapsuleChannel(channel: XmlElement): CapsuleFeedExtension | null {
  const elements = childElements(channel).filter((child) => child.ns === NS.capsule);
  if (elements.length === 0) return null;
  const extension: CapsuleFeedExtension = { identity: null, envelopes: [], profile: {}, following: null };
  for (const element of elements) {
    const local = element.key;
    if (local === "identity" && !extension.identity) {
      const id = textContent(element).trim();
      if (id) extension.identity = { id: own(id), href: resolveUrl(getAttr(element, "href"), element.base) };
    } else if (local === "following") {
      extension.following ??= resolveUrl(getAttr(element, "href") ?? textContent(element), element.base);
    } else if (local === "profile") {
      readProfile(element, extension.profile);
    } else if ((ENVELOPE_KINDS as readonly string[]).includes(local)) {
      const envelope = readEnvelope(element);
      if (envelope) extension.envelopes.push({ kind: local as CapsuleChannelEnvelope["kind"], ...envelope });
    }
  }
  return extension;
}

/** Reads an item's `<capsule:entry>`; null when the item has none (an ordinary, unsigned entry). */
export function readCapsuleEntry(item: XmlElement): CapsuleEnvelope | null {
  const element = findChild(item, NS.capsule, "entry");
  return element ? readEnvelope(element) : null;
}

function readEnvelope(element: XmlElement): CapsuleEnvelope | null {
  // Base64url has no whitespace; feeds may wrap long payloads, so line breaks and indentation are removed.
  const payload = textContent(element).replace(/\s+/g, "");
  if (!payload) return null;
  return ownEnvelope(payload, getAttr(element, "key"), getAttr(element, "signature"));
}

/**
 * An envelope whose strings are copies. The parser's strings may be slices of the whole feed text, and the
 * verifier caches (site/format/verifier.ts) keep signer keys for as long as they follow the feed: a 10-character
 * slice would keep a 50 KB document alive per capsule followed.
 */
function ownEnvelope(payload: string, key: string | undefined, signature: string | undefined): CapsuleEnvelope {
  return { payload: own(payload), key: key?.trim() ? own(key.trim()) : null, signature: signature?.trim() ? own(signature.trim()) : null };
}

/** A flat copy of `text` that shares no memory with the string it came from. */
function own(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

function readProfile(profile: XmlElement, into: Record<string, string[]>): void {
  for (const field of childElements(profile)) {
    const href = getAttr(field, "href");
    const value = href !== undefined ? resolveUrl(href, field.base) : textContent(field).trim();
    if (!value) continue;
    const key = field.key;
    (into[key] ??= []).push(value);
  }
}

/** Reads a JSON Feed top-level `_capsule` object (docs/format.md §10.2); null when absent or not an object. */
export function readCapsuleJsonFeed(value: unknown, base: string): CapsuleFeedExtension | null {
  if (!isRecord(value)) return null;
  const extension: CapsuleFeedExtension = { identity: null, envelopes: [], profile: {}, following: null };
  const identity = value["identity"];
  if (isRecord(identity) && typeof identity["id"] === "string" && identity["id"].trim()) {
    extension.identity = { id: own(identity["id"].trim()), href: resolveUrl(readString(identity["href"]), base) };
  }
  // Document order as RSS writes it: certificates, then the checkpoint, then the location record.
  const certificates = Array.isArray(value["certificates"]) ? value["certificates"] : [];
  for (const [kind, raw] of [...certificates.map((item) => ["certificate", item] as const), ["checkpoint", value["checkpoint"]] as const,
    ["location", value["location"]] as const]) {
    const envelope = readJsonEnvelope(raw);
    if (envelope) extension.envelopes.push({ kind, ...envelope });
  }
  if (isRecord(value["profile"])) {
    for (const [key, raw] of Object.entries(value["profile"])) {
      const values = (Array.isArray(raw) ? raw : [raw]).filter((item): item is string => typeof item === "string" && item.trim() !== "");
      if (values.length > 0) extension.profile[key.toLowerCase()] = values.map((item) => item.trim());
    }
  }
  extension.following = resolveUrl(readString(value["following"]), base);
  return extension;
}

/** Reads an item-level `_capsule` object `{ entry: envelope }`; null when absent or malformed (an unsigned entry). */
export function readCapsuleJsonEntry(value: unknown): CapsuleEnvelope | null {
  return isRecord(value) ? readJsonEnvelope(value["entry"]) : null;
}

function readJsonEnvelope(value: unknown): CapsuleEnvelope | null {
  if (!isRecord(value)) return null;
  // As in RSS: whitespace a pretty-printer may have put into a long payload is removed; a missing payload drops it.
  const payload = readString(value["payload"])?.replace(/\s+/g, "");
  if (!payload) return null;
  return ownEnvelope(payload, readString(value["key"]), readString(value["signature"]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
