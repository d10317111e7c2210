/**
 * Verifies what a capsule publishes (docs/format.md §7–10) and says what it found: the identity and where
 * it came from, the key chain, each entry, the checkpoint, the identity record, the current location and
 * the DNS handle record. Input is already fetched and parsed (a `ParsedFeed`, the identity document's text,
 * the `_capsule` TXT lookup's result); nothing here does I/O or prints. `crawler/verify-report.ts` turns the report into text for a person.
 */
import {
  createKeyring, decodeBase64url, isTombstone, pickCurrentLocation, readEnvelope, readIdentityDocument, verifyIdentityRecord, Verifier,
  type CapsuleTxt, type Envelope, type IdentityPayload, type InvalidReason, type Keyring, type ReadEnvelope,
} from "../site/format/index.ts";
import type { CapsuleEnvelope, ParsedEntry, ParsedFeed } from "./parse/index.ts";

/** A feed as read: the parsed feed and the URL it came from (the final URL after redirects, or a file: URL). */
export interface FeedInput {
  readonly feed: ParsedFeed;
  readonly url: string;
}

/** The identity document (/.well-known/capsule.json): its text, or why it could not be read. */
export type IdentityInput =
  | { readonly url: string; readonly text: string; /** The host that served it; absent for a file (domain not checked). */ readonly host?: string }
  | { readonly url: string; readonly error: string };

/**
 * The `_capsule.<domain>` TXT lookup (docs/format.md §10.4) as the caller did it (`resolveCapsuleTxt`, or
 * `parseCapsuleTxt` of records in hand), or why it was not done (an IP address, `--no-dns`).
 */
export type DnsInput =
  | { readonly domain: string; readonly txt: CapsuleTxt }
  | { readonly domain?: string; readonly skipped: string };

export interface VerifyInput {
  readonly feed?: FeedInput;
  readonly identity?: IdentityInput;
  readonly dns?: DnsInput;
  /** What "expired" is measured against. @default new Date() */
  readonly now?: Date;
}

export interface Failure {
  readonly reason: InvalidReason;
  readonly message: string;
}

export interface KeyLine {
  readonly did: string;
  readonly serial: number;
  readonly purpose: "sign" | "encrypt";
  readonly expires: string | null;
  readonly state: "valid" | "expired" | "revoked";
}

export interface CheckpointSummary {
  readonly seq: number;
  readonly created: string;
  /** Entries the checkpoint lists (the capsule's whole history). */
  readonly listed: number;
  /** Entries in the feed whose payload hash the checkpoint lists. */
  readonly matched: number;
  /** Entries in the feed the checkpoint does not list (newer), verified by their own signature. */
  readonly notListed: readonly string[];
  /** Entries in the feed that contradict the listing (a different version without a later update). */
  readonly conflicts: readonly string[];
}

export interface IdentityRecordSummary {
  readonly url: string;
  /** Why it could not be read (fetch failed, not an envelope), or undefined. */
  readonly unreadable?: string;
  readonly id?: string;
  readonly domain?: string;
  /** The host that served it; undefined when read from a file. */
  readonly servedBy?: string;
  /** Whether `domain` is the serving host; null when not checked. */
  readonly domainMatches: boolean | null;
  /** Valid signature by a key its own certificates certify. */
  readonly signature: "valid" | Failure | null;
  /** Whether it names the same root as the feed; null without a feed identity. */
  readonly sameRoot: boolean | null;
}

export interface LocationSummary {
  readonly seq: number;
  readonly feeds: readonly string[];
  readonly movedFrom: string | null;
  readonly from: "location record" | "identity record";
  /** The feed URL that was read (or the feed's own self URL for a file); null when unknown. */
  readonly readUrl: string | null;
  /** "current": read URL is listed; "moved"/"mirror": it is not; "unknown": nothing to compare. */
  readonly verdict: "current" | "moved" | "mirror" | "unknown";
  readonly rejected: readonly Failure[];
}

