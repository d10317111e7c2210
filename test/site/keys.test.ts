import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createKeyring, createSigner, exportPrivateKey, exportPrivateKeyLine, generateKeyPair, importPrivateKey, verifyCertificate, verifyEntry,
} from "../../site/format/index.ts";
import {
  findSigningKey, generateKeys, IDENTITY_FILE, KEY_FILES, KeyStoreError, loadIdentity, rotateSigningKey, toTimestamp, type IdentityFile,
} from "../../site/keys.ts";
import { makeCapsule, removeCapsule } from "../helpers/temp-capsule.ts";

const T0 = new Date("2025-03-01T10:00:00Z");
const T1 = new Date("2025-06-01T10:00:00Z");

/** Runs `fn` in a fresh temp capsule and removes it afterwards. */
function inCapsule(fn: (dir: string) => void): void {
  const dir = makeCapsule({});
  try {
    fn(dir);
  } finally {
    removeCapsule(dir);
  }
}

/** Calls `fn`, expecting a KeyStoreError, and returns it. */
function catchKeyError(fn: () => unknown): KeyStoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyStoreError) return error;
    throw error;
  }
  assert.unreachable("expected a KeyStoreError, nothing was thrown");
  throw new Error("unreachable");
}

const readIdentity = (dir: string): IdentityFile => JSON.parse(readFileSync(join(dir, IDENTITY_FILE), "utf8"));
const mode = (path: string) => statSync(path).mode & 0o777;

test("generateKeys writes owner-only key files and an identity whose certificates verify", () => inCapsule((dir) => {
  const keys = generateKeys({ cwd: dir, now: T0 });
  assert.is(mode(join(dir, ".capsule/keys")), 0o700);
  for (const [name, path] of Object.entries(KEY_FILES)) {
    assert.is(mode(join(dir, path)), 0o600, path);
    assert.is(importPrivateKey(readFileSync(join(dir, path), "utf8")).did, keys[name as keyof typeof KEY_FILES].did);
  }
  const identity = readIdentity(dir);
  assert.is(identity.version, 1);
  assert.is(identity.root, keys.root.did);
  const payloads = identity.certificates.map((envelope) => {
    const result = verifyCertificate(envelope, keys.root.did);
    if (result.status !== "valid") throw new Error(`certificate does not verify: ${JSON.stringify(result)}`);
    return result.value;
  });
  assert.equal(payloads.map((c) => [c.serial, c.purpose, c.subject, c.issued, c.status]), [
    [1, "sign", keys.signing.did, "2025-03-01T10:00:00Z", "active"],
    [2, "encrypt", keys.encryption.did, "2025-03-01T10:00:00Z", "active"],
  ]);
  assert.ok(keys.encryption.did.startsWith("did:key:z6LS"), "the encryption key is X25519");
}));

test("generateKeys refuses to replace existing keys unless forced", () => inCapsule((dir) => {
  const first = generateKeys({ cwd: dir });
  const error = catchKeyError(() => generateKeys({ cwd: dir }));
  assert.is(error.code, "CAPSULE_KEYS_EXIST");
  assert.match(error.message, ".capsule/keys/root.pem");
  assert.match(error.hint ?? "", "capsule rotate-key");
  assert.is(readIdentity(dir).root, first.root.did, "the refused run changed nothing");
  unlinkSync(join(dir, KEY_FILES.root)); // the root moved offline: the identity alone still counts as existing keys
  assert.is(catchKeyError(() => generateKeys({ cwd: dir })).code, "CAPSULE_KEYS_EXIST");
  const forced = generateKeys({ cwd: dir, force: true });
  assert.is.not(forced.root.did, first.root.did);
  assert.is(readIdentity(dir).root, forced.root.did);
}));

