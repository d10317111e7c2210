import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";
import { CapsuleError } from "./errors.ts";

/** A YAML file read with its line table, so errors can point at the line of a field. */
export interface YamlFile {
  path: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

/** An error in a file a creator edits: names the file, the line and the field, and says how to fix it. */
export class ContentError extends CapsuleError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super("content", message, options);
  }
}

/** Parses YAML text; a syntax error becomes a ContentError naming the file and line. */
export function parseYaml(text: string, path: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    const reason = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+.*$/, "");
    throw new ContentError(`${path}:${line}: the YAML cannot be read: ${reason}.`, {
      hint: "Check the indentation and quote values that contain a colon (:) or start with @, * or &.",
      cause: first,
    });
  }
  return { path, doc, lines, data: doc.toJS() };
}

/** Reads and parses a YAML file. */
export function readYamlFile(path: string): YamlFile {
  return parseYaml(readFileSync(path, "utf8"), path);
}

/** `file:line` for a field path inside a YAML file (just the file when the field is absent). */
export function locate(file: YamlFile, path: (string | number)[]): string {
  const node = file.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const pair = node?.range ? node : (file.doc.getIn(path.slice(0, -1), true) as typeof node);
  if (!pair?.range) return file.path;
  return `${file.path}:${file.lines.linePos(pair.range[0]).line}`;
}
