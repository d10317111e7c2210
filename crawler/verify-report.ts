/** Writes a `VerifyReport` (crawler/verify.ts) as text for a person: one labelled block per question. */
import type { CheckpointSummary, DnsSummary, Failure, IdentityRecordSummary, LocationSummary, VerifyReport } from "./verify.ts";

const PAD = 12;

/** Formats the report; the last line says whether everything signed verified. */
export function formatVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  const add = (label: string, first: string, ...rest: string[]) => {
    lines.push(`${label.padEnd(PAD)}${first}`, ...rest.map((line) => `${" ".repeat(PAD)}${line}`));
  };

  if (report.feed) {
    const title = report.feed.title ? ` "${report.feed.title}"` : "";
    add("Feed", `${report.feed.url} (${report.feed.format.toUpperCase()}${title})`);
    if (!report.feed.signed) add("", "unsigned feed: no capsule signatures, nothing to verify (ordinary readers still read it)");
  }
  if (report.identity) add("Identity", report.identity.root, ...report.identity.sources.map((source) => `from ${source}`));
  if (report.identity && (report.keys.length > 0 || report.rejectedCertificates.length > 0)) {
    add("Keys", `root ${report.identity.root}`,
      ...report.keys.map((key) => `#${key.serial} ${key.purpose.padEnd(7)} ${key.did} ${key.state}${key.expires ? ` (${key.state === "expired" ? "since" : "until"} ${key.expires})` : ""}`),
      ...report.rejectedCertificates.map((bad) => `${bad.where}: invalid (${bad.reason}) ${bad.message}`));
  }
  if (report.feed?.signed) add("Entries", ...formatEntries(report));
  else if (report.entries.unsigned.length > 0) add("Entries", `${report.entries.unsigned.length} unsigned item(s)`);
  if (report.checkpoint) add("Checkpoint", ...formatCheckpoint(report.checkpoint));
  else if (report.feed?.signed) add("Checkpoint", "none in the feed: every entry is checked by its own signature");
  if (report.identityRecord) add("Record", ...formatRecord(report.identityRecord));
  else if (report.feed?.signed) add("Record", "not checked: verify the capsule's URL to fetch its /.well-known/capsule.json");
  if (report.location) add("Location", ...formatLocation(report.location));
  if (report.dns) add("DNS", formatDns(report.dns));
  // Notes that a block above already says are not repeated.
  for (const warning of report.warnings.filter((w) => !w.startsWith("unsigned feed") && !w.startsWith("DNS "))) add("Note", warning);

  const count = report.problems.length;
  if (count === 0) add("Result", report.feed && !report.feed.signed ? "unsigned feed (nothing invalid, nothing verified)" : "OK: everything signed verifies");
  else add("Result", `INVALID: ${count} problem${count === 1 ? "" : "s"}`, ...report.problems.map((problem) => `- ${problem}`));
  return `${lines.join("\n")}\n`;
}

function formatEntries(report: VerifyReport): [string, ...string[]] {
  const { verified, viaCheckpoint, viaSignature, tombstones, failed, unsigned } = report.entries;
  const signed = verified + failed.length;
  const how = verified > 0 ? ` (${viaCheckpoint} through the checkpoint, ${viaSignature} by their own signature)` : "";
  const dead = tombstones === 0 ? "" : tombstones === 1 ? "; 1 is a tombstone" : `; ${tombstones} are tombstones`;
  return [
    `${verified} of ${signed} signed entr${signed === 1 ? "y" : "ies"} verified${how}${dead}`,
    ...failed.map((f) => `INVALID ${f.item}: ${f.reason}: ${f.message}`),
    ...(unsigned.length > 0 ? [`${unsigned.length} unsigned item(s): ${unsigned.join(", ")}`] : []),
  ];
}

function formatCheckpoint(checkpoint: CheckpointSummary | Failure): [string, ...string[]] {
  if (!("seq" in checkpoint)) return [`INVALID: ${checkpoint.reason}: ${checkpoint.message}`];
  const { seq, created, listed, matched, notListed, conflicts } = checkpoint;
  return [
    `seq ${seq} (${created}) lists ${listed} entr${listed === 1 ? "y" : "ies"}; ${matched} in this feed match it`,
    ...(notListed.length > 0 ? [`not listed (newer, verified by their own signature): ${notListed.join(", ")}`] : []),
    ...(conflicts.length > 0 ? [`INCONSISTENT: the feed carries another version of ${conflicts.join(", ")}`] : []),
  ];
}

function formatRecord(record: IdentityRecordSummary): [string, ...string[]] {
  if (record.unreadable !== undefined) return [record.url, `could not be read: ${record.unreadable}`];
  const signature = record.signature === "valid" ? "signature valid" : `INVALID: ${record.signature?.reason}: ${record.signature?.message}`;
  const domain = record.domain === undefined ? [] : [record.domainMatches === null
    ? `names the domain ${record.domain} (not checked: ${record.servedBy === undefined ? "read from a file" : "no valid signature"})`
    : record.domainMatches
      ? `domain ${record.domain} matches the host serving it`
      : `DOMAIN MISMATCH: names ${record.domain}, served by ${record.servedBy}`];
  const root = record.sameRoot === null ? [] : [record.sameRoot ? "same root as the feed" : `DIFFERENT ROOT from the feed: ${record.id}`];
  return [record.url, signature, ...domain, ...root];
}

function formatLocation(location: LocationSummary): [string, ...string[]] {
  const from = location.movedFrom ? `, moved from ${location.movedFrom}` : "";
  const lines: [string, ...string[]] = [`seq ${location.seq} (${location.from}): ${location.feeds.join(" ")}${from}`];
  const here = location.feeds[0];
  if (location.verdict === "current") lines.push(`${location.readUrl} is the current feed`);
  if (location.verdict === "moved") lines.push(`this capsule moved to ${here} (read from ${location.readUrl})`);
  if (location.verdict === "mirror") lines.push(`read from a mirror; the capsule's own feed is ${here}`);
  if (location.verdict === "unknown") lines.push(`current feed: ${here}`);
  for (const bad of location.rejected) lines.push(`INVALID location record: ${bad.reason}: ${bad.message}`);
  return lines;
}

function formatDns(dns: DnsSummary): string {
  if (dns.verdict === "skipped") return `${dns.name ? `${dns.name}: ` : ""}skipped: ${dns.reason}`;
  const name = dns.name ?? "_capsule TXT";
  switch (dns.verdict) {
    case "matches": return `${name}: matches`;
    case "mismatch": return `${name}: DIFFERENT IDENTITY: ${dns.id}`;
    case "unchecked": return `${name}: names ${dns.id} (nothing to compare it with)`;
    case "none": return `${name}: none (the domain is not cross-checked)`;
    case "unavailable": return `${name}: lookup failed, says nothing either way (${dns.reason})`;
    case "invalid": return `${name}: INVALID: ${dns.reason}`;
  }
}
