// The worker side of crawler/process-pool.ts: processes one fetched feed per message, in order.
import { parentPort } from "node:worker_threads";
import { Authenticator } from "./authenticate.ts";
import { processFeedBody, serializeError, type ProcessInput } from "./process.ts";

const authenticator = new Authenticator();

parentPort?.on("message", ({ id, input }: { id: number; input: ProcessInput }) => {
  try {
    parentPort!.postMessage({ id, output: processFeedBody(input, authenticator) });
  } catch (error) {
    parentPort!.postMessage({ id, error: serializeError(error) });
  }
});
