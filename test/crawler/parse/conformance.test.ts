/**
 * feedparser's test corpus (test/conformance/feedparser/, 1,866 files with expectations) through
 * parseFeed. Mapping chosen (details in feedparser-view.ts):
 *
 * - Each file is parsed as bytes with the HTTP headers its comment declares (`Header: Content-type: …` as the
 *   content type, `Content-Location` as the document URL, else http://feedparser.test/<file>).
 * - Field names are translated to ours by feedparser-view.ts; a path with no equivalent there is a failure
 *   ("unmapped"), never skipped. A record passes when all its assertions pass.
 * - Text values compare as strings; HTML values (our `html` FeedTexts, sanitised with sanitizeHtml against
 *   their base as feedparser sanitises and resolves its own) compare by parse5-normalised tree: attribute order
 *   ignored, and the attributes our policy adds (rel, loading, decoding, referrerpolicy, controls, preload)
 *   removed.
 * - Under wellformed/sanitize/ the HTML is judged by what matters, not by feedparser's exact string: the
 *   dangerous part is gone (findUnsafe finds nothing in our output), the safe part is kept (the same visible
 *   text, and every URL feedparser kept in href/src/poster is in ours).
 *
 * The figures per top folder and the total are printed; the total must stay at or above 95 %.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseFragment, serialize, type DefaultTreeAdapterTypes } from "parse5";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ParseError } from "../../../crawler/errors.ts";
import { parseFeed } from "../../../crawler/parse/index.ts";
import { FEEDPARSER_CORPUS } from "../../helpers/conformance.ts";
import { findUnsafe } from "../../helpers/html-safety.ts";
import { ALIASES, ENTRY_ALIASES, Html, Instant, toFeedparserView } from "./feedparser-view.ts";

const corpus = FEEDPARSER_CORPUS;

interface Assertion {
  path: (string | number)[];
  op: "==" | "!=" | "not in" | "truthy" | "falsy";
  value?: unknown;
}

interface Expectation {
  file: string;
  description: string;
  asserts: Assertion[];
}

const MISSING = Symbol("missing");
const UNMAPPED = Symbol("unmapped");

/** Reads a feedparser path from the view; UNMAPPED when a key has no equivalent, MISSING when absent. */
function lookup(view: unknown, keys: (string | number)[]): unknown {
  let current: unknown = view;
  // An entry's `description` is its summary; a feed's (and an entry source's) is its subtitle.
  const aliases = keys[0] === "entries" && !keys.includes("source") ? ENTRY_ALIASES : ALIASES;
  for (const key of keys) {
    if (current === null || current === undefined) return MISSING;
    if (typeof key === "number") {
      if (!Array.isArray(current)) return UNMAPPED;
      current = current.length > key ? current[key] : MISSING;
      if (current === MISSING) return MISSING;
      continue;
    }
    if (typeof current !== "object" || Array.isArray(current)) return UNMAPPED;
    const record = current as Record<string, unknown>;
    const real = key in record ? key : aliases[key] ?? key;
    if (!(real in record)) return isOptionalKey(record, real) ? MISSING : UNMAPPED;
    current = record[real];
  }
  return current;
}

/** Keys dropped from compact dicts (links, people, tags) because the value was absent are mapped, just missing. */
function isOptionalKey(record: Record<string, unknown>, key: string): boolean {
  const optional = ["rel", "type", "href", "title", "hreflang", "length", "name", "email", "term", "scheme", "label", "version", "width", "height", "link", "url"];
  return optional.includes(key) && !("value" in record);
}

const POLICY_ATTRIBUTES = new Set(["rel", "loading", "decoding", "referrerpolicy", "controls", "preload"]);

/** Parses an HTML fragment and serialises it back with sorted attributes and policy attributes removed. */
function normalizeHtml(html: string): string {
  const fragment = parseFragment(html.trim());
  const pending: DefaultTreeAdapterTypes.ParentNode[] = [fragment];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    if ("attrs" in node) {
      node.attrs = node.attrs.filter((attr) => !POLICY_ATTRIBUTES.has(attr.name)).sort((a, b) => a.name.localeCompare(b.name));
    }
    for (const child of node.childNodes) if ("childNodes" in child) pending.push(child);
  }
  return serialize(fragment).trim();
}

function visibleText(html: string): string {
  const fragment = parseFragment(html);
  const parts: string[] = [];
  const pending: DefaultTreeAdapterTypes.ChildNode[] = [...fragment.childNodes].reverse();
  while (pending.length > 0) {
    const node = pending.pop();
    if (!node) break;
    if (node.nodeName === "#text" && "value" in node) parts.push(node.value);
    if ("childNodes" in node) pending.push(...[...node.childNodes].reverse());
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}

function keptUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src|poster)="([^"]+)"/g)].map((match) => match[1] ?? "");
}

function equals(actual: unknown, expected: unknown, isSanitizeCase: boolean): boolean {
  if (actual instanceof Instant) return typeof expected === "string" && Date.parse(expected) === actual.date.getTime();
  if (actual instanceof Html) {
    if (typeof expected !== "string") return false;
    if (!isSanitizeCase) return normalizeHtml(actual.html) === normalizeHtml(expected);
    return findUnsafe(actual.html).length === 0 && visibleText(actual.html) === visibleText(expected)
      && keptUrls(expected).every((url) => actual.html.includes(url.replace(/&amp;/g, "&")) || actual.html.includes(url));
  }
  if (expected === null) return actual === null || actual === MISSING;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => equals(actual[index], item, isSanitizeCase));
  }
  if (typeof expected === "object") {
    if (typeof actual !== "object" || actual === null) return false;
    const actualKeys = Object.keys(actual).sort();
    const expectedKeys = Object.keys(expected).sort();
    return actualKeys.join() === expectedKeys.join()
      && expectedKeys.every((key) => equals((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], isSanitizeCase));
  }
  if (typeof expected === "number" && typeof actual === "number") return Math.abs(expected - actual) < 1e-9;
  return actual === expected;
}

