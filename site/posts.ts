import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import jsYaml from "js-yaml";
import { ContentError, locate, parseYaml } from "./yaml-file.ts";

/** A file offered for download with a post (listed in `attachments`). */
export interface Attachment {
  /** Path relative to the post's folder. */
  file: string;
  title: string;
}

/** Front matter of a post after validation. */
export interface PostFrontMatter {
  title?: string;
  summary?: string;
  date?: string | Date;
  updated?: string | Date;
  /** The post's `tags`, kept under another key (see parsePostFrontMatter). */
  topics?: string[];
  draft?: boolean;
  kind?: "note" | "article";
  slug?: string;
  image?: string;
  imageAlt?: string;
  attachments?: Attachment[];
  lang?: string;
  /** The host-independent entry id (defaults to the slug); pin it when renaming a file. */
  id?: string;
  /** When the post was deleted: it is published as a signed tombstone instead of a page. */
  deleted?: string | Date;
}

type FieldType = "text" | "date" | "boolean" | "words" | "kind" | "slug" | "id" | "attachments";

const FIELDS: Record<string, { type: FieldType; help: string }> = {
  title: { type: "text", help: "the title of an article (notes have none)" },
  summary: { type: "text", help: "one or two sentences shown in the timeline and the feed" },
  date: { type: "date", help: "when the post was published, such as 2026-11-03 or 2026-11-03T09:30:00Z" },
  updated: { type: "date", help: "when the post was last changed, in the same form as date" },
  tags: { type: "words", help: "a list such as [pottery, kilns]" },
  draft: { type: "boolean", help: "true keeps the post out of the published site" },
  kind: { type: "kind", help: "note or article (a post with a title is an article)" },
  slug: { type: "slug", help: "the last part of the post's address, lower-case letters, digits and dashes" },
  image: { type: "text", help: "a picture beside the post, shown when the post is shared" },
  imageAlt: { type: "text", help: "a description of the image for people who cannot see it" },
  attachments: { type: "attachments", help: "files beside the post offered for download" },
  lang: { type: "text", help: "the language of this post, if not the profile's" },
  id: { type: "id", help: "the post's lasting id in its signature (letters, digits, . _ ~ -); keep it when renaming the file" },
  deleted: { type: "date", help: "when the post was deleted (`capsule delete` sets it); followers drop their copies" },
};

const DATE_IN_NAME = /^(\d{4}-\d{2}-\d{2})(?:-|$)/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The folder that holds posts, relative to the content folder. */
export const POSTS_DIR = "posts";

/** True when an Eleventy input path is a post (a Markdown file under `content/posts/`). */
export function isPostPath(inputPath: string): boolean {
  return /(^|[/\\])posts[/\\].+\.md$/.test(inputPath);
}

function postStem(inputPath: string): string {
  const name = basename(inputPath, ".md");
  return name === "index" ? basename(dirname(inputPath)) : name;
}

/** The name a post is known by: its file (or folder, for `index.md`) without the date prefix. */
export function slugFromPath(inputPath: string): string {
  const stem = postStem(inputPath);
  const withoutDate = stem.replace(/^\d{4}-\d{2}-\d{2}-?/, "");
  return (withoutDate || stem).toLowerCase();
}

/** Parses a front-matter date (YAML may hand over a Date or text); undefined when it is not a date. */
export function parsePostDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== "string" || !DATE_TEXT.test(value.trim())) return undefined;
  let text = value.trim().replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += "T00:00:00Z";
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += "Z";
  const date = new Date(text.replace(/\s+/g, ""));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function typeProblem(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case "text":
      return typeof value === "string" || typeof value === "number" ? undefined : "must be text";
    case "date":
      return parsePostDate(value) ? undefined : "is not a date";
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "words":
      return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number"))
        ? undefined
        : "must be a list of words";
    case "kind":
      return value === "note" || value === "article" ? undefined : "must be note or article";
    case "slug":
      return typeof value === "string" && /^[a-z0-9][a-z0-9-]*$/.test(value) ? undefined : "may hold only lower-case letters, digits and dashes";
    case "id":
      return typeof value === "string" && /^[A-Za-z0-9._~-]{1,128}$/.test(value) ? undefined : "may hold only letters, digits and . _ ~ - (at most 128)";
    case "attachments":
      return Array.isArray(value) && value.every((v) => typeof v === "string" || (v && typeof v === "object" && typeof (v as { file?: unknown }).file === "string"))
        ? undefined
        : "must be a list of file names (or `- file: … title: …` items)";
  }
}

/**
 * Reads and checks a post's front matter; Eleventy calls this through gray-matter with the file path.
 * Every problem stops the build with the file, the line, the field and the fix.
 */