export interface DnsSummary {
  /** `_capsule.<domain>`, or undefined when skipped before a domain was known. */
  readonly name: string | undefined;
  /**
   * "matches"/"mismatch": the record names the root the feed names, or another; "unchecked": it names an id
   * but there is no root to compare; "none": no capsule TXT record; "unavailable": the lookup failed;
   * "invalid": a malformed or ambiguous record; "skipped": not looked up (`reason` says why).
   */
  readonly verdict: "matches" | "mismatch" | "unchecked" | "none" | "unavailable" | "invalid" | "skipped";
  /** The identity the record names, when it names one. */
  readonly id?: string;
  /** Why it was skipped, why the lookup failed, or why the record is invalid. */
  readonly reason?: string;
}

export interface VerifyReport {
  readonly feed: { readonly url: string; readonly format: string; readonly title: string | null; readonly signed: boolean } | null;
  readonly identity: { readonly root: string; readonly sources: readonly string[] } | null;
  readonly keys: readonly KeyLine[];
  readonly rejectedCertificates: readonly (Failure & { readonly where: string })[];
  readonly entries: {
    readonly verified: number; readonly viaSignature: number; readonly viaCheckpoint: number; readonly tombstones: number;
    readonly failed: readonly (Failure & { readonly item: string })[];
    readonly unsigned: readonly string[];
  };
  readonly checkpoint: CheckpointSummary | Failure | null;
  readonly identityRecord: IdentityRecordSummary | null;
  readonly location: LocationSummary | null;
  /** The DNS handle record; null when no lookup result was given (a file). */
  readonly dns: DnsSummary | null;
  /** Anything invalid: the command exits 1 when this is not empty. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

interface Carried {
  readonly identity: { readonly id: string; readonly href: string | null } | null;
  readonly certificates: readonly ReadEnvelope[];
  readonly checkpoints: readonly ReadEnvelope[];
  readonly locations: readonly ReadEnvelope[];
  readonly items: readonly { readonly entry: ParsedEntry; readonly read: ReadEnvelope }[];
}

/** Verifies a feed and/or identity document and reports everything found; never throws on bad input. */
export function verifyCapsule(input: VerifyInput): VerifyReport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const carried = input.feed ? readCarried(input.feed) : undefined;
  const signed = carried !== undefined && (carried.identity !== null || carried.certificates.length + carried.checkpoints.length +
    carried.locations.length > 0 || carried.items.some((item) => item.read.status !== "unsigned"));
  const record = input.identity ? checkIdentityRecord(input.identity) : undefined;

  const feedRoot = carried?.identity?.id;
  const root = feedRoot ?? record?.value?.id;
  const sources = [
    ...(feedRoot ? [`the feed's capsule:identity (${input.feed!.url})`] : []),
    ...(record?.value && record.value.id === root ? [`the identity record (${input.identity!.url})`] : []),
  ];
  if (signed && !feedRoot) problems.push("the feed carries signed elements but no capsule:identity naming its root");
  const summary = record ? summariseRecord(record, input.identity!, feedRoot, signed || !input.feed, problems, warnings) : null;

  const certificates: { envelope: unknown; where: string }[] = [];
  const rejectedCertificates: (Failure & { where: string })[] = [];
  carried?.certificates.forEach((read, index) => {
    if (read.status === "read") certificates.push({ envelope: read.envelope, where: `feed certificate ${index + 1}` });
    else if (read.status === "invalid") rejectedCertificates.push({ reason: read.reason, message: read.message, where: `feed certificate ${index + 1}` });
  });
  if (record?.value && record.value.id === root) {
    record.value.certificates.forEach((envelope, index) => certificates.push({ envelope, where: `identity record certificate ${index + 1}` }));
  }

  let keyring: Keyring | undefined;
  if (root !== undefined) {
    const built = createKeyring(root, certificates.map((c) => c.envelope));
    if (built.status === "valid") {
      keyring = built.keyring;
      for (const bad of built.rejected) rejectedCertificates.push({ reason: bad.reason, message: bad.message, where: certificates[bad.index]!.where });
    } else {
      problems.push(`the identity ${root} is not usable: ${built.message}`);
    }
  }
  for (const bad of rejectedCertificates) problems.push(`${bad.where} is invalid (${bad.reason}): ${bad.message}`);

