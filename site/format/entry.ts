// Entries: one post (note or article), or the tombstone that replaces it when it is deleted. For one
// (author, id) the version with the latest `updated` wins; a tombstone wins a tie.
import { verifyObject, type ObjectRules } from "./authenticate.ts";
import {
  checkArray, checkCapsulePath, checkConstant, checkDid, checkEntryId, checkHash, checkMediaType, checkObject,
  checkOneOf, checkSize, checkText, checkTimestamp, findProblem, type FieldSpec,
} from "./fields.ts";
import { FORMAT_VERSION, MAX_PAYLOAD_BYTES } from "./envelope.ts";
import { hashBytes } from "./hash.ts";
import type { Keyring } from "./keyring.ts";
import { invalid, type Invalid, type VerifyResult } from "./result.ts";

export interface Attachment {
  /** Path relative to the capsule root (media/cat.jpg), so mirrors can serve it from their own copy. */
  readonly url: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly alt?: string;
}

interface EntryHeader {
  readonly type: "entry";
  readonly v: 1;
  readonly author: string;
  readonly id: string;
  readonly updated: string;
}

/** A published note or article. Exactly one of `body` or (`bodyHash` and `bodyUrl`) is present. */
export interface EntryContent extends EntryHeader {
  readonly published: string;
  readonly kind: "note" | "article";
  readonly title?: string;
  readonly summary?: string;
  readonly body?: string;
  readonly bodyHash?: string;
  readonly bodyUrl?: string;
  readonly tags: readonly string[];
  readonly attachments: readonly Attachment[];
}

/** A deleted entry: it keeps its identity and the deletion time, and drops everything else. */
export interface Tombstone extends EntryHeader {
  readonly deleted: true;
}

export type EntryPayload = EntryContent | Tombstone;

const HEADER: Record<string, FieldSpec> = {
  type: { check: checkConstant("entry") },
  v: { check: checkConstant(FORMAT_VERSION) },
  author: { check: checkDid("ed25519") },
  id: { check: checkEntryId },
  updated: { check: checkTimestamp },
};

const ATTACHMENT: Record<string, FieldSpec> = {
  url: { check: checkCapsulePath },
  mediaType: { check: checkMediaType },
  size: { check: checkSize },
  sha256: { check: checkHash },
  alt: { check: checkText(2000, true), optional: true },
};

const CONTENT: Record<string, FieldSpec> = {
  ...HEADER,
  published: { check: checkTimestamp },
  kind: { check: checkOneOf("note", "article") },
  title: { check: checkText(500), optional: true },
  summary: { check: checkText(5000, true), optional: true },
  body: { check: checkText(MAX_PAYLOAD_BYTES, true), optional: true },
  bodyHash: { check: checkHash, optional: true },
  bodyUrl: { check: checkCapsulePath, optional: true },
  tags: { check: checkArray(checkText(100), { max: 100, unique: true }) },
  attachments: { check: checkArray(checkObject(ATTACHMENT, "attachment"), { max: 1000 }) },
};

const TOMBSTONE: Record<string, FieldSpec> = { ...HEADER, deleted: { check: checkConstant(true) } };

/** Finds what is wrong with an entry payload object, or undefined when it is well formed. */
export function findEntryProblem(object: unknown): string | undefined {
  if (typeof object === "object" && object !== null && "deleted" in object) return findProblem(object, TOMBSTONE, "tombstone");
  const problem = findProblem(object, CONTENT, "entry");
  if (problem !== undefined) return problem;
  const entry = object as EntryContent;
  if (entry.kind === "article" && entry.title === undefined) return `${nameEntry(entry)} is an article and needs a title`;
  if (entry.kind === "note" && entry.title !== undefined) return `${nameEntry(entry)} is a note; notes have no title (make it an article)`;
  const inline = entry.body !== undefined;
  const linked = entry.bodyHash !== undefined || entry.bodyUrl !== undefined;
  if (inline === linked) return `${nameEntry(entry)} needs either body, or bodyHash with bodyUrl, and not both`;
  if (linked && (entry.bodyHash === undefined || entry.bodyUrl === undefined)) return `${nameEntry(entry)} needs bodyHash and bodyUrl together`;
  if (entry.updated < entry.published) return `${nameEntry(entry)} is updated (${entry.updated}) before it is published (${entry.published})`;
  return undefined;
}

// Built only once a problem is found: the checks above run on every entry verified.
function nameEntry(entry: EntryContent): string {
  return `entry ${JSON.stringify(entry.id)}`;
}

/** Tells whether an entry is a tombstone. */
export function isTombstone(entry: EntryPayload): entry is Tombstone {
  return "deleted" in entry;
}

export const ENTRY_RULES: ObjectRules<EntryPayload> = {
  type: "entry",
  findProblem: findEntryProblem,
  authorOf: (entry) => entry.author,
  timeOf: (entry) => entry.updated,
};

/** Verifies one entry envelope by its own signature against a keyring; never throws. */
export function verifyEntry(envelope: unknown, keyring: Keyring): VerifyResult<EntryPayload> {
  return verifyObject(envelope, ENTRY_RULES, keyring);
}

/** Checks bytes fetched from an entry's bodyUrl against its bodyHash and returns the Markdown. */
export function verifyBody(entry: EntryContent, bytes: Uint8Array): { status: "valid"; body: string } | Invalid {
  if (entry.bodyHash === undefined) return invalid("malformed-object", `entry ${JSON.stringify(entry.id)} has an inline body, nothing to fetch`);
  if (hashBytes(bytes) !== entry.bodyHash) {
    return invalid("hash-mismatch", `the body fetched for entry ${JSON.stringify(entry.id)} does not match its bodyHash`);
  }
  try {
    return { status: "valid", body: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return invalid("malformed-object", `the body of entry ${JSON.stringify(entry.id)} matches its hash but is not UTF-8`);
  }
}

/** Checks fetched attachment bytes against the size and SHA-256 the entry lists. */
export function verifyAttachment(attachment: Attachment, bytes: Uint8Array): Invalid | undefined {
  if (bytes.length !== attachment.size || hashBytes(bytes) !== attachment.sha256) {
    return invalid("hash-mismatch", `attachment ${attachment.url} does not match its listed size and sha256`);
  }
  return undefined;
}
