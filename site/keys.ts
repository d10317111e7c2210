// A capsule's keys on disk (docs/format.md §3). Private keys live in .capsule/keys/ (git-ignored, 0600);
// the public identity, the root did:key and the certificates it signed, lives in .capsule/identity.json,
// which is committed so that a CI host can sign builds with nothing but CAPSULE_SIGNING_KEY.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CapsuleError } from "./errors.ts";
import {
  authorizeSigner, certifyKey, createKeyring, exportPrivateKey, generateKeyPair, importPrivateKey, invalid, isDidKey, verifyCertificate,
  type CertificatePayload, type CertifiedKey, type Envelope, type KeyPair, type Keyring,
} from "./format/index.ts";

export const KEYS_DIR = ".capsule/keys";
export const IDENTITY_FILE = ".capsule/identity.json";
export const SIGNING_KEY_VARIABLE = "CAPSULE_SIGNING_KEY";
export const IDENTITY_VARIABLE = "CAPSULE_IDENTITY";

/** A key file, an environment variable or the identity file is missing, malformed or does not fit. */
export class KeyStoreError extends CapsuleError {}

/** The committed identity file: the root identity and every certificate it issued, oldest first. */
export interface IdentityFile {
  readonly version: 1;
  readonly root: string;
  readonly certificates: readonly Envelope[];
}

/** An identity file that was read and whose certificates all verify against its root. */
export interface CapsuleIdentity extends IdentityFile {
  /** Where it came from: a path relative to the capsule, or the variable name. */
  readonly source: string;
  readonly keyring: Keyring;
  /** The certificates' payloads, in file order. */
  readonly issued: readonly CertificatePayload[];
}

export type SigningKeyLookup =
  | {
    readonly status: "found";
    readonly signingKey: KeyPair;
    readonly source: "env" | "file";
    /** The variable name or the key file's path relative to the capsule. */
    readonly location: string;
    readonly identity: CapsuleIdentity;
    /** The certificate that currently decides the key's state. */
    readonly certificate: CertifiedKey;
  }
  | { readonly status: "missing"; readonly reason: string };

export interface KeyStoreOptions {
  /** The capsule folder. @default process.cwd() */
  readonly cwd?: string;
  /** Where CAPSULE_SIGNING_KEY and CAPSULE_IDENTITY are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The time keys are checked (and certificates issued) at. @default new Date() */
  readonly now?: Date;
}

/** Paths of the key files, relative to the capsule folder. */
export const KEY_FILES = {
  root: `${KEYS_DIR}/root.pem`,
  signing: `${KEYS_DIR}/signing.pem`,
  encryption: `${KEYS_DIR}/encryption.pem`,
} as const;

/** Formats an instant the way capsule objects carry it: UTC, to the second. */
export function toTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Reads a private key file (`path` relative to `cwd`); a missing or malformed file is a KeyStoreError naming it. */
export function readKeyFile(cwd: string, path: string, what = "key"): KeyPair {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch (error) {
    throw new KeyStoreError("CAPSULE_NO_KEY", `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`, { cause: error });
  }
  try {
    return importPrivateKey(text, path);
  } catch (error) {
    throw new KeyStoreError("CAPSULE_BAD_KEY", `${path} is not a capsule private key (expected a PKCS#8 PEM block)`, {
      cause: error,
      hint: `Restore the ${what} from your backup, or run \`capsule keygen\` in a capsule that has no keys yet.`,
    });
  }
}

/** Reads the identity from CAPSULE_IDENTITY (JSON) or .capsule/identity.json; undefined when neither exists. */
export function loadIdentity(options: KeyStoreOptions = {}): CapsuleIdentity | undefined {
  const { cwd = process.cwd(), env = process.env } = options;
  const variable = env[IDENTITY_VARIABLE]?.trim();
  if (variable) return parseIdentity(variable, IDENTITY_VARIABLE);
  const path = join(cwd, IDENTITY_FILE);
  return existsSync(path) ? parseIdentity(readFileSync(path, "utf8"), IDENTITY_FILE) : undefined;
}

