import { defineConfig } from "vitest/config";

/**
 * Test settings every package shares. When TASKS_TEST_REPORT_DIR is set (by .ci/run), each
 * package also writes vitest's JSON report there, named after the package folder, so CI can
 * print one "tests: N passed, M failed" line for the whole repository.
 */
export function sharedTestConfig(packageDir: string, overrides: { testTimeout?: number; hookTimeout?: number; passWithNoTests?: boolean } = {}) {
  const reportDir = process.env.TASKS_TEST_REPORT_DIR;
  const name = packageDir.split(/[\\/]/).filter(Boolean).slice(-2).join("-");
  return defineConfig({
    test: {
      include: ["test/**/*.test.ts"],
      passWithNoTests: overrides.passWithNoTests ?? false,
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: overrides.hookTimeout ?? 60_000,
      typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
      reporters: reportDir ? ["default", ["json", { outputFile: `${reportDir}/${name}.json` }]] : ["default"],
    },
  });
}
