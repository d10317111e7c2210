// The key commands: keygen, rotate-key, whoami, export-signing-key. The work is in keys.ts; this file
// only words it for a person. Errors are thrown as CapsuleErrors and printed by main() in cli.ts.
import { existsSync, readFileSync } from "node:fs";
import type sade from "sade";
import { exportPrivateKeyLine } from "./format/index.ts";
import {
  findSigningKey, generateKeys, IDENTITY_FILE, KEY_FILES, KeyStoreError, loadIdentity, rotateSigningKey, SIGNING_KEY_VARIABLE,
} from "./keys.ts";

/** Adds the key commands to the `capsule` program. */
export function registerKeyCommands(prog: sade.Sade): void {
  prog.command("keygen")
    .describe("Create this capsule's identity: a root key (kept offline), a signing key and an encryption key.")
    .option("--force", "Replace existing keys with a new identity (followers will not recognise it)", false)
    .action((opts: { force: boolean }) => {
      const keys = generateKeys({ force: Boolean(opts.force) });
      console.log(formatKeygen(keys.root.did, isKeysDirIgnored()));
    });

  prog.command("rotate-key")
    .describe("Replace the signing key: the root key certifies a new one; what the old one signed stays valid.")
    .option("--root", "The root key file, brought back from its offline backup", KEY_FILES.root)
    .option("--revoke", "The old key leaked: revoke it instead of letting it expire now", false)
    .action((opts: { root: string; revoke: boolean }) => {
      const rotation = rotateSigningKey({ rootFile: String(opts.root), revoke: Boolean(opts.revoke) });
      const lines = [`New signing key ${rotation.signing.did} (certificate ${rotation.serial}) written to ${KEY_FILES.signing}.`];
      for (const old of rotation.superseded) {
        lines.push(old.revoked
          ? `Revoked ${old.did} (certificate ${old.serial}): nothing it signed is trusted on its own any more.`
          : `Retired ${old.did} (certificate ${old.serial}): what it signed until now stays valid; it can sign nothing newer.`);
      }
      if (rotation.kept) lines.push(`The previous signing key was kept as ${rotation.kept}.`);
      lines.push(
        "",
        `Commit ${IDENTITY_FILE} (it now holds the new certificates).`,
        `Update ${SIGNING_KEY_VARIABLE} on every CI host to the line \`capsule export-signing-key\` prints.`,
      );
      if (opts.root === KEY_FILES.root) lines.push(`Then move ${KEY_FILES.root} back to offline storage and delete it here.`);
      console.log(lines.join("\n"));
    });

  prog.command("whoami")
    .describe("Show this capsule's identity, its key certificates and which signing key a build would use.")
    .action(() => {
      const identity = loadIdentity();
      if (identity === undefined) {
        throw new KeyStoreError("CAPSULE_NO_IDENTITY", `this capsule has no identity yet (no ${IDENTITY_FILE})`, { hint: "Run `capsule keygen` to create one." });
      }
      console.log(`Identity: ${identity.root} (from ${identity.source})`);
      console.log("Certificates:");
      for (const cert of identity.issued) {
        const state = cert.status === "revoked" ? ", revoked" : cert.expires ? `, expires ${cert.expires}` : "";
        console.log(`  ${String(cert.serial).padStart(3)}  ${cert.purpose.padEnd(7)}  ${cert.subject}  issued ${cert.issued}${state}`);
      }
      const found = findSigningKey(); // throws, after the listing above, when the key is not certified
      console.log(found.status === "found"
        ? `Signing key: ${found.signingKey.did} from ${found.location} (certificate ${found.certificate.serial})`
        : `Signing key: none, ${found.reason}; builds will publish an unsigned feed.`);
    });

  prog.command("export-signing-key")
    .describe(`Print the signing key on one line, the value of ${SIGNING_KEY_VARIABLE} for CI hosts. Keep it secret.`)
    .action(() => {
      const found = findSigningKey({ env: {} }); // the key on this machine, never a variable echoed back
      if (found.status === "missing") {
        throw new KeyStoreError("CAPSULE_NO_KEY", `nothing to export: ${found.reason}`, { hint: "Run `capsule keygen`, or `capsule rotate-key --root FILE` if the signing key was lost." });
      }
      console.error(`Signing key ${found.signingKey.did}. Set the line below as the secret ${SIGNING_KEY_VARIABLE} on the CI host:`);
      console.log(exportPrivateKeyLine(found.signingKey));
    });
}

function formatKeygen(root: string, ignored: boolean): string {
  return [
    `Created the identity of this capsule: ${root}`,
    "",
    `  ${IDENTITY_FILE.padEnd(28)}  public: the identity and its key certificates. Commit it.`,
    `  ${KEY_FILES.root.padEnd(28)}  root key: recovers the identity. Move it offline now (below).`,
    `  ${KEY_FILES.signing.padEnd(28)}  signing key: signs your posts at build time. Never commit it.`,
    `  ${KEY_FILES.encryption.padEnd(28)}  encryption key (X25519), for encrypted posts later.`,
    "",
    `Back up the root key: copy ${KEY_FILES.root} to offline storage (a USB stick kept in a drawer, or a`,
    "password manager), then delete it from this machine. Builds only need the signing key. The root key",
    "is needed only to replace a lost or leaked signing key: `capsule rotate-key --root /path/to/root.pem`.",
    "",
    `To sign builds on a CI host such as Netlify, set the secret environment variable ${SIGNING_KEY_VARIABLE}`,
    "to the line `capsule export-signing-key` prints, and commit .capsule/identity.json.",
    ...(ignored ? [] : ["", "Warning: .gitignore does not list .capsule/keys/; add it so the private keys are never committed."]),
  ].join("\n");
}

function isKeysDirIgnored(): boolean {
  if (!existsSync(".gitignore")) return false;
  return readFileSync(".gitignore", "utf8").split(/\r?\n/).some((line) => /^\/?\.capsule(\/keys)?\/?\*?$/.test(line.trim()));
}