/** Parses an identity file's text and checks every certificate against its root. */
export function parseIdentity(text: string, source: string): CapsuleIdentity {
  const hint = source === IDENTITY_VARIABLE
    ? `Set ${IDENTITY_VARIABLE} to the contents of ${IDENTITY_FILE}, or unset it to use the committed file.`
    : `Restore it from git (\`git checkout -- ${IDENTITY_FILE}\`) or from a backup.`;
  const fail = (problem: string, cause?: unknown) => new KeyStoreError("CAPSULE_BAD_IDENTITY", `${source}: ${problem}`, { hint, cause });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`, error);
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  if (record.version !== 1) throw fail(`expected "version": 1, got ${JSON.stringify(record.version) ?? "nothing"}`);
  if (!isDidKey(record.root, "ed25519")) throw fail(`"root" must be an Ed25519 did:key, got ${JSON.stringify(record.root) ?? "nothing"}`);
  if (!Array.isArray(record.certificates)) throw fail(`"certificates" must be a list of signed certificates`);
  const root = record.root;
  const issued = record.certificates.map((envelope, index) => {
    const result = verifyCertificate(envelope, root);
    if (result.status !== "valid") throw fail(`certificate ${index + 1} does not verify: ${result.status === "invalid" ? result.message : "it is missing"}`);
    return result.value;
  });
  const ring = createKeyring(root, record.certificates);
  if (ring.status !== "valid") throw fail(ring.message);
  return { version: 1, root, certificates: record.certificates as Envelope[], source, keyring: ring.keyring, issued };
}

/** Finds the key builds sign with (CAPSULE_SIGNING_KEY, then .capsule/keys/signing.pem) and checks the root certified it. */
export function findSigningKey(options: KeyStoreOptions = {}): SigningKeyLookup {
  const { cwd = process.cwd(), env = process.env, now = new Date() } = options;
  const found = readSigningKey(cwd, env);
  const identity = loadIdentity({ cwd, env });
  if (found === undefined) {
    return {
      status: "missing",
      reason: identity === undefined
        ? "this capsule has no keys yet (run `capsule keygen`)"
        : `no signing key in ${SIGNING_KEY_VARIABLE} or ${KEY_FILES.signing}`,
    };
  }
  const { signingKey, source, location } = found;
  if (identity === undefined) {
    throw new KeyStoreError("CAPSULE_NO_IDENTITY", `found a signing key in ${location} but no ${IDENTITY_FILE}`, {
      hint: `Commit ${IDENTITY_FILE} (written by \`capsule keygen\`) so builds know whose key it is, or set ${IDENTITY_VARIABLE}.`,
    });
  }
  if (signingKey.algorithm !== "ed25519") {
    throw new KeyStoreError("CAPSULE_BAD_KEY", `${location} holds an X25519 encryption key, which cannot sign`, {
      hint: `Use the signing key: ${KEY_FILES.signing}, or \`capsule export-signing-key\` for ${SIGNING_KEY_VARIABLE}.`,
    });
  }
  if (signingKey.did === identity.root) {
    throw new KeyStoreError("CAPSULE_ROOT_AS_SIGNER", `${location} holds the root key; builds must not use it`, {
      hint: `Keep the root key offline. Give builds the signing key instead: \`capsule export-signing-key\` prints it for ${SIGNING_KEY_VARIABLE}.`,
    });
  }
  const time = toTimestamp(now);
  const certificate = identity.keyring.keys.get(signingKey.did);
  // A key retired at this very second may still sign objects dated now, but a build should not start with it.
  const refused = authorizeSigner(identity.keyring, signingKey.did, time)
    ?? (certificate?.expires != null && certificate.expires <= time ? invalid("expired-key", "expires now") : undefined);
  if (refused !== undefined || certificate === undefined) {
    const why = refused?.reason === "expired-key"
      ? `was replaced at ${certificate?.expires} (certificate ${certificate?.serial})`
      : refused?.reason === "revoked-key" ? `was revoked (certificate ${certificate?.serial})` : `is not certified by this capsule's root ${identity.root}`;
    throw new KeyStoreError("CAPSULE_UNCERTIFIED_KEY", `the signing key in ${location} (${signingKey.did}) ${why}`, {
      hint: refused?.reason === "uncertified-key"
        ? "Run `capsule rotate-key --root PATH` with the offline root key to certify a new signing key."
        : `Use the current signing key (${KEY_FILES.signing}); on CI hosts update ${SIGNING_KEY_VARIABLE} with \`capsule export-signing-key\`.`,
    });
  }
  return { status: "found", signingKey, source, location, identity, certificate };
}

