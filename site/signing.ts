import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import {
  buildEntryPayload, canonicalize, createSigner, decodeBase64url, hashBytes, parseCanonicalJson,
  renderEnvelopeXml, renderIdentityDocument, renderIdentityXml, renderJsonFeedExtension, renderJsonItemExtension,
  type Attachment, type CheckpointItem, type CheckpointPayload, type CheckpointState, type EntryFields, type Envelope,
  type Sealed, type Signer,
} from "./format/index.ts";
import type { SigningKeyLookup } from "./keys.ts";
import { mediaTypeOf } from "./media.ts";
import { entryIdOf as idOf, kindOf, parsePostDate } from "./posts.ts";

const entryIdOf = (item: PostItem) => idOf(item.data, item.inputPath);
import type { PostItem } from "./views.ts";
import type { SiteView } from "../layouts/view.ts";

/** The last published checkpoint, kept beside the keys so the next build can chain to it. Commit it. */
export const CHECKPOINT_FILE = ".capsule/checkpoint.json";
/** The location state `capsule move` writes: `{ seq, created, movedFrom }`. Commit it. */
export const LOCATION_FILE = ".capsule/location.json";
/**
 * Mirrors of this capsule found in the mesh (followers that publish `/mirror/<id>/`), written by the crawler
 * as a file (`{ "mirrors": ["https://friend.example/", …] }`): the build never opens the crawler's store.
 */
export const MIRRORS_FILE = ".capsule/mirrors.json";

/** The location state `capsule move` and the build keep (committed beside the identity). */
export interface LocationState {
  readonly seq: number;
  readonly created: string;
  readonly movedFrom: string | null;
  readonly mirrors?: readonly string[];
}

/** The mirror base URLs the crawler recorded: http(s), unique, sorted, at most 100 (docs/format.md §9). */
export function readKnownMirrors(cwd: string): string[] {
  try {
    const value = JSON.parse(readFileSync(join(cwd, MIRRORS_FILE), "utf8")) as { mirrors?: unknown };
    const urls = Array.isArray(value.mirrors) ? value.mirrors.filter((u): u is string => typeof u === "string" && /^https?:\/\/[^\s]+$/.test(u)) : [];
    return [...new Set(urls)].sort().slice(0, 100);
  } catch {
    return []; // no crawler yet, or a file being rewritten: no mirrors this build
  }
}

/** What the feeds and the identity document of one build carry. */
export interface SignedBuild {
  readonly signed: boolean;
  /** One line for the person building. */
  readonly notice: string;
  readonly channelXml: string;
  itemXml(id: string): string;
  jsonTop(): object | undefined;
  jsonItem(id: string): object | undefined;
  readonly identityDocument: string | undefined;
  /** Deleted posts, published as signed tombstones. */
  readonly tombstones: readonly { id: string; url: string; updated: Date; envelope: Envelope }[];
  /** Writes the checkpoint state after a successful build (nothing when it did not change). */
  saveState(): void;
}

/** Timestamps in signed objects: UTC to the second. */
export function toTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function attachmentsOf(item: PostItem, contentDir: string): Attachment[] {
  const folder = dirname(item.inputPath);
  const files = [...(item.data.image && !/^https?:/.test(item.data.image) ? [item.data.image] : []), ...(item.data.attachments ?? []).map((a) => a.file)];
  return [...new Set(files)].map((file) => {
    const bytes = readFileSync(join(folder, file));
    return {
      url: relative(contentDir, join(folder, file)).split(sep).join("/"),
      mediaType: mediaTypeOf(file),
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("base64url"),
    };
  });
}

/** The signed fields of a post: the Markdown it was written in, not the HTML a mirror could alter. */
export function toEntryFields(item: PostItem, contentDir: string): EntryFields {
  const published = toTimestamp(item.date);
  const updated = item.data.updated ? toTimestamp(parsePostDate(item.data.updated)!) : published;
  const body = (item.data as { page?: { rawInput?: string } }).page?.rawInput ?? "";
  const kind = kindOf(item.data);
  return {
    id: entryIdOf(item), published, updated: updated < published ? published : updated, kind,
    title: kind === "article" ? String(item.data.title) : undefined,
    summary: item.data.summary ? String(item.data.summary) : undefined,
    body: body.trim(), tags: [...new Set(item.data.topics ?? [])], attachments: attachmentsOf(item, contentDir),
  };
}

