import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkAddress, checkHost, guardLookup, isAddressRefusedError } from "../../crawler/address.ts";

// Pure checks: nothing here opens a socket or asks a resolver.

const check = suite("checkAddress");

const REFUSED: [string, string][] = [
  ["127.0.0.1", "127.0.0.1 is a loopback address"],
  ["127.255.255.254", "a loopback address"],
  ["::1", "::1 is a loopback address"],
  ["10.0.0.1", "10.0.0.1 is a private address"],
  ["10.255.255.255", "a private address"],
  ["172.16.0.1", "a private address"],
  ["172.31.255.255", "a private address"],
  ["192.168.1.1", "a private address"],
  ["169.254.169.254", "169.254.169.254 is a link-local address"], // cloud metadata endpoint
  ["fe80::1", "a link-local address"],
  ["fe80::1%eth0", "a link-local address"],
  ["100.64.0.1", "100.64.0.1 is a shared (CGNAT) address"],
  ["100.127.255.255", "a shared (CGNAT) address"],
  ["224.0.0.1", "a multicast address"],
  ["239.255.255.250", "a multicast address"],
  ["ff02::1", "a multicast address"],
  ["0.0.0.0", "0.0.0.0 is an unspecified address"],
  ["0.1.2.3", "an unspecified address"],
  ["::", ":: is an unspecified address"],
  ["255.255.255.255", "the broadcast address"],
  ["240.0.0.1", "a reserved address"],
  ["192.0.2.1", "a reserved address"], // TEST-NET-1
  ["198.18.0.1", "a reserved address"], // benchmarking
  ["fc00::1", "a unique-local address"],
  ["fd12:3456:789a::1", "a unique-local address"],
  ["fec0::1", "a site-local address"],
  ["2001:db8::1", "a reserved address"], // documentation
  ["::7f00:1", "a reserved address"], // IPv4-compatible ::127.0.0.1
  ["100::1", "a reserved address"], // discard-only
  ["::ffff:127.0.0.1", "::ffff:127.0.0.1 is an IPv4-mapped address of 127.0.0.1, a loopback address"],
  ["::ffff:7f00:1", "an IPv4-mapped address of 127.0.0.1, a loopback address"],
  ["::ffff:10.0.0.1", "an IPv4-mapped address of 10.0.0.1, a private address"],
  ["::ffff:169.254.169.254", "an IPv4-mapped address of 169.254.169.254, a link-local address"],
  ["::ffff:0:a00:1", "an IPv4-mapped address of 10.0.0.1, a private address"], // RFC 6145 translated
  ["64:ff9b::10.0.0.1", "a NAT64 address of 10.0.0.1, a private address"],
  ["64:ff9b::127.0.0.1", "a NAT64 address of 127.0.0.1, a loopback address"],
  ["64:ff9b:1::1", "a local-use NAT64 address"],
  ["2002:a00:1::1", "a 6to4 address of 10.0.0.1, a private address"],
  ["2002:7f00:1::", "a 6to4 address of 127.0.0.1, a loopback address"],
  ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "a Teredo address of 10.0.0.1, a private address"], // client ~0xf5fffffe
  ["2001:0:a00:1:8000:63bf:f7f7:f7f7", "a Teredo address of 10.0.0.1, a private address"], // server 10.0.0.1
];

for (const [address, reason] of REFUSED) {
  check(`refuses ${address}`, () => {
    const result = checkAddress(address);
    assert.is(result.allowed, false);
    assert.ok(!result.allowed && result.reason.includes(reason), !result.allowed ? result.reason : "allowed");
  });
}

const ALLOWED = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  "172.32.0.1", // just past 172.16/12
  "100.128.0.1", // just past 100.64/10
  "11.0.0.1",
  "2001:4860::8888",
  "2606:4700:4700::1111",
  "2a00:1450:4001:80b::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::8.8.8.8",
  "2002:808:808::1",
];

for (const address of ALLOWED) {
  check(`allows the public address ${address}`, () => {
    assert.equal(checkAddress(address), { allowed: true });
  });
}

check("refuses what is not an IP address, and accepts a bracketed IPv6 literal", () => {
  assert.equal(checkAddress("example.com"), { allowed: false, reason: "example.com is not an IP address" });
  assert.equal(checkAddress(""), { allowed: false, reason: " is not an IP address" });
  assert.equal(checkAddress("[::1]"), { allowed: false, reason: "::1 is a loopback address" });
});

