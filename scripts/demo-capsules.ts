/**
 * Writes a demo creator's capsule folder the way a creator's own would look: `content/profile.yaml`,
 * `content/following.yaml`, a few posts, and keys made with `generateKeys`, so every build is signed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { generateKeys } from "../site/keys.ts";
import type { DemoCreator, DemoPost } from "./demo-creators.ts";

/** Someone a demo capsule follows. */
export interface DemoFollow {
  readonly url: string;
  readonly name: string;
}

/** Where a demo capsule will be served and whom it follows. */
export interface DemoCapsulePlan {
  /** The capsule's address (its loopback origin), the profile's `url`. */
  readonly url: string;
  readonly follows: readonly DemoFollow[];
  /** The time posts are dated back from. @default new Date() */
  readonly now?: Date;
}

/** Who follows whom in a mesh of `count`: each follows the next two, and every other one a third. */
export function planFollowing(count: number): number[][] {
  return Array.from({ length: count }, (_, i) => {
    const steps = i % 2 === 0 && count > 3 ? [1, 2, 3] : [1, 2];
    return steps.map((step) => (i + step) % count);
  });
}

/** Writes the creator's content and keys into `dir` (created if missing). */
export function writeDemoCapsule(dir: string, creator: DemoCreator, plan: DemoCapsulePlan): void {
  const now = plan.now ?? new Date();
  const content = join(dir, "content");
  mkdirSync(join(content, "posts"), { recursive: true });
  const profile = { name: creator.name, handle: creator.handle, bio: creator.bio, url: plan.url, language: "en" };
  writeFileSync(join(content, "profile.yaml"), `# ${creator.name}, a sample creator of \`npm run demo\`.\n${stringify(profile, { lineWidth: 0 })}`);
  const follows = plan.follows.map((follow) => ({ url: follow.url, name: follow.name }));
  writeFileSync(join(content, "following.yaml"), follows.length ? stringify(follows, { lineWidth: 0 }) : "[]\n");
  for (const post of creator.posts) {
    const date = new Date(now.getTime() - post.daysAgo * 86_400_000);
    writeFileSync(join(content, "posts", `${date.toISOString().slice(0, 10)}-${post.slug}.md`), renderPost(post, date));
  }
  generateKeys({ cwd: dir, now });
}

function renderPost(post: DemoPost, date: Date): string {
  const front: Record<string, unknown> = { date: `${date.toISOString().slice(0, 19)}Z` };
  if (post.title) front["title"] = post.title;
  if (post.summary) front["summary"] = post.summary;
  front["tags"] = [...post.tags];
  return `---\n${stringify(front, { lineWidth: 0 })}---\n\n${post.body}\n`;
}
