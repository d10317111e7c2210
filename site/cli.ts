import sade from "sade";
import { registerKeyCommands } from "./cli-keys.ts";
import { CapsuleError } from "./errors.ts";
import { addFollow, removeFollow } from "./follow-list.ts";
import { askMissing, initCapsule, type InitAnswers } from "./init.ts";
import { deletePost, moveCapsule } from "./lifecycle.ts";
import { createPost } from "./new-post.ts";

const CONTENT = "content";

type Handler = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The `capsule` program: its commands, parsed with sade. */
export function createProgram() {
  const prog = sade("capsule").version("0.1.0")
    .describe("Own your social presence: one creator, one static site; following is mirroring.");

  prog.command("build")
    .describe("Build the capsule into _site/ (drafts left out). A failed build keeps the previous _site/.")
    .option("-o, --output", "Output folder", "_site")
    .action(async (opts: { output: string }) => {
      const { buildSite } = await import("./build.ts"); // Eleventy loads only for the commands that build
      const result = await buildSite({ output: opts.output });
      console.log(`Built ${result.files} files into ${result.output}/ in ${(result.ms / 1000).toFixed(1)} s.`);
    });

  prog.command("dev")
    .describe("Build with drafts and serve with live reload.")
    .option("-p, --port", "Port to listen on (the next free one is used if taken)", 8080)
    .action(async (opts: { port: number }) => {
      const { startDevServer } = await import("./dev.ts");
      const server = await startDevServer({ port: Number(opts.port) });
      console.log(`Capsule is being served at ${server.url} (drafts shown). Edit content/ and the page reloads. Ctrl-C stops.`);
      await new Promise(() => {}); // serve until interrupted
    });

  prog.command("new <kind> <text>")
    .describe('Write a new post: `capsule new note "…"` or `capsule new article "Title"`.')
    .example('new note "Glaze test came out of the kiln blue."')
    .example('new article "How I fire a wood kiln"')
    .action((kind: string, text: string) => {
      if (kind !== "note" && kind !== "article") {
        throw new CapsuleError("usage", `"${kind}" is not a kind of post.`, { hint: "Use `capsule new note …` or `capsule new article …`." });
      }
      const path = createPost(CONTENT, kind, text);
      console.log(kind === "article"
        ? `Created ${path} as a draft: write it, then delete the line \`draft: true\` to publish.`
        : `Created ${path}.`);
    });

  prog.command("init")
    .describe("Turn the sample into your own capsule: asks for your name and address, removes the sample posts.")
    .option("--name", "Your name").option("--url", "Where the capsule will be published")
    .option("--handle", "Your handle").option("--bio", "One line about you")
    .option("--language", "Language of your posts").option("--email", "Contact email")
    .action(async (opts: InitAnswers) => {
      const given = Object.fromEntries(Object.entries(opts).filter(([k, v]) => ["name", "url", "handle", "bio", "language", "email"].includes(k) && v !== undefined).map(([k, v]) => [k, String(v)]));
      const answers = await askMissing(given);
      const { removed, firstPost } = initCapsule(CONTENT, answers);
      console.log(`Your capsule is ready: ${removed} sample posts removed, profile in content/profile.yaml, first post ${firstPost}.`);
      console.log("Next: `npm start` to see it, then git push to publish.");
    });

  prog.command("delete <file>")
    .describe("Delete a post: the next build publishes a signed tombstone, and followers drop their copies.")
    .action((file: string) => {
      const line = deletePost(file);
      console.log(`Marked ${file} deleted (${line}). Build and deploy to publish the tombstone.`);
    });

  prog.command("move <url>")
    .describe("Move the capsule to a new address, keeping its identity, followers and history.")
    .action((url: string) => {
      const move = moveCapsule(process.cwd(), CONTENT, url);
      console.log(`The capsule moves from ${move.from} to ${move.to} (location ${move.seq}).`);
      console.log("Build, then deploy the same build to BOTH addresses: the old one tells followers where you went.");
      console.log("Commit content/profile.yaml and .capsule/location.json.");
    });

  // A handle or an identity never reaches this action: bin/capsule.js sends those to the crawler, which resolves them.
  prog.command("follow <url>")
    .describe("Follow a capsule or any feed (adds it to content/following.yaml). Also by handle (alice.example, @alice.example) or identity (did:key:z6Mk…, z6Mk…): the crawler finds the creator at their origin or, when it is gone, on the mirrors of the capsules you follow, and follows only a copy whose signatures verify (`capsule follow <handle> --help` for its options).")
    .option("--name", "A name to show for it")
    .example("follow https://friend.example/feed.xml")
    .example("follow friend.example")
    .example("follow did:key:z6Mk…")
    .action((url: string, opts: { name?: string }) => {
      const added = addFollow(CONTENT, url, opts.name);
      console.log(added ? `Following ${url}.` : `Already following ${url}.`);
    });

  prog.command("unfollow <url>")
    .describe("Stop following a capsule or feed.")
    .action((url: string) => {
      const removed = removeFollow(CONTENT, url);
      console.log(removed ? `No longer following ${url}.` : `${url} was not in the follow list.`);
    });

  // Listed here so `capsule --help` shows them; bin/capsule.js hands these to crawler/cli.ts before this
  // program runs (the site never imports the crawler), so the action is reached only by calling main() directly.
  const crawlerCommands: [string, string][] = [
    ["crawl", "Fetch the feeds you follow, verify and keep their entries, and write mirror pages. `capsule crawl --help` for more."],
    ["daemon", "Crawl on a schedule and serve mirrored feeds over HTTP. `capsule daemon --help` for more."],
    ["status", "Show each followed feed: last fetch, result, entries, next fetch, errors."],
    ["import <file>", "Follow every feed in an OPML file from a feed reader."],
    ["export", "Print the follow list as OPML."],
    ["verify <url-or-file>", "Check a capsule's signatures: identity, keys, entries, checkpoint, location. `capsule verify --help` for more."],
    ["discover", "Suggest people to follow from the follow lists of the people you follow. `capsule discover --help` for more."],
  ];
  for (const [usage, description] of crawlerCommands) {
    prog.command(usage).describe(description).action(() => {
      const name = usage.split(" ")[0];
      throw new CapsuleError("usage", `${name} runs from the capsule command (bin/capsule.js), not from the site CLI.`, { hint: `Run \`capsule ${name}\`.` });
    });
  }

  registerKeyCommands(prog);
  return prog;
}

/** Runs the CLI and returns the exit code: one line and a hint on error, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const parsed = createProgram().parse(argv, { lazy: true }) as { handler: Handler; args: unknown[] } | undefined;
  if (!parsed) return process.exitCode === 1 ? 1 : 0; // --help, --version or a usage error sade printed
  try {
    await parsed.handler(...parsed.args);
    return 0;
  } catch (error) {
    const known = error instanceof CapsuleError ? error : undefined;
    console.error(`capsule: ${known ? known.message : (error as Error).message ?? String(error)}`);
    console.error(known?.hint ?? "Run `capsule --help` for usage.");
    if (!known && process.env.CAPSULE_DEBUG) console.error(error);
    return 1;
  }
}
