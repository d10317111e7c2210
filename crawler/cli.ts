/**
 * The crawler's commands, reached from bin/capsule.js before the site CLI (the site never imports the
 * crawler): crawl, daemon, status, import, export, verify, discover, and follow by handle or identity (a URL
 * is the site's own `follow`; bin/capsule.js decides). Each command's options are the rows of the
 * configuration table (crawler/config.ts), so a flag, its environment variable and its default agree.
 */
import { relative } from "node:path";
import sade from "sade";
import { CapsuleError } from "../site/errors.ts";
import { runVerify } from "./cli-verify.ts";
import { loadConfig, OPTIONS, parseDuration, toFlag, type OptionName } from "./config.ts";
import { crawlFeeds, openCrawler, selectFeeds, siteUrlOf, syncFollowList, type Crawler, type CrawlProgress } from "./crawl.ts";
import { ConfigError } from "./errors.ts";
import type { CheckedCandidate } from "./follow-candidates.ts";
import { FOLLOW_FORMS } from "./follow-target.ts";
import { rerunWithHeapCeiling } from "./heap-limit.ts";
import { describeFeeds, formatStatus } from "./status.ts";

/** The commands this module runs; bin/capsule.js sends these here. */
export const CRAWLER_COMMANDS = ["crawl", "daemon", "status", "import", "export", "verify", "discover", "follow"] as const;

type Handler = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
type Flags = Record<string, unknown>;

function addConfigOptions(command: ReturnType<typeof sade>, names: readonly OptionName[]) {
  for (const name of names) {
    const spec = OPTIONS[name];
    command.option(`--${toFlag(name)}`, `${spec.doc} (${spec.env}, default ${spec.default || "none"})`);
  }
  return command;
}

// Flags sade parsed → the config table's names; values stay strings so one checker handles every source.
function readFlags(flags: Flags): Partial<Record<OptionName, string>> {
  const given: Partial<Record<OptionName, string>> = {};
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    const value = flags[toFlag(name)];
    if (value !== undefined && value !== true) given[name] = String(value);
    else if (value === true) given[name] = "true";
  }
  return given;
}

const CRAWL_OPTIONS: readonly OptionName[] = [
  "dataDir", "mirrorDir", "contentDir", "followerUrl", "concurrency", "perHostConcurrency", "workers", "connectTimeout", "timeout",
  "maxBodyBytes", "maxRedirects", "redirectMoves", "allowPrivateAddresses", "minInterval", "maxInterval", "maxBackoff", "logPerFeed", "heapLimit",
];

