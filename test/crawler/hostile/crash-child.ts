/**
 * TEST ONLY: the process crash.test.ts kills. Usage: `node --import tsx crash-child.ts <data dir> <origin> <feeds>`.
 *
 * It loads everything, prints `READY`, and waits for a line `go` on stdin (so the parent can start the next
 * one while this one runs). Then it opens the store, follows `<origin>/feed/<n>.xml` for n < feeds, and
 * refreshes them round and round through the real pipeline (crawler/refresh.ts). After each refresh that
 * committed, it prints `ACK <feed id> <key> <key>…`: every entry key the store holds for that feed at that
 * moment. Whatever an ACK names must survive a SIGKILL at any later moment.
 */
import { createInterface } from "node:readline";
import { Authenticator } from "../../../crawler/authenticate.ts";
import { buildUserAgent, createFetchAgent } from "../../../crawler/fetch.ts";
import { refreshFeed, type RefreshContext } from "../../../crawler/refresh.ts";
import { openStore } from "../../../crawler/store.ts";

const [dataDir, origin, feedsText] = process.argv.slice(2);
if (!dataDir || !origin || !feedsText) throw new Error("usage: crash-child.ts <data dir> <origin> <feeds>");

process.stdout.write("READY\n");
await new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "go") {
      lines.close();
      resolve();
    }
  });
});

const store = openStore(dataDir);
const context: RefreshContext = {
  store,
  authenticator: new Authenticator(),
  fetch: { userAgent: buildUserAgent({ version: "crash-test" }), allowPrivateAddresses: true, agent: createFetchAgent(), timeouts: { connect: 2000, total: 5000 } },
  limits: { minInterval: 1, maxInterval: 60, maxBackoff: 60 },
};
const ids: string[] = [];
for (let n = 0; n < Number(feedsText); n++) {
  const url = `${origin}/feed/${n}.xml`;
  ids.push((store.findFeed(url) ?? (await store.addFeed(url))).id);
}
process.stdout.write("OPEN\n");

// Eight refreshes at a time, round and round, until the parent kills this process.
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  for (;;) {
    const id = ids[next++ % ids.length]!;
    const result = await refreshFeed(id, context);
    if (result.outcome === "error") process.stdout.write(`ERR ${id} ${result.error?.message ?? ""}\n`);
    else process.stdout.write(`ACK ${id} ${store.listEntries(id).map((entry) => entry.key).join(" ")}\n`);
  }
}));
