// `npm start` is `capsule dev`: a real dev server on 127.0.0.1 that shows drafts and rebuilds on edits.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { setup } from "../helpers/setup.ts";
import { CLI, makeCapsule, post, removeCapsule } from "../helpers/temp-capsule.ts";

const Dev = suite<{ dir: string; child: ChildProcess; url: string; output: string }>("dev server");

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fetchText = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
};

setup(Dev, async (ctx) => {
  ctx.dir = makeCapsule({
    "content/posts/2026-01-01-public.md": post("title: Public post"),
    "content/posts/2026-01-02-secret.md": post("title: Work in progress\ndraft: true"),
  });
  ctx.output = "";
  // A port of its own per run; the dev server takes the next free one if it is busy.
  const port = 20000 + Math.floor(Math.random() * 20000);
  ctx.child = spawn(process.execPath, [CLI, "dev", "--port", String(port)], { cwd: ctx.dir, env: { ...process.env, CAPSULE_URL: "" } });
  ctx.child.stdout!.setEncoding("utf8").on("data", (d: string) => (ctx.output += d));
  ctx.child.stderr!.setEncoding("utf8").on("data", (d: string) => (ctx.output += d));
  ctx.url = await waitFor("the printed URL", () => /being served at (http:\/\/localhost:\d+\/)/.exec(ctx.output)?.[1]);
});

Dev.after((ctx) => {
  ctx.child?.kill("SIGTERM");
  if (ctx.dir) removeCapsule(ctx.dir);
});

Dev("prints its URL and serves the capsule with drafts marked", async ({ url }) => {
  const home = await fetchText(url);
  assert.is(home.status, 200);
  assert.match(home.text, "Public post");
  assert.match(home.text, "Work in progress");
  const draft = await fetchText(`${url}posts/secret/`);
  assert.is(draft.status, 200);
  assert.match(draft.text, '<strong class="draft">Draft</strong>');
  const feed = await fetch(`${url}feed.xml`);
  assert.match(feed.headers.get("content-type") ?? "", "xml");
  assert.not.match(await feed.text(), "Work in progress", "drafts never reach the feed");
});

Dev("rebuilds after an edit", async ({ url, dir }) => {
  appendFileSync(join(dir, "content/posts/2026-01-01-public.md"), "\nA sentence added while the server runs.\n");
  await waitFor("the edited post", async () => ((await fetchText(`${url}posts/public/`)).text.includes("added while the server runs") ? true : undefined));
});

Dev.run();
