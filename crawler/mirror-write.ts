/**
 * Writing a creator's mirror all at once: files go into a temp sibling folder that is then swapped in, so a
 * reader (a static server, a deploy that copies the folder) sees the old pages or the new ones, never a mix.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

// Writes in flight at once: enough to keep the disk busy, few enough never to run out of file descriptors.
const WRITE_CONCURRENCY = 32;

/**
 * Writes `files` into a temp sibling of `target`, then swaps it in. POSIX rename cannot replace a non-empty
 * folder and Node offers no RENAME_EXCHANGE, so the old folder is renamed aside first: between the two
 * renames the path is briefly missing, but it never holds a mix of old and new pages.
 */
export async function replaceFolder(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const parent = dirname(target);
  const name = target.slice(parent.length + 1);
  const temp = join(parent, `.${name}.${tag}.tmp`);
  const old = join(parent, `.${name}.${tag}.old`);
  try {
    await mkdir(temp, { recursive: true });
    const folders = new Set([...files.keys()].map((path) => dirname(path)).filter((folder) => folder !== "."));
    await runLimited([...folders], (folder) => mkdir(join(temp, folder), { recursive: true }));
    await runLimited([...files], ([path, content]) => writeFile(join(temp, path), content));
    const hadOld = await rename(target, old).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    });
    try {
      await rename(temp, target);
    } catch (error) {
      if (hadOld) await rename(old, target).catch(() => undefined);
      throw error;
    }
    // The new pages are in place; a set-aside folder that will not go is removed by the next run.
    if (hadOld) await rm(old, { recursive: true, force: true }).catch(() => undefined);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Removes temp and set-aside folders (`.<id>.<pid>-<hex>.tmp|old`) and index temp files a crashed run left in `outDir`. */
export async function removeLeftovers(outDir: string): Promise<void> {
  const names = await readdir(outDir);
  await Promise.all(names.filter((name) => /^\..+\.\d+-[0-9a-f]{8}\.(?:tmp|old)$/.test(name) || /^index\.(?:html|json)\.\d+-[0-9a-f]{8}\.tmp$/.test(name))
    .map((name) => rm(join(outDir, name), { recursive: true, force: true })));
}

async function runLimited<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
}

/** Replaces one file through a temp file and a rename, so it is never read half-written. */
export async function replaceFile(target: string, content: string): Promise<void> {
  const temp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, content);
  await rename(temp, target).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
}