function readCheckpointState(cwd: string): (CheckpointState & { envelope: Envelope }) | undefined {
  const path = join(cwd, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  const envelope = JSON.parse(readFileSync(path, "utf8")) as Envelope;
  const decoded = decodeBase64url(envelope.payload);
  if (!decoded.ok) return undefined;
  const parsed = parseCanonicalJson(decoded.bytes);
  return parsed.ok ? { envelope, value: parsed.value as CheckpointPayload, hash: hashBytes(decoded.bytes) } : undefined;
}

function sameItems(a: readonly CheckpointItem[], b: readonly CheckpointItem[]): boolean {
  return a.length === b.length && a.every((item, i) => item.join(" ") === b[i]!.join(" "));
}

function unsignedBuild(reason: string): SignedBuild {
  return {
    signed: false,
    notice: `The feed is unsigned: ${reason.replace(/\.$/, "")}.${/keygen/.test(reason) ? "" : " Run `capsule keygen` to give this capsule an identity."}`,
    channelXml: "<capsule:unsigned>This capsule has no signing key yet: its entries carry no signatures.</capsule:unsigned>",
    itemXml: () => "", jsonTop: () => undefined, jsonItem: () => undefined,
    identityDocument: undefined, tombstones: [], saveState: () => {},
  };
}

/**
 * Signs one build: every published post is hashed into the checkpoint (chained to the last one), the
 * posts the feed carries are signed one by one, deleted posts become tombstones, and the identity and
 * location records are signed. Without a key the build goes on, unsigned, and says so.
 */
export function prepareSignedBuild(options: {
  posts: PostItem[];
  feedIds: string[];
  site: SiteView;
  cwd: string;
  contentDir: string;
  /** The key lookup made when the build started (it reads and verifies the key files). */
  lookup: SigningKeyLookup;
}): SignedBuild {
  const started = performance.now();
  const { lookup } = options;
  if (lookup.status === "missing") return unsignedBuild(lookup.reason);
  const signer: Signer = createSigner({ signingKey: lookup.signingKey, identity: lookup.identity.root });
  const { site, cwd } = options;

  const live = options.posts.filter((item) => !item.data.deleted);
  const fields = new Map(live.map((item) => [entryIdOf(item), toEntryFields(item, options.contentDir)]));
  const items: CheckpointItem[] = [];
  for (const [id, f] of fields) items.push([id, f.updated!, hashBytes(canonicalize(buildEntryPayload(signer.identity, f)))]);
  const tombstones = options.posts.filter((item) => item.data.deleted).map((item) => {
    const updated = parsePostDate(item.data.deleted)!;
    const sealed = signer.signTombstone({ id: entryIdOf(item), updated: toTimestamp(updated) });
    items.push([sealed.value.id, sealed.value.updated, sealed.hash]);
    const url = new URL(item.url.slice(1), site.url).href;
    return { id: sealed.value.id, url, updated, envelope: sealed.envelope };
  });
  items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const previous = readCheckpointState(cwd);
  const newest = items.reduce((max, item) => (item[1] > max ? item[1] : max), previous?.value.created ?? "1970-01-01T00:00:00Z");
  let checkpoint: Envelope;
  let fresh: Sealed<CheckpointPayload> | undefined;
  if (previous && previous.value.author === signer.identity && sameItems(previous.value.entries, items)) {
    checkpoint = previous.envelope; // nothing changed: publish the same bytes again
  } else {
    fresh = signer.signCheckpoint({ created: newest, entries: items, previous: previous ?? null });
    checkpoint = fresh.envelope;
  }

  const stored: LocationState = existsSync(join(cwd, LOCATION_FILE))
    ? (JSON.parse(readFileSync(join(cwd, LOCATION_FILE), "utf8")) as LocationState)
    : { seq: 1, created: lookup.identity.issued[0]?.issued ?? newest, movedFrom: null };
  // docs/format.md §9: the sequence increases with every change of feeds or mirrors, so a follower can tell
  // the newest record from any older copy a mirror still serves.
  const mirrors = readKnownMirrors(cwd);
  const mirrorsChanged = mirrors.join("\n") !== (stored.mirrors ?? []).join("\n");
  const location: LocationState = mirrorsChanged
    ? { seq: stored.seq + 1, created: toTimestamp(new Date()), movedFrom: stored.movedFrom, mirrors }
    : stored;
  const feeds = [site.feedUrl, site.jsonFeedUrl];
  const locationRecord = signer.signLocation({ seq: location.seq, created: location.created, feeds, mirrors, movedFrom: location.movedFrom });
  const identityRecord = signer.signIdentity({
    domain: new URL(site.url).hostname, created: newest, seq: location.seq, certificates: lookup.identity.certificates,
    feeds, following: site.opmlUrl, mirrors,
    profile: { name: site.profile.name, bio: site.profile.bio, avatar: site.profile.avatar ?? null },
  });

  const signedEntries = new Map<string, Envelope>();
  for (const id of options.feedIds) {
    const f = fields.get(id);
    if (f) signedEntries.set(id, signer.signEntry(f).envelope);
  }
  const identityUrl = new URL(".well-known/capsule.json", site.url).href;
  const version = fresh ? fresh.value.seq : (previous?.value.seq ?? 1);
  return {
    signed: true,
    notice: `Signed ${signedEntries.size + tombstones.length} feed entries and checkpoint ${version} (${items.length} entries) as ${signer.identity} in ${Math.round(performance.now() - started)} ms, key from ${lookup.location}.`,
    channelXml: [
      renderIdentityXml(identityUrl, signer.identity),
      ...lookup.identity.certificates.map((c) => renderEnvelopeXml("certificate", c)),
      renderEnvelopeXml("checkpoint", checkpoint),
      renderEnvelopeXml("location", locationRecord.envelope),
    ].join("\n"),
    itemXml: (id) => (signedEntries.has(id) ? renderEnvelopeXml("entry", signedEntries.get(id)!) : ""),
    jsonTop: () => ({ _capsule: renderJsonFeedExtension({ identity: { id: signer.identity, href: identityUrl }, certificates: lookup.identity.certificates, checkpoint, location: locationRecord.envelope }) }),
    jsonItem: (id) => (signedEntries.has(id) ? { _capsule: renderJsonItemExtension(signedEntries.get(id)!) } : undefined),
    identityDocument: renderIdentityDocument(identityRecord.envelope),
    tombstones,
    saveState() {
      if (fresh) writeState(join(cwd, CHECKPOINT_FILE), fresh.envelope);
      if (mirrorsChanged) writeState(join(cwd, LOCATION_FILE), location);
    },
  };
}

function writeState(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