test("findSigningKey reads the key file, and CAPSULE_SIGNING_KEY before it", () => inCapsule((dir) => {
  assert.equal(findSigningKey({ cwd: dir, env: {} }), { status: "missing", reason: "this capsule has no keys yet (run `capsule keygen`)" });
  const keys = generateKeys({ cwd: dir, now: T0 });
  const fromFile = findSigningKey({ cwd: dir, env: {} });
  assert.is(fromFile.status, "found");
  if (fromFile.status !== "found") return;
  assert.is(fromFile.source, "file");
  assert.is(fromFile.location, KEY_FILES.signing);
  assert.is(fromFile.signingKey.did, keys.signing.did);
  assert.is(fromFile.identity.root, keys.root.did);
  assert.is(fromFile.certificate.serial, 1);

  // The variable wins: the file now holds a key the root never certified and is not even looked at.
  writeFileSync(join(dir, KEY_FILES.signing), exportPrivateKey(generateKeyPair()));
  const fromEnv = findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.signing) } });
  assert.ok(fromEnv.status === "found" && fromEnv.source === "env" && fromEnv.location === "CAPSULE_SIGNING_KEY");
  assert.is(fromEnv.status === "found" && fromEnv.signingKey.did, keys.signing.did);
  // A PEM pasted with literal \n, as CI settings pages often store it, works too.
  const pem = exportPrivateKey(keys.signing).replaceAll("\n", "\\n");
  assert.is(findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: pem } }).status, "found");

  unlinkSync(join(dir, KEY_FILES.signing));
  const missing = findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: "  " } });
  assert.equal(missing, { status: "missing", reason: "no signing key in CAPSULE_SIGNING_KEY or .capsule/keys/signing.pem" });
}));

test("CAPSULE_IDENTITY replaces the identity file; a bad identity names its source", () => inCapsule((dir) => {
  const keys = generateKeys({ cwd: dir });
  const text = readFileSync(join(dir, IDENTITY_FILE), "utf8");
  unlinkSync(join(dir, IDENTITY_FILE));
  assert.is(loadIdentity({ cwd: dir, env: {} }), undefined);
  const found = findSigningKey({ cwd: dir, env: { CAPSULE_IDENTITY: text } });
  assert.ok(found.status === "found" && found.identity.source === "CAPSULE_IDENTITY" && found.identity.root === keys.root.did);
  const noIdentity = catchKeyError(() => findSigningKey({ cwd: dir, env: {} }));
  assert.is(noIdentity.message, "found a signing key in .capsule/keys/signing.pem but no .capsule/identity.json");

  writeFileSync(join(dir, IDENTITY_FILE), "{ not json");
  const broken = catchKeyError(() => loadIdentity({ cwd: dir, env: {} }));
  assert.match(broken.message, /^\.capsule\/identity\.json: not valid JSON/);
  assert.match(broken.hint ?? "", "git checkout -- .capsule/identity.json");
  const envBroken = catchKeyError(() => loadIdentity({ cwd: dir, env: { CAPSULE_IDENTITY: '{"version":2}' } }));
  assert.is(envBroken.message, 'CAPSULE_IDENTITY: expected "version": 1, got 2');

  // A certificate signed by another root is not quietly dropped: the file is wrong and says which entry.
  const identity = JSON.parse(text) as IdentityFile;
  const stranger = generateKeys({ cwd: makeCapsuleDir() }).identity.certificates[0];
  writeFileSync(join(dir, IDENTITY_FILE), JSON.stringify({ ...identity, certificates: [...identity.certificates, stranger] }));
  assert.match(catchKeyError(() => loadIdentity({ cwd: dir, env: {} })).message, /^\.capsule\/identity\.json: certificate 3 does not verify: certificate 1 names root/);
}));

test("a signing key the root did not certify is refused with the fix", () => inCapsule((dir) => {
  const keys = generateKeys({ cwd: dir });
  const stranger = generateKeyPair();
  writeFileSync(join(dir, KEY_FILES.signing), exportPrivateKey(stranger));
  const error = catchKeyError(() => findSigningKey({ cwd: dir, env: {} }));
  assert.is(error.code, "CAPSULE_UNCERTIFIED_KEY");
  assert.is(error.message, `the signing key in .capsule/keys/signing.pem (${stranger.did}) is not certified by this capsule's root ${keys.root.did}`);
  assert.match(error.hint ?? "", "capsule rotate-key --root");
  // The encryption key and the root key are refused as signing keys too.
  const x25519 = catchKeyError(() => findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.encryption) } }));
  assert.is(x25519.message, "CAPSULE_SIGNING_KEY holds an X25519 encryption key, which cannot sign");
  const root = catchKeyError(() => findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.root) } }));
  assert.is(root.code, "CAPSULE_ROOT_AS_SIGNER");
}));

