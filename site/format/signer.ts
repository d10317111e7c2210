// Signing, for the build and the CLI: plain functions of their arguments (keys included), no I/O. Each
// object is checked with the same rules verifiers apply, so a build fails loudly instead of publishing
// something no follower accepts.
import { certifyKey, type CertificateFields, type CertificatePayload } from "./certificate.ts";
import { findCheckpointProblem, type CheckpointItem, type CheckpointPayload, type CheckpointState } from "./checkpoint.ts";
import { findEntryProblem, type Attachment, type EntryContent, type Tombstone } from "./entry.ts";
import { sealEnvelope, type Envelope, type ObjectType, type Sealed } from "./envelope.ts";
import { InvalidObjectError, KeyError } from "./errors.ts";
import { findIdentityProblem, type IdentityPayload, type Profile } from "./identity.ts";
import type { KeyPair } from "./keys.ts";
import { findLocationProblem, type LocationPayload } from "./location.ts";

export interface SignerKeys {
  /** The Ed25519 key that signs entries, checkpoints and records (certified by the root). */
  readonly signingKey: KeyPair;
  /** The root identity (did:key). Defaults to `rootKey.did`. */
  readonly identity?: string;
  /** The root key itself, only where certificates are issued (keygen, rotate-key); usually offline. */
  readonly rootKey?: KeyPair;
}

/** What a post gives `signEntry`; optional fields left undefined are simply omitted. */
export interface EntryFields {
  readonly id: string;
  readonly published: string;
  readonly updated?: string;
  readonly kind: "note" | "article";
  readonly title?: string | undefined;
  readonly summary?: string | undefined;
  readonly body?: string | undefined;
  readonly bodyHash?: string | undefined;
  readonly bodyUrl?: string | undefined;
  readonly tags?: readonly string[];
  readonly attachments?: readonly Attachment[];
}

export interface IdentityFields {
  readonly domain: string;
  readonly created: string;
  readonly seq: number;
  readonly certificates: readonly Envelope[];
  readonly feeds: readonly string[];
  readonly following?: string | null;
  readonly profile: Profile;
  readonly mirrors?: readonly string[];
}

export interface LocationFields {
  readonly seq: number;
  readonly created: string;
  readonly feeds: readonly string[];
  readonly mirrors?: readonly string[];
  readonly movedFrom?: string | null;
}

export interface Signer {
  readonly identity: string;
  readonly signingKey: string;
  signEntry(fields: EntryFields): Sealed<EntryContent>;
  signTombstone(fields: { readonly id: string; readonly updated: string }): Sealed<Tombstone>;
  /** Signs the next checkpoint after `previous` (seq 1 and prev null when there is none). */
  signCheckpoint(fields: { readonly created: string; readonly entries: readonly CheckpointItem[]; readonly previous?: CheckpointState | null }): Sealed<CheckpointPayload>;
  signIdentity(fields: IdentityFields): Sealed<IdentityPayload>;
  signLocation(fields: LocationFields): Sealed<LocationPayload>;
  certifyKey(fields: CertificateFields): Sealed<CertificatePayload>;
}

/** Creates the signing functions for one capsule from its keys. */
export function createSigner(keys: SignerKeys): Signer {
  const { signingKey, rootKey } = keys;
  const identity = keys.identity ?? rootKey?.did;
  if (identity === undefined) throw new KeyError("a signer needs the root identity (identity or rootKey)");
  if (rootKey !== undefined && rootKey.did !== identity) throw new KeyError(`the root key ${rootKey.did} is not the identity ${identity}`);
  if (signingKey.algorithm !== "ed25519") throw new KeyError(`the signing key must be Ed25519, got ${signingKey.algorithm}`);

  function seal<T extends { readonly type: ObjectType }>(payload: T, findProblem: (object: unknown) => string | undefined): Sealed<T> {
    const problem = findProblem(payload);
    if (problem !== undefined) throw new InvalidObjectError(problem);
    return sealEnvelope(payload, signingKey);
  }

  return {
    identity,
    signingKey: signingKey.did,
    signEntry(fields) {
      return seal(buildEntryPayload(identity, fields), findEntryProblem);
    },
    signTombstone({ id, updated }) {
      return seal<Tombstone>({ type: "entry", v: 1, author: identity, id, updated, deleted: true }, findEntryProblem);
    },
    signCheckpoint({ created, entries, previous }) {
      const payload: CheckpointPayload = {
        type: "checkpoint", v: 1, author: identity, seq: previous ? previous.value.seq + 1 : 1, created,
        prev: previous ? previous.hash : null,
        entries: [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      };
      return seal(payload, findCheckpointProblem);
    },
    signIdentity(fields) {
      const payload: IdentityPayload = {
        type: "identity", v: 1, id: identity, domain: fields.domain, created: fields.created, seq: fields.seq,
        certificates: [...fields.certificates], feeds: [...fields.feeds], following: fields.following ?? null,
        profile: { ...fields.profile }, mirrors: [...(fields.mirrors ?? [])],
      };
      return seal(payload, findIdentityProblem);
    },
    signLocation(fields) {
      const payload: LocationPayload = {
        type: "location", v: 1, author: identity, seq: fields.seq, created: fields.created, feeds: [...fields.feeds],
        mirrors: [...(fields.mirrors ?? [])], movedFrom: fields.movedFrom ?? null,
      };
      return seal(payload, findLocationProblem);
    },
    certifyKey(fields) {
      if (rootKey === undefined) {
        throw new KeyError("certifying a key needs the root key", { hint: "Bring the root key from its offline backup (capsule rotate-key asks for it)." });
      }
      return certifyKey(rootKey, fields);
    },
  };
}

/**
 * The payload object `signEntry` signs, without signing it: a build hashes every entry for its checkpoint
 * but signs only the ones it publishes.
 */
export function buildEntryPayload(identity: string, fields: EntryFields): EntryContent {
  const { title, summary, body, bodyHash, bodyUrl } = fields;
  return {
    type: "entry", v: 1, author: identity, id: fields.id, published: fields.published,
    updated: fields.updated ?? fields.published, kind: fields.kind,
    ...omitUndefined({ title, summary, body, bodyHash, bodyUrl }),
    tags: [...(fields.tags ?? [])], attachments: (fields.attachments ?? []).map((a) => ({ ...omitUndefined(a) })),
  } as EntryContent;
}

function omitUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

