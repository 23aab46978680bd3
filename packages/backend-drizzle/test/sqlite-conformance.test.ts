import { describeBackend } from "@tasks/backend-conformance";
import { sqliteBackend } from "../src/sqlite/index.js";
import { migratedFile, tempDir } from "./sqlite-helpers.js";

describeBackend("sqlite", async () => {
  const dir = tempDir();
  const file = await migratedFile(dir);
  const backend = sqliteBackend({ path: file });
  return {
    backend,
    // Another connection on the same file, as another process would open it.
    openAnother: async () => sqliteBackend({ path: file }),
    close: async () => {
      await backend.close();
      dir.remove();
    },
  };
});
