/**
 * TEST ONLY: the hostile server of issue 6, one route per attack. Each attack is a feed that first served a
 * good copy (`goodFeed`) and then turned hostile; `expect` says what the crawler must make of it: one clear
 * error (and nothing stored), or a feed read as well as it can be (with a warning when it was broken).
 * Everything here is served from 127.0.0.1; the names it uses (`hostile.test`, `intranet.test`) only exist
 * in the lookup the tests inject.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LookupFunction } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { StoredEntry } from "../../../crawler/model.ts";
import { REPO } from "../../helpers/temp-capsule.ts";

/** The crawler's default body cap (crawler/config.ts `maxBodyBytes` = 10MB). */
export const DEFAULT_CAP = 10 * 1024 * 1024;
/** The host every attack is served under; the tests' lookup sends it to 127.0.0.1. */
export const HOSTILE_HOST = "hostile.test";
/** A name the tests' lookup resolves to a private address. */
export const INTRANET_HOST = "intranet.test";
/** What the injected lookup answers for INTRANET_HOST; nothing may ever connect there. */
export const INTRANET_ADDRESS = "192.168.13.37";

/** The tests' resolver: the hostile host is this machine, the intranet host a private address nobody may reach. */
export const hostileLookup: LookupFunction = (hostname, options, callback) => {
  const address = hostname === INTRANET_HOST ? INTRANET_ADDRESS : hostname === HOSTILE_HOST ? "127.0.0.1" : undefined;
  if (address === undefined) return void callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", undefined);
  if (options.all) callback(null, [{ address, family: 4 }]);
  else callback(null, address, 4);
};

/** Where an attack is served, and the secret file an XXE tries to read. */
export interface AttackContext {
  /** `http://hostile.test:<port>`, no trailing slash. */
  readonly origin: string;
  /** Path of the route (`/<prefix><name>.xml`). */
  readonly path: string;
  /** A file outside the data folder whose content must never appear anywhere. */
  readonly secretPath: string;
  /** Paths on the hostile server an external entity or DTD points at: they must never be requested. */
  readonly probePaths: readonly string[];
}

/** What a refresh of the attack must end with. */
export type AttackExpectation =
  | { readonly kind: "error"; readonly code: string; readonly message: RegExp }
  | {
    readonly kind: "read";
    /** The refresh warning (bozo feed, Content-Type lie); undefined: no warning at all. */
    readonly warning?: RegExp;
    /** Problems with the entries stored from the hostile copy (`since`: when the crawl started); the previous ones are checked for every attack. */
    readonly check?: (added: readonly StoredEntry[], since: Date) => string[];
  };

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface Attack {
  /** The route's name: `/<prefix><name>.xml`. */
  readonly name: string;
  /** The route handler that serves the attack (built once per route). */
  readonly serve: (context: AttackContext) => Handler;
  readonly expect: AttackExpectation;
  /** Only meaningful where private addresses are refused (a redirect to one). */
  readonly needsRefusal?: boolean;
  /** Followed at https:// (the server speaks plain HTTP there). */
  readonly https?: boolean;
}

const RSS_TYPE = { "content-type": "application/rss+xml; charset=utf-8" };

/** The good copy every attack serves first: two entries keyed `<name>-1` and `<name>-2`. */
export function goodFeed(name: string, origin: string): string {
  return rss(name, origin, [1, 2].map((n) => item(`${name}-${n}`, `Good post ${n} of ${name}`, `<p>Body ${n} of ${name}.</p>`)).join(""));
}

