#!/usr/bin/env node
// The `capsule` command. Capsule is written in TypeScript and runs through tsx, so creators need no
// build step; Eleventy reads eleventy.config.ts through the same loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../site/cli.ts");
process.exitCode = await main(process.argv);
