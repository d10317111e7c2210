import { ContentError } from "./yaml-file.ts";
import { isPostPath, postSlugOf } from "./posts.ts";
import { slugifyTag } from "./slug.ts";
import type { PostItem } from "./views.ts";

/** Posts that share a tag, under the tag's first spelling. */
export interface TagGroup {
  name: string;
  slug: string;
  items: PostItem[];
}

function byNewest(a: PostItem, b: PostItem): number {
  return b.date.getTime() - a.date.getTime() || a.inputPath.localeCompare(b.inputPath);
}

/** Every post, newest first; two posts that would share an address stop the build. */
export function buildTimeline(items: PostItem[]): PostItem[] {
  const bySlug = new Map<string, PostItem>();
  for (const item of items) {
    const slug = postSlugOf(item.data, item.inputPath);
    const other = bySlug.get(slug);
    if (other) {
      throw new ContentError(
        `${item.inputPath.replace(/^\.\//, "")}: slug "${slug}" is already used by ${other.inputPath.replace(/^\.\//, "")}; both would be published at /posts/${slug}/.`,
        { hint: `Rename one of the files, or give one a different \`slug: ${slug}-2\` in its front matter.` },
      );
    }
    bySlug.set(slug, item);
  }
  return [...items].sort(byNewest);
}

const timelines = new WeakMap<PostItem[], PostItem[]>();

/**
 * The timeline of a build, made once from `collections.all`. The capsule adds no Eleventy collection of
 * posts: Eleventy fills each collection item by a linear search, so every extra collection of 4,000
 * posts costs about a quarter of a second.
 */
export function timelineOf(all: PostItem[]): PostItem[] {
  let timeline = timelines.get(all);
  if (!timeline) {
    // Deleted posts have no page and leave the timeline; the feed carries their tombstones.
    timeline = buildTimeline(all.filter((item) => isPostPath(item.inputPath) && !item.data.deleted));
    timelines.set(all, timeline);
  }
  return timeline;
}

/** Tags with their posts (newest first, as in the timeline), merged by URL so "Kilns" and "kilns" are one tag. */
export function buildTagList(timeline: PostItem[]): TagGroup[] {
  const groups = new Map<string, TagGroup>();
  for (const item of timeline) {
    for (const tag of item.data.topics ?? []) {
      const slug = slugifyTag(tag);
      if (!slug) continue;
      const group = groups.get(slug) ?? { name: tag, slug, items: [] };
      group.items.push(item);
      groups.set(slug, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
}
