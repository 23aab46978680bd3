import { describeWorkerBehaviour } from "@tasks/backend-conformance/worker";
import { memoryBackend } from "../src/index.js";

describeWorkerBehaviour("memory", async () => {
  const backend = memoryBackend();
  return { backend, close: () => backend.close() };
});
