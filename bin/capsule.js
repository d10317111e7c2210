#!/usr/bin/env node
// The `capsule` command. Capsule is written in TypeScript and runs through tsx, so creators need no
// build step; Eleventy reads eleventy.config.ts through the same loader.
import { register } from "tsx/esm/api";

register();
// The site CLI never imports the crawler, so crawler commands are dispatched here, and loaded only when used.
const CRAWLER_COMMANDS = new Set(["crawl", "daemon", "status", "import", "export", "verify", "discover"]);
const command = process.argv[2];
// `follow <url>` stays the site's (it writes the URL, no request); a handle or an identity needs the crawler to resolve it.
const resolving = command === "follow" && (await import("../crawler/follow-target.ts")).isResolvingFollow(process.argv.slice(3));
if (CRAWLER_COMMANDS.has(command) || resolving) {
  const { runCrawlerCommand } = await import("../crawler/cli.ts");
  process.exitCode = (await runCrawlerCommand(process.argv)) ?? 1;
} else {
  const { main } = await import("../site/cli.ts");
  process.exitCode = await main(process.argv);
}
