#!/usr/bin/env node
// The `capsule` command. Capsule is written in TypeScript and runs through tsx, so creators need no
// build step; Eleventy reads eleventy.config.ts through the same loader.
import { register } from "tsx/esm/api";

register();
// The site CLI never imports the crawler, so crawler commands are dispatched here, and loaded only when used.
const CRAWLER_COMMANDS = new Set(["crawl", "daemon", "status", "import", "export", "verify", "discover"]);
if (CRAWLER_COMMANDS.has(process.argv[2])) {
  const { runCrawlerCommand } = await import("../crawler/cli.ts");
  process.exitCode = (await runCrawlerCommand(process.argv)) ?? 1;
} else {
  const { main } = await import("../site/cli.ts");
  process.exitCode = await main(process.argv);
}
