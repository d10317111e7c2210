/**
 * `capsule verify URL_OR_FILE`: reads a capsule from the web or a file and reports what verifies. The fetch here is a plain one-shot `fetch` with a
 * timeout, a size cap and a redirect limit; the daemon's hardened fetcher is crawler/fetch.ts's job. The
 * `_capsule.<host>` TXT lookup (docs/format.md §10.4) runs beside the fetch, bounded to 2 s.
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CapsuleError } from "../site/errors.ts";
import { resolveCapsuleTxt, resolveTxtWithin } from "../site/format/index.ts";
import { CrawlerError, NotAFeedError, redactUrl } from "./errors.ts";
import { parseFeed } from "./parse/index.ts";
import { formatVerifyReport } from "./verify-report.ts";
import { listIdentityFeeds, verifyCapsule, type DnsInput, type FeedInput, type IdentityInput, type VerifyReport } from "./verify.ts";

export const USER_AGENT = "Capsule/0.1 (+verify)";

/** Limits of the one-shot fetch. */
export const FETCH_LIMITS = {
  /** Milliseconds for each document, redirects included. @default 15_000 */
  timeoutMs: 15_000,
  /** Bytes read from one response before giving up. @default 10 MiB */
  maxBytes: 10 * 1024 * 1024,
  /** @default 5 */
  maxRedirects: 5,
  /** Milliseconds for the `_capsule.<host>` TXT lookup; a slow resolver must not hold up the report. @default 2_000 */
  dnsTimeoutMs: 2_000,
};

const HELP = `
  Description
    Verify a capsule: its identity, key chain, signed entries, checkpoint, identity record and location.
    Exits 0 when everything signed verifies (an unsigned feed is reported as such), 1 otherwise.

  Usage
    $ capsule verify <url-or-file> [options]

  Options
    --json        Print the report as JSON
    --no-dns      Do not look up the _capsule.<host> TXT record
    -h, --help    Displays this message

  Examples
    $ capsule verify https://alice.example/
    $ capsule verify _site/feed.xml
    $ capsule verify _site/.well-known/capsule.json
`;

/** Runs `capsule verify` with its arguments (after the command name); returns the exit code. */
export async function runVerify(args: readonly string[]): Promise<number> {
  try {
    if (args.includes("-h") || args.includes("--help")) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const unknown = args.find((arg) => arg.startsWith("-") && arg !== "--json" && arg !== "--no-dns");
    const targets = args.filter((arg) => !arg.startsWith("-"));
    if (unknown !== undefined) throw usage(`unknown option ${unknown}`);
    if (targets.length !== 1) throw usage(targets.length === 0 ? "verify needs a URL or a file" : "verify takes one URL or file");
    const report = await verifyTarget(targets[0]!, { dns: !args.includes("--no-dns") });
    process.stdout.write(args.includes("--json") ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
    return report.problems.length > 0 ? 1 : 0;
  } catch (error) {
    const known = error instanceof CapsuleError ? error : undefined;
    process.stderr.write(`capsule: ${known ? known.message : (error as Error)?.message ?? String(error)}\n`);
    process.stderr.write(`${known?.hint ?? "Run `capsule verify --help` for usage."}\n`);
    if (!known && process.env.CAPSULE_DEBUG) console.error(error);
    return 1;
  }
}

export interface VerifyTargetOptions {
  /** What "expired" is measured against. @default new Date() */
  readonly now?: Date;
  /** Look up `_capsule.<host>` for an http(s) target whose host is a name. @default true */
  readonly dns?: boolean;
}

/** Reads a feed or identity document from an http(s) URL or a file and verifies it; throws CapsuleError when nothing can be read. */
export async function verifyTarget(target: string, options: VerifyTargetOptions = {}): Promise<VerifyReport> {
  const { now, dns = true } = options;
  if (/^https?:\/\//i.test(target)) {
    const [read, lookup] = await Promise.all([readUrl(target), lookUpDns(target, dns)]);
    return verifyCapsule({ ...read, dns: lookup, now });
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(target)) throw usage(`${redactUrl(target)} is neither an http(s) URL nor a file`);
  return verifyCapsule({ ...(await readLocalFile(target)), now });
}

async function readLocalFile(path: string): Promise<{ feed?: FeedInput; identity?: IdentityInput }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CrawlerError("read", `verify: cannot read ${path} (${code ?? (error as Error).message})`, {
      cause: error, hint: "Give the path of a feed (feed.xml, feed.json) or of .well-known/capsule.json, or an http(s) URL.",
    });
  }
  const url = pathToFileURL(resolve(path)).href;
  const text = new TextDecoder().decode(bytes);
  if (isIdentityDocument(text)) return { identity: { url, text } };
  return { feed: readFeed(bytes, url, undefined) };
}

