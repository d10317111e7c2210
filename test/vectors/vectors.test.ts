import { createHash, createPrivateKey, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  canonicalizeToString, createKeyring, decodeDidKey, verifyCertificate, verifyCheckpoint, verifyEntry,
  verifyIdentityRecord, verifyLocationRecord, type Envelope, type VerifyResult,
} from "../../site/format/index.ts";
import { buildVectors } from "./generate.ts";

interface Context { root: string; certificates?: Envelope[]; previous?: Envelope; knownSeq?: number; domain?: string }
interface Vector { name: string; type: string; envelope: Envelope; context: Context; expected: { status: string; reason?: string } }
interface ValidVector extends Vector { object: unknown; canonical: string; canonicalHex: string; signingPrefix: string; sha256: string }

const read = (name: string) => readFileSync(new URL(name, import.meta.url), "utf8");
const built = buildVectors();
const valid = JSON.parse(read("valid.json")).vectors as ValidVector[];
const invalid = JSON.parse(read("invalid.json")).vectors as Vector[];
const keys = JSON.parse(read("keys.json")).keys as Record<string, { algorithm: string; seed: string; publicKey: string; did: string; pkcs8Pem: string }>;

function verifyVector(vector: Vector): VerifyResult<unknown> {
  const { context } = vector;
  if (vector.type === "certificate") return verifyCertificate(vector.envelope, context.root);
  if (vector.type === "identity") return verifyIdentityRecord(vector.envelope, { root: context.root, domain: context.domain });
  const ring = createKeyring(context.root, context.certificates ?? []);
  if (ring.status !== "valid") throw new Error(`vector ${vector.name}: keyring does not build`);
  if (vector.type === "entry") return verifyEntry(vector.envelope, ring.keyring);
  if (vector.type === "location") return verifyLocationRecord(vector.envelope, ring.keyring, { knownSeq: context.knownSeq });
  const previous = context.previous === undefined ? undefined : verifyCheckpoint(context.previous, ring.keyring);
  if (previous !== undefined && previous.status !== "valid") throw new Error(`vector ${vector.name}: previous checkpoint does not verify`);
  return verifyCheckpoint(vector.envelope, ring.keyring, { previous });
}

test("the committed vectors are exactly what generate.ts builds (Ed25519 is deterministic)", () => {
  assert.equal(Object.keys(built).sort(), ["invalid.json", "keys.json", "valid.json"]);
  for (const [name, content] of Object.entries(built)) {
    assert.fixture(read(name), `${JSON.stringify(content, null, 2)}\n`, `${name} is stale: run node --import tsx test/vectors/generate.ts`);
  }
});

test("keys: the PEM, public key and did:key all come from the seed", () => {
  for (const [name, key] of Object.entries(keys)) {
    const privateKey = createPrivateKey(key.pkcs8Pem);
    assert.is(privateKey.asymmetricKeyType, key.algorithm, name);
    const der = privateKey.export({ format: "der", type: "pkcs8" });
    assert.is(der.subarray(-32).toString("hex"), key.seed, name);
    assert.is(createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32).toString("hex"), key.publicKey, name);
    const did = decodeDidKey(key.did);
    assert.ok(did.ok && Buffer.from(did.key.publicKey).toString("hex") === key.publicKey, name);
  }
});

test("valid vectors: canonical bytes, payload, hash and a bare node:crypto signature check agree", () => {
  for (const vector of valid) {
    const bytes = Buffer.from(vector.canonical, "utf8");
    assert.is(canonicalizeToString(vector.object), vector.canonical, vector.name);
    assert.is(bytes.toString("hex"), vector.canonicalHex, vector.name);
    assert.is(vector.envelope.payload, bytes.toString("base64url"), vector.name);
    assert.is(vector.sha256, createHash("sha256").update(bytes).digest("base64url"), vector.name);
    const signer = Object.values(keys).find((key) => key.did === vector.envelope.key);
    if (signer === undefined) throw new Error(`vector ${vector.name}: unknown signer`);
    const publicKey = createPublicKey(createPrivateKey(signer.pkcs8Pem));
    const input = Buffer.concat([Buffer.from(vector.signingPrefix, "ascii"), bytes]);
    assert.ok(verify(null, input, publicKey, Buffer.from(vector.envelope.signature, "base64url")), vector.name);
  }
});

test("valid vectors verify with the library", () => {
  for (const vector of valid) {
    const result = verifyVector(vector);
    assert.is(result.status, "valid", `${vector.name}: ${JSON.stringify(result)}`);
    if (result.status === "valid") assert.is(result.hash, vector.sha256, vector.name);
  }
});

test("invalid vectors are refused with the stated reason", () => {
  assert.ok(invalid.length >= 15);
  for (const vector of invalid) {
    const result = verifyVector(vector);
    assert.is(result.status, "invalid", vector.name);
    if (result.status === "invalid") assert.is(result.reason, vector.expected.reason, `${vector.name}: ${result.message}`);
  }
});

test("docs/format.md quotes the vectors it describes", () => {
  const spec = readFileSync(new URL("../../docs/format.md", import.meta.url), "utf8");
  const note = valid.find((vector) => vector.name === "entry-note");
  assert.ok(note !== undefined);
  for (const quoted of [keys.root?.did, keys.signing?.did, keys.encryption?.did, note?.canonical, note?.envelope.signature, note?.sha256]) {
    assert.ok(quoted !== undefined && spec.includes(quoted), `docs/format.md should quote ${quoted}`);
  }
});

test.run();
