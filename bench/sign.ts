// Signing and verification cost of the capsule format against bare node:crypto Ed25519 on the same bytes.
//   node --import tsx bench/sign.ts            (BENCH_ENTRIES=10000 BENCH_RUNS=5 by default)
// Targets (issue 3): verifyEntry ≥ 0.9× bare verify; a 20-entry feed authenticated through its checkpoint
// ≥ 5× faster than verifying its 20 signatures one by one.
import { sign, verify } from "node:crypto";
import {
  buildSigningInput, createKeyring, createSigner, deriveKeyPair, listCheckpointItems, verifyEntry, Verifier,
  type Envelope, type EntryFields, type Keyring, type Sealed, type EntryContent,
} from "../site/format/index.ts";

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 10_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const FEED_SIZE = 20;
const ARCHIVE_SIZE = 1_000;

const root = deriveKeyPair(Buffer.alloc(32, 0x11));
const signingKey = deriveKeyPair(Buffer.alloc(32, 0x22));
const signer = createSigner({ rootKey: root, signingKey });
const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
const built = createKeyring(root.did, [certificate.envelope]);
if (built.status !== "valid") throw new Error("bench keyring did not build");
const keyring: Keyring = built.keyring;
const fields = Array.from({ length: ENTRIES }, (_, i) => makeFields(i));
// The bare baseline signs and verifies the very bytes signEntry signs: domain prefix ‖ canonical payload.
const inputs = fields.map((f) => buildSigningInput("entry", signer.signEntry(f).bytes));

interface Figures { [name: string]: number }
const runs: Figures[] = [];
for (let run = 0; run <= RUNS; run++) {
  const figures = measure();
  if (run > 0) runs.push(figures); // run 0 warms the JIT up and is not counted
  const verifyRatio = (figures.verifyEntryRate as number) / (figures.bareVerifyRate as number);
  process.stderr.write(`run ${run}${run === 0 ? " (warm-up)" : ""} done (verifyEntry/bare ${verifyRatio.toFixed(3)}×)\n`);
}
report(runs);

// The machine is shared, so each figure and its baseline are measured in alternating blocks of the same
// entries: a burst of load elsewhere slows both sides alike instead of skewing the ratio.
function measure(): Figures {
  const sealed: Sealed<EntryContent>[] = [];
  const signatures: Buffer[] = [];
  const sign1 = alternate(ENTRIES, (i) => { sealed[i] = signer.signEntry(fields[i] as EntryFields); }, (i) => {
    signatures[i] = sign(null, inputs[i] as Buffer, signingKey.privateKey);
  });
  const envelopes = sealed.map((s) => s.envelope);
  let valid = 0;
  let bareValid = 0;
  const verify1 = alternate(ENTRIES, (i) => { if (verifyEntry(envelopes[i], keyring).status === "valid") valid++; }, (i) => {
    if (verify(null, inputs[i] as Buffer, signingKey.publicKey, signatures[i] as Buffer)) bareValid++;
  });
  if (valid !== ENTRIES || bareValid !== ENTRIES) throw new Error(`only ${valid}/${bareValid} of ${ENTRIES} verified`);

  const feeds = makeFeeds(sealed);
  const small = alternate(feeds.length, (i) => viaCheckpoint((feeds[i] as Feed).entries, (feeds[i] as Feed).checkpoint), (i) => oneByOne((feeds[i] as Feed).entries));
  const large = alternate(feeds.length, (i) => viaCheckpoint((feeds[i] as Feed).entries, (feeds[i] as Feed).archive), (i) => oneByOne((feeds[i] as Feed).entries));
  return {
    signEntryRate: sign1.a, bareSignRate: sign1.b, verifyEntryRate: verify1.a, bareVerifyRate: verify1.b,
    small: small.a, individual: small.b, large: large.a, individualLarge: large.b,
  };
}

function oneByOne(entries: readonly Envelope[]): void {
  for (const e of entries) expectVia(verifyEntry(e, keyring), "signature");
}

function viaCheckpoint(entries: readonly Envelope[], checkpoint: Envelope): void {
  const verifier = new Verifier(keyring);
  if (verifier.verifyCheckpoint(checkpoint).status !== "valid") throw new Error("checkpoint did not verify");
  for (const e of entries) expectVia(verifier.verifyEntry(e), "checkpoint");
}

interface Feed { entries: Envelope[]; checkpoint: Envelope; archive: Envelope }

// Each feed: 20 entries, a checkpoint listing just them, and a checkpoint listing them among 1,000.
function makeFeeds(sealed: readonly Sealed<EntryContent>[]): Feed[] {
  const feeds: Feed[] = [];
  for (let start = 0; start + FEED_SIZE <= sealed.length && feeds.length < 200; start += FEED_SIZE) {
    const page = sealed.slice(start, start + FEED_SIZE);
    const history = sealed.slice(Math.max(0, start + FEED_SIZE - ARCHIVE_SIZE), start + FEED_SIZE);
    const older = history.length < ARCHIVE_SIZE ? sealed.slice(sealed.length - (ARCHIVE_SIZE - history.length)) : [];
    feeds.push({
      entries: page.map((s) => s.envelope),
      checkpoint: signer.signCheckpoint({ created: "2025-06-01T00:00:00Z", entries: listCheckpointItems(page) }).envelope,
      archive: signer.signCheckpoint({ created: "2025-06-01T00:00:00Z", entries: listCheckpointItems([...older, ...history]) }).envelope,
    });
  }
  return feeds;
}

