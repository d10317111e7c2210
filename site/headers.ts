/**
 * HTTP headers every host should send, as one table: `_headers` (Cloudflare Pages, Netlify) is
 * generated from it and a test checks that `netlify.toml` says the same.
 */
export const HEADER_RULES: { path: string; headers: Record<string, string> }[] = [
  // Chromium styles a feed with XSLT only when it is served as XML, not as application/rss+xml.
  { path: "/feed.xml", headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=300" } },
  { path: "/feed.xsl", headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" } },
  { path: "/feed.json", headers: { "Content-Type": "application/feed+json; charset=utf-8", "Cache-Control": "public, max-age=300" } },
  { path: "/following.opml", headers: { "Content-Type": "text/x-opml; charset=utf-8", "Cache-Control": "public, max-age=300" } },
  { path: "/.well-known/capsule.json", headers: { "Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300" } },
  { path: "/*", headers: { "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin" } },
];

/** The `_headers` file for Cloudflare Pages and Netlify, with paths under the site's prefix. */
export function renderHeadersFile(base: string): string {
  return HEADER_RULES.map((rule) => {
    const lines = Object.entries(rule.headers).map(([name, value]) => `  ${name}: ${value}`);
    return `${base}${rule.path.slice(1)}\n${lines.join("\n")}\n`;
  }).join("\n");
}
