import { defineConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared.js";
import { PASSING_TODAY } from "./src/expectations.js";

const base = sharedTestConfig(import.meta.dirname, { testTimeout: 300_000, hookTimeout: 120_000 });

// CHAOS_ALL=1 (the test:all script) runs the scenarios expected to fail today as well.
const include = process.env.CHAOS_ALL === "1" ? ["test/**/*.test.ts"] : PASSING_TODAY.map((name) => `test/${name}.test.ts`);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include,
    // One scenario at a time: each drives several worker processes on a 2-core machine.
    fileParallelism: false,
    globalSetup: ["./test/setup/cluster.ts"],
  },
});