function expectVia(result: ReturnType<typeof verifyEntry>, via: string): void {
  if (result.status !== "valid" || result.via !== via) throw new Error(`expected a valid entry via ${via}, got ${JSON.stringify(result).slice(0, 200)}`);
}

/** Runs a(i) and b(i) for every i in alternating blocks and returns both rates per second. */
function alternate(count: number, a: (i: number) => void, b: (i: number) => void, block = 50): { a: number; b: number } {
  let timeA = 0n;
  let timeB = 0n;
  for (let start = 0; start < count; start += block) {
    const end = Math.min(count, start + block);
    let t = process.hrtime.bigint();
    for (let i = start; i < end; i++) a(i);
    timeA += process.hrtime.bigint() - t;
    t = process.hrtime.bigint();
    for (let i = start; i < end; i++) b(i);
    timeB += process.hrtime.bigint() - t;
  }
  return { a: count / (Number(timeA) / 1e9), b: count / (Number(timeB) / 1e9) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function report(all: Figures[]): void {
  const m = (name: string) => median(all.map((f) => f[name] as number));
  // Ratios are taken within each run (both sides measured in the same alternating blocks), then the median.
  const ratio = (a: string, b: string) => median(all.map((f) => (f[a] as number) / (f[b] as number)));
  const row = (label: string, value: number, unit: string) => console.log(`${label.padEnd(48)} ${Math.round(value).toLocaleString("en").padStart(9)} ${unit}`);
  console.log(`capsule format bench: ${ENTRIES} entries, median of ${all.length} runs (ratios: median of per-run ratios), node ${process.version}\n`);
  row("signEntry (validate + JCS + sign)", m("signEntryRate"), "entries/s");
  row("bare node:crypto Ed25519 sign, same bytes", m("bareSignRate"), "signs/s");
  console.log(`${"  ratio".padEnd(48)} ${ratio("signEntryRate", "bareSignRate").toFixed(2)}×\n`);
  row("verifyEntry (decode + JCS check + fields + verify)", m("verifyEntryRate"), "entries/s");
  row("bare node:crypto Ed25519 verify, same bytes", m("bareVerifyRate"), "verifies/s");
  const verifyRatio = ratio("verifyEntryRate", "bareVerifyRate");
  console.log(`${"  ratio (target ≥ 0.90×)".padEnd(48)} ${verifyRatio.toFixed(2)}×\n`);
  row("20-entry feed, 20 signatures one by one", m("individual"), "feeds/s");
  row("20-entry feed via its checkpoint (20 listed)", m("small"), "feeds/s");
  row(`20-entry feed via a checkpoint listing ${ARCHIVE_SIZE.toLocaleString("en")}`, m("large"), "feeds/s");
  const feedRatio = ratio("small", "individual");
  console.log(`${"  ratio, 20 listed (target ≥ 5×)".padEnd(48)} ${feedRatio.toFixed(2)}×`);
  console.log(`${`  ratio, ${ARCHIVE_SIZE.toLocaleString("en")} listed (first sight of it)`.padEnd(48)} ${ratio("large", "individualLarge").toFixed(2)}×\n`);
  const verdict = (ok: boolean) => (ok ? "MET" : "NOT MET");
  console.log(`target verifyEntry ≥ 0.9× bare verify: ${verdict(verifyRatio >= 0.9)} (${verifyRatio.toFixed(3)}×)`);
  console.log(`target checkpoint feed ≥ 5× one-by-one: ${verdict(feedRatio >= 5)} (${feedRatio.toFixed(2)}×)`);
}

function makeFields(i: number): EntryFields {
  const day = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().slice(0, 19) + "Z";
  const paragraph = `Paragraph ${i} about *capsules*, mirrors and [feeds](https://example.com/${i}). `;
  const body = `# Post ${i}\n\n${paragraph.repeat(6 + (i % 8))}\n\n- one\n- two\n\n> quoted ${"é".repeat(i % 5)}\n`;
  const article = i % 2 === 0;
  return {
    id: `post-${String(i).padStart(6, "0")}`, published: day, updated: day, kind: article ? "article" : "note",
    ...(article ? { title: `Post number ${i}`, summary: `Summary of post ${i}.` } : {}),
    body, tags: ["capsule", `tag-${i % 17}`],
    attachments: i % 4 === 0 ? [{ url: `media/${i}.jpg`, mediaType: "image/jpeg", size: 1000 + i, sha256: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", alt: "a photo" }] : [],
  };
}
