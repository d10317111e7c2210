// Worker entry of crawler/process-pool.ts. Workers do not inherit the main thread's TypeScript loader, so
// this plain module registers tsx first, then loads the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./process-worker.ts");
