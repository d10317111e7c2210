// The worker side of crawler/process-pool.ts: processes one fetched feed per message, in order.
import { parentPort } from "node:worker_threads";
import { Authenticator } from "./authenticate.ts";
import { processFeedBody, serializeError, type ProcessInput } from "./process.ts";

// Verifier caches for the feeds this worker owns; bounded so a follow list of 100,000 feeds stays small.
const authenticator = new Authenticator(5_000);

parentPort?.on("message", ({ id, input }: { id: number; input: ProcessInput }) => {
  try {
    parentPort!.postMessage({ id, output: processFeedBody(input, authenticator) });
  } catch (error) {
    parentPort!.postMessage({ id, error: serializeError(error) });
  }
});
