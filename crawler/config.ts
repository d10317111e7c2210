/**
 * Every crawler option in one table, the way miniflux keeps `config/options.go`: the option, its environment
 * variable, its default and its check. `loadConfig` reads command-line values first, then the environment,
 * then the default, checks them all at start-up and stops with one clear line naming the first bad value.
 */
import { availableParallelism } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "./errors.ts";

type Kind = "string" | "boolean" | "integer" | "duration" | "size" | "host" | "url" | "cron";

interface OptionSpec {
  readonly env: string;
  readonly kind: Kind;
  readonly default: string;
  readonly doc: string;
  readonly min?: number;
  readonly max?: number;
}

/** The option table; `capsule crawl --help` and the README print it. Durations are in seconds once loaded. */
export const OPTIONS = {
  dataDir: { env: "CAPSULE_DATA_DIR", kind: "string", default: ".capsule/crawler", doc: "LMDB store: every feed and entry ever seen" },
  mirrorDir: { env: "CAPSULE_MIRROR_DIR", kind: "string", default: ".capsule/mirror", doc: "mirror pages; the site build publishes them under /mirror/" },
  contentDir: { env: "CAPSULE_CONTENT_DIR", kind: "string", default: "content", doc: "where following.yaml and profile.yaml live" },
  followerUrl: { env: "CAPSULE_URL", kind: "url", default: "", doc: "your capsule's URL, named in the User-Agent (default: profile.yaml url)" },
  concurrency: { env: "CAPSULE_CONCURRENCY", kind: "integer", default: "32", min: 1, max: 1024, doc: "feeds fetched at once" },
  workers: {
    env: "CAPSULE_WORKERS", kind: "integer", default: String(Math.max(1, availableParallelism() - 1)), min: 0, max: 64,
    doc: "worker threads that parse and sanitise on crawls of many feeds (0: none; default: one per core beyond the first)",
  },
  perHostConcurrency: { env: "CAPSULE_PER_HOST_CONCURRENCY", kind: "integer", default: "2", min: 1, max: 64, doc: "feeds fetched at once from one host" },
  connectTimeout: { env: "CAPSULE_CONNECT_TIMEOUT", kind: "duration", default: "10s", min: 1, max: 300, doc: "DNS lookup and connection" },
  timeout: { env: "CAPSULE_TIMEOUT", kind: "duration", default: "30s", min: 1, max: 3600, doc: "a whole fetch, body included" },
  maxBodyBytes: { env: "CAPSULE_MAX_BODY", kind: "size", default: "10MB", min: 1024, max: 1024 ** 3, doc: "feed size cap after decompression" },
  maxRedirects: { env: "CAPSULE_MAX_REDIRECTS", kind: "integer", default: "5", min: 0, max: 20, doc: "redirects followed per fetch" },
  redirectMoves: { env: "CAPSULE_REDIRECT_MOVES", kind: "integer", default: "3", min: 1, max: 100, doc: "fetches answered 301/308 to one place before the stored URL moves" },
  allowPrivateAddresses: {
    env: "CAPSULE_ALLOW_PRIVATE_ADDRESSES", kind: "boolean", default: "false",
    doc: "fetch loopback, private, link-local and CGNAT addresses (home networks, tests)",
  },
  minInterval: { env: "CAPSULE_MIN_INTERVAL", kind: "duration", default: "15m", min: 1, max: 7 * 86400, doc: "shortest time between fetches of one feed" },
  maxInterval: { env: "CAPSULE_MAX_INTERVAL", kind: "duration", default: "1d", min: 60, max: 30 * 86400, doc: "longest time between fetches of one feed" },
  maxBackoff: { env: "CAPSULE_MAX_BACKOFF", kind: "duration", default: "1d", min: 60, max: 30 * 86400, doc: "longest wait after repeated failures (retries never stop)" },
  schedule: { env: "CAPSULE_SCHEDULE", kind: "cron", default: "* * * * *", doc: "when the daemon looks for due feeds (cron syntax)" },
  host: { env: "CAPSULE_HOST", kind: "host", default: "127.0.0.1", doc: "address the daemon's HTTP server binds to" },
  port: { env: "CAPSULE_PORT", kind: "integer", default: "8686", min: 0, max: 65535, doc: "port of the daemon's HTTP server (0: any free port)" },
  heapLimit: {
    env: "CAPSULE_HEAP_LIMIT", kind: "size", default: "160MB", min: 64 * 1024 ** 2, max: 64 * 1024 ** 3,
    doc: "JavaScript heap ceiling of crawl and daemon (V8 otherwise grows it far past what is live); 10,000 feeds crawl within the default; raise it for far more",
  },
  logPerFeed: { env: "CAPSULE_LOG_PER_FEED", kind: "integer", default: "200", min: 1, max: 100_000, doc: "fetch log lines kept per feed" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

type ValueOf<K extends Kind> = K extends "boolean" ? boolean : K extends "integer" | "duration" | "size" ? number : string;

/** The checked configuration: durations in seconds, sizes in bytes, folders absolute. */
export type CrawlerConfig = { readonly [N in OptionName]: ValueOf<(typeof OPTIONS)[N]["kind"]> };

/**
 * Reads and checks every option. `given` holds command-line values (strings, as typed), which win over
 * the environment; `root` is the folder relative paths start from.
 */
export function loadConfig(given: Partial<Record<OptionName, string | number | boolean>> = {}, env: NodeJS.ProcessEnv = process.env, root = process.cwd()): CrawlerConfig {
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    const fromFlag = given[name];
    const fromEnv = env[spec.env];
    const source = fromFlag !== undefined ? `--${toFlag(name)}` : fromEnv !== undefined ? spec.env : `the default of ${name}`;
    const raw = String(fromFlag ?? fromEnv ?? spec.default).trim();
    config[name] = checkValue(raw, spec, source);
  }
  for (const dir of ["dataDir", "mirrorDir", "contentDir"] as const) {
    const value = config[dir] as string;
    config[dir] = isAbsolute(value) ? value : resolve(root, value);
  }
  if ((config["minInterval"] as number) > (config["maxInterval"] as number)) {
    throw new ConfigError("config", `config: minInterval (${config["minInterval"]}s) is longer than maxInterval (${config["maxInterval"]}s)`, {
      hint: `Set ${OPTIONS.minInterval.env} below ${OPTIONS.maxInterval.env}.`,
    });
  }
  return config as CrawlerConfig;
}

/** `maxBodyBytes` → `max-body-bytes`: the command-line spelling of an option. */
export function toFlag(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function checkValue(raw: string, spec: OptionSpec, source: string): string | number | boolean {
  const fail = (expected: string): never => {
    throw new ConfigError("config", `config: ${source}=${JSON.stringify(raw)} is not ${expected}`, {
      hint: `${spec.env}: ${spec.doc} (default ${spec.default || "none"}).`,
    });
  };
  const bounded = (value: number, show: (n: number) => string = String): number => {
    if (spec.min !== undefined && value < spec.min) fail(`at least ${show(spec.min)}`);
    if (spec.max !== undefined && value > spec.max) fail(`at most ${show(spec.max)}`);
    return value;
  };
  switch (spec.kind) {
    case "boolean":
      if (/^(?:1|true|yes|on)$/i.test(raw)) return true;
      if (/^(?:0|false|no|off)$/i.test(raw)) return false;
      return fail("true or false");
    case "integer":
      if (!/^\d+$/.test(raw)) fail("a whole number");
      return bounded(Number(raw));
    case "duration": {
      const seconds = parseDuration(raw);
      return seconds === undefined ? fail("a duration such as 30s, 15m, 6h or 1d") : bounded(seconds, (n) => `${n}s`);
    }
    case "size": {
      const bytes = parseSize(raw);
      return bytes === undefined ? fail("a size such as 512KB or 10MB") : bounded(bytes, formatSize);
    }
    case "url":
      if (raw === "") return raw;
      try {
        const url = new URL(raw);
        if (url.protocol === "http:" || url.protocol === "https:") return url.href;
      } catch {
        // reported below
      }
      return fail("an http(s) URL");
    case "host":
      return /^[a-z0-9.:[\]-]+$/i.test(raw) ? raw : fail("a host name or IP address");
    case "cron":
      return /^(?:\S+\s+){4,5}\S+$/.test(raw) ? raw : fail("a cron expression such as */5 * * * *");
    default:
      return raw;
  }
}

const DURATION_UNITS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86400 };
const SIZE_UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** Bytes as the size syntax writes them: `67108864` → `64MB`; odd amounts stay in bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes} bytes`;
}

/** `90`, `90s`, `15m`, `6h`, `1d` → seconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  return match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!) : undefined;
}

/** `1048576`, `512KB`, `10MB`, `1GB` → bytes; undefined when not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(text.trim());
  return match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!) : undefined;
}