check.run();

const host = suite("checkHost");

host("judges IP literals the way WHATWG URL spells them", () => {
  // The URL parser has already rewritten decimal, octal and hex IPv4 spellings to dotted quads.
  for (const spelling of ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/", "http://0x7f000001/"]) {
    const { hostname } = new URL(spelling);
    assert.is(hostname, "127.0.0.1", spelling);
    assert.equal(checkHost(hostname), { allowed: false, reason: "127.0.0.1 is a loopback address" }, spelling);
  }
  assert.equal(checkHost(new URL("http://[::ffff:127.0.0.1]/").hostname), {
    allowed: false,
    reason: "::ffff:7f00:1 is an IPv4-mapped address of 127.0.0.1, a loopback address",
  });
  assert.equal(checkHost(new URL("http://[::1]:8080/").hostname), { allowed: false, reason: "::1 is a loopback address" });
  assert.equal(checkHost(new URL("http://0.0.0.0/").hostname), { allowed: false, reason: "0.0.0.0 is an unspecified address" });
  assert.equal(checkHost("8.8.8.8"), { allowed: true });
});

host("refuses the localhost names without a lookup and leaves other names to DNS", () => {
  for (const name of ["localhost", "localhost.", "api.localhost", "LOCALHOST"]) {
    assert.equal(checkHost(name), { allowed: false, reason: `${name} is a loopback name` });
  }
  assert.is(checkHost("example.com"), undefined);
  assert.is(checkHost("localhost.example.com"), undefined);
  assert.is(checkHost("feeds.test"), undefined);
});

host.run();

const guard = suite("guardLookup");

/** A fake resolver: answers from a table, in whichever shape the caller asked for. */
function fakeLookup(table: Record<string, LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = table[hostname];
    if (addresses === undefined) {
      return void callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), "", undefined);
    }
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

function lookupWith(lookup: LookupFunction, hostname: string, all: boolean) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) => {
    lookup(hostname, { all }, (error, address, family) => resolve({ error, address, family }));
  });
}

const TABLE: Record<string, LookupAddress[]> = {
  "public.test": [{ address: "93.184.215.14", family: 4 }, { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 }],
  "private.test": [{ address: "10.0.0.1", family: 4 }],
  "mixed.test": [{ address: "93.184.215.14", family: 4 }, { address: "127.0.0.1", family: 4 }],
  "mapped.test": [{ address: "::ffff:192.168.0.1", family: 6 }],
};

guard("passes public answers through in the shape the caller asked for", async () => {
  const lookup = guardLookup(fakeLookup(TABLE));
  const all = await lookupWith(lookup, "public.test", true);
  assert.is(all.error, null);
  assert.equal(all.address, TABLE["public.test"]);
  const one = await lookupWith(lookup, "public.test", false);
  assert.is(one.error, null);
  assert.is(one.address, "93.184.215.14");
  assert.is(one.family, 4);
});

guard("refuses a name that resolves to a private address", async () => {
  const { error, address } = await lookupWith(guardLookup(fakeLookup(TABLE)), "private.test", false);
  assert.ok(isAddressRefusedError(error));
  assert.is(error.hostname, "private.test");
  assert.is(error.reason, "10.0.0.1 is a private address");
  assert.is(address, "");
});

guard("refuses a name when any one of its addresses is refused", async () => {
  const { error } = await lookupWith(guardLookup(fakeLookup(TABLE)), "mixed.test", true);
  assert.ok(isAddressRefusedError(error));
  assert.is(error.reason, "127.0.0.1 is a loopback address");
  const mapped = await lookupWith(guardLookup(fakeLookup(TABLE)), "mapped.test", true);
  assert.ok(isAddressRefusedError(mapped.error));
});

guard("passes resolver errors through unchanged", async () => {
  const { error } = await lookupWith(guardLookup(fakeLookup(TABLE)), "missing.test", true);
  assert.is(error?.code, "ENOTFOUND");
  assert.not.ok(isAddressRefusedError(error));
});

guard("lets allowed host names resolve to private addresses, and only those", async () => {
  const lookup = guardLookup(fakeLookup(TABLE), new Set(["private.test"]));
  assert.is((await lookupWith(lookup, "private.test", false)).address, "10.0.0.1");
  assert.ok(isAddressRefusedError((await lookupWith(lookup, "mixed.test", true)).error));
});

guard.run();
