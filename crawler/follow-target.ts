/**
 * What `capsule follow` was given: a feed URL (written to the follow list as it is, no network), a creator's
 * identity (`did:key:z6Mk…`, or the bare `z6Mk…` key as mirror paths spell it), or a handle (the domain a
 * capsule lives at, `alice.example` or `@alice.example`; docs/format.md §1: the domain is only a handle).
 *
 * A URL is always a URL, even a bare `https://alice.example/`: the site's own `follow` keeps writing what it
 * was given without asking anyone. Handles are written without a scheme, so the two never collide. Kept
 * free of crawler imports: bin/capsule.js reads it to decide which CLI runs `follow`.
 */
import { isDidKey } from "../site/format/did.ts";

/** A parsed `follow` argument. */
export type FollowTarget =
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "identity"; readonly identity: string }
  | { readonly kind: "handle"; readonly domain: string };

// RFC 1123 labels; the last one starts with a letter, so IPv4 literals are never handles.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Reads a `follow` argument; undefined when it is none of the three forms. */
export function parseFollowTarget(text: string): FollowTarget | undefined {
  const raw = text.trim();
  if (/^https?:\/\//i.test(raw)) return URL.canParse(raw) ? { kind: "url", url: raw } : undefined;
  const did = raw.startsWith("did:key:") ? raw : /^z6Mk[1-9A-HJ-NP-Za-km-z]+$/.test(raw) ? `did:key:${raw}` : undefined;
  if (did !== undefined) return isDidKey(did, "ed25519") ? { kind: "identity", identity: did } : undefined;
  const name = raw.replace(/^@/, "").replace(/\.?\/?$/, "");
  if (!/^[^\s/:@?#\\]+$/.test(name) || !URL.canParse(`https://${name}/`)) return undefined;
  // International names become their ASCII (punycode) form, as DNS and the TXT lookup need them.
  const domain = new URL(`https://${name}/`).hostname;
  return DOMAIN.test(domain) ? { kind: "handle", domain } : undefined;
}

/**
 * Whether `capsule follow …` (the arguments after `follow`) names a handle or an identity, which only the
 * crawler can resolve; a URL (or nothing, or `--help`) stays with the site's `follow`. A malformed key
 * (`did:…`, `z6Mk…`, `@…`) goes to the crawler too, whose error explains the forms. The value after
 * `--name` is a name, never a target.
 */
export function isResolvingFollow(args: readonly string[]): boolean {
  return args.some((arg, i) => {
    if (arg.startsWith("-") || args[i - 1] === "--name") return false;
    const kind = parseFollowTarget(arg)?.kind;
    return kind === "identity" || kind === "handle" || /^(?:did:|z6Mk|@)/.test(arg.trim());
  });
}

/** The forms `capsule follow` accepts, for help texts and errors. */
export const FOLLOW_FORMS = "a feed URL (https://…), a handle (alice.example or @alice.example), or an identity (did:key:z6Mk… or z6Mk…)";
