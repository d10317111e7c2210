// The feeds bench/crawl.ts serves: realistic RSS of 20 entries (about 15 KB), and signed capsule feeds
// where every feed is its own creator (its own root and signing key, certificate and checkpoint).
import { createHash } from "node:crypto";
import { createSigner, deriveKeyPair, listCheckpointItems, renderEnvelopeXml, renderIdentityXml, renderNamespaceAttribute } from "../site/format/index.ts";

export const ENTRIES_PER_FEED = 20;
const ENTRIES = ENTRIES_PER_FEED;

const PARAGRAPH = "A paragraph about the week: clay, glaze, the <a href=\"/kiln\">kiln</a> and the market. ";

/** An ordinary RSS 2.0 feed: HTML descriptions with links and an image, dates, a category. */
export function plainFeed(n: number): string {
  const items = Array.from({ length: ENTRIES }, (_, i) => {
    const date = new Date(Date.UTC(2026, 0, 1) - (n + i * 97) * 3_600_000).toUTCString();
    const body = `<p>${PARAGRAPH.repeat(4)}</p><p><img src="/img/${i}.jpg" alt="photo ${i}"> <em>Post ${i}</em> of feed ${n}.</p>`;
    return `<item><title>Post ${i} of feed ${n} &amp; friends</title><link>https://site${n}.example/posts/${i}/</link><guid>https://site${n}.example/posts/${i}/</guid><pubDate>${date}</pubDate><description>${escape(body)}</description><category>notes</category></item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Feed ${n}</title><link>https://site${n}.example/</link><description>Feed number ${n}</description>\n${items.join("\n")}\n</channel></rss>\n`;
}

/** A signed capsule feed: identity, certificate, checkpoint and one signed Markdown entry per item. */
export function capsuleFeed(n: number): string {
  const seed = (role: string) => createHash("sha256").update(`${role}-${n}`).digest();
  const rootKey = deriveKeyPair(seed("root"));
  const signingKey = deriveKeyPair(seed("signing"));
  const signer = createSigner({ rootKey, signingKey });
  const certificate = signer.certifyKey({ subject: signingKey.did, purpose: "sign", serial: 1, issued: "2025-01-01T00:00:00Z" });
  const sealed = Array.from({ length: ENTRIES }, (_, i) => signer.signEntry({
    id: `post-${i}`, kind: i % 4 === 0 ? "article" : "note", title: i % 4 === 0 ? `Article ${i}` : undefined,
    published: new Date(Date.UTC(2026, 0, 1) - (n + i * 97) * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z"),
    body: `${"A paragraph about the week: clay, glaze, the [kiln](/kiln) and the market. ".repeat(4)}\n\n*Post ${i}* of capsule ${n}.`,
  }));
  const checkpoint = signer.signCheckpoint({ created: "2026-01-01T00:00:00Z", entries: listCheckpointItems(sealed) });
  const items = sealed.map((s, i) => `<item><title>${s.value.title ?? ""}</title><link>https://capsule${n}.example/posts/post-${i}/</link><guid>https://capsule${n}.example/posts/post-${i}/</guid><pubDate>${new Date(s.value.published).toUTCString()}</pubDate><description>${escape(`<p>${s.value.body}</p>`)}</description>${renderEnvelopeXml("entry", s.envelope)}</item>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" ${renderNamespaceAttribute()}><channel><title>Capsule ${n}</title><link>https://capsule${n}.example/</link><description>Capsule number ${n}</description>\n` +
    `${renderIdentityXml(`https://capsule${n}.example/.well-known/capsule.json`, rootKey.did)}\n${renderEnvelopeXml("certificate", certificate.envelope)}\n${renderEnvelopeXml("checkpoint", checkpoint.envelope)}\n${items.join("\n")}\n</channel></rss>\n`;
}

function escape(html: string): string {
  return html.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