export function parsePostFrontMatter(text: string, inputPath: string): PostFrontMatter {
  // gray-matter hands over the text after the first `---` line, starting with its newline, so line
  // numbers of this text are already line numbers of the file.
  const filePath = inputPath.replace(/^\.\//, "");
  let data: unknown;
  try {
    // js-yaml reads front matter about 7× faster than yaml; yaml (which keeps positions) is only
    // used to point at the line of a field when something is wrong.
    data = jsYaml.load(text) ?? {};
  } catch (error) {
    const mark = (error as { mark?: { line: number }; reason?: string }).mark;
    throw new ContentError(`${filePath}${mark ? `:${mark.line + 1}` : ""}: the YAML cannot be read: ${(error as { reason?: string }).reason ?? (error as Error).message}.`, {
      hint: "Check the indentation and quote values that contain a colon (:) or start with @, * or &.",
      cause: error,
    });
  }
  const fail = (field: string, problem: string, hint: string): never => {
    const file = parseYaml(text, filePath);
    throw new ContentError(`${locate(file, [field])}: ${field} ${problem}.`, { hint });
  };
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw new ContentError(`${filePath}: the front matter must be \`field: value\` lines between two --- lines.`, { hint: "Start from a post made by `capsule new note`." });
  }
  const fields = data as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    const spec = FIELDS[field];
    if (!spec) {
      const near = Object.keys(FIELDS).find((known) => distance(known, field.toLowerCase()) <= 2);
      fail(field, "is not a post field", near ? `Did you mean \`${near}\`?` : `Post fields are: ${Object.keys(FIELDS).join(", ")}.`);
    }
    const problem = typeProblem(spec!.type, value);
    if (problem) fail(field, `${problem} (found ${JSON.stringify(value)})`, `${field} is ${spec!.help}.`);
  }
  if (fields.date === undefined && !DATE_IN_NAME.test(postStem(filePath))) {
    throw new ContentError(`${filePath}: date is missing, and the file name does not start with one.`, {
      hint: "Add `date: 2026-11-03` to the front matter, or name the file 2026-11-03-name.md.",
    });
  }
  if (fields.kind === "note" && fields.title) fail("title", "is set on a note", "Notes have no title: remove it, or make the post `kind: article`.");
  if (fields.kind === "article" && !fields.title) fail("kind", "is article but there is no title", "Add `title: …`, or make the post a note.");
  // Eleventy turns `tags` into one collection per tag, and fills every collection item by a linear
  // search (quadratic on 4,000 posts); the capsule builds its own tag pages, so the tags move aside.
  if (fields.tags !== undefined) {
    const tags = typeof fields.tags === "string" ? fields.tags.split(",") : (fields.tags as unknown[]);
    fields.topics = tags.map((t) => String(t).trim()).filter(Boolean);
    delete fields.tags;
  }
  if (Array.isArray(fields.attachments)) {
    fields.attachments = fields.attachments.map((a: unknown) => {
      const item = typeof a === "string" ? { file: a } : (a as { file: string; title?: string });
      const path = join(dirname(filePath), item.file);
      if (!existsSync(path) || !statSync(path).isFile()) fail("attachments", `names ${item.file}, which is not beside the post`, `Put ${item.file} in ${dirname(filePath)}${sep}, or fix the name.`);
      return { file: item.file, title: item.title ?? item.file };
    });
  }
  if (typeof fields.image === "string" && !/^https?:\/\//.test(fields.image)) {
    const path = join(dirname(filePath), fields.image);
    if (!existsSync(path)) fail("image", `names ${fields.image}, which is not beside the post`, `Put the picture in ${dirname(filePath)}${sep}, or fix the name.`);
  }
  return fields as PostFrontMatter;
}

/** The last part of a post's address: its `slug`, else its file name without the date. */
export function postSlugOf(data: { slug?: string | undefined }, inputPath: string): string {
  return data.slug ?? slugFromPath(inputPath);
}

/** The host-independent id a post is signed under: its `id`, else its slug. */
export function entryIdOf(data: PostFrontMatter, inputPath: string): string {
  return data.id ?? postSlugOf(data, inputPath);
}

/** The post's kind: an explicit `kind`, else article when it has a title. */
export function kindOf(data: PostFrontMatter): "note" | "article" {
  return data.kind ?? (data.title ? "article" : "note");
}

/** Where a post's own files are copied: the site path of the post's source folder. */
export function assetBase(inputPath: string, contentDir: string): string {
  return relative(contentDir, dirname(inputPath)).split(sep).join("/");
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}
