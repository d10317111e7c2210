/**
 * Worker threads for the CPU-bound step of a crawl (crawler/process.ts: parse, verify, sanitise). On a
 * large crawl the main thread is busy fetching and storing; parsing and sanitising twenty entries costs a
 * few milliseconds per feed, so spreading it over the other cores is what lets a first crawl keep up with
 * the network. A feed always goes to the same worker, whose verifier cache then remembers its payloads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CrawlerError } from "./errors.ts";
import { reviveError, type ProcessInput, type ProcessOutput, type SerializedError } from "./process.ts";

const BOOT = new URL("./process-worker-boot.mjs", import.meta.url);

interface Pending {
  resolve(output: ProcessOutput): void;
  reject(error: Error): void;
}

type Reply = { id: number; output: ProcessOutput } | { id: number; error: SerializedError };

/** A fixed set of worker threads running `processFeedBody`. */
export class ProcessPool {
  readonly #workers: (Worker | undefined)[];
  readonly #pending = new Map<number, Pending & { worker: number }>();
  #nextId = 0;
  #closed = false;

  /** @param size worker threads. @default the cores beyond the first, at least one */
  constructor(size = Math.max(1, availableParallelism() - 1)) {
    // Workers start on first use: a re-crawl where every feed answers 304 never pays for them.
    this.#workers = Array.from({ length: Math.max(1, size) }, () => undefined);
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Processes one fetched feed in the worker that owns `feedId`. */
  run(input: ProcessInput): Promise<ProcessOutput> {
    if (this.#closed) return Promise.reject(new CrawlerError("pool-closed", "process: the worker pool is closed"));
    const index = affinity(input.feed.id, this.#workers.length);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker: index });
      const worker = this.#workers[index] ?? (this.#workers[index] = this.#spawn(index));
      worker.postMessage({ id, input });
    });
  }

  /** Stops every worker; work still pending is rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((worker) => worker?.terminate()));
    this.#failPending(() => true, "the worker pool was closed");
  }

  #spawn(index: number): Worker {
    // A bounded heap: a hostile feed can exhaust a worker (which is replaced), not the daemon.
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 } });
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if ("output" in reply) pending.resolve(reply.output);
      else pending.reject(reviveError(reply.error));
    });
    // A worker that dies (out of memory on a hostile feed) fails only its own work and is replaced.
    worker.on("error", (error) => {
      this.#failPending((p) => p.worker === index, `a processing worker failed (${error.message})`);
      this.#workers[index] = undefined; // the next feed for this slot starts a fresh worker
    });
    return worker;
  }

  #failPending(match: (pending: { worker: number }) => boolean, message: string): void {
    for (const [id, pending] of this.#pending) {
      if (!match(pending)) continue;
      this.#pending.delete(id);
      pending.reject(new CrawlerError("process-worker", `process: ${message}`));
    }
  }
}

function affinity(key: string, size: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % size;
}
