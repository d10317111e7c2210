/**
 * TEST ONLY: what the hostile tests watch besides results: which files the process opens while a crawl
 * runs, and how much memory it takes. Neither changes what the code under test does.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { resolve, sep } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Every path opened for reading while the watch ran. */
export interface FileReadWatch {
  readonly paths: string[];
  /** Paths not inside one of `folders`. */
  outside(folders: readonly string[]): string[];
  stop(): void;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Wraps the `node:fs` functions that open or read a file (callback, sync and promise forms) so each call
 * records its path, then re-syncs the ESM named exports so modules that imported them see the wrappers.
 * LMDB opens its files natively and is not seen; everything written in JavaScript is.
 */
export function watchFileReads(): FileReadWatch {
  const paths: string[] = [];
  const restore: (() => void)[] = [];
  const wrap = (owner: Record<string, unknown>, name: string) => {
    const original = owner[name] as AnyFunction;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      const target = args[0];
      if (typeof target === "string" || target instanceof URL || Buffer.isBuffer(target)) paths.push(resolve(String(target instanceof URL ? target.pathname : target)));
      return original.apply(this, args);
    };
    restore.push(() => (owner[name] = original));
  };
  const sync = fs as unknown as Record<string, unknown>;
  for (const name of ["open", "openSync", "readFile", "readFileSync", "createReadStream", "openAsBlob"]) if (typeof sync[name] === "function") wrap(sync, name);
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const name of ["open", "readFile"]) wrap(promises, name);
  syncBuiltinESMExports();
  return {
    paths,
    outside: (folders) => paths.filter((path) => !folders.some((folder) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep))),
    stop() {
      for (const undo of restore.reverse()) undo();
      restore.length = 0;
      syncBuiltinESMExports();
    },
  };
}

let collect: (() => void) | undefined;

/** Runs a full garbage collection (exposing `gc` for this process the first time). */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
  collect();
}

/** Samples resident memory every `everyMs` until stopped; `peak` is the highest seen (bytes). */
export function sampleMemory(everyMs = 25): { readonly peak: number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), everyMs);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}