function readSigningKey(cwd: string, env: Readonly<Record<string, string | undefined>>) {
  const line = env[SIGNING_KEY_VARIABLE]?.trim();
  if (line) {
    try {
      return { signingKey: importPrivateKey(line, SIGNING_KEY_VARIABLE), source: "env" as const, location: SIGNING_KEY_VARIABLE };
    } catch {
      // The node:crypto message is dropped on purpose: the value is a secret and must not be echoed anywhere.
      throw new KeyStoreError("CAPSULE_BAD_KEY", `${SIGNING_KEY_VARIABLE} is set but is not a private key (${line.length} characters)`, {
        hint: `Set it to the one line \`capsule export-signing-key\` prints, or unset it to use ${KEY_FILES.signing}.`,
      });
    }
  }
  if (!existsSync(join(cwd, KEY_FILES.signing))) return undefined;
  return { signingKey: readKeyFile(cwd, KEY_FILES.signing, "signing key"), source: "file" as const, location: KEY_FILES.signing };
}

export interface GeneratedKeys {
  readonly root: KeyPair;
  readonly signing: KeyPair;
  readonly encryption: KeyPair;
  readonly identity: IdentityFile;
}

/** Creates the root, signing and encryption keys and the identity file; refuses to replace keys unless `force`. */
export function generateKeys(options: KeyStoreOptions & { readonly force?: boolean } = {}): GeneratedKeys {
  const { cwd = process.cwd(), now = new Date(), force = false } = options;
  const existing = [...Object.values(KEY_FILES), IDENTITY_FILE].filter((path) => existsSync(join(cwd, path)));
  if (existing.length > 0 && !force) {
    throw new KeyStoreError("CAPSULE_KEYS_EXIST", `this capsule already has keys: ${existing.join(", ")}`, {
      hint: "Followers pinned this identity; keep it. To replace the signing key run `capsule rotate-key`; to start a new identity anyway, `capsule keygen --force`.",
    });
  }
  const root = generateKeyPair("ed25519");
  const signing = generateKeyPair("ed25519");
  const encryption = generateKeyPair("x25519");
  const issued = toTimestamp(now);
  // Serials are strictly increasing across everything a root issues (docs/format.md §6.1).
  const identity: IdentityFile = {
    version: 1,
    root: root.did,
    certificates: [
      certifyKey(root, { subject: signing.did, purpose: "sign", serial: 1, issued }).envelope,
      certifyKey(root, { subject: encryption.did, purpose: "encrypt", serial: 2, issued }).envelope,
    ],
  };
  writeSecret(cwd, KEY_FILES.root, exportPrivateKey(root));
  writeSecret(cwd, KEY_FILES.signing, exportPrivateKey(signing));
  writeSecret(cwd, KEY_FILES.encryption, exportPrivateKey(encryption));
  writeIdentity(cwd, identity);
  return { root, signing, encryption, identity };
}

export interface Rotation {
  readonly signing: KeyPair;
  readonly serial: number;
  /** Earlier signing keys and the certificate that now ends them (expired at the rotation, or revoked). */
  readonly superseded: readonly { readonly did: string; readonly serial: number; readonly revoked: boolean }[];
  /** Where the previous signing.pem was kept, relative to the capsule, if there was one. */
  readonly kept: string | undefined;
  readonly identity: IdentityFile;
}

