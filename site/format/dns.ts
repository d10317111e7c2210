// The optional DNS handle record: a TXT record at _capsule.<domain> whose text is
//   v=capsule1 id=did:key:z6Mk…
// (space-separated key=value pairs, `v` first; unknown keys are ignored so later versions can add some).
// It lets a verifier confirm that a domain points at an identity without fetching anything over HTTP.
import { Resolver, resolveTxt } from "node:dns/promises";
import { isDidKey } from "./did.ts";
import { invalid, type Invalid } from "./result.ts";

export type CapsuleTxt =
  | { readonly status: "found"; readonly id: string }
  | { readonly status: "none" }
  /** The lookup itself failed (timeout, SERVFAIL): nothing is known either way; try again later. */
  | { readonly status: "unavailable"; readonly message: string }
  | Invalid;

/** The TXT lookup a resolver needs, in the shape of node:dns/promises `resolveTxt`. */
export type ResolveTxt = (name: string) => Promise<string[][]>;

/** Reads `_capsule` TXT records (each a list of character-strings, as resolveTxt returns them); never throws. */
export function parseCapsuleTxt(records: readonly (readonly string[])[]): CapsuleTxt {
  const ids = new Set<string>();
  for (const chunks of records) {
    // One TXT record may be split into several <character-string>s of up to 255 bytes (RFC 7208 §3.3).
    const fields = chunks.join("").trim().split(/\s+/);
    if (fields[0] !== "v=capsule1") continue; // someone else's TXT record
    const pairs = new Map(fields.slice(1).map((field) => {
      const at = field.indexOf("=");
      return at < 0 ? [field, ""] : [field.slice(0, at), field.slice(at + 1)];
    }));
    const id = pairs.get("id");
    if (id === undefined || !isDidKey(id, "ed25519")) {
      return invalid("malformed-key", `_capsule TXT record ${JSON.stringify(chunks.join(""))} has no valid id=did:key:z6Mk…`);
    }
    ids.add(id);
  }
  if (ids.size > 1) return invalid("ambiguous-dns", `_capsule TXT records name ${ids.size} different identities: ${[...ids].join(", ")}`);
  const [id] = ids;
  return id === undefined ? { status: "none" } : { status: "found", id };
}

/** Looks up and reads the `_capsule.<domain>` TXT record; a missing name is "none"; never throws. */
export async function resolveCapsuleTxt(domain: string, resolve: ResolveTxt = resolveTxt): Promise<CapsuleTxt> {
  try {
    return parseCapsuleTxt(await resolve(`_capsule.${domain.replace(/\.$/, "")}`));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOTFOUND" || code === "ENODATA") return { status: "none" };
    return { status: "unavailable", message: `looking up _capsule.${domain} failed: ${code ?? (error as Error).message}` };
  }
}

/** node:dns/promises `resolveTxt` on its own resolver, given up (ETIMEOUT) after `ms`: a slow DNS server never holds a command. */
export function resolveTxtWithin(ms: number): ResolveTxt {
  return (name) => {
    const resolver = new Resolver({ timeout: ms, tries: 1 });
    return new Promise((settle, fail) => {
      const timer = setTimeout(() => {
        fail(Object.assign(new Error(`timed out after ${ms / 1000} s`), { code: "ETIMEOUT" }));
        resolver.cancel();
      }, ms);
      resolver.resolveTxt(name).then(settle, fail).finally(() => clearTimeout(timer));
    });
  };
}