/** The crawler's command-line program. */
export function createCrawlerProgram() {
  const prog = sade("capsule").version("0.1.0");

  addConfigOptions(prog.command("crawl")
    .describe("Fetch every followed feed once (conditional GETs), verify and store new entries, and regenerate mirror pages.")
    .option("--force", "Also fetch feeds that asked to be left alone for now (Retry-After)")
    .example("crawl")
    .example("crawl --allow-private-addresses   # feeds on your home network"), CRAWL_OPTIONS)
    .action(async (flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const rerun = await rerunWithHeapCeiling(config.heapLimit);
      if (rerun !== undefined) return rerun;
      const crawler = openCrawler(config);
      try {
        const sync = await syncFollowList(crawler);
        if (sync.added.length + sync.removed.length > 0) process.stderr.write(`Follow list: ${sync.added.length} added, ${sync.removed.length} removed.\n`);
        const feeds = selectFeeds(crawler.store, { force: flags["force"] === true });
        let skipped = -feeds.length;
        for (const feed of crawler.store.eachFeed()) if (feed.following) skipped++;
        const started = performance.now();
        const bar = createProgressBar(process.stderr);
        // The mesh's follow lists say where else each creator is mirrored, and who mirrors us.
        const { learnMirrors, saveOwnMirrors } = await import("./mesh.ts");
        const mesh = await learnMirrors(crawler);
        saveOwnMirrors(crawler, mesh.ours);
        const progress = await crawlFeeds(crawler, feeds, (p) => bar.update(p), mesh.hints);
        bar.done(progress);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`Crawled ${progress.done} feeds in ${seconds} s: ${progress.added} new entries, ${progress.unchanged} unchanged, ${progress.errors} errors.`
          + (skipped > 0 ? ` ${skipped} waiting out a Retry-After (--force fetches them).` : ""));
        if (progress.errors > 0) console.log("Run `capsule status` to see what failed; failed feeds are retried with backoff and keep their entries.");
        await writeMirrors(crawler);
      } finally {
        await crawler.close();
      }
    });

  addConfigOptions(prog.command("daemon")
    .describe("Crawl on a schedule and serve mirrored feeds over HTTP (127.0.0.1:8686 by default) until stopped.")
    .example("daemon")
    .example("daemon --port 9000 --schedule '*/5 * * * *'"), [...CRAWL_OPTIONS, "schedule", "host", "port"])
    .action(async (flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const rerun = await rerunWithHeapCeiling(config.heapLimit);
      if (rerun !== undefined) return rerun;
      const { startDaemon } = await import("./daemon.ts");
      const daemon = await startDaemon(config, { log: (line) => console.log(line) });
      console.log(`Capsule daemon: serving ${daemon.url}mirror/<id>/feed.xml and ${daemon.url}status.json; crawling on "${config.schedule}". Ctrl-C stops.`);
      // Handlers stay on: a second signal (a terminal's Ctrl-C reaches the process that started this one too,
      // which passes it on: crawler/heap-limit.ts) is the same request, not a reason to die with fetches half
      // written. A third one, when stopping takes too long for someone, stops at once.
      let signals = 0;
      await new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          process.on(signal, () => {
            if (++signals >= 3) process.exit(130);
            resolve();
          });
        }
      });
      console.log("Stopping: finishing running fetches…");
      await daemon.close();
    });

  addConfigOptions(prog.command("discover")
    .describe("Suggest people to follow: whom the people you follow follow (their follow lists), ranked by how many of them do, with name, bio and latest post.")
    .option("--depth", "1: the follow lists of the people you follow; 2: also those of the capsules they list (up to 4)", 2)
    .option("--limit", "Suggestions shown", 20)
    .option("--max-documents", "Follow lists and feeds read in one run, kept or fetched", 200)
    .option("--max-age", "Reuse kept follow lists and feeds younger than this without asking their servers", "6h")
    .option("--json", "Print JSON (every field)")
    .example("discover")
    .example("discover --depth 1 --limit 50")
    .example("discover --json > suggestions.json"), DISCOVER_OPTIONS)
    .action(async (flags: Flags) => {
      const options = {
        depth: readWhole(flags, "depth", 1, 4),
        limit: readWhole(flags, "limit", 1, 1000),
        maxDocuments: readWhole(flags, "max-documents", 1, 100_000),
        maxAge: readSeconds(flags, "max-age"),
      };
      const config = loadConfig(readFlags(flags));
      const [{ discoverCreators }, { formatDiscovery }] = await Promise.all([import("./discover.ts"), import("./discover-view.ts")]);
      const crawler = openCrawler(config);
      try {
        const discovery = await discoverCreators(crawler, options);
        process.stdout.write(flags["json"] ? `${JSON.stringify(discovery, null, 2)}\n` : formatDiscovery(discovery));
      } finally {
        await crawler.close();
      }
    });

  addConfigOptions(prog.command("follow <target>")
    .describe(`Follow a creator by handle or identity, even when their site is gone: the key is checked against the origin and its _capsule DNS record, or found through the mirrors of the capsules you follow, and only a copy whose signatures verify is followed. Takes ${FOLLOW_FORMS}.`)
    .option("--name", "A name to show for them in content/following.yaml")
    .option("--no-dns", "Do not look up the _capsule.<domain> TXT record of a handle")
    .option("--json", "Print the result as JSON (every candidate tried)")
    .example("follow alice.example")
    .example("follow did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
    .example("follow https://alice.example/feed.xml   # a URL is added as it is, without a request"), FOLLOW_OPTIONS)
    .action(async (target: string, flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const { describeCandidate, followCreator, formatFollowResult, readFollowTarget } = await import("./follow.ts");
      const parsed = readFollowTarget(String(target)); // a usage error opens no store
      const crawler = openCrawler(config);
      try {
        const name = flags["name"] === undefined || flags["name"] === true ? undefined : String(flags["name"]);
        const result = await followCreator(crawler, parsed, { name, dns: flags["dns"] !== false }).catch((error: unknown) => {
          // What was tried goes above the one-line error, so a refused mirror is named with its reason.
          for (const candidate of (error as { candidates?: readonly CheckedCandidate[] }).candidates ?? []) process.stderr.write(`  ${describeCandidate(candidate)}\n`);
          throw error;
        });
        process.stdout.write(flags["json"] ? `${JSON.stringify(result, null, 2)}\n` : formatFollowResult(result));
      } finally {
        await crawler.close();
      }
    });

  prog.command("status")
    .describe("Show every followed feed: last fetch, result, entries, next fetch, errors.")
    .option("--json", "Print JSON (every field)")
    .option("--data-dir", `${OPTIONS.dataDir.doc} (${OPTIONS.dataDir.env}, default ${OPTIONS.dataDir.default})`)
    .action(async (flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const { openStore } = await import("./store.ts");
      const store = openStore(config.dataDir);
      try {
        const statuses = describeFeeds(store.listFeeds());
        process.stdout.write(flags["json"] ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatus(statuses, new Date(), process.stdout.isTTY ? process.stdout.columns ?? 120 : Infinity));
      } finally {
        await store.close();
      }
    });

  prog.command("import <file>")
    .describe("Follow every feed in an OPML file (exported from a feed reader).")
    .option("--content-dir", `${OPTIONS.contentDir.doc} (default ${OPTIONS.contentDir.default})`)
    .example("import subscriptions.opml")
    .action(async (file: string, flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const { importOpml } = await import("./opml.ts");
      const result = importOpml(file, config.contentDir);
      console.log(`Imported ${result.added.length} feeds into ${OPTIONS.contentDir.default}/following.yaml (${result.present.length} already followed${result.skipped.length ? `, ${result.skipped.length} skipped: not http(s) addresses` : ""}).`);
      if (result.added.length > 0) console.log("Run `capsule crawl` to fetch them.");
    });

  prog.command("export")
    .describe("Print the follow list as OPML, for a feed reader.")
    .option("--content-dir", `${OPTIONS.contentDir.doc} (default ${OPTIONS.contentDir.default})`)
    .example("export > following.opml")
    .action(async (flags: Flags) => {
      const config = loadConfig(readFlags(flags));
      const { exportOpml } = await import("./opml.ts");
      process.stdout.write(exportOpml(config.contentDir));
    });
  return prog;
}

