/**
 * Entries encoded where they are built. On a large crawl a worker thread parses and renders each feed; sending
 * its twenty StoredEntry objects back by structured clone, then encoding them again for LMDB, cost the main
 * thread (which also fetches every feed) more than storing them did. The worker encodes them instead, into
 * one buffer per feed that is transferred, not copied, and the store writes those bytes as they are.
 *
 * The encoding is the store's own (msgpack, msgpackr), with record definitions inline in each value rather
 * than in the store's shared-structures table, which a worker cannot update: the store's decoder reads both.
 */
import { Packr, Unpackr } from "msgpackr";
import type { EntryPayload } from "../site/format/index.ts";
import type { StoredEntry } from "./model.ts";

/** A StoredEntry encoded for the store, with the fields a refresh reads before storing it. */
export interface PackedEntry extends Pick<StoredEntry, "key" | "hash" | "published" | "trust"> {
  /** For signed entries, what decides which of two versions is newer (site/format `isNewerVersion`). */
  readonly version: Pick<EntryPayload, "updated"> & { readonly deleted?: true } | null;
  /** The whole StoredEntry, msgpack-encoded (record definitions inline). */
  readonly packed: Uint8Array;
}

/** An entry on its way to the store: as built in this thread, or encoded by a worker. */
export type EntryForStore = StoredEntry | PackedEntry;

// No shared structures: every value carries its own record definitions, so any msgpackr decoder reads it.
const packr = new Packr({ useRecords: true });
const unpackr = new Unpackr({ useRecords: true });

/**
 * Encodes a feed's entries into views of one fresh buffer (hand `buffer` to postMessage's transfer list).
 * The views stay valid whatever packr does next: each value is copied out of packr's reused buffer.
 */
export function packEntries(entries: readonly StoredEntry[]): { entries: PackedEntry[]; buffer: ArrayBuffer } {
  const encoded = entries.map((entry) => packr.pack(entry));
  const buffer = new ArrayBuffer(encoded.reduce((sum, bytes) => sum + bytes.length, 0));
  let offset = 0;
  const packed = entries.map((entry, i): PackedEntry => {
    const bytes = new Uint8Array(buffer, offset, encoded[i]!.length);
    bytes.set(encoded[i]!);
    offset += bytes.length;
    const payload = entry.payload;
    const version = payload ? { updated: payload.updated, ...("deleted" in payload ? { deleted: true as const } : {}) } : null;
    return { key: entry.key, hash: entry.hash, published: entry.published, trust: entry.trust, version, packed: bytes };
  });
  return { entries: packed, buffer };
}

/** The StoredEntry behind an entry on its way to the store (decoding it if a worker encoded it). */
export function unpackEntry(entry: EntryForStore): StoredEntry {
  return "packed" in entry ? (unpackr.unpack(entry.packed) as StoredEntry) : entry;
}
