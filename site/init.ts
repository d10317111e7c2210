import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { stringify } from "yaml";
import { FOLLOWING_FILE } from "./follow-list.ts";
import { createPost } from "./new-post.ts";
import { POSTS_DIR } from "./posts.ts";
import { loadProfile, PROFILE_FILE } from "./profile.ts";
import { ContentError } from "./yaml-file.ts";

/** Answers for `capsule init`; whatever is missing is asked for. */
export interface InitAnswers {
  name?: string;
  url?: string;
  handle?: string;
  bio?: string;
  language?: string;
  email?: string;
}

const QUESTIONS: { key: keyof InitAnswers; ask: string; required: boolean; fallback?: (a: InitAnswers) => string }[] = [
  { key: "name", ask: "Your name", required: true },
  { key: "url", ask: "Where the capsule will be published (https://…)", required: true },
  { key: "handle", ask: "Handle", required: false, fallback: (a) => (a.url ? safeHost(a.url) : "") },
  { key: "bio", ask: "One line about you", required: false },
  { key: "language", ask: "Language of your posts", required: false, fallback: () => "en" },
  { key: "email", ask: "Contact email (empty for none)", required: false },
];

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/** Asks, on the terminal, for every answer not already given. */
export async function askMissing(given: InitAnswers, input = process.stdin, output = process.stdout): Promise<InitAnswers> {
  const answers = { ...given };
  const missing = QUESTIONS.filter((q) => answers[q.key] === undefined);
  if (!missing.length) return answers;
  // Lines are read from an iterator, not rl.question(): piped answers that arrive all at once are kept.
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (const q of missing) {
      const fallback = q.fallback?.(answers) ?? "";
      let value = "";
      do {
        output.write(`${q.ask}${fallback ? ` [${fallback}]` : ""}: `);
        const line = await lines.next();
        if (line.done) {
          throw new ContentError(`no answer for "${q.ask}": the input ended.`, { hint: "Answer every question, or give the answers as options (see `capsule init --help`)." });
        }
        value = String(line.value).trim() || fallback;
      } while (q.required && !value);
      answers[q.key] = value;
    }
  } finally {
    rl.close();
  }
  return answers;
}

function renderProfileYaml(a: InitAnswers): string {
  const value = (v: string | undefined) => stringify(v ?? "").trimEnd();
  return `# Your profile: edit the text after each colon, then rebuild (npm run build).
# Lines starting with # are notes for you and are ignored.

name: ${value(a.name)}
handle: ${value(a.handle || safeHost(a.url ?? ""))}
bio: ${value(a.bio)}
# avatar: avatar.png   # a picture in content/, or a full https:// address
url: ${value(a.url)}
language: ${value(a.language || "en")}

# Other places you are, shown with rel="me":
links: []
#  - name: Mastodon
#    url: https://social.example/@you

contact:
${a.email ? `  email: ${value(a.email)}` : "  # email: you@example.org"}
  # matrix: "@you:matrix.org"

# "Support me" links. Keep the ones you use:
support: {}
#  ethereum: "0x…"          # 0x and 40 hexadecimal digits
#  bitcoin: bc1…
#  lightning: you@wallet.example
#  liberapay: yourname
#  paypal: yourname         # paypal.me/yourname
`;
}

/** Turns the sample into the creator's own capsule: new profile, no sample posts, an empty follow list. */
export function initCapsule(contentDir: string, answers: InitAnswers): { removed: number; firstPost: string } {
  // Check the new profile before touching anything, so a typo in the URL loses no sample.
  const profile = renderProfileYaml(answers);
  const scratch = mkdtempSync(join(tmpdir(), "capsule-init-"));
  try {
    writeFileSync(join(scratch, PROFILE_FILE), profile);
    loadProfile(scratch, "");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const posts = join(contentDir, POSTS_DIR);
  let removed = 0;
  if (existsSync(posts)) {
    for (const entry of readdirSync(posts)) {
      rmSync(join(posts, entry), { recursive: true, force: true });
      removed++;
    }
  }
  writeFileSync(join(contentDir, PROFILE_FILE), profile);
  rmSync(join(contentDir, "avatar.png"), { force: true });
  writeFileSync(join(contentDir, FOLLOWING_FILE), `# The capsules and feeds you follow, one "- url:" per line (a name is optional).
# \`capsule follow URL\` and \`capsule unfollow URL\` edit this file; the crawler reads it too.
`);
  const firstPost = createPost(contentDir, "note", `Hello! This is the new capsule of ${answers.name}.`);
  return { removed, firstPost };
}
