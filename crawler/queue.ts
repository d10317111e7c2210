/**
 * Politeness: at most `concurrency` fetches at once overall and `perHost` at once against any one host, with
 * p-queue doing the counting. A task first takes its host's slot, then a global one, so a slow host can hold
 * at most `perHost` of the global slots and never starves the others. A feed already queued is not queued again.
 */
import PQueue from "p-queue";

export interface QueueOptions {
  /** Tasks running at once overall. @default 32 */
  concurrency?: number;
  /** Tasks running at once for one host. @default 2 */
  perHost?: number;
}

/** A fetch queue with a global and a per-host concurrency limit. */
export class FetchQueue {
  readonly #global: PQueue;
  readonly #hosts = new Map<string, PQueue>();
  readonly #perHost: number;
  readonly #pending = new Set<string>();

  constructor(options: QueueOptions = {}) {
    this.#global = new PQueue({ concurrency: options.concurrency ?? 32 });
    this.#perHost = options.perHost ?? 2;
  }

  /** Feeds queued or running. */
  get size(): number {
    return this.#pending.size;
  }

  /** Whether the feed with this key is queued or running. */
  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /**
   * Runs `task` for `key` (a feed id) against `url`'s host within the limits; resolves with its result, or
   * with undefined when the key was already queued. Errors from `task` reject the returned promise.
   */
  async add<T>(key: string, url: string, task: () => Promise<T>): Promise<T | undefined> {
    if (this.#pending.has(key)) return undefined;
    this.#pending.add(key);
    const host = hostOf(url);
    let queue = this.#hosts.get(host);
    if (!queue) {
      queue = new PQueue({ concurrency: this.#perHost });
      this.#hosts.set(host, queue);
    }
    try {
      return await queue.add(() => this.#global.add(task));
    } finally {
      this.#pending.delete(key);
      if (queue.size === 0 && queue.pending === 0) this.#hosts.delete(host);
    }
  }

  /** Resolves when every queued task has finished. */
  async onIdle(): Promise<void> {
    while (this.#pending.size > 0) {
      await Promise.all([this.#global.onIdle(), ...[...this.#hosts.values()].map((q) => q.onIdle())]);
    }
  }

  /** Drops tasks not started yet (running ones finish). */
  clear(): void {
    for (const queue of this.#hosts.values()) queue.clear();
    this.#global.clear();
  }
}

/** The key the per-host limit counts by: the URL's host (with port), lower-cased; the URL itself when it has none. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
