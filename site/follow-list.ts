import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq, parseDocument, YAMLSeq } from "yaml";
import { ContentError, locate, parseYaml } from "./yaml-file.ts";

/** One capsule or feed the creator follows. */
export interface Follow {
  url: string;
  name: string | undefined;
}

/** Where the follow list lives inside `content/`: the same file the crawler reads. */
export const FOLLOWING_FILE = "following.yaml";

const TEMPLATE = `# The capsules and feeds you follow, one "- url:" per line (a name is optional).
# \`capsule follow URL\` and \`capsule unfollow URL\` edit this file; the crawler reads it too.
`;

/** Normalises a followed URL so the same feed is never listed twice; throws on anything not http(s). */
export function normalizeFollowUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ContentError(`"${raw}" is not a web address.`, { hint: "Give the full address of the feed or capsule, starting with https://." });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ContentError(`"${raw}" is not an http or https address.`, { hint: "Only web feeds can be followed." });
  }
  url.hash = "";
  return url.href;
}

/** Reads the follow list; a missing file is an empty list. */
export function readFollowList(contentDir: string): Follow[] {
  const path = join(contentDir, FOLLOWING_FILE);
  if (!existsSync(path)) return [];
  const file = parseYaml(readFileSync(path, "utf8"), path);
  if (file.data === null || file.data === undefined) return [];
  if (!Array.isArray(file.data)) {
    throw new ContentError(`${path}: the follow list must be a list of \`- url: …\` items.`, { hint: "See the comment at the top of the sample file." });
  }
  const seen = new Map<string, number>();
  return file.data.map((item: unknown, i: number) => {
    const entry = (typeof item === "string" ? { url: item } : item ?? {}) as Record<string, unknown>;
    if (typeof entry.url !== "string") {
      throw new ContentError(`${locate(file, [i])}: item ${i + 1} has no url.`, { hint: "Write it as `- url: https://…`." });
    }
    let url: string;
    try {
      url = normalizeFollowUrl(entry.url);
    } catch (error) {
      throw new ContentError(`${locate(file, [i, "url"])}: ${(error as Error).message}`, { hint: (error as ContentError).hint });
    }
    if (seen.has(url)) {
      throw new ContentError(`${locate(file, [i, "url"])}: ${url} is listed twice (also item ${seen.get(url)! + 1}).`, { hint: "Remove one of them." });
    }
    seen.set(url, i);
    return { url, name: typeof entry.name === "string" && entry.name.trim() ? entry.name.trim() : undefined };
  });
}

function editFollowList(contentDir: string, edit: (seq: YAMLSeq) => boolean): boolean {
  const path = join(contentDir, FOLLOWING_FILE);
  readFollowList(contentDir); // validates, and reports a broken file before we touch it
  const text = existsSync(path) ? readFileSync(path, "utf8") : TEMPLATE;
  const doc = parseDocument(text);
  if (!isSeq(doc.contents)) doc.contents = new YAMLSeq() as typeof doc.contents;
  const changed = edit(doc.contents as unknown as YAMLSeq);
  if (changed) {
    // Write beside and rename, so an interrupted edit never leaves half a follow list.
    writeFileSync(`${path}.tmp`, doc.toString({ lineWidth: 0 }));
    renameSync(`${path}.tmp`, path);
  }
  return changed;
}

function urlOf(item: unknown): string | undefined {
  if (isMap(item)) {
    const url = item.get("url");
    return typeof url === "string" ? normalizeFollowUrl(url) : undefined;
  }
  return undefined;
}

/** Adds a URL to the follow list, keeping its comments; returns false if it was already there. */
export function addFollow(contentDir: string, rawUrl: string, name?: string): boolean {
  return addFollows(contentDir, [{ url: rawUrl, name }]).length > 0;
}

/** Adds several URLs in one edit of the file (an OPML import); returns the normalised URLs that were new. */
export function addFollows(contentDir: string, follows: readonly { url: string; name?: string | undefined }[]): string[] {
  const wanted = follows.map((follow) => ({ url: normalizeFollowUrl(follow.url), name: follow.name }));
  const added: string[] = [];
  editFollowList(contentDir, (seq) => {
    const present = new Set(seq.items.map(urlOf));
    for (const { url, name } of wanted) {
      if (present.has(url)) continue;
      present.add(url);
      seq.add(name ? { url, name } : { url });
      added.push(url);
    }
    return added.length > 0;
  });
  return added;
}

/** Removes a URL from the follow list; returns false if it was not there. */
export function removeFollow(contentDir: string, rawUrl: string): boolean {
  const url = normalizeFollowUrl(rawUrl);
  return editFollowList(contentDir, (seq) => {
    const before = seq.items.length;
    seq.items = seq.items.filter((item) => urlOf(item) !== url);
    return seq.items.length !== before;
  });
}
