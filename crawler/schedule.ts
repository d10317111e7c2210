/**
 * When to fetch a feed next: the scheduler decides *when*, never *how*. A feed that posts often is checked
 * often (like miniflux's entry-frequency scheduler, from the rate of its recent posts), always within
 * the configured minimum and maximum, never sooner than the publisher asks (RSS `<ttl>`, `Cache-Control:
 * max-age`, `Expires`), and after failures exponentially later, up to a cap, but never never.
 */

/** Bounds the schedule works within, in seconds. */
export interface ScheduleLimits {
  readonly minInterval: number;
  readonly maxInterval: number;
  readonly maxBackoff: number;
}

/** What the publisher said about caching, from the feed and the response. */
export interface CacheHints {
  /** RSS `<ttl>` in minutes. */
  readonly ttlMinutes?: number | null;
  readonly cacheControl?: string | null;
  readonly expires?: string | null;
}

const WINDOW_DAYS = 28;

/** Seconds until the next fetch after a successful one, from the feed's recent posts and caching hints. */
export function planNextInterval(recentPosts: readonly string[], now: Date, limits: ScheduleLimits, hints: CacheHints = {}): number {
  // The rate over the span the recent posts cover (at least a day, so one fresh post is not a flood).
  const since = now.getTime() - WINDOW_DAYS * 86400_000;
  const times = recentPosts.map((time) => Date.parse(time)).filter((at) => at > since && at <= now.getTime() + 86400_000);
  const oldest = Math.min(...times);
  const spanDays = Math.max(1, (now.getTime() - oldest) / 86400_000);
  let interval = times.length > 0 ? (86400 * spanDays) / times.length : limits.maxInterval;
  interval = Math.max(interval, askedSeconds(hints, now));
  return Math.round(clamp(interval, limits.minInterval, limits.maxInterval));
}

/**
 * Seconds until the next attempt after `consecutive` failures in a row: the minimum interval doubled per
 * failure up to `maxBackoff`, with ±10 % jitter so feeds that failed together do not retry together. A
 * `Retry-After` in the future is honoured (up to `maxBackoff`); one in the past means "now", so the backoff applies.
 */
export function planRetry(consecutive: number, now: Date, limits: ScheduleLimits, retryAfter: Date | null = null, random = Math.random): number {
  const base = Math.min(limits.maxBackoff, limits.minInterval * 2 ** Math.min(30, Math.max(0, consecutive - 1)));
  const jittered = base * (0.9 + 0.2 * random());
  const asked = retryAfter ? (retryAfter.getTime() - now.getTime()) / 1000 : 0;
  return Math.round(clamp(Math.max(jittered, asked), 1, limits.maxBackoff));
}

/** The longest wait the publisher asked for, in seconds (0 when they asked for none). */
export function askedSeconds(hints: CacheHints, now: Date): number {
  let seconds = hints.ttlMinutes && hints.ttlMinutes > 0 ? hints.ttlMinutes * 60 : 0;
  const control = hints.cacheControl?.toLowerCase() ?? "";
  if (!/no-cache|no-store/.test(control)) {
    const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)/.exec(control);
    if (maxAge) seconds = Math.max(seconds, Number(maxAge[1]));
    else if (hints.expires) {
      const expires = Date.parse(hints.expires); // RFC 9111 §5.3: max-age wins over Expires
      if (Number.isFinite(expires)) seconds = Math.max(seconds, (expires - now.getTime()) / 1000);
    }
  }
  return seconds;
}

/** The ISO time `seconds` after `now`. */
export function addSeconds(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
