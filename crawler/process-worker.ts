// The worker side of crawler/process-pool.ts: processes one fetched feed per message, in order.
import { parentPort } from "node:worker_threads";
import { Authenticator } from "./authenticate.ts";
import { packEntries } from "./entry-codec.ts";
import { processFeedBody, serializeError, type ProcessInput } from "./process.ts";

// Verifier caches for the feeds this worker owns; bounded so a follow list of 100,000 feeds stays small.
const authenticator = new Authenticator(5_000);

parentPort?.on("message", ({ id, input }: { id: number; input: ProcessInput }) => {
  try {
    const output = processFeedBody(input, authenticator);
    // Encoded here, for the store, and transferred: the main thread neither copies nor re-encodes them.
    const { entries, buffer } = packEntries(output.entries);
    parentPort!.postMessage({ id, output: { ...output, entries } }, [buffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: serializeError(error) });
  }
});