  const verifier = keyring ? new Verifier(keyring) : undefined;
  const listing = carried && verifier ? checkCheckpoints(carried, verifier, problems) : null;
  const { consistency, ...entries } = carried ? checkEntries(carried, verifier, problems, warnings) : emptyEntries();
  const checkpoint = listing && "seq" in listing ? { ...listing, ...consistency } : listing;
  const location = keyring ? findLocation(input, carried, record?.value?.id === root ? record?.value : undefined, keyring, problems) : null;
  const dns = input.dns ? checkDns(input.dns, root, problems, warnings) : null;

  if (input.feed && !signed) warnings.push("unsigned feed: it carries no capsule elements, so nothing in it can be verified");
  return {
    feed: input.feed ? { url: input.feed.url, format: input.feed.feed.format, title: input.feed.feed.title?.value ?? null, signed } : null,
    identity: root !== undefined ? { root, sources } : null,
    keys: keyring ? listKeys(keyring, input.now ?? new Date()) : [],
    rejectedCertificates, entries, checkpoint, identityRecord: summary, location, dns, problems, warnings,
  };
}

/** The feed URLs a valid identity document lists (RSS first), to follow from a capsule.json to its feed. */
export function listIdentityFeeds(text: string): readonly string[] {
  const read = readIdentityDocument(text);
  if (read.status !== "read") return [];
  const result = verifyIdentityRecord(read.envelope);
  return result.status === "valid" ? result.value.feeds : [];
}

// The parser reads RSS/Atom elements and JSON Feed `_capsule` objects (docs/format.md §10.1–10.2) into the same fields.
function readCarried({ feed }: FeedInput): Carried {
  const extension = feed.capsule;
  const pick = (kind: string) => (extension?.envelopes ?? []).filter((e) => e.kind === kind).map(readParsed);
  return {
    identity: extension?.identity ?? null,
    certificates: pick("certificate"),
    checkpoints: pick("checkpoint"),
    locations: pick("location"),
    items: feed.entries.map((entry) => ({ entry, read: entry.capsule ? readParsed(entry.capsule) : readEnvelope(null) })),
  };
}

function readParsed(envelope: CapsuleEnvelope): ReadEnvelope {
  return readEnvelope({ text: envelope.payload, attributes: { key: envelope.key ?? undefined, signature: envelope.signature ?? undefined } });
}

interface RecordCheck {
  readonly value?: IdentityPayload;
  readonly claimed?: IdentityPayload;
  readonly failure?: Failure;
  readonly unreadable?: string;
  readonly domainMatches: boolean | null;
}

function checkIdentityRecord(input: IdentityInput): RecordCheck {
  if ("error" in input) return { unreadable: input.error, domainMatches: null };
  const read = readIdentityDocument(input.text);
  if (read.status !== "read") return { unreadable: read.status === "invalid" ? read.message : "it is empty", domainMatches: null };
  const result = verifyIdentityRecord(read.envelope);
  if (result.status !== "valid") {
    const failure = result.status === "invalid" ? result : { reason: "malformed-envelope" as const, message: "no envelope" };
    return { failure: { reason: failure.reason, message: failure.message }, claimed: decodeClaim(read.envelope), domainMatches: null };
  }
  if (input.host === undefined) return { value: result.value, domainMatches: null };
  // The library's own rule (docs/format.md §7): the record must name the host that served it.
  const onDomain = verifyIdentityRecord(read.envelope, { domain: input.host });
  return { value: result.value, domainMatches: onDomain.status === "valid" };
}

function summariseRecord(check: RecordCheck, input: IdentityInput, feedRoot: string | undefined, needed: boolean, problems: string[], warnings: string[]): IdentityRecordSummary {
  const host = "host" in input ? input.host : undefined;
  if (check.unreadable !== undefined) {
    if (needed) warnings.push(`identity record ${input.url} could not be read: ${check.unreadable}`);
    return { url: input.url, unreadable: check.unreadable, domainMatches: null, signature: null, sameRoot: null };
  }
  const payload = check.value ?? check.claimed;
  const sameRoot = feedRoot === undefined || payload === undefined ? null : payload.id === feedRoot;
  if (check.failure) problems.push(`identity record ${input.url} is invalid (${check.failure.reason}): ${check.failure.message}`);
  if (check.domainMatches === false) {
    problems.push(`identity record names the domain ${payload?.domain} but was served by ${host} (wrong-domain)`);
  }
  if (sameRoot === false) problems.push(`identity record is for ${payload?.id}, but the feed names ${feedRoot} (wrong-author)`);
  return {
    url: input.url, id: payload?.id, domain: payload?.domain, servedBy: host, domainMatches: check.domainMatches,
    signature: check.failure ?? "valid", sameRoot,
  };
}

