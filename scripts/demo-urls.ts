/**
 * The addresses the demo tells the viewer to open, each checked before it is printed, so a line that says
 * "open this" never leads to an error page without saying so.
 */
import type { DemoMesh, MeshCapsule } from "./demo-mesh.ts";

/** One address to open. */
export interface MeshUrl {
  readonly capsule: MeshCapsule;
  /** `home`, `mirror`, `mirrors`, `crawler`, `discover`. */
  readonly label: string;
  readonly url: string;
  readonly note: string;
  /** The HTTP status it answered with, or the error's code when nothing answered. */
  readonly status: number | string;
}

/** Fetches a URL once and says how it answered: the HTTP status, or the error code when nothing did. */
export async function probeUrl(url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).name;
  }
}

/** Every capsule's home, one mirror page, its mirrors index, its crawler's status and (when served) discovery. */
export async function collectMeshUrls(mesh: DemoMesh): Promise<MeshUrl[]> {
  const wanted: Omit<MeshUrl, "status">[] = [];
  const optional: Omit<MeshUrl, "status">[] = [];
  for (const capsule of mesh.capsules) {
    if (capsule.down) continue;
    const first = capsule.creator.name.split(" ")[0]!;
    wanted.push({ capsule, label: "home", url: capsule.url, note: "" });
    const followed = capsule.follows.find((f) => mesh.mirrorUrlOf(capsule, f));
    if (followed) {
      wanted.push({ capsule, label: "mirror", url: mesh.mirrorUrlOf(capsule, followed)!, note: `${followed.creator.name}'s posts, as ${first}'s site keeps them` });
    }
    wanted.push({ capsule, label: "mirrors", url: `${capsule.url}mirror/`, note: "" });
    if (capsule.daemon) {
      wanted.push({ capsule, label: "crawler", url: `${capsule.daemon.url}status.json`, note: "" });
      optional.push({ capsule, label: "discover", url: `${capsule.daemon.url}discover`, note: `whom the people ${first} follows follow` });
    }
  }
  const probe = async (entry: Omit<MeshUrl, "status">) => ({ ...entry, status: await probeUrl(entry.url) });
  const [found, extra] = await Promise.all([Promise.all(wanted.map(probe)), Promise.all(optional.map(probe))]);
  // Discovery is a newer part of the crawler: offered only where a daemon serves it.
  const all = [...found, ...extra.filter((entry) => entry.status === 200)];
  const order = (entry: MeshUrl) => mesh.capsules.indexOf(entry.capsule);
  return all.sort((a, b) => order(a) - order(b));
}

/** The URL table: one block per capsule, a line per address, marked when it did not answer 200. */
export function formatMeshUrls(mesh: DemoMesh, urls: readonly MeshUrl[]): string[] {
  const lines: string[] = [];
  for (const capsule of mesh.capsules) {
    const mine = urls.filter((entry) => entry.capsule === capsule);
    if (mine.length === 0) continue;
    lines.push(`${capsule.creator.name} (${capsule.creator.slug}), follows ${capsule.follows.map((f) => f.creator.name).join(", ")}`);
    for (const entry of mine) {
      const problem = entry.status === 200 ? "" : `  [answered ${entry.status}]`;
      lines.push(`  ${entry.label.padEnd(10)}${entry.url}${entry.note ? `  (${entry.note})` : ""}${problem}`);
    }
    lines.push("");
  }
  if (!urls.some((entry) => entry.label === "discover")) lines.push("Discovery suggestions: these crawlers do not serve /discover yet.", "");
  return lines;
}
