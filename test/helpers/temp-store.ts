import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store, type StoreOptions } from "../../crawler/store.ts";

/** A real LMDB store in a fresh temp folder; `dispose` closes it and removes the folder. */
export function openTempStore(options: StoreOptions = {}): { store: Store; path: string; reopen(): Store; dispose(): Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), "capsule-store-"));
  const handle = {
    store: openStore(path, options),
    path,
    reopen(): Store {
      handle.store = openStore(path, options);
      return handle.store;
    },
    async dispose(): Promise<void> {
      await handle.store.close().catch(() => undefined);
      rmSync(path, { recursive: true, force: true });
    },
  };
  return handle;
}