function rss(name: string, origin: string, items: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Feed ${name}</title><link>${origin}/</link>`
    + `<description>Attack ${name}</description>${items}</channel></rss>\n`;
}

function item(guid: string, title: string, html: string, extra = ""): string {
  return `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate>`
    + `<description>${html.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</description>${extra}</item>`;
}

const send = (body: string | Buffer, headers: Record<string, string | number> = RSS_TYPE, status = 200): Handler =>
  (_request, response) => void response.writeHead(status, headers).end(body);

/** Writes `chunk` until the client goes away, minding backpressure. */
function pump(response: ServerResponse, chunk: Buffer): void {
  let open = true;
  response.on("close", () => (open = false));
  const more = () => {
    while (open && response.write(chunk));
    if (open) response.once("drain", more);
  };
  more();
}

/** A feed whose UTF-8 text is exactly `size` bytes: a good copy with one more entry, padded in a comment. */
function paddedFeed(name: string, origin: string, size: number): Buffer {
  const text = rss(name, origin, item(`${name}-3`, "Padded", "<p>padded</p>") + "<!--PAD-->");
  const padding = size - Buffer.byteLength(text) + "PAD".length;
  if (padding < 0) throw new Error(`paddedFeed: ${size} bytes is too small`);
  const buffer = Buffer.from(text.replace("PAD", "x".repeat(padding)));
  if (buffer.length !== size) throw new Error(`paddedFeed: made ${buffer.length} bytes, wanted ${size}`);
  return buffer;
}

const fixture = (name: string) => readFileSync(join(REPO, "test/fixtures/feeds", name));
const oneLine = /^(?:fetch|parse): [^\n]+$/;

/** Every attack the issue lists (and a few neighbours), in its order. */
export const ATTACKS: readonly Attack[] = [
  {
    name: "endless-body",
    serve: () => (_request, response) => {
      response.writeHead(200, RSS_TYPE);
      response.write("<rss><channel><title>");
      pump(response, Buffer.alloc(64 * 1024, "a"));
    },
    expect: { kind: "error", code: "too-large", message: /^fetch: response larger than 10 MiB \(after decompression\): / },
  },
  {
    name: "just-over-cap",
    // Chunked, no Content-Length: only the count of bytes read stops it.
    serve: ({ origin }) => (_request, response) => {
      const body = paddedFeed("just-over-cap", origin, DEFAULT_CAP + 1);
      response.writeHead(200, RSS_TYPE);
      response.write(body.subarray(0, 1000));
      response.end(body.subarray(1000));
    },
    expect: { kind: "error", code: "too-large", message: /^fetch: response larger than 10 MiB/ },
  },
  {
    name: "just-under-cap",
    serve: ({ origin }) => send(paddedFeed("just-under-cap", origin, DEFAULT_CAP)),
    expect: { kind: "read", check: (added) => keysAre(added, ["just-under-cap-3"]) },
  },
  {
    name: "gzip-bomb",
    // 64 gzip members of 1 MiB of zeros: about 65 KB on the wire, 64 MiB inflated.
    serve: () => {
      const member = gzipSync(Buffer.alloc(1024 * 1024));
      const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
      return send(bomb, { ...RSS_TYPE, "content-encoding": "gzip" });
    },
    expect: { kind: "error", code: "too-large", message: /^fetch: response larger than 10 MiB \(after decompression\)/ },
  },
  {
    name: "slow-drip",
    serve: ({ origin }) => (_request, response) => {
      const body = goodFeed("slow-drip", origin);
      response.writeHead(200, RSS_TYPE);
      let at = 0;
      const timer = setInterval(() => response.write(body[at++] ?? " "), 1000); // one byte a second
      response.on("close", () => clearInterval(timer));
    },
    expect: { kind: "error", code: "timeout", message: /^fetch: timed out after \d+ s: / },
  },
  {
    name: "endless-headers",
    // Header lines trickle in forever; the response never starts.
    serve: () => (request) => {
      const socket = request.socket;
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n");
      let n = 0;
      const timer = setInterval(() => socket.write(`X-Never-Ends-${n++}: ${"z".repeat(20)}\r\n`), 100);
      socket.on("close", () => clearInterval(timer));
    },
    expect: { kind: "error", code: "timeout", message: /^fetch: timed out after \d+ s: / },
  },
  {
    name: "redirect-loop",
    serve: ({ path }) => send("", { location: path }, 302),
    expect: { kind: "error", code: "too-many-redirects", message: /^fetch: more than 5 redirects \(302 → 302 → 302 → 302 → 302 → 302\): / },
  },
  {
    name: "redirect-private-address",
    serve: () => send("", { location: "http://10.0.0.1/feed.xml" }, 301),
    expect: { kind: "error", code: "refused-address", message: /^fetch: refused to connect \(10\.0\.0\.1 is a private address\): http:\/\/10\.0\.0\.1\/feed\.xml$/ },
    needsRefusal: true,
  },
  {
    name: "redirect-private-name",
    serve: () => send("", { location: `http://${INTRANET_HOST}/feed.xml` }, 307),
    expect: {
      kind: "error", code: "refused-address",
      message: new RegExp(`^fetch: refused to connect to ${INTRANET_HOST} \\(${INTRANET_ADDRESS.replace(/\./g, "\\.")} is a private address\\): `),
    },
    needsRefusal: true,
  },
  {
    name: "redirect-file-scheme",
    serve: ({ secretPath }) => send("", { location: `file://${secretPath}` }, 302),
    expect: { kind: "error", code: "bad-scheme", message: /^fetch: redirect to an unsupported scheme \(file:\): / },
  },
  {
    name: "html-page",
    serve: () => send(fixture("html-page-advertising-feeds.html"), { "content-type": "text/html; charset=utf-8" }),
    expect: { kind: "error", code: "not-a-feed", message: /^parse: not a feed \(an HTML page, it advertises / },
  },
  {
    name: "empty-200",
    serve: () => send(""),
    expect: { kind: "error", code: "empty", message: /^parse: / },
  },
  {
    name: "content-type-html",
    serve: ({ origin }) => send(rss("content-type-html", origin, item("content-type-html-3", "Served as HTML", "<p>x</p>")), { "content-type": "text/html" }),
    expect: { kind: "read", warning: /served as text\/html/, check: (added) => keysAre(added, ["content-type-html-3"]) },
  },
  {
    name: "content-type-charset-lie",
    // Says UTF-16, is UTF-8 (with a non-ASCII character that would turn to mojibake if believed).
    serve: ({ origin }) => send(rss("content-type-charset-lie", origin, item("content-type-charset-lie-3", "Café", "<p>x</p>")), { "content-type": "application/rss+xml; charset=utf-16" }),
    expect: { kind: "read", warning: /utf-16/i, check: (added) => titlesAre(added, ["Café"]) },
  },
  {
    name: "billion-laughs",
    serve: () => send(fixture("billion-laughs.xml")),
    expect: { kind: "error", code: "entity-limit", message: /^parse: .*billion-laughs/ },
  },
  {
    name: "xxe-local-file",
    serve: ({ origin, secretPath, probePaths }) => send(`<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "${origin}${probePaths[0]}" [
  <!ENTITY xxe SYSTEM "file://${secretPath}">
  <!ENTITY remote SYSTEM "${origin}${probePaths[1]}">
  <!ENTITY % dtd SYSTEM "${origin}${probePaths[2]}">
  %dtd;
]>
<rss version="2.0"><channel><title>Leak: &xxe;</title><link>${origin}/</link>
<item><guid>xxe-local-file-3</guid><title>Secret: &xxe;</title><description>&xxe; and &remote;</description><link>${origin}/p/&xxe;</link></item>
</channel></rss>
`),
    expect: { kind: "read", warning: /not well formed/, check: (added) => keysAre(added, ["xxe-local-file-3"]) },
  },
  {
    name: "invalid-utf8",
    serve: ({ origin }) => send(Buffer.concat([
      Buffer.from(rss("invalid-utf8", origin, item("invalid-utf8-3", "BROKEN", "<p>x</p>")).split("BROKEN")[0]!),
      Buffer.from([0x78, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x78]),
      Buffer.from(rss("invalid-utf8", origin, item("invalid-utf8-3", "BROKEN", "<p>x</p>")).split("BROKEN")[1]!),
    ])),
    expect: { kind: "read", warning: /UTF-8|not well formed/i, check: (added) => keysAre(added, ["invalid-utf8-3"]) },
  },
  {
    name: "utf16-no-bom",
    serve: ({ origin }) => send(Buffer.from(rss("utf16-no-bom", origin, item("utf16-no-bom-3", "héllo ✓ 日本", "<p>x</p>")).replace('encoding="utf-8"', 'encoding="utf-16"'), "utf16le"), { "content-type": "application/rss+xml" }),
    expect: { kind: "read", check: (added) => titlesAre(added, ["héllo ✓ 日本"]) },
  },
  {
    name: "many-items",
    // 100,000 items (about 4 MB, under the cap): all read and stored, each once.
    serve: ({ origin }) => {
      const items = Array.from({ length: 100_000 }, (_, i) => `<item><guid>m${i}</guid><title>t${i}</title></item>`).join("");
      return send(rss("many-items", origin, items));
    },
    expect: { kind: "read", check: (added) => (added.length === 100_000 ? [] : [`stored ${added.length} of 100,000 items`]) },
  },
  {
    name: "item-20mb",
    // One 20 MB item, gzipped (about 60 KB on the wire): the cap counts the inflated bytes.
    serve: ({ origin }) => send(gzipSync(rss("item-20mb", origin, item("item-20mb-3", "Huge", `<p>${"word ".repeat(4_000_000)}</p>`))), { ...RSS_TYPE, "content-encoding": "gzip" }),
    expect: { kind: "error", code: "too-large", message: /^fetch: response larger than 10 MiB \(after decompression\)/ },
  },
  {
    name: "duplicate-missing-guids",
    serve: ({ origin }) => send(rss("duplicate-missing-guids", origin, [
      item("dup", "First dup", "<p>first</p>"),
      item("dup", "Second dup", "<p>second</p>"),
      `<item><title>No guid, a link</title><link>${origin}/no-guid</link></item>`,
      "<item><title>No guid, no link</title><description>same</description></item>",
      "<item><title>No guid, no link</title><description>same</description></item>",
    ].join(""))),
    expect: {
      kind: "read",
      check: (added) => [
        ...(added.length === 3 ? [] : [`stored ${added.length} entries, expected 3 (dup, the link, one content hash)`]),
        ...(added.find((e) => e.key === "dup")?.entry.title?.value === "First dup" ? [] : ["the first of two duplicate guids is kept"]),
        ...(added.some((e) => e.key.endsWith("/no-guid")) ? [] : ["an entry without guid is keyed by its link"]),
        ...(added.some((e) => /^sha256:/.test(e.key)) ? [] : ["an entry without guid or link is keyed by its content"]),
      ],
    },
  },
  {
    name: "year-0-and-9999",
    serve: ({ origin }) => send(rss("year-0-and-9999", origin, [
      item("year-0", "Year 0", "<p>0</p>").replace(/<pubDate>[^<]*/, "<pubDate>Sat, 01 Jan 0000 00:00:00 GMT"),
      item("year-9999", "Year 9999", "<p>9999</p>").replace(/<pubDate>[^<]*/, "<pubDate>Fri, 31 Dec 9999 23:59:59 GMT"),
      item("year-minus", "Year -1", "<p>-1</p>", '<dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">-000001-01-01T00:00:00Z</dc:date>').replace(/<pubDate>[^<]*<\/pubDate>/, ""),
    ].join(""))),
    expect: {
      kind: "read",
      check: (added, since) => {
        const published = new Map(added.map((e) => [e.key, e.published]));
        const problems: string[] = [];
        if (published.get("year-9999") !== "9999-12-31T23:59:59.000Z") problems.push(`year 9999 stored as ${published.get("year-9999")}`);
        // A date no feed can mean falls back to when the entry was first seen.
        for (const key of ["year-0", "year-minus"]) {
          if (!(Date.parse(published.get(key) ?? "") >= since.getTime())) problems.push(`${key} stored as published ${published.get(key)}`);
        }
        return problems;
      },
    },
  },
  {
    name: "nul-bytes",
    serve: ({ origin }) => send(rss("nul-bytes", origin, item("nul-bytes-3", "a\u0000b", "<p>c\u0000d</p>") + "\u0000")),
    expect: { kind: "read", warning: /not well formed/, check: (added) => titlesAre(added, ["ab"]) },
  },
  {
    name: "deep-nesting",
    serve: ({ origin }) => send(rss("deep-nesting", origin, `<item><guid>deep-nesting-3</guid><title>Deep</title><x:deep xmlns:x="urn:x">${"<x:d>".repeat(50_000)}${"</x:d>".repeat(50_000)}</x:deep></item>`
      + item("deep-nesting-4", "After", "<p>after</p>"))),
    expect: { kind: "read", warning: /nested deeper than/, check: (added) => keysAre(added, ["deep-nesting-3", "deep-nesting-4"]) },
  },
  {
    name: "retry-after-past",
    serve: () => send("slow down", { "content-type": "text/plain", "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }, 429),
    expect: { kind: "error", code: "http-status", message: /^fetch: too many requests \(429 status code, retry after 2015-10-21T07:28:00\.000Z\): / },
  },
  {
    name: "retry-after-10-years",
    serve: () => send("slow down", { "content-type": "text/plain", "retry-after": String(10 * 365 * 86400) }, 429),
    expect: { kind: "error", code: "http-status", message: /^fetch: too many requests \(429 status code, retry after 20\d\d-/ },
  },
  {
    name: "reset-mid-body",
    serve: ({ origin }) => (_request, response) => {
      const body = goodFeed("reset-mid-body", origin);
      response.writeHead(200, { ...RSS_TYPE, "content-length": body.length * 10 });
      response.write(body.slice(0, 100), () => setTimeout(() => response.socket?.resetAndDestroy(), 20));
    },
    expect: { kind: "error", code: "network", message: /^fetch: connection reset by the server \(ECONNRESET\): / },
  },
  {
    name: "tls-less-https",
    // Followed at https://, where the server only speaks plain HTTP.
    serve: ({ origin }) => send(goodFeed("tls-less-https", origin)),
    expect: { kind: "error", code: "tls", message: /^fetch: TLS failure \(/ },
    https: true,
  },
];

/** Whether an error message reads as one line that starts with its step, as `capsule status` shows it. */
export function isOneClearLine(message: string | null | undefined): boolean {
  return typeof message === "string" && oneLine.test(message) && message.length < 400;
}

function keysAre(added: readonly StoredEntry[], keys: string[]): string[] {
  const found = added.map((e) => e.key).sort();
  return JSON.stringify(found) === JSON.stringify([...keys].sort()) ? [] : [`stored keys ${JSON.stringify(found)}, expected ${JSON.stringify(keys)}`];
}

function titlesAre(added: readonly StoredEntry[], titles: string[]): string[] {
  const found = added.map((e) => e.entry.title?.value ?? null);
  return JSON.stringify(found) === JSON.stringify(titles) ? [] : [`stored titles ${JSON.stringify(found)}, expected ${JSON.stringify(titles)}`];
}
