import { mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

// Packing builds four packages and each app installs from the registry: minutes, not seconds.
export default mergeConfig(sharedTestConfig(import.meta.dirname, { testTimeout: 180_000, hookTimeout: 300_000 }), {
  test: { globalSetup: ["test/global-setup.ts"] },
});
