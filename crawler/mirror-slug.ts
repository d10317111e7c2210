/**
 * Entry folder names on mirror pages (`/mirror/<creator>/<slug>/`). Capsule entry ids are already URL-safe
 * (docs/format.md §2) and are kept as they are, so every mirror in the mesh serves an entry at the same path;
 * other keys (guid URLs, `tag:` and `urn:` ids) become readable words plus a hash of the key.
 */
import { createHash } from "node:crypto";
import { toHttpUrl } from "./mirror-text.ts";

const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
// Names the mirror's own pages take inside a creator's folder.
const RESERVED_SLUGS = new Set(["page", "tags", "feed.xml", "index.html"]);

/**
 * A folder name for each entry key, stable and unique within the creator: a key that is already a safe
 * entry id stays as it is (keys are unique, so these never clash); anything else (a guid URL, a tag: URI)
 * becomes readable words plus 8 hex of its hash, made longer in the unlikely case that name is taken.
 */
export function assignSlugs(keys: readonly string[]): Map<string, string> {
  const slugs = new Map<string, string>();
  const isId = (key: string) => ENTRY_ID.test(key) && !RESERVED_SLUGS.has(key.toLowerCase());
  const unique = [...new Set(keys)].sort();
  for (const key of unique) if (isId(key)) slugs.set(key, key);
  const taken = new Set(slugs.values());
  for (const key of unique) {
    if (isId(key)) continue;
    const words = readableWords(key);
    const hash = hashOf(key);
    let slug = `${words}-${hash.slice(0, 8)}`;
    for (let length = 12; taken.has(slug); length += 4) slug = `${words}-${hash.slice(0, length)}`;
    taken.add(slug);
    slugs.set(key, slug);
  }
  return slugs;
}

function readableWords(key: string): string {
  let text = key;
  const url = toHttpUrl(key);
  if (url) {
    const { hostname, pathname } = new URL(url);
    text = pathname.split("/").filter(Boolean).pop() ?? hostname;
  }
  const words = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return words.slice(0, 48).replace(/-+$/, "") || "entry";
}

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
