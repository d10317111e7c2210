/**
 * The keep-alive agents behind crawler/fetch.ts, and the User-Agent it sends. One agent pair serves many
 * feeds so a re-crawl reuses sockets instead of paying a TCP (and TLS) handshake per feed. Pools are kept
 * apart per address policy: a socket opened while private addresses were allowed must never be reused by a
 * fetch that refuses them, since a pooled socket skips the DNS check.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";

/** An http and an https keep-alive agent used together by `fetchFeed`. */
export interface FetchAgent {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  /** Closes every socket, idle or busy; the agent must not be used afterwards. */
  close(): void;
}

/** Options of `createFetchAgent`. */
export interface FetchAgentOptions {
  /** Sockets per host (the queue limits per-host concurrency; this is the backstop). @default 16 */
  maxSockets?: number;
  /** Milliseconds an idle socket is kept; servers' own `Keep-Alive: timeout` hints shorten it. @default 15_000 */
  idleMs?: number;
}

/** Creates a pair of keep-alive agents for `fetchFeed`'s `agent` option; close it when done. */
export function createFetchAgent(options: FetchAgentOptions = {}): FetchAgent {
  // LIFO reuses the most recently used socket, so a crawl keeps a few warm sockets rather than many cold ones.
  const settings = { keepAlive: true, maxSockets: options.maxSockets ?? 16, timeout: options.idleMs ?? 15_000, scheduling: "lifo" as const };
  const http = new HttpAgent(settings);
  const https = new HttpsAgent(settings);
  return {
    http,
    https,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}

const sharedAgents = new Map<string, FetchAgent>();
const gotAgents = new WeakMap<FetchAgent, { http: HttpAgent; https: HttpsAgent }>();

/** The `{http, https}` object got's `agent` option takes (it refuses other keys), made once per agent. */
export function toGotAgent(agent: FetchAgent): { http: HttpAgent; https: HttpsAgent } {
  let pair = gotAgents.get(agent);
  if (pair === undefined) gotAgents.set(agent, (pair = { http: agent.http, https: agent.https }));
  return pair;
}

/** The shared agent pair for a socket cap and an address policy ("" public only, "all", or allowed host names). */
export function pickDefaultAgent(maxSockets: number, policy: string): FetchAgent {
  const key = `${maxSockets}|${policy}`;
  let agent = sharedAgents.get(key);
  if (agent === undefined) sharedAgents.set(key, (agent = createFetchAgent({ maxSockets })));
  return agent;
}

/** Closes the shared agents `fetchFeed` uses when given no `agent`, so a daemon or test can exit cleanly. */
export function closeFetchAgents(): void {
  for (const agent of sharedAgents.values()) agent.close();
  sharedAgents.clear();
}

/** Builds the crawler's User-Agent, e.g. `Capsule/0.1.0 (+https://capsule.example/; follower https://me.example/)`. */
export function buildUserAgent(options: { version: string; projectUrl?: string; followerUrl?: string }): string {
  // Header values must not carry control characters (a newline would inject a header).
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  const about = [
    options.projectUrl ? `+${clean(options.projectUrl)}` : "",
    options.followerUrl ? `follower ${clean(options.followerUrl)}` : "",
  ].filter(Boolean).join("; ");
  return `Capsule/${clean(options.version) || "0"}${about ? ` (${about})` : ""}`;
}
