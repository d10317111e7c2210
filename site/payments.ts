import { createHash } from "node:crypto";

/** One way to pay the creator, rendered as a "support me" link. */
export interface SupportMethod {
  type: string;
  label: string;
  /** The value the creator wrote (an address or a user name). */
  value: string;
  /** The link: a payment URI scheme (`ethereum:`, `bitcoin:`, `lightning:`, `monero:`) or an https page. */
  uri: string;
}

interface SupportType {
  label: string;
  expected: string;
  /** Returns the link for a valid value, or undefined. */
  toUri(value: string): string | undefined;
}

const USER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function pageOn(host: string, make: (user: string) => string) {
  return (value: string): string | undefined => {
    if (USER.test(value)) return make(value);
    try {
      const url = new URL(value);
      const hostOk = url.hostname === host || url.hostname.endsWith(`.${host}`);
      return url.protocol === "https:" && hostOk ? url.href : undefined;
    } catch {
      return undefined;
    }
  };
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function decodeBase58(text: string): Buffer | undefined {
  let n = 0n;
  for (const c of text) {
    const digit = BASE58.indexOf(c);
    if (digit < 0) return undefined;
    n = n * 58n + BigInt(digit);
  }
  const hex = n === 0n ? "" : n.toString(16);
  const body = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  const zeros = text.match(/^1*/)![0].length;
  return Buffer.concat([Buffer.alloc(zeros), body]);
}

// Base58Check (legacy and P2SH Bitcoin addresses): the last 4 bytes are a double SHA-256 checksum.
function isBase58Check(text: string): boolean {
  const bytes = decodeBase58(text);
  if (!bytes || bytes.length !== 25) return false;
  const sha = (b: Buffer) => createHash("sha256").update(b).digest();
  const sum = sha(sha(bytes.subarray(0, 21))).subarray(0, 4);
  return sum.equals(bytes.subarray(21));
}

// BIP-173 / BIP-350: bech32 (witness v0) and bech32m (v1+) checksums.
const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

function isBech32Address(text: string, hrp: string): boolean {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) return false;
  if (!lower.startsWith(`${hrp}1`) || lower.length > 90) return false;
  const data = [...lower.slice(hrp.length + 1)].map((c) => BECH32.indexOf(c));
  if (data.length < 7 || data.some((d) => d < 0)) return false;
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5);
  expanded.push(0, ...[...hrp].map((c) => c.charCodeAt(0) & 31));
  const check = bech32Polymod([...expanded, ...data]);
  return check === (data[0] === 0 ? 1 : 0x2bc830a3);
}

const TYPES: Record<string, SupportType> = {
  ethereum: {
    label: "Ethereum",
    expected: "0x followed by 40 hexadecimal digits, or an ENS name such as alice.eth",
    // EIP-681 payment URI. The EIP-55 mixed-case checksum needs Keccak-256, which node:crypto lacks.
    toUri: (v) => (/^0x[0-9a-fA-F]{40}$/.test(v) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.eth$/.test(v) ? `ethereum:${v}` : undefined),
  },
  bitcoin: {
    label: "Bitcoin",
    expected: "a Bitcoin address (bc1…, 1… or 3…) with a valid checksum",
    // BIP-21 payment URI.
    toUri: (v) => (isBech32Address(v, "bc") || (/^[13]/.test(v) && isBase58Check(v)) ? `bitcoin:${v}` : undefined),
  },
  lightning: {
    label: "Lightning",
    expected: "a Lightning address such as you@wallet.example (LUD-16) or an LNURL (lnurl1…)",
    toUri: (v) => (/^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v) || isBech32Address(v, "lnurl") ? `lightning:${v}` : undefined),
  },
  monero: {
    label: "Monero",
    expected: "a Monero address of 95 characters starting with 4 or 8",
    toUri: (v) => (/^[48][1-9A-HJ-NP-Za-km-z]{94}$/.test(v) ? `monero:${v}` : undefined),
  },
  paypal: { label: "PayPal", expected: "a PayPal.Me name or an https://paypal.me/… link", toUri: pageOn("paypal.me", (u) => `https://paypal.me/${u}`) },
  liberapay: { label: "Liberapay", expected: "a Liberapay user name", toUri: pageOn("liberapay.com", (u) => `https://liberapay.com/${u}/donate`) },
  kofi: { label: "Ko-fi", expected: "a Ko-fi user name", toUri: pageOn("ko-fi.com", (u) => `https://ko-fi.com/${u}`) },
  github: { label: "GitHub Sponsors", expected: "a GitHub user name", toUri: pageOn("github.com", (u) => `https://github.com/sponsors/${u}`) },
  patreon: { label: "Patreon", expected: "a Patreon user name", toUri: pageOn("patreon.com", (u) => `https://www.patreon.com/${u}`) },
  opencollective: { label: "Open Collective", expected: "an Open Collective slug", toUri: pageOn("opencollective.com", (u) => `https://opencollective.com/${u}`) },
};

/** The payment types a profile may list under `support`. */
export const SUPPORT_TYPES = Object.keys(TYPES);

/** Builds the support link for one entry of the profile's `support` map, or says what was expected. */
export function toSupportMethod(
  type: string,
  value: string,
): SupportMethod | { expected: string; unknownType?: true } {
  const spec = TYPES[type];
  if (!spec) return { expected: SUPPORT_TYPES.join(", "), unknownType: true };
  const uri = spec.toUri(value.trim());
  return uri ? { type, label: spec.label, value: value.trim(), uri } : { expected: spec.expected };
}
