/**
 * The demo mesh: a few sample capsules on loopback ports, each with its own keys, site and crawler daemon,
 * following one another. It owns every server, daemon, child process and folder it makes, and `close()`
 * stops them all, whatever step the mesh was in (Ctrl-C can come at any moment).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../crawler/config.ts";
import { startDaemon, type Daemon } from "../crawler/daemon.ts";
import { mirrorIdOf, type StoredFeed } from "../crawler/model.ts";
import { planFollowing, writeDemoCapsule } from "./demo-capsules.ts";
import { CommandRunner, DemoStoppedError, type CommandOutput } from "./demo-children.ts";
import { DEMO_CREATORS, type DemoCreator } from "./demo-creators.ts";
import { startStaticHost, type StaticHost } from "./static-server.ts";

/** Options of a demo mesh. */
export interface MeshOptions {
  /** How many capsules (3 to 5). @default 5 */
  capsules?: number;
  /** Where one line per daemon event goes. @default nowhere */
  log?: (line: string) => void;
}

/** One capsule of the mesh. */
export interface MeshCapsule {
  readonly creator: DemoCreator;
  readonly dir: string;
  /** Its first host; the address followers followed. */
  readonly origin: StaticHost;
  /** The feed followers followed (on the first host). */
  readonly feedUrl: string;
  /** Where it lives now (changes with `move`). */
  url: string;
  /** The host at its current address (the origin until it moves). */
  host: StaticHost;
  follows: MeshCapsule[];
  daemon: Daemon | undefined;
  /** Its origin was taken down. */
  down: boolean;
}

/** A mesh of demo capsules; `start()` brings it up, `close()` takes everything down. */
export class DemoMesh {
  readonly root: string;
  readonly capsules: MeshCapsule[] = [];
  readonly #count: number;
  readonly #log: (line: string) => void;
  readonly #runner = new CommandRunner();
  readonly #hosts = new Set<StaticHost>();
  readonly #daemons = new Set<Daemon>();
  readonly #busy = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(options: MeshOptions = {}) {
    const count = options.capsules ?? 5;
    if (!Number.isInteger(count) || count < 3 || count > DEMO_CREATORS.length) {
      throw new TypeError(`capsules: expected a whole number from 3 to ${DEMO_CREATORS.length}, got ${count}`);
    }
    this.#count = count;
    this.#log = options.log ?? (() => {});
    this.root = mkdtempSync(join(tmpdir(), "capsule-demo-"));
  }

  /** Whether `close()` was called. */
  get closing(): boolean {
    return this.#closing !== undefined;
  }

  /** Listens on a free port for each capsule, then writes its content (the profile needs that address) and keys. */
  async create(now = new Date()): Promise<void> {
    await this.#track(async () => {
      const creators = DEMO_CREATORS.slice(0, this.#count);
      const hosts = await settleAll(creators.map(() => this.#startHost()));
      creators.forEach((creator, i) => {
        const origin = hosts[i]!;
        const feedUrl = `${origin.url}feed.xml`;
        this.capsules.push({ creator, dir: join(this.root, creator.slug), origin, feedUrl, url: origin.url, host: origin, follows: [], daemon: undefined, down: false });
      });
      planFollowing(this.#count).forEach((targets, i) => {
        const capsule = this.capsules[i]!;
        capsule.follows = targets.map((t) => this.capsules[t]!);
        const follows = capsule.follows.map((f) => ({ url: f.feedUrl, name: f.creator.name }));
        writeDemoCapsule(capsule.dir, capsule.creator, { url: capsule.url, follows, now });
      });
    });
  }

  /** Builds the given capsules side by side with the real `capsule build`; each host serves its `_site/`. */
  async build(capsules: readonly MeshCapsule[] = this.capsules): Promise<void> {
    await this.#track(() => settleAll(capsules.map(async (capsule) => {
      await this.#runner.run(capsule.dir, ["build"]);
      capsule.origin.root = join(capsule.dir, "_site");
      capsule.host.root = capsule.origin.root;
    })));
  }

  /** Starts each capsule's crawler daemon (loopback allowed, any free port) and waits for its first crawl. */
  async startCrawlers(): Promise<void> {
    await this.#track(() => settleAll(this.capsules.map(async (capsule) => {
      const config = loadConfig({ allowPrivateAddresses: true, port: 0, workers: 0, minInterval: "1m" }, {}, capsule.dir);
      this.#check();
      const daemon = await startDaemon(config, { log: (line) => this.#log(`[${capsule.creator.name}] ${line}`) });
      this.#daemons.add(daemon);
      this.#check();
      capsule.daemon = daemon;
      await daemon.tick();
    })));
  }

  /**
   * A crawl cycle now, as each daemon runs it on its schedule but over every followed feed, due or not: it
   * learns who mirrors whom from the follow lists, fetches (falling back to mirrors), writes mirror pages.
   */
  async crawl(): Promise<void> {
    await this.#track(() => settleAll(this.capsules.map(async ({ daemon }) => daemon?.tick({ all: true }))));
  }

  /** Takes a capsule's origin down: its host stops answering. */
  async takeDown(capsule: MeshCapsule): Promise<void> {
    await this.#track(async () => {
      capsule.down = true;
      await capsule.origin.close();
    });
  }

  /**
   * Moves a capsule to a new free port with the real `capsule move`, rebuilds it, and serves the same build
   * at both addresses, as the command asks, so followers find the signed location record at the old one.
   */
  async move(capsule: MeshCapsule): Promise<CommandOutput> {
    return this.#track(async () => {
      const host = await this.#startHost();
      const output = await this.#runner.run(capsule.dir, ["move", host.url]);
      capsule.url = host.url;
      capsule.host = host;
      await this.build([capsule]);
      return output;
    });
  }

  /** The feed `follower` stores for `followed` (found by the URL it was followed at). */
  findFollowedFeed(follower: MeshCapsule, followed: MeshCapsule): StoredFeed | undefined {
    return follower.daemon?.crawler.store.listFeeds().find((feed) => feed.followedUrl === followed.feedUrl);
  }

  /** The address of `followed`'s mirror pages on `follower`'s site, once crawled. */
  mirrorUrlOf(follower: MeshCapsule, followed: MeshCapsule): string | undefined {
    const feed = this.findFollowedFeed(follower, followed);
    return feed && feed.entryCount > 0 ? `${follower.url}mirror/${mirrorIdOf(feed)}/` : undefined;
  }

  /** Stops every command, daemon and host, and removes the folder unless `keep`; safe at any step, and twice. */
  close(options: { keep?: boolean } = {}): Promise<void> {
    this.#closing ??= (async () => {
      await this.#runner.stop();
      await Promise.allSettled([...this.#busy]); // steps in flight fail fast once their commands are gone
      await Promise.allSettled([...this.#daemons].map((daemon) => daemon.close()));
      await Promise.allSettled([...this.#hosts].map((host) => host.close()));
      if (!options.keep) rmSync(this.root, { recursive: true, force: true });
    })();
    return this.#closing;
  }

  async #startHost(): Promise<StaticHost> {
    const host = await startStaticHost();
    this.#hosts.add(host);
    this.#check();
    return host;
  }

  #check(): void {
    if (this.#closing) throw new DemoStoppedError();
  }

  async #track<T>(step: () => Promise<T>): Promise<T> {
    this.#check();
    const running = step();
    this.#busy.add(running);
    try {
      return await running;
    } finally {
      this.#busy.delete(running);
    }
  }
}

// Like Promise.all, but waits for every step before failing, so nothing is still starting when close() runs.
async function settleAll<T>(steps: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
