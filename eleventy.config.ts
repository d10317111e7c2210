// Eleventy reads this file through tsx (see bin/capsule.js). Behaviour lives in the capsule plugin;
// this file only names the folders. https://www.11ty.dev/docs/config/
import capsulePlugin from "./site/plugin.ts";
import { loadProfile } from "./site/profile.ts";

export default function (eleventyConfig: { addPlugin(plugin: unknown, options?: object): void }) {
  eleventyConfig.addPlugin(capsulePlugin, { contentDir: "content" });
  // The dev server serves the site under the same path as the host will (GitHub project pages use /repo/).
  return { pathPrefix: loadProfile("content").pathPrefix };
}

export const config = {
  // Output stays Eleventy's default, _site/ (a programmatic output folder would lose to a configured one).
  dir: { input: "content" },
  // Posts are Markdown, not templates: `{{` in a post is text.
  markdownTemplateEngine: false,
  htmlTemplateEngine: false,
  templateFormats: ["md", "11ty.js"],
};
