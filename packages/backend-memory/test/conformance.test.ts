import { describeBackend } from "@tasks/backend-conformance";
import { MemoryBackend, type MemoryMode } from "../src/index.js";

// Every mode runs the shared suite; tests a mode cannot pass are skipped by its capability flags.
for (const mode of ["worker", "dummy", "immediate"] as const satisfies readonly MemoryMode[]) {
  describeBackend(`memory (${mode})`, async () => {
    const backend = new MemoryBackend({ mode });
    return { backend, close: () => backend.close() };
  });
}
