import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { stringify } from "yaml";
import { ContentError } from "./yaml-file.ts";
import { POSTS_DIR } from "./posts.ts";

/** Words of a text as a file-name slug: `Kiln day, at last!` → `kiln-day-at-last`. */
export function slugifyWords(text: string, maxWords = 6): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(/\s+/)
    .slice(0, maxWords)
    .join("-");
}

/** Creates `content/posts/YYYY-MM-DD-slug.md` for a note or an article and returns its path. */
export function createPost(contentDir: string, kind: "note" | "article", text: string, now = new Date()): string {
  if (!text.trim()) {
    throw new ContentError(kind === "note" ? "a note needs some text." : "an article needs a title.", {
      hint: kind === "note" ? 'Run `capsule new note "What you want to say"`.' : 'Run `capsule new article "Your title"`.',
    });
  }
  const day = now.toISOString().slice(0, 10);
  const slug = slugifyWords(text) || (kind === "note" ? "note" : "article");
  const folder = join(contentDir, POSTS_DIR);
  mkdirSync(folder, { recursive: true });
  let path = join(folder, `${day}-${slug}.md`);
  for (let n = 2; existsSync(path); n++) path = join(folder, `${day}-${slug}-${n}.md`);
  const date = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const front = kind === "note"
    ? { date, tags: [] }
    : { title: text.trim(), summary: "", date, tags: [], draft: true };
  const body = kind === "note" ? `${text.trim()}\n` : "Write your article here, in Markdown.\n";
  writeFileSync(path, `---\n${stringify(front, { flowCollectionPadding: false }).trimEnd()}\n---\n\n${body}`, { flag: "wx" });
  return relative(process.cwd(), path) || path;
}
