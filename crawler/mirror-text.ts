/**
 * Text and URLs from other people's feeds, made fit for the site's layouts: plain text (the layouts escape
 * it), URLs only with a scheme that cannot run anything (escaping does not stop a `javascript:` link), and
 * the creator's profile card built from those.
 */
import type { ProfileView } from "../layouts/view.ts";
import type { StoredFeed } from "./model.ts";
import type { FeedText } from "./parse/index.ts";
import { sanitizeText } from "./sanitize.ts";

/** A BCP 47-shaped language tag (`en`, `pt-BR`); anything else is not put into a `lang` attribute. */
export const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;
const CONTACT_SCHEMES: Record<string, string> = { "mailto:": "Email", "xmpp:": "XMPP", "tel:": "Phone" };
const PAYMENT_SCHEMES: Record<string, string> = { "bitcoin:": "Bitcoin", "ethereum:": "Ethereum", "lightning:": "Lightning", "monero:": "Monero" };

/** An absolute http(s) URL, or undefined: the only kind of URL a mirror puts into a link or an image. */
export function toHttpUrl(value: string | null | undefined, base?: string): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  try {
    const url = new URL(value.trim(), base);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Plain text from feed text, at most `max` characters: HTML loses its markup; the layouts escape what is left. */
export function readText(text: Pick<FeedText, "value" | "type"> | null | undefined, max: number): string | undefined {
  if (!text || typeof text.value !== "string") return undefined;
  const plain = (text.type === "html" ? sanitizeText(text.value) : text.value).replace(/\s+/g, " ").trim();
  if (plain === "") return undefined;
  return plain.length > max ? `${plain.slice(0, max - 1).trimEnd()}…` : plain;
}

/**
 * The creator's card, from the capsule profile as the parser keeps it (`<capsule:profile>`: each field → values,
 * and for link, contact and payment only the href, so their labels are made again from the URL), else from
 * the feed's title and description.
 */
export function createProfileView(feed: StoredFeed, origin: string, feedLimit: number): ProfileView {
  const fields = feed.capsule?.profile ?? {};
  const first = (name: string) => readText({ value: fields[name]?.[0] ?? "", type: "text" }, name === "bio" ? 5000 : 200);
  const host = new URL(origin).host;
  const language = feed.language && LANGUAGE_TAG.test(feed.language.trim()) ? feed.language.trim() : "";
  return {
    name: creatorNameOf(feed),
    handle: first("handle") ?? host,
    bio: first("bio") ?? readText({ value: feed.description ?? "", type: "html" }, 5000) ?? "",
    avatar: toHttpUrl(fields["avatar"]?.[0]),
    url: origin,
    language,
    links: (fields["link"] ?? []).slice(0, 20).flatMap((value) => {
      const url = toHttpUrl(value);
      return url ? [{ name: url.replace(/^https?:\/\//, "").replace(/\/$/, ""), url }] : [];
    }),
    contact: (fields["contact"] ?? []).slice(0, 20).flatMap((value) => toLabelledUri(value, CONTACT_SCHEMES)),
    support: (fields["payment"] ?? []).slice(0, 20).flatMap((value) => toLabelledUri(value, PAYMENT_SCHEMES)),
    feedLimit,
  };
}

/** The name to show for a followed creator: its capsule profile's, else the feed's title, else its host. */
export function creatorNameOf(feed: Pick<StoredFeed, "capsule" | "title" | "siteUrl" | "url">): string {
  return readText({ value: feed.capsule?.profile["name"]?.[0] ?? "", type: "text" }, 200)
    ?? readText({ value: feed.title ?? "", type: "html" }, 200)
    ?? new URL(toHttpUrl(feed.siteUrl) ?? toHttpUrl(feed.url) ?? "https://unknown.invalid/").host;
}

// A contact or payment link: one of the schemes the site itself writes, or an http(s) page; anything else is dropped.
function toLabelledUri(value: string, schemes: Record<string, string>): { label: string; value: string; uri: string }[] {
  const web = toHttpUrl(value);
  if (web) return [{ label: new URL(web).host, value: web, uri: web }];
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [];
  }
  const label = schemes[url.protocol];
  const address = decodeSafely(url.href.slice(url.protocol.length).replace(/^\/\//, ""));
  return label && address ? [{ label, value: address.slice(0, 200), uri: url.href }] : [];
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Where the creator's identity record is: the feed's href, else /.well-known/capsule.json (docs/format.md §6.4). */
export function identityUrlOf(feed: StoredFeed, origin: string): string {
  return toHttpUrl(feed.capsule?.identityHref) ?? new URL("/.well-known/capsule.json", origin).href;
}