type Listing = Omit<CheckpointSummary, "matched" | "notListed" | "conflicts">;

function checkCheckpoints(carried: Carried, verifier: Verifier, problems: string[]): Listing | Failure | null {
  let latest: Listing | Failure | null = null;
  for (const read of carried.checkpoints) {
    const result = read.status === "read" ? verifier.verifyCheckpoint(read.envelope) : read;
    if (result.status === "valid") {
      const { seq, created, entries } = result.value;
      latest = { seq, created, listed: entries.length };
    } else if (result.status === "invalid") {
      problems.push(`checkpoint is invalid (${result.reason}): ${result.message}`);
      latest ??= { reason: result.reason, message: result.message };
    }
  }
  return latest;
}

function checkEntries(carried: Carried, verifier: Verifier | undefined, problems: string[], warnings: string[]) {
  const counts = { verified: 0, viaSignature: 0, viaCheckpoint: 0, tombstones: 0 };
  const failed: (Failure & { item: string })[] = [];
  const unsigned: string[] = [];
  const listed = new Map((verifier?.checkpoint?.value.entries ?? []).map(([id, updated, hash]) => [id, { updated, hash }]));
  const consistency = { matched: 0, notListed: [] as string[], conflicts: [] as string[] };
  carried.items.forEach(({ entry, read }, index) => {
    const name = describeItem(entry, index, read);
    if (read.status === "unsigned") return void unsigned.push(name);
    const result = read.status === "read" && verifier ? verifier.verifyEntry(read.envelope) : read;
    if (result.status !== "valid") {
      const failure = result.status === "invalid" ? result : { reason: "uncertified-key" as const, message: "no identity to verify against" };
      failed.push({ item: name, reason: failure.reason, message: failure.message });
      problems.push(`entry ${name} is invalid (${failure.reason}): ${failure.message}`);
      return;
    }
    counts.verified++;
    if (result.via === "checkpoint") counts.viaCheckpoint++;
    else counts.viaSignature++;
    if (isTombstone(result.value)) counts.tombstones++;
    if (verifier?.checkpoint === undefined) return;
    const item = listed.get(result.value.id);
    if (item?.hash === result.hash) consistency.matched++;
    else if (item === undefined || result.value.updated > item.updated) consistency.notListed.push(result.value.id);
    else {
      consistency.conflicts.push(result.value.id);
      problems.push(`entry ${JSON.stringify(result.value.id)} in the feed is not the version the checkpoint lists (updated ${result.value.updated}, listed ${item.updated})`);
    }
  });
  if (unsigned.length > 0 && counts.verified + failed.length > 0) {
    warnings.push(`${unsigned.length} item(s) in a signed feed carry no signature: anyone serving the feed could have added them`);
  }
  return { ...counts, failed, unsigned, consistency };
}

function findLocation(input: VerifyInput, carried: Carried | undefined, record: IdentityPayload | undefined, keyring: Keyring, problems: string[]): LocationSummary | null {
  const envelopes = (carried?.locations ?? []).filter((read) => read.status === "read").map((read) => (read as { envelope: Envelope }).envelope);
  const rejected: Failure[] = (carried?.locations ?? []).flatMap((read) => (read.status === "invalid" ? [{ reason: read.reason, message: read.message }] : []));
  const choice = pickCurrentLocation(envelopes, keyring);
  rejected.push(...choice.rejected.map(({ reason, message }) => ({ reason, message })));
  for (const bad of rejected) problems.push(`location record is invalid (${bad.reason}): ${bad.message}`);
  const best = choice.current?.value;
  // docs/format.md §9: a location record overrides the identity record only with a higher seq.
  const current = best && (record === undefined || best.seq > record.seq)
    ? { seq: best.seq, feeds: best.feeds, mirrors: best.mirrors, movedFrom: best.movedFrom, from: "location record" as const }
    : record ? { seq: record.seq, feeds: record.feeds, mirrors: record.mirrors, movedFrom: null, from: "identity record" as const } : undefined;
  if (current === undefined) return null;
  const feed = input.feed;
  const readUrl = feed ? (/^https?:/.test(feed.url) ? feed.url : feed.feed.feedUrl) : null;
  let verdict: LocationSummary["verdict"] = "unknown";
  if (readUrl) {
    const href = normalise(readUrl);
    if (current.feeds.some((url) => normalise(url) === href)) verdict = "current";
    else verdict = current.mirrors.some((mirror) => href.startsWith(normalise(mirror))) ? "mirror" : "moved";
  }
  return { seq: current.seq, feeds: current.feeds, movedFrom: current.movedFrom, from: current.from, readUrl, verdict, rejected };
}

