import { existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Eleventy from "@11ty/eleventy";
import { CapsuleError, findCapsuleError } from "./errors.ts";

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Options of a production build. */
export interface BuildOptions {
  /** The capsule folder (holds `content/`). @default process.cwd() */
  cwd?: string;
  /** Output folder, relative to `cwd`. @default "_site" */
  output?: string;
}

/** What a build wrote. */
export interface BuildResult {
  output: string;
  files: number;
  ms: number;
}

/** A build that stopped; its message is the one a creator needs (file, field, fix). */
export class BuildError extends CapsuleError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("build", message, options);
  }
}

/** The Eleventy config to use: the capsule's own if it has one, else the one shipped with Capsule. */
export function findConfigPath(cwd: string): string {
  const own = join(cwd, "eleventy.config.ts");
  return existsSync(own) ? own : join(PACKAGE_ROOT, "eleventy.config.ts");
}

/** Turns whatever Eleventy threw into one clear BuildError. */
export function toBuildError(error: unknown): CapsuleError {
  const known = findCapsuleError(error);
  if (known) return known;
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = (e as { originalError?: unknown }).originalError ?? e.cause) {
    messages.push(e.message);
  }
  return new BuildError(`the build failed: ${messages.join(": ")}`, { cause: error, hint: "Run with DEBUG=Eleventy* for Eleventy's own log." });
}

/**
 * Builds the capsule into a fresh folder and swaps it in only when every file was written, so a
 * failed build leaves the previous complete site (or nothing), never half a site.
 */
export async function buildSite(options: BuildOptions = {}): Promise<BuildResult> {
  const cwd = options.cwd ?? process.cwd();
  if (resolve(cwd) !== process.cwd()) process.chdir(cwd); // Eleventy resolves its folders from the working directory
  const output = options.output ?? "_site";
  const staging = `${output}.building-${process.pid}`;
  const retired = `${output}.old-${process.pid}`;
  const started = performance.now();
  rmSync(staging, { recursive: true, force: true });
  let files = 0;
  try {
    const eleventy = new Eleventy(undefined, staging, { configPath: findConfigPath(cwd), quietMode: true, runMode: "build" });
    eleventy.disableLogger?.();
    const written = (await eleventy.write()) as unknown[][];
    files = written.flat().length;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw toBuildError(error);
  }
  if (existsSync(output)) renameSync(output, retired);
  renameSync(staging, output);
  rmSync(retired, { recursive: true, force: true });
  return { output, files, ms: performance.now() - started };
}
