import { describeWorkerBehaviour } from "@tasks/backend-conformance/worker";
import { sqliteBackend } from "../src/sqlite/index.js";
import { migratedFile, tempDir } from "./sqlite-helpers.js";

describeWorkerBehaviour("sqlite", async () => {
  const dir = tempDir();
  const backend = sqliteBackend({ path: await migratedFile(dir) });
  return {
    backend,
    close: async () => {
      await backend.close();
      dir.remove();
    },
  };
});