// docs/format.md §10.4: a cross-check of the handle, not a root of trust; a failed lookup says nothing either way.
function checkDns(input: DnsInput, root: string | undefined, problems: string[], warnings: string[]): DnsSummary {
  const name = input.domain === undefined ? undefined : `_capsule.${input.domain.replace(/\.$/, "")}`;
  if ("skipped" in input) return { name, verdict: "skipped", reason: input.skipped };
  const { txt } = input;
  if (txt.status === "none") {
    warnings.push(`DNS ${name}: no capsule TXT record, so the domain is not cross-checked against the identity`);
    return { name, verdict: "none" };
  }
  if (txt.status === "unavailable") {
    warnings.push(`DNS ${name}: the lookup failed (${txt.message}); it says nothing either way`);
    return { name, verdict: "unavailable", reason: txt.message };
  }
  if (txt.status === "invalid") {
    problems.push(`DNS ${name} is invalid (${txt.reason}): ${txt.message}`);
    return { name, verdict: "invalid", reason: `${txt.reason}: ${txt.message}` };
  }
  if (root === undefined) {
    warnings.push(`DNS ${name} names ${txt.id}, but there is no identity to compare it with`);
    return { name, verdict: "unchecked", id: txt.id };
  }
  if (txt.id !== root) problems.push(`DNS ${name} names ${txt.id}, but the capsule's identity is ${root}`);
  return { name, verdict: txt.id === root ? "matches" : "mismatch", id: txt.id };
}

function listKeys(keyring: Keyring, now: Date): KeyLine[] {
  const time = `${now.toISOString().slice(0, 19)}Z`;
  return [...keyring.keys.values()]
    .map((key) => ({
      did: key.did, serial: key.serial, purpose: key.purpose, expires: key.expires,
      state: key.status === "revoked" ? "revoked" as const : key.expires !== null && key.expires < time ? "expired" as const : "valid" as const,
    }))
    .sort((a, b) => a.serial - b.serial);
}

function describeItem(entry: ParsedEntry, index: number, read: ReadEnvelope): string {
  const id = read.status === "read" ? peekId(read.envelope.payload) : undefined;
  if (id !== undefined) return JSON.stringify(id);
  const title = entry.title?.value.trim() || entry.guid || entry.url;
  return title ? JSON.stringify(title.length > 80 ? `${title.slice(0, 79)}…` : title) : `item ${index + 1}`;
}

// Names a failed entry by the id its payload claims, when the payload can be read at all (unverified: a label only).
function peekId(payload: string): string | undefined {
  const claim = decodePayload(payload) as { id?: unknown } | undefined;
  return typeof claim?.id === "string" && claim.id.length <= 128 ? claim.id : undefined;
}

function decodeClaim(envelope: Envelope): IdentityPayload | undefined {
  const claim = decodePayload(envelope.payload);
  return isRecord(claim) && typeof claim["id"] === "string" ? (claim as unknown as IdentityPayload) : undefined;
}

function decodePayload(payload: string): unknown {
  const decoded = decodeBase64url(payload);
  if (!decoded.ok) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(decoded.bytes));
  } catch {
    return undefined;
  }
}

function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function emptyEntries() {
  return { verified: 0, viaSignature: 0, viaCheckpoint: 0, tombstones: 0, failed: [], unsigned: [], consistency: { matched: 0, notListed: [], conflicts: [] } };
}