const DISCOVER_OPTIONS: readonly OptionName[] = [
  "dataDir", "contentDir", "followerUrl", "concurrency", "perHostConcurrency", "connectTimeout", "timeout", "maxBodyBytes", "maxRedirects", "allowPrivateAddresses",
];

// `follow` fetches like discover does: connection options only, nothing about schedules or mirrors.
const FOLLOW_OPTIONS = DISCOVER_OPTIONS;

// Command flags outside the configuration table (discover's), checked with the same kind of message.
function readWhole(flags: Flags, flag: string, min: number, max: number): number {
  const raw = String(flags[flag]);
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError("config", `config: --${flag}=${JSON.stringify(raw)} is not a whole number from ${min} to ${max}`, { hint: "Run `capsule discover --help` for the options." });
  }
  return value;
}

function readSeconds(flags: Flags, flag: string): number {
  const raw = String(flags[flag]);
  const seconds = parseDuration(raw);
  if (seconds === undefined) throw new ConfigError("config", `config: --${flag}=${JSON.stringify(raw)} is not a duration such as 30m, 6h or 1d`, { hint: "Run `capsule discover --help` for the options." });
  return seconds;
}

/** Runs a crawler command from `process.argv`; returns its exit code, or undefined for a command it does not know. */
export async function runCrawlerCommand(argv: readonly string[]): Promise<number | undefined> {
  const command = argv[2];
  if (!(CRAWLER_COMMANDS as readonly string[]).includes(command ?? "")) return undefined;
  if (command === "verify") return runVerify(argv.slice(3));
  const parsed = createCrawlerProgram().parse([...argv], { lazy: true, unknown: (flag: string) => `Unknown option ${flag}` }) as
    { handler: Handler; args: unknown[] } | undefined;
  if (!parsed) return process.exitCode === 1 ? 1 : 0; // --help, or a usage error sade printed
  try {
    const code = await parsed.handler(...parsed.args);
    return typeof code === "number" ? code : 0;
  } catch (error) {
    const known = error instanceof CapsuleError ? error : undefined;
    process.stderr.write(`capsule: ${known ? known.message : (error as Error)?.message ?? String(error)}\n`);
    process.stderr.write(`${known?.hint ?? `Run \`capsule ${command} --help\` for usage.`}\n`);
    if (!known && process.env.CAPSULE_DEBUG) console.error(error);
    return 1;
  }
}

// Mirror pages go into the mirror folder; the next `capsule build` publishes them under /mirror/.
async function writeMirrors(crawler: Crawler): Promise<void> {
  const siteUrl = siteUrlOf(crawler);
  if (!siteUrl) {
    console.log("Mirror pages not written: set `url` in content/profile.yaml (or CAPSULE_URL) to your site's address.");
    return;
  }
  const { regenerateMirrors } = await import("./mirror.ts");
  const result = await regenerateMirrors(crawler.store, { outDir: crawler.config.mirrorDir, siteUrl });
  for (const failure of result.failed) console.error(`capsule: ${failure.error.message}`);
  if (result.regenerated.length > 0) {
    console.log(`Mirror pages: ${result.regenerated.length} creators regenerated in ${relative(process.cwd(), crawler.config.mirrorDir) || "."}/; \`capsule build\` publishes them under /mirror/.`);
  }
}

/** Feeds done / total, new entries and errors on one redrawn line (a TTY), or a line every 10 % otherwise. */
function createProgressBar(stream: NodeJS.WriteStream) {
  let lastDecile = -1;
  let lastDraw = 0;
  const text = (p: CrawlProgress) => `${p.done}/${p.total} feeds · ${p.added} new entries · ${p.errors} errors`;
  return {
    update(progress: CrawlProgress) {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 80 && progress.done < progress.total) return;
        lastDraw = now;
        const width = 24;
        const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
        stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text(progress)}\x1b[K`);
      } else {
        const decile = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
        if (decile !== lastDecile && progress.total >= 20) stream.write(`${text(progress)}\n`);
        lastDecile = decile;
      }
    },
    done(progress: CrawlProgress) {
      if (stream.isTTY && progress.total > 0) stream.write("\n");
    },
  };
}