function isTruthy(value: unknown): boolean {
  if (value instanceof Html) return value.html !== "";
  if (Array.isArray(value)) return value.length > 0;
  return value !== MISSING && Boolean(value);
}

type Outcome = "pass" | "fail" | "unmapped";

function check(view: unknown, assertion: Assertion, isSanitizeCase: boolean): Outcome {
  const actual = lookup(view, assertion.path);
  if (actual === UNMAPPED && assertion.op !== "not in") return "unmapped";
  switch (assertion.op) {
    case "truthy":
      return isTruthy(actual) ? "pass" : "fail";
    case "falsy":
      return isTruthy(actual) ? "fail" : "pass";
    case "==":
      return equals(actual, assertion.value, isSanitizeCase) ? "pass" : "fail";
    case "!=":
      return actual !== MISSING && !equals(actual, assertion.value, isSanitizeCase) ? "pass" : "fail";
    case "not in":
      return typeof actual === "object" && actual !== null && !(String(assertion.value) in actual) ? "pass" : "fail";
  }
}

/** The HTTP headers a corpus file declares in its leading comment. */
function readHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const match of text.slice(0, 2000).matchAll(/^Header:\s*([\w-]+):\s*(.*)$/gm)) {
    headers.set((match[1] ?? "").toLowerCase(), (match[2] ?? "").trim());
  }
  return headers;
}

/** Runs one record; returns its outcome, for failures why, and how many of its assertions passed. */
function runRecord(record: Expectation): { outcome: Outcome; detail: string; passedAssertions: number } {
  const bytes = readFileSync(path.join(corpus, record.file));
  const headers = readHeaders(bytes.toString("latin1"));
  let view: unknown;
  try {
    const feed = parseFeed(bytes, {
      url: headers.get("content-location") ?? `http://feedparser.test/${record.file}`,
      contentType: headers.get("content-type"),
    });
    view = toFeedparserView(feed);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    view = { bozo: true, error: error.code };
  }
  const isSanitizeCase = record.file.startsWith("wellformed/sanitize/");
  const outcomes = record.asserts.map((assertion) => ({ assertion, outcome: check(view, assertion, isSanitizeCase) }));
  const passedAssertions = outcomes.filter(({ outcome }) => outcome === "pass").length;
  const failed = outcomes.find(({ outcome }) => outcome !== "pass");
  if (!failed) return { outcome: "pass", detail: "", passedAssertions };
  const { assertion, outcome } = failed;
  return { outcome, detail: `${assertion.path.join(".")} ${assertion.op} ${JSON.stringify(assertion.value)}`, passedAssertions };
}

test("feedparser corpus: at least 95 % of the records pass", () => {
  const records = JSON.parse(readFileSync(path.join(corpus, "expectations.json"), "utf8")) as Expectation[];
  const folders = new Map<string, { pass: number; total: number; unmapped: number }>();
  for (const name of ["wellformed", "illformed", "entities", "encoding", "json"]) folders.set(name, { pass: 0, total: 0, unmapped: 0 });
  const failures: string[] = [];
  let assertions = 0;
  let passedAssertions = 0;
  for (const record of records) {
    const folder = record.file.startsWith("wellformed/") ? `wellformed/${record.file.split("/")[1]}` : record.file.split("/")[0] ?? "";
    const top = record.file.split("/")[0] ?? "";
    const { outcome, detail, passedAssertions: passedHere } = runRecord(record);
    assertions += record.asserts.length;
    passedAssertions += passedHere;
    for (const key of new Set([folder, top])) {
      const tally = folders.get(key) ?? { pass: 0, total: 0, unmapped: 0 };
      tally.total += 1;
      if (outcome === "pass") tally.pass += 1;
      if (outcome === "unmapped") tally.unmapped += 1;
      folders.set(key, tally);
    }
    if (outcome !== "pass") failures.push(`${outcome}: ${record.file}: ${detail}`);
  }
  const passed = records.length - failures.length;
  const lines = [...folders].map(([name, tally]) =>
    `  ${name.padEnd(24)} ${String(tally.pass).padStart(4)} / ${String(tally.total).padEnd(4)}${tally.unmapped ? ` (${tally.unmapped} unmapped)` : ""}`);
  console.log(`feedparser corpus, records passing (every assertion of the file):\n${lines.join("\n")}\n`
    + `  ${"total".padEnd(24)} ${passed} / ${records.length} (${(100 * passed / records.length).toFixed(1)} %)\n`
    + `  ${"single assertions".padEnd(24)} ${passedAssertions} / ${assertions} (${(100 * passedAssertions / assertions).toFixed(1)} %)`);
  if (process.env["CONFORMANCE_FAILURES"]) console.log(failures.join("\n"));
  assert.ok(records.length === 1866, `expected 1,866 records, found ${records.length}`);
  assert.ok(passed / records.length >= 0.95, `only ${passed} of ${records.length} records pass`);
});

test.run();
