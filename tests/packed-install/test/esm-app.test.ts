/**
 * A fresh ES-module application (package.json "type": "module") outside the workspace,
 * with the packed tarballs installed by npm and the root README's quick-start files
 * written as shown there. The README's pnpm commands run here (pnpm in an npm-installed app).
 */
import { describe, expect, it } from "vitest";
import { typecheckApp } from "../src/app-typecheck.js";
import { explain } from "../src/exec.js";
import { quickStartFiles } from "../src/readme-files.js";
import { describeFreshApp } from "./helpers/app-suite.js";

describe("an ESM application", () => {
  const { app } = describeFreshApp("esm", () => quickStartFiles().files, { pnpm: true });

  it("type-checks the README's files against the published declarations (strict, noUncheckedIndexedAccess)", async () => {
    const result = await typecheckApp(app().dir);
    expect(result.exitCode, explain(result)).toBe(0);
  });
});
