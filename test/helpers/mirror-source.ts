import type { MirrorSource } from "../../crawler/serve.ts";

/** One feed held by a {@link FakeMirrorSource}. */
export interface FakeFeed {
  version: string;
  lastModified: Date | null;
  xml: string;
  title?: string;
}

/** A MirrorSource over literal XML strings, counting renders; set `fail` to make a method throw. */
export interface FakeMirrorSource extends MirrorSource {
  feeds: Map<string, FakeFeed>;
  status: unknown;
  /** How many times `render()` ran, per mirror id. */
  renders: Map<string, number>;
  /** Makes lookupFeed, render or readStatus throw this error. */
  fail: { lookup?: Error; render?: Error; status?: Error };
}

/** A fake source standing in for the store: the server under test is real, only its data is literal. */
export function createFakeMirrorSource(feeds: Record<string, FakeFeed> = {}): FakeMirrorSource {
  const source: FakeMirrorSource = {
    feeds: new Map(Object.entries(feeds)),
    status: { feeds: Object.keys(feeds) },
    renders: new Map(),
    fail: {},
    lookupFeed(id) {
      if (source.fail.lookup) throw source.fail.lookup;
      const feed = source.feeds.get(id);
      if (!feed) return undefined;
      return {
        version: feed.version,
        lastModified: feed.lastModified,
        render: () => {
          if (source.fail.render) throw source.fail.render;
          source.renders.set(id, (source.renders.get(id) ?? 0) + 1);
          return feed.xml;
        },
      };
    },
    listMirrors() {
      return Array.from(source.feeds, ([id, feed]) => ({ id, title: feed.title ?? id }));
    },
    readStatus() {
      if (source.fail.status) throw source.fail.status;
      return source.status;
    },
  };
  return source;
}

/**
 * A capsule-like RSS feed as a mirror re-serves it: the xml-stylesheet instruction and the fallback script
 * at the site root, a capsule profile, and `items` entries with HTML content and a signed-payload stand-in.
 */
export function buildCapsuleFeed(options: { name?: string; items?: number; marker?: string } = {}): string {
  const { name = "Ada Mirror", items = 3, marker = "v1" } = options;
  const entries = Array.from({ length: items }, (_, index) => `<item>
<title>Post ${index + 1} (${marker})</title>
<link>https://ada.example/posts/${index + 1}/</link>
<guid isPermaLink="true">https://ada.example/posts/${index + 1}/</guid>
<pubDate>Mon, 0${(index % 9) + 1} Jan 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Entry ${index + 1} says &lt;strong&gt;hello&lt;/strong&gt; from the mirror, ${marker}.&lt;/p&gt;</description>
<content:encoded>&lt;p&gt;Entry ${index + 1} says &lt;strong&gt;hello&lt;/strong&gt; from the mirror, ${marker}. ${"Some words to give the entry a body. ".repeat(8)}&lt;/p&gt;</content:encoded>
<capsule:entry signature="c2lnbmF0dXJlLW9mLWVudHJ5LSR7aW5kZXh9">eyJpZCI6Imh0dHBzOi8vYWRhLmV4YW1wbGUvcG9zdHMvJHtpbmRleH0vIn0</capsule:entry>
</item>`);
  return `<?xml version="1.0" encoding="utf-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:capsule="urn:capsule:1">
<channel>
<title>${name}</title>
<link>https://ada.example/</link>
<description>Posts by ${name}</description>
<language>en</language>
<atom:link href="https://ada.example/feed.xml" rel="self" type="application/rss+xml"/>
<capsule:profile>
<capsule:name>${name}</capsule:name>
<capsule:handle>@ada@ada.example</capsule:handle>
<capsule:bio>Writes about engines.</capsule:bio>
</capsule:profile>
<capsule:browser><script xmlns="http://www.w3.org/1999/xhtml" src="/feed-fallback.js" defer="defer"></script></capsule:browser>
${entries.join("\n")}
</channel>
</rss>
`;
}
