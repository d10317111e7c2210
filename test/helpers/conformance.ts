/**
 * The public conformance corpora (test/conformance/, a byte-for-byte copy of the workplace's
 * shared/conformance/ with its README and licences), so a clone of the repository alone runs the suite.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./temp-capsule.ts";

/** Universal Feed Parser's test feeds and `expectations.json`. */
export const FEEDPARSER_CORPUS = join(REPO, "test/conformance/feedparser");

/** DOMPurify's 223 hostile HTML payloads, as `{ title, payload }` records. */
export function readXssPayloads(): { title: string; payload: string }[] {
  return JSON.parse(readFileSync(join(REPO, "test/conformance/xss/dompurify-payloads.json"), "utf8")) as { title: string; payload: string }[];
}