async function readUrl(target: string): Promise<{ feed?: FeedInput; identity?: IdentityInput }> {
  let page = await fetchDocument(target);
  if (isIdentityDocument(page.text)) {
    const identity = { url: page.url, text: page.text, host: new URL(page.url).hostname };
    const feedUrl = listIdentityFeeds(page.text)[0];
    if (feedUrl === undefined) return { identity };
    const fetched = await fetchDocument(feedUrl);
    return { identity, feed: readFeed(fetched.bytes, fetched.url, fetched.contentType) };
  }
  let feed: FeedInput;
  try {
    feed = readFeed(page.bytes, page.url, page.contentType);
  } catch (error) {
    // A home page: follow the feed it advertises with <link rel="alternate">, once.
    const advertised = error instanceof NotAFeedError ? error.advertised[0] : undefined;
    if (advertised === undefined) throw error;
    page = await fetchDocument(advertised);
    feed = readFeed(page.bytes, page.url, page.contentType);
  }
  const href = feed.feed.capsule?.identity?.href;
  const recordUrl = href && /^https?:/i.test(href) ? href : new URL("/.well-known/capsule.json", page.url).href;
  try {
    const record = await fetchDocument(recordUrl);
    return { feed, identity: { url: record.url, text: record.text, host: new URL(record.url).hostname } };
  } catch (error) {
    return { feed, identity: { url: recordUrl, error: (error as Error).message } };
  }
}

function readFeed(bytes: Uint8Array, url: string, contentType: string | undefined): FeedInput {
  return { feed: parseFeed(bytes, { url, contentType }), url };
}

// docs/format.md §10.4: the handle is the host the person typed. An IP address or localhost is no handle.
async function lookUpDns(target: string, enabled: boolean): Promise<DnsInput> {
  if (!URL.canParse(target)) return { skipped: "not a valid URL" };
  const host = new URL(target).hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (isIP(host) !== 0) return { skipped: `${host} is an IP address` };
  if (host === "localhost" || host.endsWith(".localhost")) return { skipped: `${host} is a local name` };
  if (!enabled) return { domain: host, skipped: "--no-dns" };
  return { domain: host, txt: await resolveCapsuleTxt(host, resolveTxtWithin(FETCH_LIMITS.dnsTimeoutMs)) };
}

/** An identity document is a bare envelope: payload, signature and key, and no feed fields. */
function isIdentityDocument(text: string): boolean {
  if (!/^\s*\{/.test(text)) return false;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    return typeof value.payload === "string" && typeof value.signature === "string" && typeof value.key === "string" && !("items" in value);
  } catch {
    return false;
  }
}

interface Fetched {
  readonly url: string;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly contentType: string | undefined;
}

async function fetchDocument(url: string): Promise<Fetched> {
  const signal = AbortSignal.timeout(FETCH_LIMITS.timeoutMs);
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let response: Response;
    try {
      response = await fetch(current, { redirect: "manual", signal, headers: { "user-agent": USER_AGENT, accept: "application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5" } });
    } catch (error) {
      throw fetchError(describeFailure(error), current, error);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      if (redirects >= FETCH_LIMITS.maxRedirects) throw fetchError(`more than ${FETCH_LIMITS.maxRedirects} redirects`, url);
      const next = URL.canParse(location, current) ? new URL(location, current) : undefined;
      if (next === undefined || !/^https?:$/.test(next.protocol)) throw fetchError(`redirect to something that is not an http(s) URL (${location})`, current);
      current = next.href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw fetchError(`${response.status} ${response.statusText || "status"} (GET)`, current);
    }
    const bytes = await readCapped(response, current);
    return { url: current, bytes, text: new TextDecoder().decode(bytes), contentType: response.headers.get("content-type") ?? undefined };
  }
}

async function readCapped(response: Response, url: string): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > FETCH_LIMITS.maxBytes) {
        await reader.cancel();
        throw fetchError(`response larger than ${FETCH_LIMITS.maxBytes / 1024 / 1024} MB`, url);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CrawlerError) throw error;
    throw fetchError(describeFailure(error), url, error);
  }
  return Buffer.concat(chunks);
}

function describeFailure(error: unknown): string {
  if ((error as Error)?.name === "TimeoutError") return `timed out after ${FETCH_LIMITS.timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `could not connect (${cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)})`;
}

function fetchError(what: string, url: string, cause?: unknown): CrawlerError {
  return new CrawlerError("fetch", `fetch: ${what}: ${redactUrl(url)}`, {
    cause, hint: "Check the address (a capsule's home page, its feed, or its /.well-known/capsule.json) and that the site is up.",
  });
}

function usage(message: string): CrawlerError {
  return new CrawlerError("usage", message, { hint: "Run `capsule verify --help` for usage." });
}
