// A keyring is what a follower trusts for one capsule: its root identity (pinned on first sight) and the
// subkeys the root has certified. Per subject the certificate with the highest serial decides; on a tie
// the more restrictive one wins (revoked over active, the earlier expiry), so the outcome never depends
// on the order certificates arrived in.
import { verifyCertificate, type CertificatePayload, type KeyPurpose } from "./certificate.ts";
import { isDidKey } from "./did.ts";
import type { Envelope } from "./envelope.ts";
import { invalid, type Invalid } from "./result.ts";

/** The state of one certified subkey. */
export interface CertifiedKey {
  readonly did: string;
  readonly purpose: KeyPurpose;
  readonly serial: number;
  readonly issued: string;
  readonly expires: string | null;
  readonly status: "active" | "revoked";
  /** The certificate that decided this state, to re-publish alongside signed objects. */
  readonly certificate: Envelope;
}

export interface Keyring {
  readonly root: string;
  readonly keys: ReadonlyMap<string, CertifiedKey>;
}

/** A certificate the keyring left out, by its position in the input. */
export type RejectedCertificate = Invalid & { readonly index: number };

export type KeyringResult =
  | { readonly status: "valid"; readonly keyring: Keyring; readonly rejected: readonly RejectedCertificate[] }
  | Invalid;

/** Builds a keyring from a root identity and certificate envelopes, leaving out (and listing) bad ones. */
export function createKeyring(root: string, certificates: readonly unknown[] = []): KeyringResult {
  if (!isDidKey(root, "ed25519")) return invalid("malformed-key", `root identity ${JSON.stringify(root)} is not an Ed25519 did:key`);
  const keys = new Map<string, CertifiedKey>();
  const rejected: RejectedCertificate[] = [];
  certificates.forEach((envelope, index) => {
    const result = verifyCertificate(envelope, root);
    if (result.status !== "valid") {
      rejected.push({ ...(result.status === "invalid" ? result : invalid("malformed-envelope", "certificate is missing")), index });
      return;
    }
    const candidate = toCertifiedKey(result.value, envelope as Envelope);
    const current = keys.get(candidate.did);
    if (current === undefined || isStronger(candidate, current)) keys.set(candidate.did, candidate);
  });
  return { status: "valid", keyring: { root, keys }, rejected };
}

/** Checks that a key may sign an object dated `time` for this capsule; returns why not, or undefined. */
export function authorizeSigner(keyring: Keyring, did: string, time: string, purpose: KeyPurpose = "sign"): Invalid | undefined {
  if (did === keyring.root) return undefined; // the root may sign anything; it just should not have to
  const key = keyring.keys.get(did);
  if (key === undefined || key.purpose !== purpose) {
    const why = key === undefined ? "has no certificate from" : `is certified for "${key.purpose}", not "${purpose}", by`;
    return invalid("uncertified-key", `signing key ${did} ${why} the root ${keyring.root}`);
  }
  if (key.status === "revoked") {
    return invalid("revoked-key", `signing key ${did} was revoked by certificate ${key.serial}; nothing it signed is trusted on its own`);
  }
  if (key.expires !== null && time > key.expires) {
    return invalid("expired-key", `signing key ${did} expired at ${key.expires}, before this object's time ${time}`);
  }
  return undefined;
}

/** Lists the certificates that decided the keyring's state, to publish with a feed or identity record. */
export function listCertificates(keyring: Keyring): Envelope[] {
  return [...keyring.keys.values()].sort((a, b) => a.serial - b.serial).map((key) => key.certificate);
}

function toCertifiedKey(cert: CertificatePayload, envelope: Envelope): CertifiedKey {
  const { subject: did, purpose, serial, issued, expires, status } = cert;
  return { did, purpose, serial, issued, expires, status, certificate: envelope };
}

function isStronger(candidate: CertifiedKey, current: CertifiedKey): boolean {
  if (candidate.serial !== current.serial) return candidate.serial > current.serial;
  if (candidate.status !== current.status) return candidate.status === "revoked";
  if (candidate.expires === null) return false;
  return current.expires === null || candidate.expires < current.expires;
}
