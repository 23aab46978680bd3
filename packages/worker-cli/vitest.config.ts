import { mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";

// The binaries run from src/ in this repository (bin/launch.mjs), so the tests need no build.
export default mergeConfig(sharedTestConfig(import.meta.dirname, { testTimeout: 60_000 }), {});
