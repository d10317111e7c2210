import MarkdownIt, { type Token } from "markdown-it";

/** What the URL rewriting needs to know about the page being rendered. */
export interface MarkdownEnv {
  /** Absolute URL of the folder the Markdown file sits in (where its images are copied). */
  assetBase?: string;
  /** Absolute URL of the site root. */
  siteUrl?: string;
}

const URL_ATTRIBUTE = /(\s(?:src|href|poster)=)(["'])([^"']*)\2/gi;

function absolutize(url: string, env: MarkdownEnv): string {
  if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("#") || url.startsWith("//")) return url;
  if (url.startsWith("/") && env.siteUrl) return new URL(url.slice(1), env.siteUrl).href;
  return env.assetBase ? new URL(url, env.assetBase).href : url;
}

/**
 * Markdown as the creator writes it: HTML allowed (it is their own site), links and images made
 * absolute so the same HTML works on the page, in the feed and in a mirror's copy.
 */
export function createMarkdown(): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt({ html: true, linkify: true, typographer: true });
  md.core.ruler.push("capsule_absolute_urls", (state) => {
    const env = state.env as MarkdownEnv;
    if (!env?.assetBase) return;
    const visit = (tokens: Token[] | null) => {
      for (const token of tokens ?? []) {
        if (token.type === "image") token.attrSet("src", absolutize(String(token.attrGet("src") ?? ""), env));
        if (token.type === "link_open") token.attrSet("href", absolutize(String(token.attrGet("href") ?? ""), env));
        // Raw HTML is the creator's own (a <figure>, an <audio>): its URL attributes resolve the same way.
        if (token.type === "html_block" || token.type === "html_inline") {
          token.content = token.content.replace(URL_ATTRIBUTE, (_, name: string, quote: string, url: string) => `${name}${quote}${absolutize(url, env)}${quote}`);
        }
        visit(token.children);
      }
    };
    visit(state.tokens);
  });
  return md;
}
