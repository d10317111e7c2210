import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { isPostPath } from "./posts.ts";
import { loadProfile, PROFILE_FILE } from "./profile.ts";
import { LOCATION_FILE, toTimestamp, type LocationState } from "./signing.ts";
import { ContentError } from "./yaml-file.ts";

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Marks a post deleted (`deleted: <now>` in its front matter): the next build publishes a signed
 * tombstone in its place, which followers' mirrors honour, and leaves a "deleted" page at its address.
 */
export function deletePost(file: string, now = new Date()): string {
  if (!existsSync(file) || !isPostPath(file.startsWith("./") ? file : `./${file}`)) {
    throw new ContentError(`${file} is not a post.`, { hint: "Give the path of a Markdown file under content/posts/." });
  }
  const text = readFileSync(file, "utf8");
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (front && /^deleted:/m.test(front[1]!)) throw new ContentError(`${file} is already deleted.`, { hint: "Remove the `deleted:` line to bring it back." });
  const line = `deleted: ${toTimestamp(now)}`;
  writeAtomically(file, front ? text.replace(/^---\r?\n/, `---\n${line}\n`) : `---\n${line}\n---\n\n${text}`);
  return line;
}

/**
 * Moves the capsule to a new address: the profile's `url` changes, and the next build signs a location
 * record with a higher sequence naming the new feeds and the old site. Deploy that build to both hosts.
 */
export function moveCapsule(cwd: string, contentDir: string, newUrl: string, now = new Date()): { from: string; to: string; seq: number } {
  const from = loadProfile(join(cwd, contentDir), "").url;
  let to: URL;
  try {
    to = new URL(newUrl);
  } catch {
    throw new ContentError(`"${newUrl}" is not a web address.`, { hint: "Give the full new address, such as https://you.example/." });
  }
  if (to.protocol !== "https:" && to.protocol !== "http:") throw new ContentError(`"${newUrl}" is not an http or https address.`);
  if (!to.pathname.endsWith("/")) to.pathname += "/";
  if (to.href === from) throw new ContentError(`the capsule is already at ${from}.`);
  const statePath = join(cwd, LOCATION_FILE);
  const previous: Partial<LocationState> & { seq: number } = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, "utf8")) as LocationState) : { seq: 1 };
  const state: LocationState = { ...previous, seq: previous.seq + 1, created: toTimestamp(now), movedFrom: from };
  // The profile keeps its comments: only the url value changes.
  const profilePath = join(cwd, contentDir, PROFILE_FILE);
  const doc = parseDocument(readFileSync(profilePath, "utf8"));
  doc.set("url", to.href);
  writeAtomically(profilePath, doc.toString({ lineWidth: 0 }));
  writeAtomically(statePath, `${JSON.stringify(state, null, 2)}\n`);
  return { from, to: to.href, seq: state.seq };
}
