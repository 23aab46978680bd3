import { mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

export default mergeConfig(sharedTestConfig(import.meta.dirname, { testTimeout: 60_000 }), {
  test: { globalSetup: ["test/global-setup.ts"] },
});
