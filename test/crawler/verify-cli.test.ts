// The real `capsule verify` command, spawned: exit codes, the report on stdout, one line and a hint on error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  createSigner, deriveKeyPair, listCheckpointItems, renderEnvelopeXml, renderIdentityDocument, renderIdentityXml, renderNamespaceAttribute,
} from "../../site/format/index.ts";
import { setup } from "../helpers/setup.ts";
import { startStaticServer, type StaticServer } from "../helpers/static-server.ts";
import { runCli, runCliAsync } from "../helpers/temp-capsule.ts";

const seed = (first: number) => Uint8Array.from({ length: 32 }, (_, i) => first + i);
const rootKey = deriveKeyPair(seed(0x00));
const signingKey = deriveKeyPair(seed(0x20));
const signer = createSigner({ rootKey, signingKey });
const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
const notes = [1, 2].map((n) => signer.signEntry({ id: `note-${n}`, kind: "note", published: `2025-01-0${n}T10:00:00Z`, body: `Note ${n}.` }));
const checkpoint = signer.signCheckpoint({ created: "2025-01-03T00:00:00Z", entries: listCheckpointItems(notes) });

function renderRss(href: string, entries: readonly string[] = notes.map((note) => renderEnvelopeXml("entry", note.envelope))): string {
  return `<rss version="2.0" ${renderNamespaceAttribute()}><channel><title>Alice</title>${renderIdentityXml(href, rootKey.did)}` +
    `${renderEnvelopeXml("certificate", certificate.envelope)}${renderEnvelopeXml("checkpoint", checkpoint.envelope)}` +
    `${entries.map((entry, i) => `<item><title>Note ${i + 1}</title>${entry}</item>`).join("")}</channel></rss>`;
}

const cli = suite("capsule verify (CLI)");
let dir: string;
let server: StaticServer;

setup(cli, async () => {
  dir = mkdtempSync(join(tmpdir(), "capsule-verify-cli-"));
  server = await startStaticServer({ root: join(dir, "site") });
  mkdirSync(join(dir, "site/.well-known"), { recursive: true });
  const recordUrl = `${server.url}.well-known/capsule.json`;
  writeFileSync(join(dir, "site/feed.xml"), renderRss(recordUrl));
  writeFileSync(join(dir, "site/.well-known/capsule.json"), renderIdentityDocument(signer.signIdentity({
    domain: "127.0.0.1", created: "2025-01-01T00:00:00Z", seq: 1, certificates: [certificate.envelope],
    feeds: [`${server.url}feed.xml`], profile: { name: "Alice", bio: "", avatar: null },
  }).envelope));
  writeFileSync(join(dir, "signed.xml"), renderRss("https://alice.example/.well-known/capsule.json"));
  const [first, second] = notes.map((note) => note.envelope);
  // A flipped payload character (still strict base64url): the entry's bytes no longer match its signature.
  const flipped = { ...second!, payload: `${second!.payload.slice(0, 40)}${second!.payload[40] === "A" ? "B" : "A"}${second!.payload.slice(41)}` };
  writeFileSync(join(dir, "tampered.xml"), renderRss("https://alice.example/.well-known/capsule.json", [first!, flipped].map((e) => renderEnvelopeXml("entry", e))));
});

cli.after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

cli("a signed feed file: the report on stdout, exit 0", () => {
  const result = runCli(dir, ["verify", "signed.xml"]);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, `Identity    ${rootKey.did}`);
  assert.match(result.stdout, `#1 sign    ${signingKey.did} valid`);
  assert.match(result.stdout, "2 of 2 signed entries verified (2 through the checkpoint, 0 by their own signature)");
  assert.match(result.stdout, "OK: everything signed verifies");
});

cli("a tampered entry: reported with its reason, exit 1", () => {
  const result = runCli(dir, ["verify", "tampered.xml"]);
  assert.is(result.code, 1);
  assert.match(result.stdout, /INVALID "?[\w-]*"?.*: (bad-signature|malformed-json|not-canonical|malformed-object): /);
  assert.match(result.stdout, "INVALID: 1 problem");
});

cli("an http URL of a home page on 127.0.0.1: feed, identity record and domain, exit 0", async () => {
  writeFileSync(join(dir, "site/index.html"), `<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="feed.xml"></head></html>`);
  const result = await runCliAsync(dir, ["verify", server.url]);
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, `Feed        ${server.url}feed.xml (RSS "Alice")`);
  assert.match(result.stdout, "domain 127.0.0.1 matches the host serving it");
  assert.match(result.stdout, `${server.url}feed.xml is the current feed`);
  assert.match(result.stdout, "DNS         skipped: 127.0.0.1 is an IP address");
});

cli("--no-dns is accepted; a file gets no DNS line", async () => {
  const result = await runCliAsync(dir, ["verify", `${server.url}feed.xml`, "--no-dns", "--json"]);
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.equal(JSON.parse(result.stdout).dns, { verdict: "skipped", reason: "127.0.0.1 is an IP address" });
  assert.not.match(runCli(dir, ["verify", "signed.xml"]).stdout, "DNS");
});

cli("nothing to read: one line and a hint, exit 1; --help lists verify", () => {
  const missing = runCli(dir, ["verify", "nope.xml"]);
  assert.is(missing.code, 1);
  assert.is(missing.stderr.trim().split("\n").length, 2);
  assert.match(missing.stderr, "capsule: verify: cannot read nope.xml (ENOENT)");
  const usage = runCli(dir, ["verify"]);
  assert.is(usage.code, 1);
  assert.match(usage.stderr, "Run `capsule verify --help`");
  assert.match(runCli(dir, ["--help"]).stdout, "  verify");
  assert.match(runCli(dir, ["verify", "--help"]).stdout, "capsule verify <url-or-file>");
});

cli.run();
