/**
 * A fresh CommonJS application (package.json without "type") outside the workspace: the
 * README's tasks.config.ts and task module as shown there, its two scripts without
 * top-level await, and a plain require() of every entry point.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explain } from "../src/exec.js";
import { quickStartFiles } from "../src/readme-files.js";
import { describeFreshApp, expectOk } from "./helpers/app-suite.js";

function cjsFiles(): Record<string, string> {
  const { files } = quickStartFiles();
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/cjs/${name}`, import.meta.url), "utf8");
  return {
    "tasks.config.ts": files["tasks.config.ts"]!,
    "src/tasks.ts": files["src/tasks.ts"]!,
    "src/enqueue.ts": fixture("enqueue.ts"),
    "src/report.ts": fixture("report.ts"),
    "require-check.js": fixture("require-check.js"),
  };
}

describe("a CommonJS application", () => {
  const { app } = describeFreshApp("cjs", cjsFiles, { pnpm: false });

  it("require()s every published entry point on this Node, sharing one @tasks/core", async () => {
    const result = expectOk(await app().run(process.execPath, ["require-check.js"]));
    expect(result.stdout, explain(result)).toContain("one @tasks/core: true");
    expect(result.stderr, explain(result)).not.toMatch(/ExperimentalWarning|ERR_/);
  });
});
