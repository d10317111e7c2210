/**
 * Which addresses the crawler may connect to. A followed feed is a URL anyone can hand us, so by default
 * the crawler refuses anything that reaches inside the machine or its network (server-side request
 * forgery): loopback, private, link-local, shared (CGNAT), multicast, reserved ranges, and IPv6 forms that
 * carry such an IPv4 address (mapped, NAT64, 6to4, Teredo). The check runs on IP literals in URLs, on
 * every DNS answer before a socket connects (`guardLookup`), and on every redirect hop (crawler/fetch.ts).
 * Ranges come from ipaddr.js, which follows the IANA special-purpose registries:
 * https://www.iana.org/assignments/iana-ipv4-special-registry/ and …/iana-ipv6-special-registry/.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** The verdict on one address; `reason` reads as a sentence part, e.g. "127.0.0.1 is a loopback address". */
export type AddressCheck = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AddressCheck = Object.freeze({ allowed: true });

/** Words for ipaddr.js range names; ranges not listed here read as "a reserved address". */
const RANGE_WORDS: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a shared (CGNAT) address",
  private: "a private address",
  uniqueLocal: "a unique-local address",
  deprecatedSiteLocal: "a site-local address",
};

/** Says whether the crawler may connect to an IPv4 or IPv6 address (no DNS, no packets). */
export function checkAddress(ip: string): AddressCheck {
  const text = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  if (isIP(text.split("%")[0] ?? "") === 0) return { allowed: false, reason: `${ip} is not an IP address` };
  const refused = describeRefused(ipaddr.parse(text));
  return refused === undefined ? ALLOWED : { allowed: false, reason: `${text} is ${refused}` };
}

/** Words for why an address is refused ("a loopback address"), or undefined when it is allowed. */
function describeRefused(address: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  if (address.kind() === "ipv4") {
    const range = address.range();
    return range === "unicast" ? undefined : describeRange(range);
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const parts = v6.parts;
  switch (range) {
    // These carry an IPv4 address that is where the packets really go: judge that one.
    case "ipv4Mapped": // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2)
    case "rfc6145": // ::ffff:0:a.b.c.d (RFC 6145)
      return describeEmbedded("an IPv4-mapped address", parts[6], parts[7]);
    case "rfc6052": // NAT64 64:ff9b::/96 (RFC 6052); the local-use 64:ff9b:1::/48 (RFC 8215) is the operator's own
      return parts[1] === 0xff9b && parts[2] === 0 ? describeEmbedded("a NAT64 address", parts[6], parts[7]) : "a local-use NAT64 address";
    case "6to4": // 2002:AABB:CCDD::/48 (RFC 3056)
      return describeEmbedded("a 6to4 address", parts[1], parts[2]);
    case "teredo": // 2001:0:SERVER:SERVER:flags:port:~CLIENT (RFC 4380 §4): both ends must pass
      return describeEmbedded("a Teredo address", parts[2], parts[3])
        ?? describeEmbedded("a Teredo address", ~(parts[6] ?? 0) & 0xffff, ~(parts[7] ?? 0) & 0xffff);
    case "unicast":
      // Only 2000::/3 is allocated as global unicast; ::/8 (IPv4-compatible ::a.b.c.d among it) and the rest are not.
      return ((parts[0] ?? 0) & 0xe000) === 0x2000 ? undefined : "a reserved address";
    default:
      return describeRange(range);
  }
}

function describeEmbedded(what: string, high = 0, low = 0): string | undefined {
  const v4 = ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const refused = describeRefused(v4);
  return refused === undefined ? undefined : `${what} of ${v4.toString()}, ${refused}`;
}

function describeRange(range: string): string {
  return RANGE_WORDS[range] ?? "a reserved address";
}

/**
 * Checks a URL's host before any lookup: IP literals (WHATWG URL has already turned `2130706433` and
 * `0177.0.0.1` into `127.0.0.1`) and the `localhost` names (RFC 6761 §6.3) are judged here, because a
 * lookup hook never sees a literal; any other name returns `undefined` and is judged after DNS.
 */
export function checkHost(hostname: string): AddressCheck | undefined {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (isIP(bare) !== 0) return checkAddress(bare);
  const name = bare.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    return { allowed: false, reason: `${hostname} is a loopback name` };
  }
  return undefined;
}

/** The error a guarded lookup calls back with when a name resolves to a refused address. */
export interface AddressRefusedError extends NodeJS.ErrnoException {
  code: "ERR_ADDRESS_REFUSED";
  hostname: string;
  /** Why, e.g. "10.0.0.1 is a private address". */
  reason: string;
}

/** Tells a guarded lookup's refusal apart from other lookup errors. */
export function isAddressRefusedError(error: unknown): error is AddressRefusedError {
  // got copies `code` onto its own wrapper error, so the `reason` tells the original apart.
  const candidate = error as { code?: unknown; reason?: unknown } | null;
  return candidate?.code === "ERR_ADDRESS_REFUSED" && typeof candidate.reason === "string";
}

/**
 * Wraps a `dns.lookup`-compatible function so that a name is refused, before any socket connects, when
 * ANY of its addresses is refused. Refusing the whole name, rather than connecting only to its allowed
 * addresses, is the stricter choice: a public name that also answers 10.0.0.1 is misconfigured or an attack
 * (DNS rebinding), and refusing it makes that visible instead of depending on which address Node's
 * happy-eyeballs connect tries first. Names in `allowHosts` (lowercase) skip the check.
 */
export function guardLookup(lookup: LookupFunction = dnsLookup as LookupFunction, allowHosts?: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, result, family) => {
      if (error) return void callback(error, options.all ? [] : "", undefined);
      const addresses: LookupAddress[] = typeof result === "string" ? [{ address: result, family: family ?? isIP(result) }] : result;
      if (allowHosts === undefined || !allowHosts.has(hostname.toLowerCase())) {
        for (const { address } of addresses) {
          const check = checkAddress(address);
          if (!check.allowed) return void callback(refusedError(hostname, check.reason), options.all ? [] : "", undefined);
        }
      }
      const first = addresses[0];
      if (options.all) callback(null, addresses);
      else if (first === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", undefined);
      else callback(null, first.address, first.family);
    });
  };
}

function refusedError(hostname: string, reason: string): AddressRefusedError {
  return Object.assign(new Error(`${hostname} is refused: ${reason}`), { code: "ERR_ADDRESS_REFUSED" as const, hostname, reason });
}
