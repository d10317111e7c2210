/**
 * The capsule extension (namespace `urn:capsule:1`), read raw: nothing here decodes or verifies a payload,
 * that is `crawler/verify.ts`'s job with the format library from `site/format/`. Shapes:
 *
 * RSS/Atom channel: `<capsule:identity href="…">did:key:…</capsule:identity>`,
 *   `<capsule:certificate|checkpoint|location key="did:key:…" signature="B64URL">B64URL-PAYLOAD</…>`,
 *   `<capsule:following href="…/following.opml"/>`, `<capsule:profile><capsule:name>…</capsule:name>…</capsule:profile>`.
 * RSS/Atom item: `<capsule:entry key="did:key:…" signature="B64URL">B64URL-PAYLOAD</capsule:entry>`.
 * JSON Feed: the same under `_capsule` (https://www.jsonfeed.org/version/1.1/#extensions-a-name-extensions-a):
 *   top level `{ identity: {id, href} | "did:key:…", certificate|checkpoint|location: envelope | envelope[],
 *   profile: { name: "…", link: ["…"] }, following: "…" }`; items `{ payload, key, signature }`.
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
      if (id) extension.identity = { id, href: resolveUrl(getAttr(element, "href"), element.base) };
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
  return { payload, key: getAttr(element, "key")?.trim() || null, signature: getAttr(element, "signature")?.trim() || null };
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

/** Reads a JSON Feed top-level `_capsule` object; null when absent or not an object. */
export function readCapsuleJsonFeed(value: unknown, base: string): CapsuleFeedExtension | null {
  if (!isRecord(value)) return null;
  const extension: CapsuleFeedExtension = { identity: null, envelopes: [], profile: {}, following: null };
  const identity = value["identity"];
  if (typeof identity === "string" && identity.trim()) extension.identity = { id: identity.trim(), href: null };
  if (isRecord(identity) && typeof identity["id"] === "string" && identity["id"].trim()) {
    extension.identity = { id: identity["id"].trim(), href: resolveUrl(readString(identity["href"]), base) };
  }
  for (const kind of ENVELOPE_KINDS) {
    const raw = value[kind];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const envelope = readCapsuleJsonEntry(item);
      if (envelope) extension.envelopes.push({ kind, ...envelope });
    }
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

/** Reads an item-level `_capsule` envelope `{ payload, key, signature }`; null when absent or malformed. */
export function readCapsuleJsonEntry(value: unknown): CapsuleEnvelope | null {
  if (!isRecord(value)) return null;
  const payload = readString(value["payload"])?.replace(/\s+/g, "");
  if (!payload) return null;
  return { payload, key: readString(value["key"])?.trim() || null, signature: readString(value["signature"])?.trim() || null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
