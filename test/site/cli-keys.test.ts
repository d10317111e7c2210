import { existsSync, readFileSync, renameSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createKeyring, importPrivateKey } from "../../site/format/index.ts";
import type { IdentityFile } from "../../site/keys.ts";
import { makeCapsule, removeCapsule, runCli } from "../helpers/temp-capsule.ts";

const GITIGNORE = "node_modules/\n_site/\n.capsule/keys/\n";
const DID = "did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+";
const env = { CAPSULE_SIGNING_KEY: "", CAPSULE_IDENTITY: "" }; // the test runner's own environment must not leak in

const readIdentity = (dir: string): IdentityFile => JSON.parse(readFileSync(join(dir, ".capsule/identity.json"), "utf8"));

test("keygen creates the keys, explains the backup and CI set-up, and refuses to run twice", () => {
  const dir = makeCapsule({ ".gitignore": GITIGNORE });
  try {
    const run = runCli(dir, ["keygen"], env);
    assert.is(run.code, 0, run.stderr);
    const identity = readIdentity(dir);
    assert.match(run.stdout, `Created the identity of this capsule: ${identity.root}\n`);
    for (const line of [
      "  .capsule/identity.json        public: the identity and its key certificates. Commit it.",
      "  .capsule/keys/root.pem        root key: recovers the identity. Move it offline now (below).",
      "  .capsule/keys/signing.pem     signing key: signs your posts at build time. Never commit it.",
      "Back up the root key: copy .capsule/keys/root.pem to offline storage",
      "then delete it from this machine. Builds only need the signing key.",
      "set the secret environment variable CAPSULE_SIGNING_KEY\nto the line `capsule export-signing-key` prints",
    ]) assert.match(run.stdout, line);
    assert.not.match(run.stdout, "Warning", "the .gitignore covers the keys");
    assert.not.match(run.stdout, "PRIVATE KEY");
    for (const name of ["root", "signing", "encryption"]) assert.is(statSync(join(dir, `.capsule/keys/${name}.pem`)).mode & 0o777, 0o600);
    const ring = createKeyring(identity.root, identity.certificates);
    assert.ok(ring.status === "valid" && ring.rejected.length === 0 && ring.keyring.keys.size === 2);

    const again = runCli(dir, ["keygen"], env);
    assert.is(again.code, 1);
    assert.is(again.stderr.split("\n")[0], "capsule: this capsule already has keys: .capsule/keys/root.pem, .capsule/keys/signing.pem, .capsule/keys/encryption.pem, .capsule/identity.json");
    assert.match(again.stderr, "`capsule rotate-key`");
    assert.is(readIdentity(dir).root, identity.root);
  } finally {
    removeCapsule(dir);
  }
});

test("keygen warns when .gitignore does not cover the private keys", () => {
  const dir = makeCapsule({ ".gitignore": "node_modules/\n" });
  try {
    const run = runCli(dir, ["keygen"], env);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, "Warning: .gitignore does not list .capsule/keys/");
  } finally {
    removeCapsule(dir);
  }
});

test("whoami, export-signing-key and rotate-key, with the root key brought back from offline", () => {
  const dir = makeCapsule({ ".gitignore": GITIGNORE });
  try {
    assert.is(runCli(dir, ["keygen"], env).code, 0);
    const { root } = readIdentity(dir);
    const signing = importPrivateKey(readFileSync(join(dir, ".capsule/keys/signing.pem"), "utf8")).did;

    const whoami = runCli(dir, ["whoami"], env);
    assert.is(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, new RegExp(
      `^Identity: ${root} \\(from \\.capsule/identity\\.json\\)\nCertificates:\n` +
      `    1  sign     ${signing}  issued \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n` +
      `    2  encrypt  did:key:z6LS\\w+  issued \\S+\n` +
      `Signing key: ${signing} from \\.capsule/keys/signing\\.pem \\(certificate 1\\)\n$`));

    const exported = runCli(dir, ["export-signing-key"], env);
    assert.is(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^[A-Za-z0-9_-]{64}\n$/, "only the secret line goes to stdout, ready to pipe");
    assert.match(exported.stderr, "Set the line below as the secret CAPSULE_SIGNING_KEY");
    assert.is(importPrivateKey(exported.stdout).did, signing);

    renameSync(join(dir, ".capsule/keys/root.pem"), join(dir, "usb-root.pem")); // the advice keygen gives
    const noRoot = runCli(dir, ["rotate-key"], env);
    assert.is(noRoot.code, 1);
    assert.is(noRoot.stderr, "capsule: rotating the signing key needs the root key, and .capsule/keys/root.pem does not exist\n" +
      "Bring the root key back from its offline backup (the root.pem `capsule keygen` made) and run `capsule rotate-key --root /path/to/root.pem`.\n");

    const rotate = runCli(dir, ["rotate-key", "--root", "usb-root.pem"], env);
    assert.is(rotate.code, 0, rotate.stderr);
    const fresh = importPrivateKey(readFileSync(join(dir, ".capsule/keys/signing.pem"), "utf8")).did;
    assert.is.not(fresh, signing);
    assert.match(rotate.stdout, `New signing key ${fresh} (certificate 3) written to .capsule/keys/signing.pem.\n`);
    assert.match(rotate.stdout, `Retired ${signing} (certificate 4): what it signed until now stays valid`);
    assert.match(rotate.stdout, "kept as .capsule/keys/signing-1.pem.old");
    assert.match(rotate.stdout, "Update CAPSULE_SIGNING_KEY on every CI host");
    assert.ok(existsSync(join(dir, ".capsule/keys/signing-1.pem.old")));
    assert.is(readIdentity(dir).certificates.length, 4);

    // A CI host: no key file, the new key in the variable.
    unlinkSync(join(dir, ".capsule/keys/signing.pem"));
    const line = runCli(dir, ["export-signing-key"], env);
    assert.is(line.code, 1, "nothing to export without the key file, and the variable is never echoed back");
    const ci = runCli(dir, ["whoami"], { ...env, CAPSULE_SIGNING_KEY: exported.stdout.trim() });
    assert.is(ci.code, 1, "the old key from before the rotation is refused");
    assert.match(ci.stderr, `capsule: the signing key in CAPSULE_SIGNING_KEY (${signing}) was replaced at `);
    assert.match(ci.stdout, new RegExp(`    4  sign     ${signing}  issued \\S+, expires \\S+\n`));
  } finally {
    removeCapsule(dir);
  }
});

test("a malformed CAPSULE_SIGNING_KEY is one line and a hint, without the value", () => {
  const dir = makeCapsule({ ".gitignore": GITIGNORE });
  try {
    assert.is(runCli(dir, ["keygen"], env).code, 0);
    const run = runCli(dir, ["whoami"], { ...env, CAPSULE_SIGNING_KEY: "hunter2-TOP-SECRET-VALUE" });
    assert.is(run.code, 1);
    assert.is(run.stderr, "capsule: CAPSULE_SIGNING_KEY is set but is not a private key (24 characters)\n" +
      "Set it to the one line `capsule export-signing-key` prints, or unset it to use .capsule/keys/signing.pem.\n");
    assert.not.match(run.stdout + run.stderr, "TOP-SECRET");
  } finally {
    removeCapsule(dir);
  }
});

test("whoami without an identity says to run keygen", () => {
  const dir = makeCapsule({});
  try {
    const run = runCli(dir, ["whoami"], env);
    assert.is(run.code, 1);
    assert.is(run.stderr, "capsule: this capsule has no identity yet (no .capsule/identity.json)\nRun `capsule keygen` to create one.\n");
  } finally {
    removeCapsule(dir);
  }
});

test.run();