/**
 * Certifies a new signing key with the root key and ends the earlier ones: they expire now (what they
 * signed before stays valid) or, with `revoke`, are revoked (docs/format.md §3, Rotation and Compromise).
 */
export function rotateSigningKey(options: KeyStoreOptions & { readonly rootFile?: string; readonly revoke?: boolean } = {}): Rotation {
  const { cwd = process.cwd(), now = new Date(), revoke = false } = options;
  const identity = loadIdentity({ cwd, env: {} });
  if (identity === undefined) {
    throw new KeyStoreError("CAPSULE_NO_IDENTITY", `no ${IDENTITY_FILE} in this capsule`, { hint: "Run `capsule keygen` first (or run this in the capsule's folder)." });
  }
  const rootFile = options.rootFile ?? KEY_FILES.root;
  if (!existsSync(resolve(cwd, rootFile))) {
    throw new KeyStoreError("CAPSULE_NO_ROOT_KEY", `rotating the signing key needs the root key, and ${rootFile} does not exist`, {
      hint: "Bring the root key back from its offline backup (the root.pem `capsule keygen` made) and run `capsule rotate-key --root /path/to/root.pem`.",
    });
  }
  const root = readKeyFile(cwd, rootFile, "root key");
  if (root.did !== identity.root) {
    throw new KeyStoreError("CAPSULE_WRONG_ROOT", `${rootFile} is the key ${root.did}, not this capsule's root ${identity.root}`, {
      hint: "Pass the root.pem that `capsule keygen` made for this capsule.",
    });
  }
  const issued = toTimestamp(now);
  let serial = Math.max(0, ...identity.issued.map((cert) => cert.serial));
  const signing = generateKeyPair("ed25519");
  const certificates = [...identity.certificates, certifyKey(root, { subject: signing.did, purpose: "sign", serial: ++serial, issued }).envelope];
  const newSerial = serial;
  const superseded: Rotation["superseded"][number][] = [];
  for (const key of identity.keyring.keys.values()) {
    // Only keys that could still sign: a key that already expired keeps its history valid, even with --revoke.
    if (key.purpose !== "sign" || key.status === "revoked" || (key.expires !== null && key.expires <= issued)) continue;
    const fields = revoke ? { status: "revoked" as const, expires: key.expires } : { expires: issued };
    certificates.push(certifyKey(root, { subject: key.did, purpose: "sign", serial: ++serial, issued, ...fields }).envelope);
    superseded.push({ did: key.did, serial, revoked: revoke });
  }
  const next: IdentityFile = { version: 1, root: identity.root, certificates };
  const kept = keepOldSigningKey(cwd, identity.keyring);
  writeIdentity(cwd, next);
  writeSecret(cwd, KEY_FILES.signing, exportPrivateKey(signing));
  return { signing, serial: newSerial, superseded, kept, identity: next };
}

function keepOldSigningKey(cwd: string, keyring: Keyring): string | undefined {
  const path = join(cwd, KEY_FILES.signing);
  if (!existsSync(path)) return undefined;
  let label = "uncertified";
  try {
    label = String(keyring.keys.get(importPrivateKey(readFileSync(path, "utf8")).did)?.serial ?? label);
  } catch {
    label = "unreadable"; // kept all the same: it is the creator's file, not ours to lose
  }
  let kept = `${KEYS_DIR}/signing-${label}.pem.old`;
  for (let n = 2; existsSync(join(cwd, kept)); n++) kept = `${KEYS_DIR}/signing-${label}-${n}.pem.old`;
  renameSync(path, join(cwd, kept));
  return kept;
}

/** Writes a private key readable by its owner only (0600, in a 0700 folder), replacing it atomically. */
function writeSecret(cwd: string, path: string, text: string): void {
  const dir = join(cwd, KEYS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const temp = join(cwd, `${path}.tmp`);
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600); // mode only applies when the file is created
  renameSync(temp, join(cwd, path));
}

function writeIdentity(cwd: string, identity: IdentityFile): void {
  const path = join(cwd, IDENTITY_FILE);
  mkdirSync(join(cwd, ".capsule"), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(identity, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