test("a malformed key names the variable or file and never echoes the value", () => inCapsule((dir) => {
  generateKeys({ cwd: dir });
  const secret = "MC4CAQAwBQYDK2VwBCIEIHsecretSECRETsecret";
  for (const value of [secret, `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END PRIVATE KEY-----`]) {
    const error = catchKeyError(() => findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: value } }));
    assert.is(error.code, "CAPSULE_BAD_KEY");
    assert.match(error.message, /^CAPSULE_SIGNING_KEY is set but is not a private key \(\d+ characters\)$/);
    assert.match(error.hint ?? "", "capsule export-signing-key");
    assert.not.match(`${error.message} ${error.hint} ${String(error.cause ?? "")}`, "secretSECRET");
  }
  writeFileSync(join(dir, KEY_FILES.signing), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
  const file = catchKeyError(() => findSigningKey({ cwd: dir, env: {} }));
  assert.is(file.message, ".capsule/keys/signing.pem is not a capsule private key (expected a PKCS#8 PEM block)");
}));

test("rotateSigningKey certifies a new key, retires the old one and keeps what it signed valid", () => inCapsule((dir) => {
  const keys = generateKeys({ cwd: dir, now: T0 });
  const oldEntry = createSigner({ signingKey: keys.signing, identity: keys.root.did })
    .signEntry({ id: "2025-04-01-hello", published: "2025-04-01T09:00:00Z", kind: "note", body: "Hello." });
  const rotation = rotateSigningKey({ cwd: dir, now: T1 });
  assert.is(rotation.serial, 3);
  assert.equal(rotation.superseded, [{ did: keys.signing.did, serial: 4, revoked: false }]);
  assert.is(rotation.kept, ".capsule/keys/signing-1.pem.old");
  assert.is(importPrivateKey(readFileSync(join(dir, rotation.kept!), "utf8")).did, keys.signing.did);
  assert.is(mode(join(dir, KEY_FILES.signing)), 0o600);

  const identity = readIdentity(dir);
  assert.is(identity.certificates.length, 4);
  assert.equal(identity.certificates.slice(0, 2), keys.identity.certificates, "earlier certificates are kept as they were");
  assert.is(verifyCertificate(identity.certificates[0], keys.root.did).status, "valid");
  const ring = createKeyring(keys.root.did, identity.certificates);
  assert.ok(ring.status === "valid" && ring.rejected.length === 0);
  if (ring.status !== "valid") return;
  assert.is(ring.keyring.keys.get(keys.signing.did)?.expires, toTimestamp(T1));
  assert.is(verifyEntry(oldEntry.envelope, ring.keyring).status, "valid", "an entry signed before the rotation still verifies");

  const found = findSigningKey({ cwd: dir, env: {}, now: T1 });
  assert.ok(found.status === "found" && found.signingKey.did === rotation.signing.did && found.certificate.serial === 3);
  // A CI host still holding the old key is stopped, even in the very second of the rotation.
  const stale = catchKeyError(() => findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.signing) }, now: T1 }));
  assert.match(stale.message, `was replaced at ${toTimestamp(T1)} (certificate 4)`);
  assert.match(stale.hint ?? "", "update CAPSULE_SIGNING_KEY");
}));

test("rotateSigningKey --revoke revokes the current key; without the root key it says what to do", () => inCapsule((dir) => {
  const keys = generateKeys({ cwd: dir, now: T0 });
  const offline = join(dir, "usb-stick-root.pem");
  writeFileSync(offline, readFileSync(join(dir, KEY_FILES.root)));
  unlinkSync(join(dir, KEY_FILES.root));
  const missing = catchKeyError(() => rotateSigningKey({ cwd: dir }));
  assert.is(missing.code, "CAPSULE_NO_ROOT_KEY");
  assert.is(missing.message, "rotating the signing key needs the root key, and .capsule/keys/root.pem does not exist");
  assert.match(missing.hint ?? "", "capsule rotate-key --root /path/to/root.pem");
  writeFileSync(join(dir, "other.pem"), exportPrivateKey(generateKeyPair()));
  assert.is(catchKeyError(() => rotateSigningKey({ cwd: dir, rootFile: "other.pem" })).code, "CAPSULE_WRONG_ROOT");
  assert.is(readIdentity(dir).certificates.length, 2, "failed rotations change nothing");

  const rotation = rotateSigningKey({ cwd: dir, rootFile: offline, revoke: true, now: T1 });
  assert.equal(rotation.superseded, [{ did: keys.signing.did, serial: 4, revoked: true }]);
  const revoked = catchKeyError(() => findSigningKey({ cwd: dir, env: { CAPSULE_SIGNING_KEY: exportPrivateKeyLine(keys.signing) }, now: T1 }));
  assert.match(revoked.message, "was revoked (certificate 4)");
}));

const made: string[] = [];
function makeCapsuleDir(): string {
  const dir = makeCapsule({});
  made.push(dir);
  return dir;
}
test.after(() => made.forEach(removeCapsule));

test.run();
