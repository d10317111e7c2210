import {
  canonicalize, createSigner, decodeBase64url, encodeBase64url, deriveKeyPair, listCheckpointItems, renderEnvelopeXml, renderIdentityXml, renderNamespaceAttribute,
  type CheckpointState, type Envelope, type EntryFields, type KeyPair, type Sealed, type EntryContent, type EntryPayload,
} from "../../site/format/index.ts";

/** A creator with real keys, for tests that need signed capsule feeds without building a site. */
export interface TestCreator {
  readonly rootKey: KeyPair;
  readonly signingKey: KeyPair;
  readonly signer: ReturnType<typeof createSigner>;
  readonly certificate: Envelope;
  /** Signs an entry (id, published and body are enough). */
  sign(fields: Partial<EntryFields> & { id: string }): Sealed<EntryContent>;
  /** An RSS 2.0 capsule feed of these signed entries, with identity, certificate, (optionally) a checkpoint and a `<capsule:following href>` follow list link. */
  renderFeed(entries: readonly { sealed: Sealed<EntryPayload>; title?: string; link?: string }[], options?: { checkpoint?: boolean; previous?: CheckpointState; url?: string; extraItems?: string; extraChannel?: string; following?: string }): string;
}

/** The envelope with its payload's body rewritten and re-encoded: the signature no longer matches. */
export function tamperEnvelope(envelope: Envelope, body = "Something I never wrote."): Envelope {
  const decoded = decodeBase64url(envelope.payload);
  if (!decoded.ok) throw new Error(decoded.message);
  const object = JSON.parse(new TextDecoder().decode(decoded.bytes)) as Record<string, unknown>;
  return { ...envelope, payload: encodeBase64url(canonicalize({ ...object, body })) };
}

/** A creator whose keys derive from `seedByte`, so each test run signs the same bytes. */
export function createTestCreator(seedByte: number, name = "Alice"): TestCreator {
  const seed = (first: number) => Uint8Array.from({ length: 32 }, (_, i) => (first + i) & 0xff);
  const rootKey = deriveKeyPair(seed(seedByte));
  const signingKey = deriveKeyPair(seed(seedByte + 0x40));
  const signer = createSigner({ rootKey, signingKey });
  const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" }).envelope;
  return {
    rootKey, signingKey, signer, certificate,
    sign: (fields) => signer.signEntry({ kind: "note", published: "2025-01-01T10:00:00Z", body: `Body of ${fields.id}.`, ...fields } as EntryFields),
    renderFeed(entries, options = {}) {
      const url = options.url ?? "https://alice.example/feed.xml";
      const origin = new URL(url).origin;
      const checkpoint = options.checkpoint === false ? [] : [renderEnvelopeXml("checkpoint", signer.signCheckpoint({
        created: "2025-06-01T00:00:00Z", entries: listCheckpointItems(entries.map((e) => e.sealed)), previous: options.previous ?? null,
      }).envelope)];
      const items = entries.map(({ sealed, title, link }) => [
        "<item>",
        `<title>${title ?? sealed.value.id}</title>`,
        `<link>${link ?? `${origin}/posts/${sealed.value.id}/`}</link>`,
        `<guid>${origin}/posts/${sealed.value.id}/</guid>`,
        `<description>${"body" in sealed.value ? `&lt;p&gt;${sealed.value.body}&lt;/p&gt;` : "deleted"}</description>`,
        renderEnvelopeXml("entry", sealed.envelope),
        "</item>",
      ].join(""));
      return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" ${renderNamespaceAttribute()}><channel><title>${name}</title><link>${origin}/</link>` +
        `<description>${name}'s capsule</description>\n${renderIdentityXml(`${origin}/.well-known/capsule.json`, rootKey.did)}\n` +
        `${renderEnvelopeXml("certificate", certificate)}\n${checkpoint.join("\n")}\n${options.following ? `<capsule:following href="${options.following.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"/>\n` : ""}${options.extraChannel ?? ""}\n${items.join("\n")}${options.extraItems ?? ""}\n</channel></rss>\n`;
    },
  };
}
